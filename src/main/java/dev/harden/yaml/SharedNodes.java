package dev.harden.yaml;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/** The nodes that aliases refer to, directly or through a node containing them: editing one changes every alias. */
final class SharedNodes {
    private final YamlFile file;
    /** Anchored nodes whose aliases this batch may change along with them. */
    private final Set<Node> aliasedOnPurpose = Collections.newSetFromMap(new IdentityHashMap<>());
    private Set<Node> shared;

    SharedNodes(YamlFile file) {
        this.file = file;
    }

    /** Stops counting the aliases of one anchored node; a node inside it that other aliases refer to stays shared. */
    void allowAliasesOf(Node anchored) {
        if (aliasedOnPurpose.add(anchored)) {
            shared = null;
        }
    }

    /** Whether an alias refers to this node or to a node containing it. */
    boolean contains(Node node) {
        if (!file.hasAliases()) {
            return false;
        }
        if (shared == null) {
            shared = Collections.newSetFromMap(new IdentityHashMap<>());
            Deque<Node> todo = new ArrayDeque<>();
            walk(n -> {
                if (n instanceof Alias a && !aliasedOnPurpose.contains(a.target)) {
                    todo.push(a.target);
                }
            });
            while (!todo.isEmpty()) {
                Node n = todo.pop();
                if (n instanceof Alias || !shared.add(n)) {
                    continue;
                }
                children(n).forEach(todo::push);
            }
        }
        Node n = node;
        while (n != null) {
            if (shared.contains(n)) {
                return true;
            }
            n = n.parent;
        }
        return false;
    }

    private void walk(Consumer<Node> visitor) {
        Deque<Node> todo = new ArrayDeque<>(file.documents());
        Set<Node> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        while (!todo.isEmpty()) {
            Node n = todo.pop();
            if (!seen.add(n)) {
                continue;
            }
            visitor.accept(n);
            if (!(n instanceof Alias)) {
                children(n).forEach(todo::push);
            }
        }
    }

    private static List<Node> children(Node n) {
        List<Node> result = new ArrayList<>();
        if (n instanceof Mapping m) {
            for (Mapping.Entry e : m.entries) {
                result.add(e.key);
                result.add(e.value);
            }
        } else if (n instanceof Sequence s) {
            result.addAll(s.items);
        }
        return result;
    }
}
