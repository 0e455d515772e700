package dev.harden.testing;

import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.harden.json.Json;
import dev.harden.yaml.Limits;
import dev.harden.yaml.Plain;
import dev.harden.yaml.YamlFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Validates Compose files against the official compose-spec JSON schema (draft 2020-12). */
public final class ComposeSchema {
    private static Schema schema;

    private ComposeSchema() {
    }

    private static synchronized Schema schema() {
        if (schema == null) {
            try {
                // the validator wants an absolute $id; the schema's own is relative ("compose_spec.json")
                String text = Files.readString(Corpus.composeSchema(), StandardCharsets.UTF_8)
                        .replaceFirst("\"\\$id\"\\s*:\\s*\"compose_spec.json\"", "\"\\$id\": \"https://harden.invalid/compose_spec.json\"");
                schema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12).getSchema(text, InputFormat.JSON);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        return schema;
    }

    /** Whether the schema is on this machine. */
    public static boolean available() {
        return Files.isRegularFile(Path.of("../shared/schemas/compose-spec.json"))
                || Files.isRegularFile(Path.of("/work/shared/schemas/compose-spec.json"));
    }

    /** The schema's complaints about a Compose file, one message each; empty when valid. */
    public static List<String> errors(String yaml) {
        try {
            YamlFile file = YamlFile.parse(yaml.getBytes(StandardCharsets.UTF_8), Limits.DEFAULT);
            String json = Json.write(Plain.of(file.documents().get(0)));
            return schema().validate(json, InputFormat.JSON).stream().map(Error::toString).toList();
        } catch (Exception e) {
            return List.of("cannot validate: " + e);
        }
    }
}
