package dev.harden.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@code harden fix} does to the files around the ones it hardens, and with files it cannot use. */
class FileSafetyTest {
    private static final String COMPOSE = "services:\n  web:\n    image: nginx:1.27\n";
    private static final String DEPLOYMENT = """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: api
            spec:
              selector:
                matchLabels:
                  app: api
              template:
                metadata:
                  labels:
                    app: api
                spec:
                  containers:
                    - name: api
                      image: nginx:1.27
            """;

    @TempDir
    Path dir;

    private Path write(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text, StandardCharsets.UTF_8);
        return p;
    }

    private List<String> names(Path folder) throws IOException {
        try (var files = Files.list(folder)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void aReadOnlyFileIsReportedAndLeftWhileTheOtherFilesAreFixed() throws IOException {
        Path locked = write("a/compose.yaml", COMPOSE);
        Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("r--r--r--"));
        Path open = write("b/compose.yaml", COMPOSE);
        Cli r = Cli.run("fix", dir.toString());
        assertThat(r.exit()).isEqualTo(HardenCommand.BAD_INPUT);
        assertThat(r.err()).contains("compose.yaml: not written: the file is read-only (mode 0444)")
                .doesNotContain("internal error");
        assertThat(Files.readString(locked)).isEqualTo(COMPOSE);
        assertThat(Files.readString(open)).contains("cap_drop");
        assertThat(r.err()).contains("5 change(s) in 1 file(s)");
    }

    @Test
    void aFileThatCannotBeCreatedIsReportedAndTheRunGoesOn() throws IOException {
        Path manifest = write("k8s/api.yaml", DEPLOYMENT);
        // a dangling link where the NetworkPolicy file goes: creating the file fails, even for root
        Files.createSymbolicLink(manifest.resolveSibling("api.network-policies.yaml"), Path.of("nowhere/x.yaml"));
        Path compose = write("z/compose.yaml", COMPOSE);
        Cli r = Cli.run("fix", "--profile", "strict", dir.toString());
        assertThat(r.err()).doesNotContain("internal error").contains("api.network-policies.yaml: not written: ");
        assertThat(r.exit()).isEqualTo(HardenCommand.BAD_INPUT);
        assertThat(Files.readString(compose)).contains("cap_drop");
        assertThat(names(manifest.getParent())).containsExactly("api.network-policies.yaml", "api.yaml");
    }

    @Test
    void aHardLinkedFileIsWrittenInPlaceAndSaysSo() throws IOException {
        Path file = write("compose.yaml", COMPOSE);
        Path link = Files.createLink(dir.resolve("other.yaml"), file);
        Cli r = Cli.run("fix", file.toString());
        assertThat(r.exit()).isZero();
        assertThat(Files.readString(link)).contains("cap_drop");
        assertThat(r.err()).contains("compose.yaml: written in place (not replaced) to keep its hard links or its owner");
        assertThat(names(dir)).containsExactly("compose.yaml", "other.yaml");
    }

    @Test
    void temporaryFilesLeftByAKilledRunAreCleanedUpBesideTheFilesFixed() throws IOException {
        write("compose.yaml", COMPOSE);
        long gone = 4_000_000;
        while (ProcessHandle.of(gone).isPresent()) {
            gone--;
        }
        Path stale = write(".harden-tmp-" + gone + "-123-compose.yaml", "services:\n  half");
        Files.setLastModifiedTime(stale, FileTime.from(Instant.now().minusSeconds(600)));
        Cli r = Cli.run("fix", dir.toString());
        assertThat(r.exit()).isZero();
        assertThat(names(dir)).containsExactly("compose.yaml");
    }

    @Test
    void aJsonManifestStaysJsonItIsReportedNotFixed() throws Exception {
        String json = "{\"services\": {\"web\": {\"image\": \"nginx:1.27\"}}}\n";
        Path compose = write("compose.json", json);
        String pod = "{\"apiVersion\": \"v1\", \"kind\": \"Pod\", \"metadata\": {\"name\": \"p\"},"
                + " \"spec\": {\"containers\": [{\"name\": \"c\", \"image\": \"busybox:1.36\"}]}}";
        Path k8s = write("pod.JSON", pod);
        Cli r = Cli.run("fix", compose.toString(), k8s.toString());
        var mapper = new com.fasterxml.jackson.databind.ObjectMapper()
                .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        assertThat(mapper.readTree(Files.readString(compose)).isObject()).isTrue();
        assertThat(mapper.readTree(Files.readString(k8s)).isObject()).isTrue();
        assertThat(Files.readString(compose)).isEqualTo(json);
        assertThat(r.err()).contains("compose.json:1:1: not fixed: harden writes YAML syntax",
                "pod.JSON:1:1: not fixed: harden writes YAML syntax").doesNotContain("fixed cap-drop-all");
        assertThat(r.err()).contains("error cap-drop-all [web]");
        assertThat(names(dir)).containsExactly("compose.json", "pod.JSON");
    }

    @Test
    void aFileOverTheSizeLimitIsRefusedBeforeItIsRead() throws IOException {
        Path huge = dir.resolve("compose.yaml");
        try (var f = new java.io.RandomAccessFile(huge.toFile(), "rw")) {
            f.setLength(3L << 30); // sparse: 3 GB that take no disk and would not fit in an array
        }
        Cli r = Cli.run("check", "--max-file-size", "10MB", huge.toString());
        assertThat(r.exit()).isEqualTo(HardenCommand.BAD_INPUT);
        assertThat(r.err()).contains("compose.yaml:1:1: file is 3221225472 bytes, over the limit of 10485760"
                + " (raise it with --max-file-size)");
    }

    @Test
    void imageKnowledgeThatIsADeviceIsRefusedNotReadForever() throws IOException {
        write("compose.yaml", COMPOSE);
        write(".harden.yaml", "images: /dev/zero\n");
        Cli r = Cli.run("check", dir.toString());
        assertThat(r.exit()).isEqualTo(HardenCommand.BAD_INPUT);
        assertThat(r.err()).contains("/dev/zero: cannot read image knowledge (not a regular file (a FIFO, socket or device);"
                + " harden reads regular files only)");
    }

    @Test
    void aConfigNamingAFifoIsRefusedWithoutWaitingForAWriter() throws Exception {
        write("compose.yaml", COMPOSE);
        Path fifo = dir.resolve("images.yaml");
        assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();
        write(".harden.yaml", "images: images.yaml\n");
        Cli r = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(60),
                () -> Cli.run("check", dir.toString()), "harden waited on a FIFO");
        assertThat(r.exit()).isEqualTo(HardenCommand.BAD_INPUT);
        assertThat(r.err()).contains("images.yaml: cannot read image knowledge (not a regular file");
    }

    private static final String PRIVILEGED = "services:\n  web:\n    image: nginx:1.27\n    privileged: true\n";
    private static final String EXEMPT_ALL = "exemptions:\n  - rules: [all]\n    service: web\n    reason: planted\n";

    @Test
    void outsideARepositoryAConfigInAParentFolderIsNotUsed() throws IOException {
        write(".harden.yaml", EXEMPT_ALL);
        Path app = write("app/compose.yaml", PRIVILEGED).getParent();
        Cli r = Cli.run("check", "-v", app.toString());
        assertThat(r.out()).contains("error privileged-disabled [web]").doesNotContain("planted");
        assertThat(r.err()).contains("harden: no .harden.yaml");
    }

    @Test
    void insideARepositoryTheConfigAtItsRootIsUsedAndNamed() throws IOException {
        Files.createDirectories(dir.resolve("repo/.git"));
        Path config = write("repo/.harden.yaml", EXEMPT_ALL);
        write(".harden.yaml", "profile: strict\n"); // above the repository: never read
        Path app = write("repo/deploy/app/compose.yaml", PRIVILEGED).getParent();
        Cli r = Cli.run("check", "-v", app.toString());
        assertThat(r.out()).contains("exempted privileged-disabled [web]", "(exempted: planted)");
        assertThat(r.err()).contains("harden: config " + config.toAbsolutePath().normalize(), "with profile restricted");
    }

    @Test
    void aMaxFileSizeThatOverflowsIsAUsageError() throws IOException {
        Path file = write("compose.yaml", COMPOSE);
        for (String size : List.of("99999999999G", "99999999999999999999999", "-5MB", "0")) {
            Cli r = Cli.run("check", "--max-file-size", size, file.toString());
            assertThat(r.exit()).as(size).isEqualTo(HardenCommand.BAD_INPUT);
            assertThat(r.err()).as(size).startsWith("harden: --max-file-size").doesNotContain("internal error");
        }
    }

    @Test
    void profileValuesThatWouldWriteNonsenseAreRefusedAtLoad() throws IOException {
        Path file = write("compose.yaml", COMPOSE);
        Path negative = write("negative.yaml", "extends: restricted\nrules:\n  pids-limit: {params: {limit: -5}}\n");
        Path lots = write("lots.yaml", "extends: restricted\nrules:\n  resource-limits: {params: {memory: lots}}\n");
        Cli r = Cli.run("fix", "--profile", negative.toString(), file.toString());
        assertThat(r.exit()).isEqualTo(HardenCommand.BAD_INPUT);
        // "  pids-limit: {params: {limit: " is 31 characters
        assertThat(r.err()).contains(negative + ":3:32: rule 'pids-limit': parameter 'limit' must be a whole number above 0, not '-5'");
        Cli m = Cli.run("fix", "--profile", lots.toString(), file.toString());
        assertThat(m.exit()).isEqualTo(HardenCommand.BAD_INPUT);
        // "  resource-limits: {params: {memory: " is 37 characters
        assertThat(m.err()).contains(lots + ":3:38: rule 'resource-limits': parameter 'memory' must be a size such as 512M, not 'lots'");
        assertThat(Files.readString(file)).isEqualTo(COMPOSE);
    }

    @Test
    void aProfileMayLeaveAKubernetesQuantityOutWithAnEmptyValue() throws IOException {
        Path pod = write("pod.yaml", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n"
                + "    - name: app\n      image: example/app:1.2.3\n      args: [\"-Xmx1g\"]\n");
        Path noCpu = write("no-limits.yaml", "extends: restricted\nrules:\n"
                + "  resource-limits: {params: {cpuLimit: \"\", memoryLimit: \"\"}}\n");

        Cli r = Cli.run("fix", "--diff", "--profile", noCpu.toString(), pod.toString());

        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("requests:").doesNotContain("limits:");
    }

    @Test
    void aFileWithLoneCarriageReturnsGetsOneClearMessage() throws IOException {
        Path file = write("compose.yaml", "services:\r  web:\r    image: nginx:1.27\r");
        for (String command : List.of("check", "fix")) {
            Cli r = Cli.run(command, file.toString());
            assertThat(r.exit()).as(command).isEqualTo(HardenCommand.BAD_INPUT);
            assertThat(r.err()).as(command).contains("compose.yaml:1:10: lone CR line endings are not supported")
                    .doesNotContain("internal error");
        }
        assertThat(Files.readString(file)).isEqualTo("services:\r  web:\r    image: nginx:1.27\r");
    }
}
