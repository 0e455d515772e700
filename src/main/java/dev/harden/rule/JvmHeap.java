package dev.harden.rule;

import dev.harden.image.ImageFacts;
import dev.harden.manifest.ComposeService;
import dev.harden.manifest.Quantities;
import dev.harden.manifest.Workload;
import dev.harden.yaml.Mapping;
import dev.harden.yaml.Node;
import dev.harden.yaml.Scalar;
import dev.harden.yaml.Sequence;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The memory a JVM service asks for itself ({@code -Xmx}/{@code -Xms} in its command or in
 * {@code JAVA_OPTS}, {@code ES_JAVA_OPTS} and the like), so that a memory limit harden writes is
 * never below what the service's own settings demand: a limit under the heap gets it killed.
 */
final class JvmHeap {
    private static final Pattern HEAP = Pattern.compile("-Xm[xs]([0-9]{1,9})([kKmMgGtT]?)\\b");
    private static final long MI = 1L << 20;
    /** How a memory hint read from a script in the image begins: {@code image files: /docker-entrypoint.sh: -Xmx512m}. */
    private static final String SCRIPT = "image files: ";

    /**
     * What the settings demand.
     *
     * @param heap the largest heap named, in bytes
     * @param flag the setting that names it, as written ({@code -Xmx2g})
     * @param limit the least memory limit that leaves the JVM room beyond its heap, in bytes
     * @param source where the setting is when not in the manifest ({@code image config}), else null
     */
    record Need(long heap, String flag, long limit, String source) {
        /** The setting as a message names it: the flag, and where it is when that is not the manifest. */
        String named() {
            return source == null ? flag : flag + " set in the " + source;
        }

        /** The limit in mebibytes as Compose and Kubernetes both read it ({@code 2752Mi} / {@code 2752M}). */
        long limitMi() {
            return limit / MI;
        }

        /** Below this a limit is certainly too small: the JVM's own memory beyond the heap is never under 64 MiB. */
        long minimum() {
            return heap + 64 * MI;
        }
    }

    private JvmHeap() {
    }

    /** The largest heap any of these texts (command words, environment values) sets; empty when none does. */
    static Optional<Need> of(List<String> texts) {
        Need best = null;
        for (String t : texts) {
            if (t == null) {
                continue;
            }
            Matcher m = HEAP.matcher(t);
            while (m.find()) {
                if (Long.parseLong(m.group(1)) > (Long.MAX_VALUE >> 42)) {
                    continue;
                }
                long heap = Quantities.bytes(m.group(1) + m.group(2));
                if (best == null || heap > best.heap()) {
                    // the heap plus a third for metaspace, threads, code and buffers, and 64 MiB more,
                    // rounded up to 64 MiB: the usual advice for a container limit around a fixed heap
                    long room = heap + heap / 3 + 64 * MI;
                    long limit = (room + 64 * MI - 1) / (64 * MI) * (64 * MI);
                    best = new Need(heap, m.group(), limit, null);
                }
            }
        }
        return Optional.ofNullable(best);
    }

    /**
     * What the service's own settings demand, else what its image's do (its {@code ENV}, entrypoint
     * and command, and the scripts they name, read with {@code --image-facts registry}): the manifest's
     * settings replace the image's.
     */
    static Optional<Need> of(List<String> manifest, ImageFacts image) {
        Optional<Need> own = of(manifest);
        if (own.isPresent()) {
            return own;
        }
        Need best = null;
        for (String hint : image.memoryHints()) {
            Optional<Need> n = of(List.of(hint));
            if (n.isPresent() && (best == null || n.get().heap() > best.heap())) {
                // a hint from a script reads "image files: /docker-entrypoint.sh: -Xmx512m"
                String source = hint.startsWith(SCRIPT) ? "image file " + hint.substring(SCRIPT.length(), hint.indexOf(": ", SCRIPT.length()))
                        : "image config";
                best = new Need(n.get().heap(), n.get().flag(), n.get().limit(), source);
            }
        }
        return Optional.ofNullable(best);
    }


    /** The texts a JVM service names its heap in: its command, entrypoint and environment values. */
    static List<String> settings(ComposeService s) {
        List<String> texts = new ArrayList<>();
        for (String key : List.of("command", "entrypoint")) {
            String text = s.text(key);
            if (text != null) {
                texts.add(text);
            }
            texts.addAll(s.list(key));
        }
        s.get("environment").map(Node::resolve).ifPresent(env -> {
            if (env instanceof Mapping m) {
                for (Mapping.Entry e : m.entries()) {
                    if (e.value().resolve() instanceof Scalar v) {
                        texts.add(v.value());
                    }
                }
            } else if (env instanceof Sequence seq) {
                for (Node item : seq.items()) {
                    if (item.resolve() instanceof Scalar v) {
                        texts.add(v.value());
                    }
                }
            }
        });
        return texts;
    }

    /** The texts a JVM container names its heap in: its command, args and environment values. */
    static List<String> settings(Workload.Container k) {
        List<String> texts = new ArrayList<>();
        Lookup.items(k.mapping(), "command").forEach(v -> texts.add(v.value()));
        Lookup.items(k.mapping(), "args").forEach(v -> texts.add(v.value()));
        Optional<Node> env = Lookup.at(k.mapping(), "env");
        if (env.isPresent() && env.get().resolve() instanceof Sequence seq) {
            for (Node item : seq.items()) {
                if (item.resolve() instanceof Mapping m) {
                    Lookup.scalar(m, "value").ifPresent(v -> texts.add(v.value()));
                }
            }
        }
        return texts;
    }

    /** Whether quantity {@code a} is larger than {@code b}; false when either cannot be read. */
}
