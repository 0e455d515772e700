package dev.harden.verify;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/** What a repair took, in words: how the repaired hardening of a service differs from the first one. */
final class Repairs {
    private Repairs() {
    }

    /**
     * The differences that decide whether it starts, a few words each, in the file's own terms:
     * {@code kept cap_drop: [ALL]}, {@code added back CHOWN, SETUID}, {@code tmpfs /run/postgresql},
     * {@code user: the image's own (not 10001:10001)}.
     */
    static List<String> steps(ContainerSpec first, ContainerSpec repaired, boolean kubernetes) {
        List<String> out = new ArrayList<>();
        String drop = kubernetes ? "capabilities.drop" : "cap_drop";
        if (first.capDrop().contains("ALL")) {
            out.add(repaired.capDrop().contains("ALL") ? "kept " + drop + ": [ALL]" : drop + ": [ALL] left out");
        }
        List<String> added = minus(repaired.capAdd(), first.capAdd());
        if (!added.isEmpty()) {
            out.add("added back " + String.join(", ", added));
        }
        List<String> removed = minus(first.capAdd(), repaired.capAdd());
        if (!removed.isEmpty()) {
            out.add("no longer adds " + String.join(", ", removed));
        }
        if (first.readOnly() && !repaired.readOnly()) {
            out.add(kubernetes ? "readOnlyRootFilesystem left out" : "read_only left out");
        }
        List<String> tmpfs = new ArrayList<>();
        for (Map.Entry<String, String> t : repaired.tmpfs().entrySet()) {
            if (!Objects.equals(first.tmpfs().get(t.getKey()), t.getValue())) {
                tmpfs.add(t.getKey() + (t.getValue().isEmpty() ? "" : ":" + t.getValue()));
            }
        }
        if (!tmpfs.isEmpty()) {
            out.add("tmpfs " + String.join(", ", tmpfs.stream().sorted().toList()));
        }
        List<String> dirs = new ArrayList<>();
        for (ContainerSpec.Mount m : repaired.mounts()) {
            if (!first.mounts().contains(m)) {
                dirs.add(m.target());
            }
        }
        if (!dirs.isEmpty()) {
            out.add((kubernetes ? "emptyDir " : "volume ") + String.join(", ", dirs));
        }
        if (!Objects.equals(first.user(), repaired.user())) {
            String was = first.user() == null ? "" : " (not " + first.user() + ")";
            out.add(repaired.user() == null ? "user: the image's own" + was : "user: " + repaired.user() + was);
        }
        List<String> options = minus(first.securityOpt(), repaired.securityOpt());
        if (!options.isEmpty()) {
            out.add("security_opt " + String.join(", ", options) + " left out");
        }
        if (!Objects.equals(first.memory(), repaired.memory())) {
            out.add(repaired.memory() == null ? "no memory limit" : "memory limit " + repaired.memory() + " bytes");
        }
        if (!Objects.equals(first.pidsLimit(), repaired.pidsLimit())) {
            out.add(repaired.pidsLimit() == null ? "no pids limit" : "pids limit " + repaired.pidsLimit());
        }
        if (out.isEmpty()) {
            out.add("hardened again with the learned facts");
        }
        return out;
    }

    /** The facts a repair rests on, in one line: their source, {@code learned}, and how they were learned. */
    static String facts(VerifySession.Learned learned) {
        List<String> provenance = learned.facts().sources();
        return "learned (from the original on the engine, " + learned.trials() + (learned.trials() == 1 ? " trial" : " trials")
                + (provenance.isEmpty() ? "" : "; " + String.join(", ", provenance)) + ")";
    }

    private static List<String> minus(List<String> a, List<String> b) {
        Set<String> out = new LinkedHashSet<>(a);
        b.forEach(out::remove);
        return List.copyOf(out);
    }
}
