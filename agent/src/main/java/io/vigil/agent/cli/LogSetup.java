package io.vigil.agent.cli;

/**
 * Chooses the logback configuration before the first logger exists: JSON on stderr by default,
 * plain text with {@code --log-format text}, and the level with {@code --log-level}.
 */
final class LogSetup {
    private LogSetup() {}

    static void fromArgs(String[] args) {
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String format = value(args, i, "--log-format");
            if (format != null && format.equals("text") && System.getProperty("logback.configurationFile") == null) {
                System.setProperty("logback.configurationFile", "logback-text.xml");
            }
            String level = value(args, i, "--log-level");
            if (level != null) {
                System.setProperty("vigil.log.level", level.toUpperCase());
            }
        }
    }

    private static String value(String[] args, int i, String name) {
        if (args[i].startsWith(name + "=")) {
            return args[i].substring(name.length() + 1);
        }
        if (args[i].equals(name) && i + 1 < args.length) {
            return args[i + 1];
        }
        return null;
    }
}
