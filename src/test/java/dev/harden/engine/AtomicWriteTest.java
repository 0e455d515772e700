package dev.harden.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicWriteTest {
    @TempDir
    Path dir;

    private Stream<String> names() throws Exception {
        return Files.list(dir).map(p -> p.getFileName().toString()).sorted();
    }

    @Test
    void replacesAFileKeepingItsPermissionsAndLeavesNothingBehind() throws Exception {
        Path file = Files.writeString(dir.resolve("compose.yaml"), "old\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r-----"));
        AtomicWrite.write(file, "new\n".getBytes());
        assertThat(Files.readString(file)).isEqualTo("new\n");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-r-----");
        assertThat(names()).containsExactly("compose.yaml");
    }

    @Test
    void writeIfUnchangedReplacesAFileThatStillHoldsWhatWasReadAndRefusesOneEditedMeanwhile() throws Exception {
        Path file = Files.writeString(dir.resolve("compose.yaml"), "read\n");
        assertThat(AtomicWrite.writeIfUnchanged(file, "read\n".getBytes(), "fixed\n".getBytes())).isNotNull();
        assertThat(Files.readString(file)).isEqualTo("fixed\n");
        Files.writeString(file, "edited by hand\n");
        assertThat(AtomicWrite.writeIfUnchanged(file, "fixed\n".getBytes(), "fixed again\n".getBytes())).isNull();
        assertThat(Files.readString(file)).isEqualTo("edited by hand\n");
        assertThat(names()).containsExactly("compose.yaml");
    }

    @Test
    void throughASymbolicLinkTheLinkedFileChangesAndTheLinkStays() throws Exception {
        Path real = Files.writeString(dir.resolve("real.yaml"), "old\n");
        Path link = Files.createSymbolicLink(dir.resolve("link.yaml"), real.getFileName());
        AtomicWrite.write(link, "new\n".getBytes());
        assertThat(Files.isSymbolicLink(link)).isTrue();
        assertThat(Files.readString(real)).isEqualTo("new\n");
    }

    @Test
    void replacingAFileThatIsNotThereIsAnError() {
        assertThatThrownBy(() -> AtomicWrite.write(dir.resolve("gone.yaml"), "x".getBytes()))
                .isInstanceOf(NoSuchFileException.class);
    }

    @Test
    void createsANewFileWithThePermissionsOfTheFileItSitsBeside() throws Exception {
        Path manifest = Files.writeString(dir.resolve("app.yaml"), "kind: Deployment\n");
        Files.setPosixFilePermissions(manifest, PosixFilePermissions.fromString("rw-rw-r--"));
        Path created = dir.resolve("app.network-policies.yaml");
        AtomicWrite.create(created, "kind: NetworkPolicy\n".getBytes(), manifest);
        assertThat(Files.readString(created)).isEqualTo("kind: NetworkPolicy\n");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(created))).isEqualTo("rw-rw-r--");
        assertThat(names()).containsExactly("app.network-policies.yaml", "app.yaml");
    }

    @Test
    void neverCreatesOverAFileThatExists() throws Exception {
        Path manifest = Files.writeString(dir.resolve("app.yaml"), "kind: Deployment\n");
        Path mine = Files.writeString(dir.resolve("app.network-policies.yaml"), "# mine\n");
        assertThatThrownBy(() -> AtomicWrite.create(mine, "kind: NetworkPolicy\n".getBytes(), manifest))
                .isInstanceOf(FileAlreadyExistsException.class);
        assertThat(Files.readString(mine)).isEqualTo("# mine\n");
        assertThat(names()).containsExactly("app.network-policies.yaml", "app.yaml");
    }

    private static int mode(Path file) throws Exception {
        return (Integer) Files.getAttribute(file, "unix:mode") & 07777;
    }

    @Test
    void refusesAFileItsModeMakesReadOnlyEvenWhenRunAsRoot() throws Exception {
        Path file = Files.writeString(dir.resolve("compose.yaml"), "old\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("r--r--r--"));
        assertThatThrownBy(() -> AtomicWrite.write(file, "new\n".getBytes()))
                .isInstanceOf(AtomicWrite.Refused.class).hasMessageContaining("read-only (mode 0444)");
        assertThat(Files.readString(file)).isEqualTo("old\n");
        assertThat(names()).containsExactly("compose.yaml");
    }

    @Test
    void keepsOwnerGroupAndSetuidSetgidAndStickyBits() throws Exception {
        Path file = Files.writeString(dir.resolve("compose.yaml"), "old\n");
        Files.setAttribute(file, "unix:uid", 1234);
        Files.setAttribute(file, "unix:gid", 5678);
        Files.setAttribute(file, "unix:mode", 07754);
        AtomicWrite.How how = AtomicWrite.write(file, "new\n".getBytes());
        assertThat(Files.readString(file)).isEqualTo("new\n");
        assertThat(Files.getAttribute(file, "unix:uid")).isEqualTo(1234);
        assertThat(Files.getAttribute(file, "unix:gid")).isEqualTo(5678);
        assertThat(Integer.toOctalString(mode(file))).isEqualTo("7754");
        assertThat(how).isEqualTo(AtomicWrite.How.REPLACED);
        assertThat(names()).containsExactly("compose.yaml");
    }

    @Test
    void aFileWithHardLinksIsWrittenInPlaceSoEveryLinkSeesTheNewContent() throws Exception {
        Path file = Files.writeString(dir.resolve("compose.yaml"), "old content\n");
        Path other = Files.createLink(dir.resolve("other.yaml"), file);
        Object inode = Files.getAttribute(file, "unix:ino");
        assertThat(AtomicWrite.write(file, "new\n".getBytes())).isEqualTo(AtomicWrite.How.IN_PLACE);
        assertThat(Files.readString(other)).isEqualTo("new\n");
        assertThat(Files.getAttribute(file, "unix:ino")).isEqualTo(inode);
        assertThat(Files.getAttribute(file, "unix:nlink")).isEqualTo(2);
        assertThat(names()).containsExactly("compose.yaml", "other.yaml");
    }

    @Test
    void aFileWithALongNameCanBeWritten() throws Exception {
        Path file = Files.writeString(dir.resolve("x".repeat(240) + ".yaml"), "old\n");
        AtomicWrite.write(file, "new\n".getBytes());
        assertThat(Files.readString(file)).isEqualTo("new\n");
        assertThat(names()).hasSize(1);
    }

    @Test
    void temporaryFilesOfAKilledRunAreRemovedAndItsBackupsListedButKept() throws Exception {
        long gone = deadPid();
        Instant start = Instant.now();
        FileTime before = FileTime.from(start.minus(Duration.ofMinutes(5)));
        Path stale = Files.writeString(dir.resolve(AtomicWrite.TEMP_PREFIX + gone + "-42-compose.yaml"), "half");
        Path backup = Files.writeString(dir.resolve(AtomicWrite.BACKUP_PREFIX + gone + "-42-compose.yaml"), "old");
        Path running = Files.writeString(dir.resolve(AtomicWrite.TEMP_PREFIX + ProcessHandle.current().pid() + "-7-a.yaml"), "x");
        Path fresh = Files.writeString(dir.resolve(AtomicWrite.TEMP_PREFIX + gone + "-43-b.yaml"), "x");
        for (Path p : List.of(stale, backup, running)) {
            Files.setLastModifiedTime(p, before);
        }
        Files.setLastModifiedTime(fresh, FileTime.from(start.plusSeconds(1)));
        assertThat(AtomicWrite.removeStale(dir, start)).containsExactly(backup);
        assertThat(names()).containsExactlyInAnyOrder(backup.getFileName().toString(), running.getFileName().toString(),
                fresh.getFileName().toString());
    }

    private static long deadPid() {
        for (long pid = 4_000_000; ; pid--) {
            if (ProcessHandle.of(pid).isEmpty()) {
                return pid;
            }
        }
    }
}
