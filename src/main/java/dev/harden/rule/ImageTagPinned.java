package dev.harden.rule;

import dev.harden.image.ImageRef;
import dev.harden.image.Pins;
import dev.harden.manifest.Workload;
import dev.harden.profile.RuleSetting;
import dev.harden.yaml.Node;
import dev.harden.yaml.Scalar;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * image-tag-pinned, for a Compose service or a Kubernetes container alike: reports floating tags
 * and, as far as the profile's {@code pin} mode (or {@code --pin}) goes, replaces them with the
 * version tag that shares their digest, or pins the digest, from the lock file or the registry.
 * Whether a tag floats is {@link ImageRef#floating}.
 */
final class ImageTagPinned extends Rule<ImageTagPinned.Params>
        implements ComposeRule<ImageTagPinned.Params>, KubernetesRule<ImageTagPinned.Params> {

    /**
     * @param floating the tag words that always name a channel, lower case
     * @param pin how far the profile pins: report, tag or digest
     */
    record Params(Set<String> floating, Pins.Mode pin) { }

    ImageTagPinned() {
        super("image-tag-pinned");
    }

    @Override
    Params params(RuleSetting setting) {
        Set<String> words = new LinkedHashSet<>();
        RuleParams.strings(setting, "floating").forEach(x -> words.add(x.toLowerCase(Locale.ROOT)));
        return new Params(words, Pins.Mode.parse(String.valueOf(setting.params().getOrDefault("pin", "report")))
                .orElse(Pins.Mode.REPORT));
    }

    @Override
    public void checkService(ServiceCheck c, Params p) {
        String written = c.service().image();
        if (written == null || c.image().isEmpty()) {
            return;
        }
        Node at = c.service().get("image").orElse(null);
        check(c, p, at, c.service().name(), written, c.image().get(), c.service().get("build").isPresent());
    }

    @Override
    public boolean reportsOnly() {
        return true;
    }

    @Override
    public void checkPod(PodCheck c, Params p) {
        for (Workload.Container k : c.containers()) {
            Optional<ImageRef> ref = c.image(k);
            if (ref.isPresent()) {
                Node at = Lookup.at(k.mapping(), "image").orElse(k.mapping());
                check(c, p, at, c.subject(k), k.image().orElse(""), ref.get(), false);
            }
        }
    }

    /**
     * @param at the image's node
     * @param written the image as written, variables and all
     * @param builtHere whether the image is built from the manifest (Compose {@code build:}), so no registry has it
     */
    private static void check(Check c, Params p, Node at, String subject, String written, ImageRef ref, boolean builtHere) {
        Pins pins = c.pins();
        Optional<String> why = ref.floating(p.floating());
        boolean floating = why.isPresent();
        Pins.Mode mode = pins.mode(p.pin());
        String problem = floating ? "image " + ref.text() + " floats: " + why.get()
                : "image " + ref.text() + " is not pinned to a digest";
        String advice = floating ? "; pin a full version or a digest" : "; pin a digest";
        if (ref.digest() != null) {
            if (mode != Pins.Mode.REPORT && pins.refresh() && ref.tag() != null && !builtHere && !written.contains("$")) {
                refresh(c, pins, at, subject, ref);
            }
            return;
        }
        if (mode == Pins.Mode.REPORT || builtHere) {
            if (floating) {
                c.report(at, subject, "image " + ref.text() + " floats: " + why.get() + "; pin a full version or a digest"
                        + (mode != Pins.Mode.REPORT ? " (not pinned: built here from build:, no registry has it)" : ""), false);
            }
            return;
        }
        if (mode == Pins.Mode.TAG && !floating) {
            return;
        }
        if (written.contains("$") || !(at instanceof Scalar image)) {
            c.report(at, subject, problem + advice + " where the variable is set (harden does not rewrite interpolated text)", false);
            return;
        }
        Pins.Result result = pins.resolve(ref, floating);
        if (result instanceof Pins.Unresolved u) {
            c.report(at, subject, problem + advice + " (not pinned: " + u.reason() + ")", false);
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
            c.fix(at, subject, problem + advice, () -> {
                c.editor().set(image, Scalar.string(text));
                return "pinned image " + ref.text() + " to " + text + ", the version its digest " + shortDigest(pin.digest())
                        + " carries (" + pin.source() + ")";
            });
            return;
        }
        String tag = pin.versionTag() != null ? pin.versionTag() : ref.tag();
        String text = Pins.written(ref, tag, pin.digest());
        c.fix(at, subject, problem + advice, () -> {
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
