package dev.harden.verify;

import dev.harden.engine.Hardened;
import java.util.List;

/**
 * What verify made of a run's files, the same for {@code harden verify}, {@code fix --verify} and
 * {@code pr --verify}; nothing of it may be written unless it {@link Ending#FINISHED finished}.
 *
 * @param files the files given, each with its report: for a fix, without the changes that stopped a service
 * @param results what verify found, per service or container
 * @param leftOut the changes left out because they stopped a service from starting
 * @param ending whether verify went through every file, and if not, why
 * @param refused when host access stopped it, what was refused, one line each
 */
public record Verification(List<Hardened> files, List<ServiceResult> results, List<LeftOut> leftOut, Ending ending,
                           List<String> refused) {
    /** How a verify run ended. */
    public enum Ending {
        /** Every file was verified. */
        FINISHED,
        /** A variant asked for host access that was not allowed (one a check of the files could not foresee). */
        HOST_ACCESS_REFUSED,
        /** Ctrl-C, or the thread was interrupted: no start proves anything and the containers are removed. */
        INTERRUPTED
    }

    public Verification {
        files = List.copyOf(files);
        results = List.copyOf(results);
        leftOut = List.copyOf(leftOut);
        refused = List.copyOf(refused);
    }

    static Verification stopped(Ending ending, List<String> refused) {
        return new Verification(List.of(), List.of(), List.of(), ending, refused);
    }
}
