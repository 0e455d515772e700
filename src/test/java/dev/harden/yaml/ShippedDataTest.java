package dev.harden.yaml;

import static org.assertj.core.api.Assertions.assertThat;

import dev.harden.build.ShippedDataCompiler;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class ShippedDataTest {
    /** Every YAML file harden ships, by source file and resource name. */
    private static List<String[]> shipped() throws IOException {
        List<String[]> files = new ArrayList<>();
        files.add(new String[] {"src/main/resources/dev/harden/rules.yaml", "/dev/harden/rules.yaml"});
        try (Stream<Path> profiles = Files.list(Path.of("profiles"))) {
            profiles.filter(p -> p.toString().endsWith(".yaml")).sorted().forEach(p -> files.add(
                    new String[] {p.toString(), "/dev/harden/profiles/" + p.getFileName()}));
        }
        return files;
    }

    private static Object parsed(byte[] yaml) throws YamlException {
        YamlFile file = YamlFile.parse(yaml, Limits.DEFAULT);
        return file.documents().isEmpty() ? null : Plain.of(file.documents().get(0));
    }

    @Test
    void theCompiledFormOfEachShippedFileHoldsWhatParsingItGives() throws Exception {
        List<String[]> files = shipped();
        assertThat(files).hasSizeGreaterThanOrEqualTo(5);
        for (String[] f : files) {
            byte[] yaml = Files.readAllBytes(Path.of(f[0]));
            assertThat(ShippedData.decode(ShippedDataCompiler.compile(yaml), yaml)).as(f[0]).isEqualTo(parsed(yaml));
        }
    }

    @Test
    void theBuildCompiledEveryShippedFileAndReadGivesWhatParsingGives() throws Exception {
        for (String[] f : shipped()) {
            byte[] yaml = Files.readAllBytes(Path.of(f[0]));
            try (var in = ShippedData.class.getResourceAsStream(f[1] + ShippedData.SUFFIX)) {
                assertThat(in).as("compiled form of %s on the class path", f[1]).isNotNull();
                byte[] compiled = in.readAllBytes();
                assertThat(ShippedData.decode(compiled, yaml)).as(f[1]).isNotEqualTo(ShippedData.Stale.VALUE);
            }
            assertThat(ShippedData.read(ShippedDataTest.class, f[1])).as(f[1]).isEqualTo(parsed(yaml));
        }
    }

    @Test
    void everyKindOfPlainValueSurvives() throws Exception {
        byte[] yaml = String.join("\n",
                "base: &b {shared: 1}",
                "merged: {<<: *b, own: two}",
                "none: null",
                "tilde: ~",
                "yes: true",
                "no: False",
                "int: -42",
                "octal: 0o17",
                "hex: 0x1F",
                "big: 9223372036854775807",
                "float: 2.5e-3",
                "inf: -.inf",
                "nan: .nan",
                "empty: ''",
                "text: \"tab\\tand ü, 雪, 🐳\"",
                "block: |",
                "  two",
                "  lines",
                "list: [a, [], {}, [1, [2]]]",
                "'quoted key': {nested: {deeper: [x]}}",
                "").getBytes(StandardCharsets.UTF_8);
        Object decoded = ShippedData.decode(ShippedDataCompiler.compile(yaml), yaml);
        assertThat(decoded).isEqualTo(parsed(yaml));
        assertThat(decoded.toString()).contains("shared=1", "own=two", "nan=NaN", "inf=-Infinity", "🐳", "quoted key");
    }

    @Test
    void aFileWithoutDocumentsIsNull() throws Exception {
        byte[] yaml = "# only a comment\n".getBytes(StandardCharsets.UTF_8);
        assertThat(ShippedData.decode(ShippedDataCompiler.compile(yaml), yaml)).isNull();
    }

    @Test
    void aCompiledFormOfOtherOrDamagedBytesIsNeverUsed() throws Exception {
        byte[] yaml = "a: 1\n".getBytes(StandardCharsets.UTF_8);
        byte[] compiled = ShippedDataCompiler.compile(yaml);
        byte[] edited = "a: 2\n".getBytes(StandardCharsets.UTF_8);
        assertThat(ShippedData.decode(compiled, edited)).isEqualTo(ShippedData.Stale.VALUE);
        assertThat(ShippedData.decode(Arrays.copyOf(compiled, compiled.length - 1), yaml)).isEqualTo(ShippedData.Stale.VALUE);
        byte[] longer = Arrays.copyOf(compiled, compiled.length + 1);
        assertThat(ShippedData.decode(longer, yaml)).isEqualTo(ShippedData.Stale.VALUE);
        byte[] badTag = compiled.clone();
        badTag[12] = 'Q';
        assertThat(ShippedData.decode(badTag, yaml)).isEqualTo(ShippedData.Stale.VALUE);
        assertThat(ShippedData.decode(new byte[0], yaml)).isEqualTo(ShippedData.Stale.VALUE);
    }

    @Test
    void readParsesTheYamlWhenItsCompiledFormIsStaleOrMissing() throws Exception {
        byte[] yaml = "a: [1, 2]\n".getBytes(StandardCharsets.UTF_8);
        byte[] other = ShippedDataCompiler.compile("a: [1]\n".getBytes(StandardCharsets.UTF_8));
        java.util.Map<String, byte[]> files = new java.util.HashMap<>();
        files.put("/x.yaml", yaml);
        assertThat(ShippedData.read(files::get, "/x.yaml")).isEqualTo(parsed(yaml));
        files.put("/x.yaml" + ShippedData.SUFFIX, other);
        assertThat(ShippedData.read(files::get, "/x.yaml")).isEqualTo(parsed(yaml));
        // a compiled form made for these very bytes is what read answers with: no parsing
        byte[] forged = ShippedDataCompiler.compile("a: forged\n".getBytes(StandardCharsets.UTF_8));
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(yaml);
        java.nio.ByteBuffer.wrap(forged).putInt(4, (int) crc.getValue()).putInt(8, yaml.length);
        files.put("/x.yaml" + ShippedData.SUFFIX, forged);
        assertThat(ShippedData.read(files::get, "/x.yaml")).isEqualTo(java.util.Map.of("a", "forged"));
    }

    @Test
    void aMissingResourceIsAnIoError() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ShippedData.read(ShippedDataTest.class, "/no/such.yaml"))
                .isInstanceOf(IOException.class).hasMessageContaining("/no/such.yaml");
    }
}
