package dev.harden.verify;

import dev.harden.image.ImageFacts;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/** What a repair rests on and what it took: facts learned on the engine, and how the repaired hardening differs from the first. */
final class Repairs {
    private Repairs() {
    }

    /**
     * Facts learned on the engine from a service's original start, with the trials that taught them.
     *
     * @param facts what the image needs, source {@code learned}
     * @param trials how many hardened starts the search took
     * @param digest the image the facts are for: its registry digest, else its id; null when not known
     */
    record Learned(ImageFacts facts, int trials, String digest) {
        Learned(ImageFacts facts, int trials) {
            this(facts, trials, null);
        }
    }

    /**
     * What the service needs, learned from its original with the search; null when the original does
     * not run or no hardened variant of the search ran as well as it: then nothing is repaired.
     */
    static Learned learn(Learner search, Engine engine, ContainerSpec original, Engine.Image local) {
        Learning learning = search.learn(original, local);
        List<Attempt> trials = learning.attempts().subList(1, learning.attempts().size());
        if (learning.facts() == null || trials.stream().noneMatch(a -> a.trial().asGoodAs(learning.reference()))) {
            return null;
        }
        String digest;
        try {
            digest = engine.imageDetail(original.image()).map(d -> Learner.digest(d, original.image())).orElse(local.id());
        } catch (IOException e) {
            digest = local.id();
        }
        return new Learned(learning.facts(), trials.size(), digest);
    }

    /**
     * What the repaired hardening gives up of the first one: a repair only adds (capabilities back,
     * tmpfs, volumes) or changes the user; one that leaves out a control is no repair, and the changes
     * that stopped the service are found and left out as before.
     */
    static List<String> weakened(ContainerSpec first, ContainerSpec repaired) {
        List<String> out = new ArrayList<>();
        if (first.capDrop().contains("ALL") && !repaired.capDrop().contains("ALL")) {
            out.add("cap_drop: [ALL]");
        }
        if (first.readOnly() && !repaired.readOnly()) {
            out.add("read_only");
        }
        out.addAll(minus(first.securityOpt(), repaired.securityOpt()));
        if (repaired.privileged() && !first.privileged()) {
            out.add("privileged");
        }
        if (looser(first.pidsLimit(), repaired.pidsLimit())) {
            out.add("pids limit");
        }
        if (looser(first.memory(), repaired.memory())) {
            out.add("memory limit");
        }
        if (looser(first.nanoCpus(), repaired.nanoCpus())) {
            out.add("CPU limit");
        }
        return out;
    }

    private static boolean looser(Long first, Long repaired) {
        return first != null && (repaired == null || repaired > first);
    }

    /**
     * What the repair took, a few words each, in the file's own terms: {@code kept cap_drop: [ALL]},
     * {@code added back CHOWN, SETUID}, {@code tmpfs /run/postgresql}, {@code user: the image's own (not 10001:10001)}.
     */
    static List<String> steps(ContainerSpec first, ContainerSpec repaired, boolean kubernetes) {
        List<String> out = new ArrayList<>();
        if (first.capDrop().contains("ALL")) {
            out.add("kept " + (kubernetes ? "capabilities.drop" : "cap_drop") + ": [ALL]");
        }
        List<String> added = minus(repaired.capAdd(), first.capAdd());
        if (!added.isEmpty()) {
            out.add("added back " + String.join(", ", added));
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
        if (out.isEmpty()) {
            out.add("hardened again with the learned facts");
        }
        return out;
    }

    /**
     * The facts a repair rests on, in one line: their source, {@code learned}, and where they were
     * learned (the search's first source line: date, engine version, image digest, trials).
     */
    static String facts(Learned learned) {
        List<String> provenance = learned.facts().sources();
        return "learned (" + (provenance.isEmpty() ? "from the original on the engine, " + learned.trials()
                + (learned.trials() == 1 ? " trial" : " trials") : provenance.get(0)) + ")";
    }

    private static List<String> minus(List<String> a, List<String> b) {
        Set<String> out = new LinkedHashSet<>(a);
        b.forEach(out::remove);
        return List.copyOf(out);
    }
}
