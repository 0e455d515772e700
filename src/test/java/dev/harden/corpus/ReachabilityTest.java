package dev.harden.corpus;

import static org.assertj.core.api.Assertions.assertThat;

import dev.harden.manifest.ComposeFile;
import dev.harden.manifest.ComposeService;
import dev.harden.report.FileReport;
import dev.harden.testing.Corpus;
import dev.harden.testing.Fixtures;
import dev.harden.yaml.Limits;
import dev.harden.yaml.Mapping;
import dev.harden.yaml.Node;
import dev.harden.yaml.Scalar;
import dev.harden.yaml.Sequence;
import dev.harden.yaml.YamlFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The strict profile's internal networks never cut a connection: every pair of services that could
 * reach each other before the fix (on a shared network, or sharing one's network namespace) still
 * can afterwards, on every Compose file of the corpus and the examples.
 */
class ReachabilityTest {

    @Test
    void everyPairOfServicesThatCouldTalkBeforeStrictStillCanAfterIt() throws Exception {
        List<Path> files = new ArrayList<>(Corpus.files("compose"));
        files.add(Path.of("examples/compose/shop/compose.yaml"));
        files.add(Path.of("examples/compose/blog/docker-compose.yml"));
        List<String> cut = new ArrayList<>();
        int moved = 0;
        for (Path path : files) {
            String before = Files.readString(path, StandardCharsets.UTF_8);
            FileReport report = Fixtures.fix(Fixtures.profile("strict"), before);
            if (!report.changed()) {
                continue;
            }
            String after = new String(report.fixed(), StandardCharsets.UTF_8);
            Set<String> was = pairs(before);
            Set<String> now = pairs(after);
            for (String pair : was) {
                if (!now.contains(pair)) {
                    cut.add(path + ": " + pair);
                }
            }
            if (!after.equals(before) && after.contains("internal: true") && !before.contains("internal: true")) {
                moved++;
            }
        }
        assertThat(cut).isEmpty();
        assertThat(moved).as("files where strict added an internal network").isGreaterThan(0);
    }

    @Test
    void theDefaultNetworkSplitKeepsWebAndDbConnected() throws Exception {
        String before = "services:\n  web:\n    image: nginx:1.27\n    ports: [\"80:80\"]\n  db:\n    image: postgres:17\n"
                + "  cache:\n    image: redis:7.4\n    network_mode: \"service:db\"\n";
        String after = Fixtures.fixed(Fixtures.only("internal-network"), before);
        assertThat(after).contains("internal: true");
        assertThat(pairs(after)).containsAll(pairs(before)).contains("cache|db", "db|web", "cache|web");
    }

    /** Pairs of services (sorted names joined by '|') that share a network or a network namespace. */
    static Set<String> pairs(String text) throws Exception {
        ComposeFile file = ComposeFile.detect(YamlFile.parse(text.getBytes(StandardCharsets.UTF_8), Limits.DEFAULT)).orElseThrow();
        Map<String, Set<String>> networks = new HashMap<>();
        Map<String, String> namespaceOf = new HashMap<>();
        for (ComposeService s : file.services()) {
            String mode = s.text("network_mode");
            if (mode != null && (mode.startsWith("service:") || mode.startsWith("container:"))) {
                namespaceOf.put(s.name(), mode.substring(mode.indexOf(':') + 1));
                continue;
            }
            if (mode != null) {
                networks.put(s.name(), Set.of("mode:" + mode));
                continue;
            }
            Set<String> nets = new HashSet<>(networksOf(s));
            networks.put(s.name(), nets.isEmpty() ? Set.of("default") : nets);
        }
        for (Map.Entry<String, String> e : namespaceOf.entrySet()) {
            networks.put(e.getKey(), networks.getOrDefault(root(e.getValue(), namespaceOf), Set.of()));
        }
        Set<String> pairs = new TreeSet<>();
        List<String> names = new ArrayList<>(networks.keySet());
        for (int i = 0; i < names.size(); i++) {
            for (int j = i + 1; j < names.size(); j++) {
                Set<String> shared = new HashSet<>(networks.get(names.get(i)));
                shared.retainAll(networks.get(names.get(j)));
                if (!shared.isEmpty()) {
                    String a = names.get(i);
                    String b = names.get(j);
                    pairs.add(a.compareTo(b) < 0 ? a + "|" + b : b + "|" + a);
                }
            }
        }
        return pairs;
    }

    private static String root(String name, Map<String, String> namespaceOf) {
        String n = name;
        for (int i = 0; i < 10 && namespaceOf.containsKey(n); i++) {
            n = namespaceOf.get(n);
        }
        return n;
    }

    private static List<String> networksOf(ComposeService s) {
        List<String> names = new ArrayList<>();
        Optional<Node> n = s.get("networks");
        if (n.isPresent() && n.get() instanceof Sequence seq) {
            for (Node item : seq.items()) {
                if (item.resolve() instanceof Scalar sc) {
                    names.add(sc.value());
                }
            }
        } else if (n.isPresent() && n.get() instanceof Mapping m) {
            m.entries().forEach(e -> names.add(e.keyText()));
        }
        return names;
    }
}
