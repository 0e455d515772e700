package dev.harden.rule;

import dev.harden.image.ImageFacts;
import dev.harden.image.ImageKnowledge;
import dev.harden.image.ImageRef;
import dev.harden.manifest.Workload;
import dev.harden.yaml.Editor;
import dev.harden.yaml.Mapping;
import dev.harden.yaml.Node;
import dev.harden.yaml.Scalar;
import dev.harden.yaml.Sequence;
import dev.harden.yaml.YamlException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** What a Kubernetes rule sees of one workload's pod, and how it reports and fixes. */
final class PodCheck extends Check {
    private final Workload workload;
    private final ImageKnowledge images;
    private final Editor editor;

    PodCheck(Context context, Workload workload, ImageKnowledge images) {
        super(context);
        this.workload = workload;
        this.images = images;
        this.editor = context.editor();
    }

    Workload workload() {
        return workload;
    }

    /** Whether the profile asks to override a value the manifest sets against this rule, rather than report it. */
    boolean overridesExplicit() {
        return "override".equals(setting().param("explicit"));
    }

    Mapping podSpec() {
        return workload.podSpec();
    }

    List<Workload.Container> containers() {
        return workload.containers();
    }

    Optional<ImageRef> image(Workload.Container c) {
        return c.image().flatMap(ImageRef::parse);
    }

    /** What harden knows of a container's image; {@link ImageFacts#unknown} when nothing. */
    ImageFacts facts(Workload.Container c) {
        Optional<ImageRef> ref = image(c);
        return ref.flatMap(images::lookup).orElseGet(() -> ImageFacts.unknown(ref.map(ImageRef::name).orElse("")));
    }

    String imageName(Workload.Container c) {
        return image(c).map(ImageRef::name).orElse(c.image().orElse("(no image)"));
    }

    /** Whether a container sets {@code privileged: true}. */
    static boolean privileged(Workload.Container c) {
        return isTrue(scalar(c.mapping(), "securityContext", "privileged"));
    }

    /**
     * Whether the pod declares {@code spec.os.name: windows}: the API server then rejects the Linux
     * fields (user and group ids, capabilities, seccomp, read-only root, privilege escalation).
     */
    boolean windows() {
        return scalar(podSpec(), "os", "name").filter(s -> s.value().equals("windows")).isPresent();
    }

    // ---- reading ---------------------------------------------------------------------------

    /** The value at a path of keys below a mapping, merges followed and aliases resolved. */
    static Optional<Node> at(Mapping base, String... keys) {
        Node n = base;
        for (String key : keys) {
            if (!(n instanceof Mapping m)) {
                return Optional.empty();
            }
            Optional<Mapping.Found> found = m.lookup(key);
            if (found.isEmpty()) {
                return Optional.empty();
            }
            n = found.get().value().resolve();
        }
        return Optional.of(n);
    }

    /** A non-null scalar at a path. */
    static Optional<Scalar> scalar(Mapping base, String... keys) {
        return at(base, keys).filter(n -> n instanceof Scalar s && !s.isNull()).map(n -> (Scalar) n);
    }

    static Optional<Mapping> mapping(Mapping base, String... keys) {
        return at(base, keys).filter(n -> n instanceof Mapping).map(n -> (Mapping) n);
    }

    /** The scalar items of a list at a path, as nodes. */
    static List<Scalar> items(Mapping base, String... keys) {
        List<Scalar> out = new ArrayList<>();
        at(base, keys).filter(n -> n instanceof Sequence).ifPresent(n -> {
            for (Node item : ((Sequence) n).items()) {
                if (item.resolve() instanceof Scalar s && !s.isNull()) {
                    out.add(s);
                }
            }
        });
        return out;
    }

    static boolean isTrue(Optional<Scalar> s) {
        return s.isPresent() && s.get().value().equalsIgnoreCase("true");
    }

    static boolean isFalse(Optional<Scalar> s) {
        return s.isPresent() && s.get().value().equalsIgnoreCase("false");
    }

    /** A scalar as a whole number, or null when absent or not a number. */
    static Long number(Optional<Scalar> s) {
        if (s.isEmpty() || !s.get().value().trim().matches("[-+]?[0-9]+")) {
            return null;
        }
        try {
            return Long.parseLong(s.get().value().trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    // ---- editing ---------------------------------------------------------------------------

    /** The pod's {@code securityContext}, made editable. */
    Mapping podSecurityContext() throws YamlException {
        return editableIn(podSpec(), "securityContext");
    }

    /** A container's own {@code securityContext}, made editable. */
    Mapping securityContext(Workload.Container c) throws YamlException {
        return editableIn(c.mapping(), "securityContext");
    }

    /** Sets {@code key} in a mapping: replaces an own value, or adds the key. */
    void set(Mapping target, String key, Node value) throws YamlException {
        refuseMerged(target, key);
        if (target.entry(key).isPresent()) {
            editor.replace(target, key, value);
        } else {
            editor.put(target, key, value);
        }
    }

    /** Appends an item to the list under {@code key}, creating the list when it is missing or empty. */
    void append(Mapping target, String key, Node item) throws YamlException {
        refuseMerged(target, key);
        Optional<Mapping.Entry> own = target.entry(key);
        if (own.isEmpty()) {
            editor.put(target, key, Sequence.block().with(item));
            return;
        }
        Node value = own.get().value();
        if (value instanceof Sequence seq) {
            editor.append(seq, item);
        } else if (value instanceof Scalar s && s.isNull()) {
            editor.replace(target, key, Sequence.block().with(item));
        } else {
            throw new YamlException(YamlException.Kind.EDIT, line(value), column(value),
                    "'" + key + "' is not a list here; add the item by hand");
        }
    }

    // ---- reporting -------------------------------------------------------------------------

    /** Where findings about the whole workload point: its name, else the object. */
    @Override
    Node location() {
        return at(workload.object(), "metadata", "name").filter(n -> !n.isSynthetic()).orElse(workload.object());
    }

    /** Reports a finding that stays open. */
    void open(Node at, String subject, String message, boolean fixable) {
        report(at, subject, message, fixable);
    }

    /** The subject of a finding about one container. */
    String subject(Workload.Container c) {
        return workload.label() + "/" + c.name();
    }

    String subject() {
        return workload.label();
    }
}
