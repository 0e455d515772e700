package dev.harden.yaml;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A block or flow mapping whose entries keep their order. */
public final class Mapping extends Node {
    /** The YAML 1.1 merge key, which Compose files use to share settings ({@code <<: *common}). */
    public static final String MERGE_KEY = "<<";

    /** One key-value pair. The value is replaced in place when an edit turns an empty value into a mapping. */
    public static final class Entry {
        final Node key;
        Node value;

        Entry(Node key, Node value) {
            this.key = key;
            this.value = value;
        }

        public Node key() {
            return key;
        }

        public Node value() {
            return value;
        }

        /** The key's text when the key is a scalar, else null. */
        public String keyText() {
            return key instanceof Scalar s ? s.value : null;
        }
    }

    /** An entry found by {@link #lookup}, and the mapping that holds it (this one or a merged one). */
    public record Found(Entry entry, Mapping owner, boolean inherited) {
        public Node value() {
            return entry.value;
        }
    }

    /** The entries, counting their changes so that the key index knows when it is stale. */
    static final class Entries extends ArrayList<Entry> {
        private static final long serialVersionUID = 1L;

        int changes() {
            return modCount;
        }
    }

    final Entries entries = new Entries();
    /** First entry of each key, for mappings too large to scan on every lookup (40,000 services). */
    private Map<String, Entry> index;
    private int indexedAt;
    final boolean flow;
    /** A key waiting for its value while the parser builds this mapping. */
    Node pendingKey;

    Mapping(boolean flow) {
        this.flow = flow;
    }

    /** A new, empty block mapping. */
    public static Mapping block() {
        return new Mapping(false);
    }

    /** Adds an entry to a mapping that is not yet part of a document. */
    public Mapping with(String key, Node value) {
        if (!isSynthetic()) {
            throw new IllegalStateException("use Editor.put to change a parsed mapping");
        }
        Scalar k = Scalar.string(key);
        k.parent = this;
        value.parent = this;
        entries.add(new Entry(k, value));
        return this;
    }

    public List<Entry> entries() {
        return Collections.unmodifiableList(entries);
    }

    @Override
    public boolean isFlow() {
        return flow;
    }

    /** This mapping's own entry for a key, ignoring merge keys. */
    public Optional<Entry> entry(String key) {
        if (entries.size() > 16) {
            if (index == null || indexedAt != entries.changes()) {
                Map<String, Entry> byKey = new java.util.HashMap<>();
                for (Entry e : entries) {
                    if (e.keyText() != null) {
                        byKey.putIfAbsent(e.keyText(), e);
                    }
                }
                index = byKey;
                indexedAt = entries.changes();
            }
            return Optional.ofNullable(index.get(key));
        }
        for (Entry e : entries) {
            if (key.equals(e.keyText())) {
                return Optional.of(e);
            }
        }
        return Optional.empty();
    }

    /** The value of this mapping's own entry for a key, aliases resolved. */
    public Optional<Node> get(String key) {
        return entry(key).map(e -> e.value.resolve());
    }

    /**
     * Looks a key up as a YAML 1.1 consumer sees it: own entries first, then each mapping merged with
     * {@code <<}, in order, recursively.
     */
    public Optional<Found> lookup(String key) {
        return lookup(key, new IdentityHashMap<>(), false);
    }

    private Optional<Found> lookup(String key, Map<Mapping, Boolean> seen, boolean inherited) {
        if (seen.put(this, Boolean.TRUE) != null) {
            return Optional.empty();
        }
        Optional<Entry> own = entry(key);
        if (own.isPresent()) {
            return Optional.of(new Found(own.get(), this, inherited));
        }
        for (Mapping merged : mergedMappings()) {
            Optional<Found> found = merged.lookup(key, seen, true);
            if (found.isPresent()) {
                return found;
            }
        }
        return Optional.empty();
    }

    /** The mappings this one merges with {@code <<: *a} or {@code <<: [*a, *b]}. */
    public List<Mapping> mergedMappings() {
        Optional<Entry> merge = entry(MERGE_KEY);
        if (merge.isEmpty()) {
            return List.of();
        }
        Node value = merge.get().value.resolve();
        List<Mapping> result = new ArrayList<>();
        if (value instanceof Mapping m) {
            result.add(m);
        } else if (value instanceof Sequence s) {
            for (Node item : s.items) {
                if (item.resolve() instanceof Mapping m) {
                    result.add(m);
                }
            }
        }
        return result;
    }

    /** All keys a consumer sees, own and merged, in first-seen order. */
    public List<String> effectiveKeys() {
        List<String> keys = new ArrayList<>();
        collectKeys(keys, new IdentityHashMap<>());
        return keys;
    }

    private void collectKeys(List<String> keys, Map<Mapping, Boolean> seen) {
        if (seen.put(this, Boolean.TRUE) != null) {
            return;
        }
        for (Entry e : entries) {
            String k = e.keyText();
            if (k != null && !k.equals(MERGE_KEY) && !keys.contains(k)) {
                keys.add(k);
            }
        }
        for (Mapping merged : mergedMappings()) {
            merged.collectKeys(keys, seen);
        }
    }

    @Override
    public String toString() {
        return "Mapping" + entries.stream().map(Entry::keyText).toList();
    }
}
