package io.vigil.agent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.agent.control.ControlClient;
import io.vigil.policy.PolicyValidation;
import io.vigil.policy.ValidationReport;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code vigil policy ...}: validate files offline; list and change the running agent's policies. */
@Command(name = "policy", mixinStandardHelpOptions = true,
        description = {"Tracing policies (Tetragon's cilium.io/v1alpha1 TracingPolicy format).",
                "validate works offline; list, add, delete and set-mode act on the running agent through its "
                        + "control socket (root only) and exit 1 when no agent runs or it refuses.",
                "The agent also runs the files of its --policy-dir (see `vigil run --help`). `add` does not write "
                        + "into that directory: what it adds lives until deleted or the agent stops. A name runs "
                        + "from one place: `add` cannot take a name a directory file provides (edit the file), and "
                        + "a directory file cannot take a name `add` loaded (it is rejected until that policy is "
                        + "deleted and the file changes). `delete` of a "
                        + "directory policy lasts until its file changes; `set-mode` lasts until the agent stops, "
                        + "over changes of the file."},
        subcommands = {PolicyCommand.Validate.class, PolicyCommand.ListCmd.class, PolicyCommand.Add.class,
                PolicyCommand.Delete.class, PolicyCommand.SetMode.class})
public final class PolicyCommand implements Runnable {
    @Override
    public void run() {
        System.err.println("vigil policy: give a subcommand: validate, list, add, delete, set-mode (see --help)");
    }

    @Command(name = "validate", mixinStandardHelpOptions = true,
            description = "Check policy files (or directories of them) without loading anything: every error as "
                    + "file:line:column, what is wrong and what is allowed. Exits 1 when a file has an error.")
    static final class Validate implements Callable<Integer> {
        @Parameters(arity = "1..*", paramLabel = "FILE", description = "policy files, or directories of *.yaml/*.yml")
        List<Path> files;

        @Override
        public Integer call() {
            ValidationReport r = PolicyValidation.validate(files);
            r.lines().forEach(System.out::println);
            return r.exitCode();
        }
    }

    /** Options and the round trip shared by the commands that talk to the agent. */
    abstract static class Remote implements Callable<Integer> {
        static final ObjectMapper JSON = new ObjectMapper();

        @Option(names = "--socket", description = "control socket of the agent (default: ${DEFAULT-VALUE})")
        Path socket = Path.of(VigilCli.DEFAULT_SOCKET);

        abstract ObjectNode request();

        abstract void print(JsonNode answer);

        @Override
        public Integer call() {
            JsonNode answer;
            try {
                answer = ControlClient.call(socket, request());
            } catch (IOException e) {
                System.err.println("vigil: no agent running (nothing answers on " + socket + ": " + e.getMessage() + ")");
                return 1;
            }
            if (answer.has("error")) {
                System.err.println(answer.get("error").asText());
                return 1;
            }
            print(answer);
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "The running agent's policies.")
    static final class ListCmd extends Remote {
        @Option(names = "--json", description = "print the agent's answer as JSON")
        boolean json;

        @Override
        ObjectNode request() {
            return JSON.createObjectNode().put("cmd", "policy-list");
        }

        @Override
        void print(JsonNode a) {
            if (json) {
                System.out.println(a.toPrettyString());
                return;
            }
            System.out.printf("%-28s %-8s %-13s %-9s %5s  %s%n", "NAME", "MODE", "STATE", "ORIGIN", "HOOKS", "FILE");
            for (JsonNode p : a.path("policies")) {
                String name = p.path("name").asText();
                System.out.printf("%-28s %-8s %-13s %-9s %5d  %s%n", name.isEmpty() ? "-" : name,
                        name.isEmpty() ? "-" : p.path("mode").asText(), p.path("state").asText(),
                        p.path("origin").asText(), p.path("hooks").asInt(), p.path("file").asText());
                if (p.hasNonNull("error")) {
                    System.out.println("  error: " + p.get("error").asText().replace("\n", "\n         "));
                }
            }
        }
    }

    @Command(name = "add", mixinStandardHelpOptions = true,
            description = "Load a policy file into the running agent: it parses and installs it, all of the file or "
                    + "nothing; errors come back as file:line:column. Replaces a policy of the same name that `add` "
                    + "loaded before. The file is not copied into the watched --policy-dir.")
    static final class Add extends Remote {
        @Parameters(paramLabel = "FILE")
        Path file;

        @Override
        ObjectNode request() {
            return JSON.createObjectNode().put("cmd", "policy-add").put("file", file.toAbsolutePath().toString());
        }

        @Override
        void print(JsonNode a) {
            System.out.println("added " + a.path("file").asText());
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true,
            description = "Stop a running policy. One from --policy-dir comes back when its file changes.")
    static final class Delete extends Remote {
        @Parameters(paramLabel = "NAME")
        String name;

        @Override
        ObjectNode request() {
            return JSON.createObjectNode().put("cmd", "policy-delete").put("name", name);
        }

        @Override
        void print(JsonNode a) {
            System.out.println("deleted " + name);
        }
    }

    @Command(name = "set-mode", mixinStandardHelpOptions = true,
            description = "Switch a running policy between enforce (its actions act) and monitor (they are only "
                    + "reported). The new mode is installed before the old one is taken out.")
    static final class SetMode extends Remote {
        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Parameters(index = "1", paramLabel = "MODE", description = "enforce or monitor")
        String mode;

        @Override
        ObjectNode request() {
            return JSON.createObjectNode().put("cmd", "policy-set-mode").put("name", name).put("mode", mode);
        }

        @Override
        void print(JsonNode a) {
            System.out.println(name + ": " + mode);
        }
    }
}
