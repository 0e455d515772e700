package dev.harden.rule;

import dev.harden.image.ImageRef;
import dev.harden.profile.RuleSetting;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** What image-tag-pinned says, the same for Compose services and Kubernetes containers; the logic is {@link ImageRef#floating}. */
final class ImageTags {
    private ImageTags() {
    }

    /** The profile's tag words that always name a channel ({@code floating}), lower case. */
    static Set<String> moving(RuleSetting setting) {
        Set<String> words = new LinkedHashSet<>();
        if (setting.params().get("floating") instanceof List<?> l) {
            l.forEach(x -> words.add(String.valueOf(x).toLowerCase(Locale.ROOT)));
        }
        return words;
    }

    static String message(ImageRef ref, String why) {
        return "image " + ref.text() + " floats: " + why + "; pin a full version or a digest";
    }
}
