package dev.harden;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Holds the package arrows written in docs/architecture.md. */
class ArchitectureTest {
    private static final Pattern ROW = Pattern.compile("^\\| ([a-z]+) \\| ([^|]+) \\|");
    private static final Pattern IMPORT = Pattern.compile("^import (?:static )?([\\w.]+)", Pattern.MULTILINE);
    private static final Map<String, String> LIBRARIES = Map.of(
            "picocli.", "cli", "org.eclipse.jgit.", "git", "com.github.difflib.", "report", "org.snakeyaml.", "yaml");

    @Test
    void everyPackageUsesOnlyWhatDocsArchitectureAllows() throws IOException {
        Map<String, Set<String>> allowed = new HashMap<>();
        for (String line : Files.readAllLines(Path.of("docs/architecture.md"))) {
            Matcher m = ROW.matcher(line);
            if (m.find() && !m.group(1).equals("package")) {
                Set<String> uses = new HashSet<>();
                for (String dep : m.group(2).split(",")) {
                    if (!dep.isBlank() && !dep.contains("(none)")) {
                        uses.add(dep.trim());
                    }
                }
                allowed.put(m.group(1), uses);
            }
        }
        assertThat(allowed).containsKeys("yaml", "rule", "cli");
        List<String> violations = new ArrayList<>();
        Path root = Path.of("src/main/java/dev/harden");
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                String pkg = root.relativize(file).getName(0).toString();
                if (!allowed.containsKey(pkg)) {
                    violations.add(file + ": package '" + pkg + "' is not in docs/architecture.md");
                    continue;
                }
                Matcher m = IMPORT.matcher(Files.readString(file));
                while (m.find()) {
                    String imported = m.group(1);
                    if (imported.startsWith("dev.harden.")) {
                        String target = imported.substring("dev.harden.".length()).split("\\.")[0];
                        if (!target.equals(pkg) && !allowed.get(pkg).contains(target)) {
                            violations.add(file + ": " + pkg + " may not use " + target + " (" + imported + ")");
                        }
                    }
                    for (Map.Entry<String, String> lib : LIBRARIES.entrySet()) {
                        if (imported.startsWith(lib.getKey()) && !pkg.equals(lib.getValue())) {
                            violations.add(file + ": " + lib.getKey() + "* belongs to package " + lib.getValue());
                        }
                    }
                }
            }
        }
        assertThat(violations).isEmpty();
    }
}
