package dev.harden.cli;

import dev.harden.verify.VerifySession;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads {@code --env} and {@code --allow-host-access} ({@link CommandModel#verifyOptions}) into verify's settings. */
final class VerifyOptions {
    private VerifyOptions() {
    }

    static VerifySession.Settings settings(CommandModel model, VerifySession.Settings base) {
        return base.with(env(model.values("--env")), model.flag("--allow-host-access"));
    }

    /** {@code --env} and {@code --allow-host-access} only mean something to a command that verifies. */
    static void requireVerify(CommandModel model, boolean verify) {
        if (!verify && (!model.values("--env").isEmpty() || model.flag("--allow-host-access"))) {
            throw new UserException("--env and --allow-host-access apply to --verify: add --verify or leave them out");
        }
    }

    /** {@code NAME=VALUE} pairs; a message never repeats a value, which may be a secret. */
    static Map<String, String> env(List<String> given) {
        Map<String, String> env = new LinkedHashMap<>();
        for (String pair : given) {
            int eq = pair.indexOf('=');
            String name = eq < 0 ? pair : pair.substring(0, eq);
            if (!name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                throw new UserException("--env needs NAME=VALUE with NAME made of letters, digits and _, such as --env DB_PASSWORD=...");
            }
            if (eq < 0) {
                throw new UserException("--env " + name + " has no value: give " + name
                        + "=VALUE (verify never reads harden's own environment)");
            }
            env.put(name, pair.substring(eq + 1));
        }
        return env;
    }

    /**
     * Prints each refusal on one line with what happened and how to start it anyway; the command
     * then exits 2.
     */
    static int refused(List<String> problems, String consequence, PrintWriter err) {
        for (String p : problems) {
            err.println("harden: " + p + "; " + consequence + " (--allow-host-access starts it anyway)");
        }
        err.flush();
        return HardenCommand.BAD_INPUT;
    }
}
