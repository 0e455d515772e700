package dev.harden.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Where harden's output goes, and so whether it may be coloured or show progress: colour only on a
 * terminal and never with {@code NO_COLOR} (https://no-color.org) or {@code TERM=dumb}; progress only
 * when standard error is a terminal and not in CI.
 *
 * @param stdoutTerminal whether standard output is a terminal
 * @param stderrTerminal whether standard error is a terminal
 * @param env the environment
 */
record Terminal(boolean stdoutTerminal, boolean stderrTerminal, Map<String, String> env) {

    /** This process's. */
    static Terminal current() {
        boolean console = System.console() != null;
        return new Terminal(isTerminal(1, console), isTerminal(2, console), System.getenv());
    }

    /** Whether text for standard output (or, with {@code toStderr}, standard error) may be coloured. */
    boolean colour(boolean noColorOption, boolean toStderr) {
        return !noColorOption && (toStderr ? stderrTerminal : stdoutTerminal) && !set("NO_COLOR")
                && !"dumb".equals(env.get("TERM"));
    }

    /** Whether a long run may show a progress line on standard error. */
    boolean progress(boolean quiet) {
        return !quiet && stderrTerminal && !ci() && !"dumb".equals(env.get("TERM"));
    }

    /** Whether this runs in CI: the {@code CI} variable most CI systems set, or Azure's and Jenkins's own. */
    boolean ci() {
        String ci = env.get("CI");
        return ci != null && !ci.isEmpty() && !ci.equalsIgnoreCase("false") && !ci.equals("0")
                || set("TF_BUILD") || set("JENKINS_URL");
    }

    /** The terminal's width from {@code COLUMNS}, else 80. */
    int width() {
        try {
            int columns = Integer.parseInt(env.getOrDefault("COLUMNS", "80").trim());
            return columns >= 20 ? columns : 80;
        } catch (NumberFormatException e) {
            return 80;
        }
    }

    private boolean set(String name) {
        String value = env.get(name);
        return value != null && !value.isEmpty();
    }

    /**
     * Whether a file descriptor is a terminal: on Linux, where /proc says what it is; elsewhere
     * Java only knows whether standard input and output both are ({@link System#console()}).
     */
    private static boolean isTerminal(int fd, boolean console) {
        Path link = Path.of("/proc/self/fd/" + fd);
        try {
            String target = Files.readSymbolicLink(link).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty") || target.equals("/dev/console");
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return console;
        }
    }
}
