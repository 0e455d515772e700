package dev.harden.build;

import static org.assertj.core.api.Assertions.assertThat;

import dev.harden.yaml.ShippedData;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShippedDataCompilerTest {
    @Test
    void theBuildStepWritesTheCompiledFormBesideEachNamedFileAndEachYamlFileOfANamedFolder(@TempDir Path classes) throws Exception {
        Path rules = classes.resolve("dev/harden/rules.yaml");
        Path profiles = classes.resolve("dev/harden/profiles");
        Files.createDirectories(profiles);
        Files.writeString(rules, "rules: [a, b]\n");
        Files.writeString(profiles.resolve("base.yaml"), "name: base\n");
        Files.writeString(profiles.resolve("README.txt"), "not data\n");

        ShippedDataCompiler.main(new String[] {classes.toString(), "dev/harden/rules.yaml", "dev/harden/profiles"});

        assertThat(classes.resolve("dev/harden/rules.yaml" + ShippedData.SUFFIX))
                .hasBinaryContent(ShippedDataCompiler.compile(Files.readAllBytes(rules)));
        assertThat(profiles.resolve("base.yaml" + ShippedData.SUFFIX))
                .hasBinaryContent(ShippedDataCompiler.compile(Files.readAllBytes(profiles.resolve("base.yaml"))));
        assertThat(profiles.resolve("README.txt" + ShippedData.SUFFIX)).doesNotExist();
    }

    @Test
    void theCompiledFormStartsWithTheMagicNumberThenTheYamlsCrcAndLength() throws Exception {
        byte[] yaml = "a: 1\n".getBytes(StandardCharsets.UTF_8);
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(yaml);
        ByteBuffer compiled = ByteBuffer.wrap(ShippedDataCompiler.compile(yaml));
        assertThat(compiled.getInt()).isEqualTo(ShippedData.MAGIC);
        assertThat(compiled.getInt()).isEqualTo((int) crc.getValue());
        assertThat(compiled.getInt()).isEqualTo(yaml.length);
        assertThat((char) compiled.get()).as("a map follows").isEqualTo('M');
    }
}
