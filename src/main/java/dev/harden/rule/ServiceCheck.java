package dev.harden.rule;

import dev.harden.image.ImageFacts;
import dev.harden.image.ImageRef;
import dev.harden.manifest.ComposeFile;
import dev.harden.manifest.ComposeService;
import dev.harden.yaml.Editor;
import dev.harden.yaml.Mapping;
import dev.harden.yaml.Node;
import dev.harden.yaml.Scalar;
import dev.harden.yaml.Sequence;
import dev.harden.yaml.YamlException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** What a Compose rule sees of one service, and how it reports and fixes. */
public final class ServiceCheck extends Check {
    private final ComposeService service;
    private final ImageRef image;
    private final ImageFacts facts;
    private final Editor editor;

    private final Neighbours neighbours;

    /** What a check may learn about the file's other services: their image facts and exemptions from this rule. */
    interface Neighbours {
        ImageFacts facts(ComposeService other);

        boolean exempted(ComposeService other);
    }

    ServiceCheck(Context context, ComposeService service, ImageRef image, ImageFacts facts, Neighbours neighbours) {
        super(context);
        this.service = service;
        this.image = image;
        this.facts = facts;
        this.editor = context.editor();
        this.neighbours = neighbours;
    }

    /** What harden knows of another service's image. */
    public ImageFacts factsOf(ComposeService other) {
        return neighbours.facts(other);
    }

    /** Whether another service is exempted from this rule. */
    public boolean exempted(ComposeService other) {
        return neighbours.exempted(other);
    }

    @Override
    Node location() {
        return service.location();
    }

    @Override
    String unknownImage(String subject) {
        return facts.known() ? null : imageName();
    }

    public ComposeService service() {
        return service;
    }

    public ComposeFile file() {
        return service.file();
    }

    /** The parsed image reference, or empty when there is none or it depends on a variable without default. */
    public Optional<ImageRef> image() {
        return Optional.ofNullable(image);
    }

    /** What harden knows of the image; {@link ImageFacts#unknown} when nothing. */
    public ImageFacts facts() {
        return facts;
    }

    /** The service's own mapping, made editable (an empty or aliased service becomes a mapping). */
    public Mapping editable() throws YamlException {
        Mapping own = editor.mappingAt(file().servicesMapping(), service.name());
        if (own == service.node() && own.anchor() != null && editor.isShared(own)) {
            List<String> copies = file().copiesOf(service).stream().map(ComposeService::name).toList();
            throw new YamlException(YamlException.Kind.EDIT, line(own), column(own), copies.isEmpty()
                    ? "its mapping is reused outside services through *" + own.anchor() + ", which an edit here would change too"
                    : "its mapping is reused by " + String.join(", ", copies) + " through *" + own.anchor()
                    + ", whose own settings or exemptions an edit here would override");
        }
        return own;
    }

    /**
     * The mapping under a key of the service, made editable. A key the service inherits through
     * {@code <<} or {@code extends} is refused: a local key would hide everything inherited.
     */
    public Mapping editableChild(String key) throws YamlException {
        refuseInherited(service.find(key), key, "inherited");
        return editor.mappingAt(editable(), key);
    }

    /** Fills a key of the service's own mapping; see {@link #fill}. */
    public void fillOwn(String key, Node value) throws YamlException {
        fill(editable(), key, value);
    }

    /**
     * Makes a list under a key contain an item: appends to the service's own list, or writes a local
     * list holding the inherited items and the new one.
     */
    public void ensureListItem(String key, Scalar item) throws YamlException {
        Mapping own = editable();
        Optional<Mapping.Entry> entry = own.entry(key);
        if (entry.isPresent() && entry.get().value() instanceof Sequence seq && !editor.isShared(seq)) {
            editor.append(seq, item);
            return;
        }
        if (entry.isPresent() && entry.get().value() instanceof Scalar single && single.value().contains("$")) {
            throw new YamlException(YamlException.Kind.EDIT, line(single), column(single),
                    "'" + key + "' is set through a variable (" + single.value() + "); add " + item.value() + " where it is set");
        }
        if (entry.isPresent() && entry.get().value() instanceof Scalar single && !single.isNull()) {
            editor.replace(own, key, Sequence.block().with(Scalar.string(single.value())).with(item));
            return;
        }
        if (entry.isPresent() && !(entry.get().value() instanceof Scalar s && s.isNull())) {
            throw new YamlException(YamlException.Kind.EDIT, line(entry.get().value()), column(entry.get().value()),
                    "'" + key + "' is not a plain list here; add " + item.value() + " by hand");
        }
        Sequence list = Sequence.block();
        for (String inherited : service.list(key)) {
            list.with(Scalar.string(inherited));
        }
        list.with(item);
        if (entry.isPresent()) {
            editor.replace(own, key, list);
        } else {
            editor.put(own, key, list);
        }
    }

    /** Reports a finding that stays open. */
    public void open(Node at, String message, boolean fixable) {
        report(at, service.name(), message, fixable);
    }

    /** Reports a finding that harden's image knowledge exempts, with the reason. */
    public void exempt(Node at, String message, String reason) {
        exempt(at, service.name(), message, reason);
    }

    /** Reports a violation and runs its fix; see {@link Check#fix(Node, String, String, Fix)}. */
    public void fix(Node at, String message, Fix fix) {
        fix(at, service.name(), message, fix);
    }

    /** The image's name for messages: the parsed reference's name, else how the service names its image. */
    String imageName() {
        return image().map(ImageRef::name).orElse(service.imageDescription());
    }

    /** {@code ; image ... is unknown to harden: check it still starts}, for a fix to an image harden does not know. */
    String verifyHint() {
        return facts.known() ? "" : "; image " + imageName() + " is unknown to harden: check it still starts (harden verify)";
    }

    /** The scalar items of a list value, aliases resolved; a single scalar counts as one item. */
    List<Node> scalarItems(String key) {
        List<Node> out = new ArrayList<>();
        Optional<Node> value = service.get(key);
        if (value.isPresent() && value.get() instanceof Sequence seq) {
            for (Node item : seq.items()) {
                if (item.resolve() instanceof Scalar sc) {
                    out.add(sc);
                }
            }
        } else if (value.isPresent() && value.get() instanceof Scalar sc && !sc.isNull()) {
            out.add(sc);
        }
        return out;
    }

    /** Reports a key set to a value against the rule, naming what a variable made of it. */
    void reportValue(String key, String bad, String message) {
        Optional<Node> v = service.get(key);
        if (v.isPresent() && v.get() instanceof Scalar s && value(s).equalsIgnoreCase(bad)) {
            boolean variable = !value(s).equals(s.value());
            open(s, message + (variable ? " (" + key + ": " + s.value() + " = " + value(s) + ")" : ""), false);
        }
    }

    /** Reports each {@code security_opt} item that turns an option off ({@code seccomp:unconfined}). */
    void reportUnconfined(String option, String message) {
        Optional<Node> opts = service.get("security_opt");
        if (opts.isPresent() && opts.get() instanceof Sequence seq) {
            for (Node item : seq.items()) {
                if (item.resolve() instanceof Scalar s && value(s).trim().matches(option + "[:=]unconfined")) {
                    open(s, message + " (" + quote(s) + ")", false);
                }
            }
        }
    }

    /** Items of a list value of the service, as Compose reads them (variables substituted). */
    public List<String> list(String key) {
        return service.values(key);
    }

    /** A scalar value of the service as Compose reads it (variables substituted), or null. */
    public String value(String key) {
        return service.value(key);
    }

    /** A scalar's text as Compose reads it (variables substituted). */
    public String value(Scalar scalar) {
        return file().interpolate(scalar.value());
    }

    /** How a finding quotes a value: as written, and what it comes to when a variable changes it. */
    public String quote(Scalar scalar) {
        String value = value(scalar);
        return value.equals(scalar.value()) ? scalar.value() : scalar.value() + " (= " + value + ")";
    }
}
