package dev.harden.rule;

import dev.harden.yaml.Mapping;
import dev.harden.yaml.Node;
import dev.harden.yaml.Scalar;
import dev.harden.yaml.Sequence;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Reads values at a path of keys below a mapping, merges followed and aliases resolved. */
final class Lookup {
    private Lookup() {
    }

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

    /** The mapping a key of a mapping holds (merges followed, aliases resolved), if it holds one. */
    static Optional<Mapping> lookupMapping(Mapping m, String key) {
        return m.lookup(key).map(f -> f.value().resolve()).filter(n -> n instanceof Mapping).map(n -> (Mapping) n);
    }
}
