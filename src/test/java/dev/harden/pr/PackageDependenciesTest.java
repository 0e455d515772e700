package dev.harden.pr;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Holds the arrows of the pull-request path: git and forge know nothing of harden's rules; only cli knows picocli. */
class PackageDependenciesTest {
    private static final Path MAIN = Path.of("src/main/java/dev/harden");
    private static final Pattern IMPORT = Pattern.compile("(?m)^import (?:static )?(dev\\.harden\\.\\w+|picocli|org\\.eclipse\\.jgit)");
    private static final Map<String, Set<String>> ALLOWED = Map.of(
            "git", Set.of("git", "org.eclipse.jgit", "dev.harden.report"),
            "forge", Set.of("forge", "dev.harden.report", "dev.harden.json"),
            "pr", Set.of("pr", "dev.harden.engine", "dev.harden.report", "dev.harden.rule", "dev.harden.git", "dev.harden.forge",
                    "dev.harden.verify"));

    @Test
    void gitForgeAndPrImportOnlyWhatTheirArrowsAllow() throws IOException {
        List<String> violations = new ArrayList<>();
        for (Map.Entry<String, Set<String>> pkg : ALLOWED.entrySet()) {
            try (Stream<Path> files = Files.list(MAIN.resolve(pkg.getKey()))) {
                for (Path file : files.toList()) {
                    Matcher m = IMPORT.matcher(Files.readString(file));
                    while (m.find()) {
                        String target = m.group(1);
                        boolean own = target.equals("dev.harden." + pkg.getKey());
                        if (!own && !pkg.getValue().contains(target)) {
                            violations.add(pkg.getKey() + "/" + file.getFileName() + " imports " + target);
                        }
                    }
                }
            }
        }
        assertThat(violations).isEmpty();
    }

    @Test
    void onlyTheCliImportsPicocli() throws IOException {
        try (Stream<Path> files = Files.walk(MAIN)) {
            List<Path> offenders = files.filter(f -> f.toString().endsWith(".java") && !f.startsWith(MAIN.resolve("cli")))
                    .filter(f -> {
                        try {
                            return Files.readString(f).contains("import picocli");
                        } catch (IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    }).toList();
            assertThat(offenders).isEmpty();
        }
    }
}
