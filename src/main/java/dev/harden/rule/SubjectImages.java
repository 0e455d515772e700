package dev.harden.rule;

import dev.harden.image.ImageFacts;
import dev.harden.image.ImageKnowledge;
import dev.harden.image.ImageRef;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What harden knows of the images of one file's subjects, looked up once per image reference for
 * Compose services and containers alike; a reference a rule rewrites (a pin) is looked up anew.
 */
final class SubjectImages {
    private final ImageKnowledge images;
    private final Map<String, ImageFacts> known = new HashMap<>();

    SubjectImages(ImageKnowledge images) {
        this.images = images;
    }

    /** What harden knows of an image; {@link ImageFacts#unknown} when nothing, or when there is no reference. */
    ImageFacts facts(Optional<ImageRef> ref) {
        return known.computeIfAbsent(ref.map(ImageRef::text).orElse(""), text -> ref.flatMap(images::lookup)
                .orElseGet(() -> ImageFacts.unknown(ref.map(ImageRef::name).orElse(""))));
    }
}
