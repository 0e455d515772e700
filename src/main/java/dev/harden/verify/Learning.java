package dev.harden.verify;

import dev.harden.image.ImageFacts;
import java.util.List;

/**
 * What {@link Learner} found for one service.
 *
 * @param facts evidence {@code learned} with its provenance in the sources, or null when the original itself does not run
 * @param attempts every start, the reference first, in the order they ran
 * @param reference how the service as written did
 */
record Learning(ImageFacts facts, List<Attempt> attempts, Trial reference) {
    Learning {
        attempts = List.copyOf(attempts);
    }
}
