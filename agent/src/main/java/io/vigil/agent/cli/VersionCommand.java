package io.vigil.agent.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

@Command(name = "version", mixinStandardHelpOptions = true, description = "Print the version of Vigil.")
public final class VersionCommand implements Runnable {
    @Override
    public void run() {
        System.out.println("vigil " + version());
    }

    static String version() {
        String v = VigilCli.class.getPackage().getImplementationVersion();
        return v == null ? "development build" : v;
    }

    public static final class Provider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"vigil " + version()};
        }
    }
}
