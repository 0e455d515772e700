package dev.harden.verify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.harden.cli.HardenCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The example stack and the verify command, run black-box through the command line on a real engine. */
class ExampleStackTest {
    @TempDir
    Path dir;

    @Test
    void theExampleWebDbAndCacheStackRunsBeforeAndAfterTheStrictProfile() {
        String host = LocalEngine.host();

        Result r = run("verify", "--profile", "strict", "--docker-host", host, "--format", "json", "examples/compose/compose.yaml");

        assertThat(r.code).as(r.err).isEqualTo(HardenCommand.CLEAN);
        assertThat(r.out).contains("\"runs-before-and-after\": 3", "\"broken-by-hardening\": 0", "\"cannot-tell\": 0");
        assertThat(r.out).contains("\"service\": \"web\"", "\"service\": \"db\"", "\"service\": \"cache\"");
    }

    @Test
    void verifyExitsOneAndNamesTheRuleAndTheLogLineWhenHardeningBreaksAService() throws Exception {
        String host = LocalEngine.host();
        Files.writeString(dir.resolve("compose.yaml"), "services:\n  web:\n    image: local/nginx:deb\n");
        Files.writeString(dir.resolve(".harden.yaml"), "images: wrong.yaml\n");
        Files.writeString(dir.resolve("wrong.yaml"), Files.readString(Path.of("examples/compose/local-images.yaml"))
                .replace("writablePaths: [/var/lib/nginx, /run]", "writablePaths: []"));

        // the retreat, without first trying a repair (RepairEngineTest covers repairs)
        Result r = run("verify", "--no-repair", "--docker-host", host, dir.resolve("compose.yaml").toString());

        assertThat(r.code).as(r.out + r.err).isEqualTo(HardenCommand.FINDINGS);
        assertThat(r.out).contains("web (local/nginx:deb): broken by hardening [read-only-root-filesystem]")
                .contains("log: ").contains("Read-only file system");
    }

    @Test
    void fixWithVerifyWritesTheFileWithoutTheChangeThatBrokeTheService() throws Exception {
        String host = LocalEngine.host();
        Path file = dir.resolve("compose.yaml");
        Files.writeString(file, "services:\n  web:\n    image: local/nginx:deb\n");
        Files.writeString(dir.resolve(".harden.yaml"), "images: wrong.yaml\n");
        Files.writeString(dir.resolve("wrong.yaml"), Files.readString(Path.of("examples/compose/local-images.yaml"))
                .replace("rootCapabilities: [CHOWN, SETUID, SETGID]", "rootCapabilities: []"));

        Result r = run("fix", "--verify", "--no-repair", "--docker-host", host, file.toString());

        assertThat(r.code).as(r.err).isEqualTo(HardenCommand.CLEAN);
        assertThat(r.err).contains("web: left out cap-drop-all because it stopped the service from starting")
                .contains("Operation not permitted");
        assertThat(Files.readString(file)).doesNotContain("cap_drop").contains("read_only: true").contains("/var/lib/nginx");
    }

    private record Result(int code, String out, String err) { }

    private static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = HardenCommand.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int code = cli.execute(args);
        return new Result(code, out.toString(), err.toString());
    }
}
