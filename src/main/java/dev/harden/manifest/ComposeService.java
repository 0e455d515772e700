package dev.harden.manifest;

import dev.harden.yaml.Mapping;
import dev.harden.yaml.Node;
import dev.harden.yaml.Scalar;
import dev.harden.yaml.Sequence;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * One service of a Compose file, read as Compose reads it: own keys first, then keys merged with
 * {@code <<}, then keys of a service in the same file that it {@code extends}.
 */
public final class ComposeService {
    private final ComposeFile file;
    private final Mapping.Entry entry;

    ComposeService(ComposeFile file, Mapping.Entry entry) {
        this.file = file;
        this.entry = entry;
    }

    public String name() {
        return entry.keyText();
    }

    public ComposeFile file() {
        return file;
    }

    /** The node under the service's name: a mapping, an alias, or an empty value. */
    public Node node() {
        return entry.value();
    }

    /** Where findings about the whole service point: its name. */
    public Node location() {
        return entry.key();
    }

    /** The service's own mapping (aliases resolved), or null when the value is empty. */
    public Mapping mapping() {
        return entry.value().resolve() instanceof Mapping m ? m : null;
    }

    /** A key's value as Compose sees it, aliases resolved. */
    public Optional<Node> get(String key) {
        return find(key).map(Mapping.Found::value).map(Node::resolve);
    }

    /** Where a key's value comes from: this service, a merged mapping, or an extended service. */
    public Optional<Mapping.Found> find(String key) {
        Set<String> seen = new HashSet<>();
        ComposeService current = this;
        boolean inherited = false;
        while (current != null && seen.add(current.name())) {
            Mapping m = current.mapping();
            if (m != null) {
                Optional<Mapping.Found> found = m.lookup(key);
                if (found.isPresent()) {
                    Mapping.Found f = found.get();
                    return Optional.of(inherited ? new Mapping.Found(f.entry(), f.owner(), true) : f);
                }
            }
            current = current.extendedInSameFile().orElse(null);
            inherited = true;
        }
        return Optional.empty();
    }

    /** The own (not inherited) value of a key. */
    public Optional<Node> own(String key) {
        Mapping m = mapping();
        return m == null ? Optional.empty() : m.entry(key).map(Mapping.Entry::value);
    }

    /** A scalar value as text, or null. */
    public String text(String key) {
        return get(key).filter(n -> n instanceof Scalar s && !s.isNull()).map(n -> ((Scalar) n).value()).orElse(null);
    }

    /** The items of a list value as text; a single scalar counts as one item. */
    public List<String> list(String key) {
        List<String> out = new ArrayList<>();
        Optional<Node> value = get(key);
        if (value.isPresent() && value.get() instanceof Sequence s) {
            for (Node item : s.items()) {
                if (item.resolve() instanceof Scalar sc) {
                    out.add(sc.value());
                }
            }
        } else if (value.isPresent() && value.get() instanceof Scalar sc && !sc.isNull()) {
            out.add(sc.value());
        }
        return out;
    }

    /**
     * How messages name the image: as written, else where it comes from, such as a service in another
     * file that this one extends.
     */
    public String imageDescription() {
        if (image() != null) {
            return image();
        }
        if (get("build").isPresent()) {
            return "(built locally)";
        }
        Mapping m = mapping();
        return m != null && m.lookup("extends").isPresent() ? "(set by the service it extends)" : "(none given)";
    }

    /** A scalar value as Compose reads it, variables substituted (see {@link ComposeFile#interpolate}), or null. */
    public String value(String key) {
        return file.interpolate(text(key));
    }

    /** The items of a list value as Compose reads them, variables substituted. */
    public List<String> values(String key) {
        return list(key).stream().map(file::interpolate).toList();
    }

    public String image() {
        return text("image");
    }

    /** A service with no image, no build and no extends is a fragment completed by another file. */
    public boolean isFragment() {
        return get("image").isEmpty() && get("build").isEmpty() && get("extends").isEmpty();
    }

    /** The ports the service publishes on the host. */
    public List<Node> publishedPorts() {
        List<Node> out = new ArrayList<>();
        get("ports").filter(n -> n instanceof Sequence).ifPresent(n -> out.addAll(((Sequence) n).items()));
        return out;
    }

    /** Container paths of volumes and bind mounts (short and long syntax). */
    public List<String> mountTargets() {
        List<String> targets = new ArrayList<>();
        for (Mount m : mounts()) {
            targets.add(m.target());
        }
        return targets;
    }

    /** A volume or bind mount, variables substituted: where from (may be empty for anonymous volumes) and where to. */
    public record Mount(String source, String target, Node node) { }

    public List<Mount> mounts() {
        List<Mount> out = new ArrayList<>();
        Optional<Node> volumes = get("volumes");
        if (volumes.isEmpty() || !(volumes.get() instanceof Sequence s)) {
            return out;
        }
        for (Node item : s.items()) {
            Node n = item.resolve();
            if (n instanceof Scalar sc) {
                String[] parts = splitVolume(file.interpolate(sc.value()));
                out.add(new Mount(parts[0], parts[1], item));
            } else if (n instanceof Mapping m) {
                String source = file.interpolate(m.get("source").filter(x -> x instanceof Scalar).map(x -> ((Scalar) x).value()).orElse(""));
                String target = file.interpolate(m.get("target").filter(x -> x instanceof Scalar).map(x -> ((Scalar) x).value()).orElse(""));
                out.add(new Mount(source, target, item));
            }
        }
        return out;
    }

    /** Splits {@code src:dst[:mode]} into source and target; a lone path is an anonymous volume. */
    static String[] splitVolume(String spec) {
        String[] parts = spec.split(":");
        if (parts.length == 1) {
            return new String[] {"", parts[0]};
        }
        // a Windows drive letter ("C:\\data:/data") splits into one extra part
        if (parts.length >= 3 && parts[0].length() == 1 && Character.isLetter(parts[0].charAt(0)) && (parts[1].startsWith("\\") || parts[1].startsWith("/"))) {
            return new String[] {parts[0] + ":" + parts[1], parts[2]};
        }
        return new String[] {parts[0], parts[1]};
    }

    private Optional<ComposeService> extendedInSameFile() {
        Mapping m = mapping();
        if (m == null) {
            return Optional.empty();
        }
        Optional<Node> ext = m.lookup("extends").map(Mapping.Found::value).map(Node::resolve);
        if (ext.isEmpty()) {
            return Optional.empty();
        }
        String base = null;
        if (ext.get() instanceof Scalar s) {
            base = s.value();
        } else if (ext.get() instanceof Mapping em && em.get("file").isEmpty()) {
            base = em.get("service").filter(x -> x instanceof Scalar).map(x -> ((Scalar) x).value()).orElse(null);
        }
        return base == null ? Optional.empty() : file.service(base);
    }
}
