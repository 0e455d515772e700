package dev.harden.rule;

import dev.harden.image.ImageRef;
import dev.harden.image.Pins;
import dev.harden.yaml.Node;
import dev.harden.yaml.Scalar;
import java.util.List;
import java.util.Locale;

/**
 * The image-tag-pinned rule for a Compose service or a Kubernetes container alike: reports floating
 * tags and, as far as the profile's {@code pin} mode (or {@code --pin}) goes, replaces them with the
 * version tag that shares their digest, or pins the digest, from the lock file or the registry.
 */
final class ImageTagPinned {
    private ImageTagPinned() {
    }

    /**
     * @param at the image's node
     * @param written the image as written, variables and all
     * @param builtHere whether the image is built from the manifest (Compose {@code build:}), so no registry has it
     */
    static void check(Check c, Pins pins, Node at, String subject, String written, ImageRef ref, boolean builtHere) {
        boolean floating = ref.tag() == null
                || c.setting().params().get("floating") instanceof List<?> tags && tags.contains(ref.tag().toLowerCase(Locale.ROOT));
        Pins.Mode mode = pins.mode(Pins.Mode.parse(String.valueOf(c.setting().params().getOrDefault("pin", "report")))
                .orElse(Pins.Mode.REPORT));
        String problem = ref.tag() == null ? "image " + ref.text() + " has no tag, so it floats on 'latest'"
                : floating ? "image " + ref.text() + " uses the floating tag '" + ref.tag() + "'"
                : "image " + ref.text() + " is not pinned to a digest";
        if (ref.digest() != null) {
            if (mode != Pins.Mode.REPORT && pins.refresh() && ref.tag() != null && !builtHere && !written.contains("$")) {
                refresh(c, pins, at, subject, ref);
            }
            return;
        }
        if (mode == Pins.Mode.REPORT || builtHere) {
            if (floating) {
                c.report(at, subject, problem + "; pin a version"
                        + (mode != Pins.Mode.REPORT ? " (not pinned: built here from build:, no registry has it)" : ""), false);
            }
            return;
        }
        if (mode == Pins.Mode.TAG && !floating) {
            return;
        }
        if (written.contains("$") || !(at instanceof Scalar image)) {
            c.report(at, subject, problem + (floating ? "; pin a version" : "; pin a digest")
                    + " where the variable is set (harden does not rewrite interpolated text)", false);
            return;
        }
        Pins.Result result = pins.resolve(ref, floating);
        if (result instanceof Pins.Unresolved u) {
            c.report(at, subject, problem + (floating ? "; pin a version" : "; pin a digest") + " (not pinned: "
                    + u.reason() + ")", false);
            return;
        }
        Pins.Pinned pin = (Pins.Pinned) result;
        if (mode == Pins.Mode.TAG) {
            if (pin.versionTag() == null) {
                c.report(at, subject, problem + "; no version tag shares its digest " + shortDigest(pin.digest())
                        + " (" + pin.source() + "): pin a version by hand", false);
                return;
            }
            String text = Pins.written(ref, pin.versionTag(), null);
            c.fix(at, subject, problem + "; pin a version", () -> {
                c.editor().set(image, Scalar.string(text));
                return "pinned image " + ref.text() + " to " + text + ", the version its digest " + shortDigest(pin.digest())
                        + " carries (" + pin.source() + ")";
            });
            return;
        }
        String tag = pin.versionTag() != null ? pin.versionTag() : ref.tag();
        String text = Pins.written(ref, tag, pin.digest());
        c.fix(at, subject, problem + "; pin a digest", () -> {
            c.editor().set(image, Scalar.string(text));
            return "pinned image " + ref.text() + " to " + (tag == null ? "" : tag + "@") + shortDigest(pin.digest())
                    + (pin.versionTag() != null && floating ? ", the version its digest carries" : "") + " (" + pin.source() + ")";
        });
        if (floating && pin.versionTag() == null) {
            c.report(at, subject, "image " + ref.text() + " is pinned to today's digest, but no version tag shares it:"
                    + " pin a version by hand", false);
        }
    }

    /** With {@code --refresh-pins}: a digest written under a tag that has moved since gets the tag's new digest. */
    private static void refresh(Check c, Pins pins, Node at, String subject, ImageRef ref) {
        if (!(at instanceof Scalar image)) {
            return;
        }
        Pins.Result result = pins.resolve(ref, false);
        if (result instanceof Pins.Unresolved u) {
            c.report(at, subject, "image " + ref.text() + " not refreshed: " + u.reason(), false);
            return;
        }
        Pins.Pinned pin = (Pins.Pinned) result;
        if (pin.digest().equals(ref.digest())) {
            return;
        }
        String text = Pins.written(ref, ref.tag(), pin.digest());
        c.fix(at, subject, "image " + ref.text() + ": tag '" + ref.tag() + "' has moved to " + shortDigest(pin.digest()), () -> {
            c.editor().set(image, Scalar.string(text));
            return "refreshed image " + ref.repository() + ":" + ref.tag() + " from " + shortDigest(ref.digest()) + " to "
                    + shortDigest(pin.digest()) + " (" + pin.source() + ")";
        });
    }

    /** {@code sha256:0123456789ab}: enough to recognise a digest in a message; the file gets the whole. */
    static String shortDigest(String digest) {
        int colon = digest.indexOf(':');
        return digest.substring(0, Math.min(digest.length(), colon + 13));
    }
}
