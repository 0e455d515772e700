package dev.harden.cli;

import dev.harden.image.ImageRef;
import dev.harden.verify.ServiceResult;
import dev.harden.verify.VerifySession;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/** The options of every command that starts containers (verify, fix --verify, pr --verify), and verify's settings from them. */
final class VerifyOptions {
    /** The engine: {@code fix} and {@code pr} describe it as the engine for {@code --verify}, {@code verify} as its socket. */
    static final Option<String> DOCKER_HOST = Option.text("unix:///PATH",
            "The engine for --verify (default: DOCKER_HOST, else unix:///var/run/docker.sock).", "--docker-host");
    static final Option<List<String>> ENV = Option.repeatable("NAME=VALUE",
            "A variable for $${VAR} in Compose files and for environment entries without a value"
                    + " (repeatable); it wins over the .env beside the file. harden's own environment is never used.", "--env");
    static final Option<Boolean> ALLOW_HOST_ACCESS = Option.flag(
            "Also start services that are privileged, share a host namespace, get devices or capabilities beyond"
                    + " Docker's defaults, or mount the engine's socket or host paths outside the project folder"
                    + " (refused otherwise, with exit 2).", "--allow-host-access");

    static final Option<Boolean> NO_REPAIR = Option.flag(
            "When hardening stops a service, leave the changes that stopped it out at once, without first learning"
                    + " on the engine what would let it run hardened (fewer starts).", "--no-repair");

    private VerifyOptions() {
    }

    static VerifySession.Settings settings(CommandModel model, VerifySession.Settings base) {
        return base.with(env(model.get(ENV)), model.get(ALLOW_HOST_ACCESS)).withRepair(!model.get(NO_REPAIR));
    }

    /** {@code --env}, {@code --allow-host-access} and {@code --no-repair} only mean something to a command that verifies. */
    static void requireVerify(CommandModel model, boolean verify) {
        if (!verify && (!model.get(ENV).isEmpty() || model.get(ALLOW_HOST_ACCESS))) {
            throw new UserException("--env and --allow-host-access apply to --verify: add --verify or leave them out");
        }
        if (!verify && model.get(NO_REPAIR)) {
            throw new UserException("--no-repair applies to --verify: add --verify or leave it out");
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
     * Keeps the facts each repair rests on in the run's lock file ({@code .harden.lock}), by image
     * digest and for the image's tag, as {@code harden learn --lock} does: a later check or fix, with
     * or without --verify, then hardens the repaired services the same way. The caller writes the
     * lock file with its fix ({@code fix}) or commits it ({@code pr}); {@code say} gets one line each.
     */
    static void keepLearned(List<ServiceResult> results, Options options, Consumer<String> say) {
        for (ServiceResult r : results) {
            if (r.repair() == null) {
                continue;
            }
            Optional<ImageRef> ref = ImageRef.parse(r.image());
            String digest = r.repair().digest();
            if (ref.isEmpty() || digest == null || !digest.matches("sha256:[0-9a-f]{64}")) {
                say.accept(r.file() + ": " + r.service() + ": the facts verify learned are kept for this run only;"
                        + " record them with 'harden learn " + r.file() + ":" + r.service() + " --lock'");
                continue;
            }
            String image = ref.get().name() + ":" + ref.get().effectiveTag();
            options.pins.lock().putLearned(digest, image, r.repair().learned());
            say.accept(r.file() + ": " + r.service() + ": the facts verify learned for " + image + " go to the lock file,"
                    + " so later runs harden it the same way");
        }
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
