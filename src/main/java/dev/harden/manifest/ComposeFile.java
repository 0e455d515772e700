package dev.harden.manifest;

import dev.harden.yaml.Mapping;
import dev.harden.yaml.Node;
import dev.harden.yaml.Scalar;
import dev.harden.yaml.YamlFile;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** A Compose file: the top-level mapping of its document and its services. */
public final class ComposeFile {
    private final YamlFile yaml;
    private final Mapping root;

    private ComposeFile(YamlFile yaml, Mapping root) {
        this.yaml = yaml;
        this.root = root;
    }

    /**
     * The Compose view of a file already known to be one: its (first) document is a mapping with a
     * {@code services} mapping. Whether an unknown file is one is {@link Recognition}'s question.
     */
    public static Optional<ComposeFile> detect(YamlFile yaml) {
        if (yaml.documents().isEmpty() || !(yaml.documents().get(0) instanceof Mapping root)) {
            return Optional.empty();
        }
        Optional<Node> services = root.get("services");
        if (services.isPresent() && services.get() instanceof Mapping && root.get("apiVersion").isEmpty()) {
            return Optional.of(new ComposeFile(yaml, root));
        }
        return Optional.empty();
    }

    static ComposeFile of(YamlFile yaml, Mapping root) {
        return new ComposeFile(yaml, root);
    }

    /**
     * {@code line:col: reason} for the first service that is text or a list instead of a mapping,
     * which Compose refuses ("services.web must be a mapping"); empty when there is none.
     */
    public Optional<String> malformedService() {
        for (Mapping.Entry e : servicesMapping().entries()) {
            Node value = e.value().resolve();
            if (e.keyText() != null && !e.keyText().equals(Mapping.MERGE_KEY)
                    && (value instanceof Scalar s && !s.isNull() || value instanceof dev.harden.yaml.Sequence)) {
                String shown = value instanceof Scalar s ? "'" + s.value() + "'" : "a list";
                return Optional.of(yaml.line(e.value().start()) + ":" + yaml.column(e.value().start()) + ": service '"
                        + e.keyText() + "' is " + shown + ", not a mapping of settings, and Compose refuses it: write"
                        + " its settings below its name (for example 'image:')");
            }
        }
        return Optional.empty();
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

    public Optional<ComposeService> service(String name) {
        return services().stream().filter(s -> s.name().equals(name)).findFirst();
    }
}
