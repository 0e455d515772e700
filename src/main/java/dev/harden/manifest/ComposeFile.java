package dev.harden.manifest;

import dev.harden.yaml.Alias;
import dev.harden.yaml.Mapping;
import dev.harden.yaml.Node;
import dev.harden.yaml.Scalar;
import dev.harden.yaml.Sequence;
import dev.harden.yaml.YamlFile;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** A Compose file: the top-level mapping of its document and its services. */
public final class ComposeFile {
    private final YamlFile yaml;
    private final Mapping root;
    private final Variables variables;

    private ComposeFile(YamlFile yaml, Mapping root, Variables variables) {
        this.yaml = yaml;
        this.root = root;
        this.variables = variables;
    }

    /**
     * The Compose view of a file already known to be one: its (first) document is a mapping with a
     * {@code services} mapping. Whether an unknown file is one is {@link Recognition}'s question.
     */
    public static Optional<ComposeFile> detect(YamlFile yaml) {
        return detect(yaml, Variables.none());
    }

    /** Detects a Compose file whose {@code ${X}} references read {@code variables} (the project's {@code .env}). */
    public static Optional<ComposeFile> detect(YamlFile yaml, Variables variables) {
        if (yaml.documents().isEmpty() || !(yaml.documents().get(0) instanceof Mapping root)) {
            return Optional.empty();
        }
        Optional<Node> services = root.get("services");
        if (services.isPresent() && services.get() instanceof Mapping && root.get("apiVersion").isEmpty()) {
            return Optional.of(new ComposeFile(yaml, root, variables));
        }
        return Optional.empty();
    }

    /**
     * A service Compose refuses.
     *
     * @param line 1-based line of its value
     * @param column 1-based column of its value
     * @param reason what is wrong and how to fix it
     */
    public record Malformed(int line, int column, String reason) { }

    static ComposeFile of(YamlFile yaml, Mapping root) {
        return new ComposeFile(yaml, root, Variables.none());
    }

    /**
     * The first service that is text or a list instead of a mapping, which Compose refuses
     * ("services.web must be a mapping"); empty when there is none.
     */
    public Optional<Malformed> malformedService() {
        for (Mapping.Entry e : servicesMapping().entries()) {
            Node value = e.value().resolve();
            if (e.keyText() != null && !e.keyText().equals(Mapping.MERGE_KEY)
                    && (value instanceof Scalar s && !s.isNull() || value instanceof dev.harden.yaml.Sequence)) {
                String shown = value instanceof Scalar s ? "'" + s.value() + "'" : "a list";
                return Optional.of(new Malformed(yaml.line(e.value().start()), yaml.column(e.value().start()), "service '"
                        + e.keyText() + "' is " + shown + ", not a mapping of settings, and Compose refuses it: write"
                        + " its settings below its name (for example 'image:')"));
            }
        }
        return Optional.empty();
    }

    /** The same file read with other variables. */
    public ComposeFile with(Variables other) {
        return new ComposeFile(yaml, root, other);
    }

    /**
     * Text as Compose reads it once variables are substituted; the text as written when a variable
     * it uses has no value and no default here.
     */
    public String interpolate(String text) {
        return variables.evaluate(text).orElse(text);
    }

    public YamlFile yaml() {
        return yaml;
    }

    public Mapping root() {
        return root;
    }

    /** The {@code services} mapping, aliases resolved. */
    public Mapping servicesMapping() {
        return (Mapping) root.get("services").orElseThrow();
    }

    /** The {@code version:} written at the top, or null. */
    public String version() {
        return root.get("version").filter(n -> n instanceof Scalar).map(n -> ((Scalar) n).value()).orElse(null);
    }

    /**
     * Files of format 2.x keep resource limits as {@code mem_limit} and {@code cpus} on the service;
     * {@code deploy:} came with format 3 and the Compose Specification.
     */
    public boolean legacyFormat() {
        String v = version();
        return v != null && (v.equals("2") || v.startsWith("2.") || v.equals("1"));
    }

    /** The services in file order. */
    public List<ComposeService> services() {
        List<ComposeService> list = new ArrayList<>();
        for (Mapping.Entry e : servicesMapping().entries()) {
            if (e.keyText() != null) {
                list.add(new ComposeService(this, e));
            }
        }
        return list;
    }

    /**
     * The services that reuse a service's own anchored mapping, as a whole ({@code web-2: *web}) or
     * through a merge key ({@code <<: *web}); empty when the mapping is not anchored, nothing reuses
     * it, or something other than a service does.
     */
    public List<ComposeService> copiesOf(ComposeService service) {
        Node anchored = service.node();
        if (!(anchored instanceof Mapping) || anchored.anchor() == null) {
            return List.of();
        }
        List<ComposeService> copies = new ArrayList<>();
        int uses = 0;
        for (ComposeService other : services()) {
            Node value = other.node();
            if (value instanceof Alias a && a.target() == anchored) {
                copies.add(other);
                uses++;
            } else if (value instanceof Mapping m) {
                Optional<Node> merge = m.entry(Mapping.MERGE_KEY).map(Mapping.Entry::value);
                List<Node> merged = merge.isEmpty() ? List.of()
                        : merge.get() instanceof Sequence q ? q.items() : List.of(merge.get());
                long here = merged.stream().filter(n -> n instanceof Alias a && a.target() == anchored).count();
                if (here > 0) {
                    copies.add(other);
                    uses += (int) here;
                }
            }
        }
        return uses > 0 && uses == aliasesTo(root, anchored) ? copies : List.of();
    }

    /** How many aliases in a subtree refer to a node. */
    private static int aliasesTo(Node node, Node target) {
        if (node instanceof Alias a) {
            return a.target() == target ? 1 : 0;
        }
        int count = 0;
        if (node instanceof Mapping m) {
            for (Mapping.Entry e : m.entries()) {
                count += aliasesTo(e.key(), target) + aliasesTo(e.value(), target);
            }
        } else if (node instanceof Sequence q) {
            for (Node item : q.items()) {
                count += aliasesTo(item, target);
            }
        }
        return count;
    }

    public Optional<ComposeService> service(String name) {
        return services().stream().filter(s -> s.name().equals(name)).findFirst();
    }
}
