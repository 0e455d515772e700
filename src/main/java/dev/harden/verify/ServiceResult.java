package dev.harden.verify;

import dev.harden.image.ImageFacts;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * What verify found for one Compose service or one container of a Kubernetes workload.
 *
 * @param file the file as the user named it
 * @param service the service name, or {@code Kind/name/container} for Kubernetes
 * @param image the image reference, or null when the service has none
 * @param imageId the local image's id, or null when it was not found
 * @param outcome the verdict
 * @param reason one sentence saying why
 * @param changes the rules whose changes touched this service
 * @param culprits for {@link Outcome#BROKEN_BY_HARDENING}: the rules whose changes, reverted, let it run again
 * @param logLine the log line that tells what went wrong, or null
 * @param before the start of the original service, or null when none happened
 * @param after the start of the hardened service, or null when none happened; for {@link Outcome#REPAIRED} the repaired one
 * @param repair for {@link Outcome#REPAIRED}: what the repair took and the facts it rests on; else null
 */
public record ServiceResult(String file, String service, String image, String imageId, Outcome outcome, String reason,
                            List<String> changes, List<String> culprits, String logLine, Trial before, Trial after,
                            Repair repair) {
    /** The verdict on one service. */
    public enum Outcome {
        RUNS_BEFORE_AND_AFTER("runs before and after"),
        /** The first hardening stopped it; hardened again with facts learned from the original on the engine, it runs. */
        REPAIRED("repaired"),
        BROKEN_BY_HARDENING("broken by hardening"),
        BROKEN_BEFORE("broken before hardening"),
        CANNOT_TELL("cannot tell");

        private final String label;

        Outcome(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }

        /** The kebab-case id used in JSON. */
        public String id() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    public ServiceResult {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(reason, "reason");
        changes = List.copyOf(changes);
        culprits = List.copyOf(culprits);
        if ((outcome == Outcome.REPAIRED) != (repair != null)) {
            throw new IllegalArgumentException("a repair belongs to a repaired service and to no other: " + outcome + ", " + repair);
        }
    }

    /** A result that is not a repair. */
    public ServiceResult(String file, String service, String image, String imageId, Outcome outcome, String reason,
                         List<String> changes, List<String> culprits, String logLine, Trial before, Trial after) {
        this(file, service, image, imageId, outcome, reason, changes, culprits, logLine, before, after, null);
    }

    /**
     * What it took to keep a service hardened when the first hardening stopped it.
     *
     * @param steps how the repaired hardening differs from the first, a few words each:
     *              {@code kept cap_drop: [ALL]}, {@code added back CHOWN, SETUID}, {@code tmpfs /run/postgresql}
     * @param facts the facts it rests on: their source ({@code learned}) and provenance, in one line
     * @param learned those facts, for a caller to record (the lock file) so that later runs harden the same way
     * @param digest the image they were learned from (registry digest, else image id), or null when not known
     */
    public record Repair(List<String> steps, String facts, ImageFacts learned, String digest) {
        public Repair {
            steps = List.copyOf(steps);
            Objects.requireNonNull(facts, "facts");
            Objects.requireNonNull(learned, "learned");
        }

        /** The steps in one line, as reports show them. */
        public String summary() {
            return String.join("; ", steps);
        }
    }

    static ServiceResult cannotTell(String file, String service, String image, String reason, List<String> changes) {
        return new ServiceResult(file, service, image, null, Outcome.CANNOT_TELL, reason, changes, List.of(), null, null, null);
    }
}
