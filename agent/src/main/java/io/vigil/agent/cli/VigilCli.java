package io.vigil.agent.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** `vigil`: the agent and its command line. */
@Command(name = "vigil", mixinStandardHelpOptions = true, versionProvider = VersionCommand.Provider.class,
        description = "Runtime security and enforcement agent for Linux (eBPF).",
        subcommands = {RunCommand.class, StatusCommand.class, PolicyCommand.class, ProbeCommand.class, CleanupCommand.class, VersionCommand.class,
                CommandLine.HelpCommand.class})
public final class VigilCli implements Runnable {
    public static final String DEFAULT_SOCKET = "/run/vigil/vigil.sock";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        LogSetup.fromArgs(args);
        int code = new CommandLine(new VigilCli()).execute(args);
        System.exit(code);
    }
}
