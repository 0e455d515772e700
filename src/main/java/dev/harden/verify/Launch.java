package dev.harden.verify;

import java.util.List;

/**
 * How one variant is started: the container's options, or the reason the kubelet would refuse to
 * create it at all (runAsNonRoot with a root user), which counts as a start that failed.
 *
 * @param spec the options, or null when refused
 * @param refusal what the kubelet would say, or null
 */
record Launch(ContainerSpec spec, String refusal) {
    Launch {
        if ((spec == null) == (refusal == null)) {
            throw new IllegalArgumentException("a launch has options or a refusal, not both or neither: " + spec + ", " + refusal);
        }
    }

    static Launch of(ContainerSpec spec) {
        return new Launch(spec, null);
    }

    static Launch refused(String refusal) {
        return new Launch(null, refusal);
    }

    /** The refusal as the failed start it stands for. */
    Trial refusedTrial() {
        return new Trial(Trial.Level.START_FAILED, "the kubelet refuses to start it: " + refusal, List.of(refusal));
    }
}
