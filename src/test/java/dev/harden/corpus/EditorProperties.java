package dev.harden.corpus;

import static org.assertj.core.api.Assertions.assertThat;

import dev.harden.report.UnifiedDiff;
import dev.harden.testing.Corpus;
import dev.harden.yaml.Alias;
import dev.harden.yaml.Editor;
import dev.harden.yaml.Limits;
import dev.harden.yaml.Mapping;
import dev.harden.yaml.Node;
import dev.harden.yaml.Plain;
import dev.harden.yaml.Scalar;
import dev.harden.yaml.Sequence;
import dev.harden.yaml.YamlException;
import dev.harden.yaml.YamlFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Random valid edits on real corpus files: the output parses to exactly the intended tree (computed
 * independently on plain Java values), and every original line survives unchanged, in order.
 */
class EditorProperties {
    private static List<Path> files = List.of();

    @BeforeContainer
    static void findCorpus() {
        try {
            List<Path> all = new ArrayList<>(Corpus.files("compose"));
            all.addAll(Corpus.files("kubernetes"));
            files = all;
        } catch (org.opentest4j.TestAbortedException e) {
            files = List.of();
        }
    }

    @Provide
    Arbitrary<Integer> fileIndex() {
        return Arbitraries.integers().between(0, Math.max(0, files.size() - 1));
    }

    /** A place to edit: the path from a document root to a mapping or sequence, never through an alias. */
    private record Target(int document, List<Object> path, Node node) { }

    @Property(tries = 300)
    void randomInsertionsKeepEveryLineAndGiveTheIntendedTree(@ForAll("fileIndex") int index, @ForAll long seed) throws Exception {
        if (!files.isEmpty()) {
            editAtRandom(Files.readAllBytes(files.get(index)), seed);
        }
    }

    static void editAtRandom(byte[] bytes, long seed) throws Exception {
        YamlFile file;
        try {
            file = YamlFile.parse(bytes, Limits.DEFAULT);
        } catch (YamlException e) {
            return;
        }
        List<Object> expected = new ArrayList<>();
        for (Node doc : file.documents()) {
            expected.add(Plain.of(doc));
        }
        Editor editor = file.edit();
        List<Target> targets = new ArrayList<>();
        for (int d = 0; d < file.documents().size(); d++) {
            collect(d, file.documents().get(d), new ArrayList<>(), editor, targets);
        }
        if (targets.isEmpty()) {
            return;
        }
        Random random = new Random(seed);
        java.util.Set<Integer> editedFlowLines = new java.util.HashSet<>();
        int edits = 1 + random.nextInt(4);
        for (int i = 0; i < edits; i++) {
            Target t = targets.get(random.nextInt(targets.size()));
            Object plainValue;
            Node value;
            switch (random.nextInt(4)) {
                case 0 -> {
                    String s = List.of("ALL", "1000", "yes", "no-new-privileges:true", "a: b", "#x", "ünïcode", "")
                            .get(random.nextInt(8));
                    value = Scalar.string(s);
                    plainValue = s;
                }
                case 1 -> {
                    long n = random.nextInt(100000);
                    value = Scalar.integer(n);
                    plainValue = n;
                }
                case 2 -> {
                    value = Sequence.of("ALL", "NET_RAW");
                    plainValue = List.of("ALL", "NET_RAW");
                }
                default -> {
                    value = Mapping.block().with("limits", Mapping.block().with("memory", Scalar.string("512M")));
                    plainValue = Map.of("limits", Map.of("memory", "512M"));
                }
            }
            Object container = navigate(expected.get(t.document()), t.path());
            if (Boolean.getBoolean("harden.debug")) {
                System.err.println("edit " + t.path() + " " + t.node() + " with " + plainValue);
            }
            if (t.node().isFlow()) {
                for (int line = file.line(t.node().start()); line <= file.line(t.node().end()); line++) {
                    editedFlowLines.add(line);
                }
            }
            if (t.node() instanceof Mapping m) {
                String key = "harden-test-" + i;
                editor.put(m, key, value);
                @SuppressWarnings("unchecked")
                Map<String, Object> map = (Map<String, Object>) container;
                map.put(key, plainValue);
            } else {
                editor.append((Sequence) t.node(), value);
                @SuppressWarnings("unchecked")
                List<Object> list = (List<Object>) container;
                list.add(plainValue);
            }
        }
        byte[] out = editor.apply();
        YamlFile reparsed = YamlFile.parse(out, Limits.DEFAULT);
        List<Object> actual = new ArrayList<>();
        for (Node doc : reparsed.documents()) {
            actual.add(Plain.of(doc));
        }
        assertThat(actual).isEqualTo(expected);
        assertLinesKeptInOrder(new String(bytes, StandardCharsets.UTF_8), new String(out, StandardCharsets.UTF_8), editedFlowLines);
    }

    /**
     * The original's lines are a subsequence of the output's, apart from a last line that gains its
     * break and the lines of flow collections that received an item.
     */
    static void assertLinesKeptInOrder(String before, String after, java.util.Set<Integer> edited) {
        String text = before.startsWith("\uFEFF") ? before.substring(1) : before;
        List<String> a = UnifiedDiff.lines(text);
        List<String> b = UnifiedDiff.lines(after.startsWith("\uFEFF") ? after.substring(1) : after);
        int j = 0;
        for (int i = 0; i < a.size(); i++) {
            if (edited.contains(i + 1)) {
                continue;
            }
            String line = a.get(i);
            boolean last = i == a.size() - 1 && !line.endsWith("\n");
            while (j < b.size() && !(b.get(j).equals(line) || last && b.get(j).startsWith(line))) {
                j++;
            }
            assertThat(j).as("original line %d %s is kept in order", i + 1, line).isLessThan(b.size());
            j++;
        }
    }

    private static void collect(int doc, Node node, List<Object> path, Editor editor, List<Target> out) {
        if (node instanceof Alias) {
            return;
        }
        if (node instanceof Mapping m) {
            if (!editor.isShared(m) && m.mergedMappings().isEmpty()
                    && m.entries().stream().allMatch(e -> e.keyText() != null)) {
                out.add(new Target(doc, List.copyOf(path), m));
            }
            for (Mapping.Entry e : m.entries()) {
                if (e.keyText() != null && !e.keyText().equals(Mapping.MERGE_KEY)) {
                    path.add(e.keyText());
                    collect(doc, e.value(), path, editor, out);
                    path.remove(path.size() - 1);
                }
            }
        } else if (node instanceof Sequence s) {
            if (!s.items().isEmpty() && !editor.isShared(s)) {
                out.add(new Target(doc, List.copyOf(path), s));
            }
            for (int i = 0; i < s.items().size(); i++) {
                path.add(i);
                collect(doc, s.items().get(i), path, editor, out);
                path.remove(path.size() - 1);
            }
        }
    }

    private static Object navigate(Object root, List<Object> path) {
        Object cur = root;
        for (Object step : path) {
            cur = step instanceof Integer i ? ((List<?>) cur).get(i) : ((Map<?, ?>) cur).get(step);
        }
        return cur;
    }

    static Map<String, Object> ordered() {
        return new LinkedHashMap<>();
    }
}
