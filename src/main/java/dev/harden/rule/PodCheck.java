package dev.harden.rule;

import dev.harden.image.ImageFacts;
import dev.harden.image.ImageRef;
import dev.harden.manifest.Workload;
import dev.harden.yaml.Mapping;
import dev.harden.yaml.Node;
import dev.harden.yaml.Scalar;
import dev.harden.yaml.YamlException;
import java.util.List;
import java.util.Optional;

/** What a Kubernetes rule sees of one workload's pod, and how it reports and fixes. */
final class PodCheck extends Check {
    private final Workload workload;
    private final SubjectImages images;

    PodCheck(Context context, Workload workload, SubjectImages images) {
        super(context);
        this.workload = workload;
        this.images = images;
    }

    Workload workload() {
        return workload;
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
        return images.facts(image(c));
    }

    String imageName(Workload.Container c) {
        return image(c).map(ImageRef::name).orElse(c.image().orElse("(no image)"));
    }

    /** {@code ; image ... is unknown to harden: check it still starts}, for a fix to an image harden does not know. */
    String verifyHint(Workload.Container k) {
        return facts(k).known() ? "" : "; image " + imageName(k) + " is unknown to harden: check it still starts (harden verify)";
    }

    /** Whether a container sets {@code privileged: true}. */
    static boolean privileged(Workload.Container c) {
        return Lookup.isTrue(Lookup.scalar(c.mapping(), "securityContext", "privileged"));
    }

    /**
     * Whether the pod declares {@code spec.os.name: windows}: the API server then rejects the Linux
     * fields (user and group ids, capabilities, seccomp, read-only root, privilege escalation).
     */
    boolean windows() {
        return Lookup.scalar(podSpec(), "os", "name").filter(s -> s.value().equals("windows")).isPresent();
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

    /** An edit with nothing to say. */
    @FunctionalInterface
    interface Edit {
        void apply() throws YamlException;
    }

    /**
     * A value written against the rule: replaced when the profile overrides explicit values (its
     * {@code explicit: override}), else reported.
     */
    void overrideOrReport(boolean override, Scalar at, String subject, String message, Edit edit) {
        if (!override) {
            open(at, subject, message, false);
            return;
        }
        fix(at, subject, message, () -> {
            edit.apply();
            return "overrode " + message.replace(" is set explicitly", "") + " (the profile overrides explicit values)";
        });
    }

    // ---- reporting -------------------------------------------------------------------------

    /** Where findings about the whole workload point: its name, else the object. */
    @Override
    Node location() {
        return Lookup.at(workload.object(), "metadata", "name").filter(n -> !n.isSynthetic()).orElse(workload.object());
    }

    /** A container's image for a finding about that container; for one about the pod, the first unknown image of its containers. */
    @Override
    String unknownImage(String subject) {
        for (Workload.Container k : containers()) {
            if ((subject.equals(subject()) || subject.equals(subject(k))) && !facts(k).known()) {
                return imageName(k);
            }
        }
        return null;
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
