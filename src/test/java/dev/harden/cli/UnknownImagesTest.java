package dev.harden.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An image no source of facts knows (not shipped, no images file, no registry facts): the profile's
 * {@code unknownImages} decides whether changes that rest on its facts are made.
 */
class UnknownImagesTest {
    /** An image in no knowledge file; tests never ask a registry that is not on loopback. */
    private static final String COMPOSE = "services:\n  api:\n    image: acme/api:2.0\n";

    @TempDir
    Path dir;

    private Path write(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.createDirectories(p.getParent());
        return Files.writeString(p, text);
    }

    @Test
    void restrictedWritesNothingThatCanStopAnUnknownImageAndSaysWhatIsMissing() throws IOException {
        Path file = write("compose.yaml", COMPOSE);
        Cli fix = Cli.run("fix", "--profile", "restricted", file.toString());
        assertThat(fix.exit()).as(fix.err()).isZero();
        // no user, no cap_drop, no read_only: only what cannot stop it from starting
        assertThat(Files.readString(file)).isEqualTo("""
                services:
                  api:
                    image: acme/api:2.0
                    security_opt:
                      - no-new-privileges:true
                    deploy:
                      resources:
                        limits:
                          cpus: "1.0"
                          memory: 512M
                        reservations:
                          memory: 128M
                    pids_limit: 200
                """);
        Cli check = Cli.run("check", "--profile", "restricted", file.toString());
        assertThat(check.out()).doesNotContain("(fixable)");
        assertThat(check.out()).contains("cap-drop-all [api] keeps Docker's default capabilities; not changed: harden has no"
                + " facts about image acme/api (the capabilities it needs to start)");
        assertThat(check.out()).contains("read-only-root-filesystem [api] has a writable root filesystem; not changed: harden"
                + " has no facts about image acme/api (the paths it writes)");
        assertThat(check.out()).contains("run `harden learn` on it, describe the image in an images file (images: in"
                + " .harden.yaml, see docs/images.md), or read its facts from the image (--image-facts auto)");
    }

    @Test
    void composeNonRootUserSaysWhatIsMissingInTheSameShapeAsEveryOtherChangeLeftUnmadeForLackOfFacts() throws IOException {
        Path file = write("compose.yaml", COMPOSE + "  shell:\n    image: busybox:1.37\n");
        Cli check = Cli.run("check", "--profile", "restricted", file.toString());
        String missing = "; not changed: harden has no facts about image %s (%s), and a guess could stop it from starting:"
                + " run `harden learn` on it, describe the image in an images file (images: in .harden.yaml, see docs/images.md),"
                + " or read its facts from the image (--image-facts auto)\n";
        assertThat(check.out()).contains("non-root-user [api] may run as root" + missing.formatted("acme/api", "the non-root user it can run as"),
                "cap-drop-all [api] keeps Docker's default capabilities" + missing.formatted("acme/api", "the capabilities it needs to start"),
                "non-root-user [shell] runs as root" + missing.formatted("busybox", "the non-root user it can run as"));
    }

    @Test
    void baselineDropsNoCapabilitiesOfAnUnknownImageButStillBlocksPrivilegeEscalation() throws IOException {
        Path file = write("compose.yaml", COMPOSE);
        Cli fix = Cli.run("fix", "--profile", "baseline", file.toString());
        assertThat(fix.exit()).as(fix.err()).isZero();
        assertThat(Files.readString(file)).isEqualTo("""
                services:
                  api:
                    image: acme/api:2.0
                    security_opt:
                      - no-new-privileges:true
                    pids_limit: 200
                """);
    }

    @Test
    void theSameImageDescribedInAnImagesFileGetsTheChangesItsFactsAllow() throws IOException {
        write(".harden.yaml", "profile: restricted\nimages: images.yaml\n");
        write("images.yaml", """
                images:
                  - name: acme/api
                    runsAs: root
                    dropsPrivileges: true
                    rootCapabilities: [CHOWN, SETUID, SETGID]
                    writablePaths: [/var/cache/api]
                    sources: [https://example.org/acme-api-dockerfile]
                """);
        Path file = write("compose.yaml", COMPOSE);
        Cli fix = Cli.run("fix", file.toString());
        assertThat(fix.exit()).as(fix.err()).isZero();
        // it steps down by itself, so no user: is set; it needs what stepping down takes back, and its cache
        assertThat(Files.readString(file)).isEqualTo("""
                services:
                  api:
                    image: acme/api:2.0
                    cap_drop:
                      - ALL
                    cap_add:
                      - CHOWN
                      - SETUID
                      - SETGID
                    security_opt:
                      - no-new-privileges:true
                    read_only: true
                    tmpfs:
                      - /var/cache/api
                      - /tmp
                    deploy:
                      resources:
                        limits:
                          cpus: "1.0"
                          memory: 512M
                        reservations:
                          memory: 128M
                    pids_limit: 200
                """);
        Cli check = Cli.run("check", file.toString());
        assertThat(check.out()).doesNotContain("no facts about image");
    }

    @Test
    void strictStillAssumesAndAsksForVerification() throws IOException {
        Path file = write("compose.yaml", COMPOSE);
        Cli diff = Cli.run("fix", "--diff", "--profile", "strict", file.toString());
        assertThat(diff.out()).contains("+    user: \"10001:10001\"\n", "+    cap_drop:\n+      - ALL\n",
                "+    read_only: true\n+    tmpfs:\n+      - /tmp\n");
        Cli check = Cli.run("check", "--profile", "strict", file.toString());
        assertThat(check.out()).doesNotContain("no facts about image");
        assertThat(check.out()).contains("cap-drop-all [api] keeps Docker's default capabilities (fixable)");
    }

    @Test
    void aKubernetesContainerOfAnUnknownImageGetsNoInventedUidNoDroppedCapabilitiesAndAWritableRoot() throws IOException {
        Path file = write("pod.yaml", """
                apiVersion: v1
                kind: Pod
                metadata:
                  name: web
                spec:
                  containers:
                    - name: app
                      image: acme/api:2.0
                      resources: {requests: {cpu: 100m, memory: 64Mi}, limits: {cpu: "1", memory: 256Mi}}
                """);
        Cli fix = Cli.run("fix", "--profile", "restricted", file.toString());
        assertThat(fix.exit()).as(fix.err()).isZero();
        assertThat(Files.readString(file)).isEqualTo("""
                apiVersion: v1
                kind: Pod
                metadata:
                  name: web
                spec:
                  containers:
                    - name: app
                      image: acme/api:2.0
                      resources: {requests: {cpu: 100m, memory: 64Mi}, limits: {cpu: "1", memory: 256Mi}}
                      securityContext:
                        allowPrivilegeEscalation: false
                  securityContext:
                    seccompProfile:
                      type: RuntimeDefault
                """);
        Cli check = Cli.run("check", "--profile", "restricted", file.toString());
        assertThat(check.out()).contains("non-root-user [Pod/web] may run as root; not changed: harden has no facts"
                + " about image acme/api (the non-root user it can run as)");
        assertThat(check.out()).doesNotContain("(fixable)");
    }
}
