package dev.harden.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
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
        assertThat(AtomicWrite.writeIfUnchanged(file, "read\n".getBytes(), "fixed\n".getBytes())).isTrue();
        assertThat(Files.readString(file)).isEqualTo("fixed\n");
        Files.writeString(file, "edited by hand\n");
        assertThat(AtomicWrite.writeIfUnchanged(file, "fixed\n".getBytes(), "fixed again\n".getBytes())).isFalse();
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
}
