package dev.harden.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/** The shared corpus of real files ({@code ../shared/corpus}), when this machine has it. */
public final class Corpus {
    private Corpus() {
    }

    /** The corpus root, found from the working folder or its parent; tests are skipped without it. */
    public static Path root() {
        for (Path candidate : List.of(Path.of("../shared/corpus"), Path.of("../../shared/corpus"), Path.of("/work/shared/corpus"))) {
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        Assumptions.abort(Needs.CORPUS);
        throw new IllegalStateException();
    }

    /** Every regular file under a corpus folder ({@code compose}, {@code kubernetes}, ...), sorted. */
    public static List<Path> files(String folder) {
        Path dir = root().resolve(folder);
        Assumptions.assumeTrue(Files.isDirectory(dir), "no corpus folder " + folder + ": " + Needs.CORPUS);
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().endsWith(".tsv")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The compose-spec JSON schema, or a skip when it is absent. */
    public static Path composeSchema() {
        Path schema = root().resolveSibling("schemas").resolve("compose-spec.json");
        Assumptions.assumeTrue(Files.isRegularFile(schema), Needs.SCHEMA);
        return schema;
    }
}
