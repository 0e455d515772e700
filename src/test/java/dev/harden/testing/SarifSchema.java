package dev.harden.testing;

import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

/** Validates SARIF logs against the official SARIF 2.1.0 JSON schema ({@code ../shared/schemas}); skips without it. */
public final class SarifSchema {
    private static Schema schema;

    private SarifSchema() {
    }

    private static synchronized Schema schema() {
        if (schema == null) {
            Path file = Corpus.root().resolveSibling("schemas").resolve("sarif-schema-2.1.0.json");
            Assumptions.assumeTrue(Files.isRegularFile(file), "no SARIF schema on this machine");
            try {
                schema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_4)
                        .getSchema(Files.readString(file, StandardCharsets.UTF_8), InputFormat.JSON);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return schema;
    }

    /** The schema's complaints about a SARIF log, one message each; empty when valid. */
    public static List<String> errors(String sarif) {
        return schema().validate(sarif, InputFormat.JSON).stream().map(Error::toString).toList();
    }
}
