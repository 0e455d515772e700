package dev.harden.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.harden.engine.FileHardener;
import dev.harden.image.ImageKnowledge;
import dev.harden.profile.RepoConfig;
import dev.harden.testing.Fixtures;
import dev.harden.yaml.Limits;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Verify starts nothing that reaches into the host unless host access is allowed. */
class HostAccessTest {
    private static final String HOSTILE = """
            services:
              root:
                image: local/nginx:deb
                privileged: true
                pid: host
                network_mode: host
                cap_add: [NET_ADMIN, CHOWN, cap_sys_admin]
                devices: ["/dev/kvm:/dev/kvm"]
                env_file: /etc/shadow
                volumes:
                  - /:/host
                  - /var/run/docker.sock:/var/run/docker.sock
                  - ./data:/data
                  - ../outside:/outside
                  - cache:/cache
                  - type: bind
                    source: /var/run
                    target: /run/host
              plain:
                image: local/nginx:deb
                volumes: ["./conf:/etc/nginx/conf.d:ro"]
                env_file: [app.env]
            """;

    @TempDir
    Path dir;

    @Test
    void everyWayIntoTheHostIsRefusedWithItsLineBeforeAnythingStarts() throws Exception {
        Path project = Files.createDirectories(dir.resolve("project"));
        FakeEngine engine = running();

        List<String> refusals;
        try (VerifySession v = verifier(engine, false)) {
            Path file = write(project, HOSTILE);
            refusals = v.refusals(file, "compose.yaml", HOSTILE.getBytes(StandardCharsets.UTF_8));
            assertThatThrownBy(() -> v.verify(file, "compose.yaml", HOSTILE.getBytes(StandardCharsets.UTF_8)))
                    .isInstanceOf(HostAccessRefused.class);
        }

        assertThat(refusals).containsExactly(
                "compose.yaml:4: root: privileged: true gives it every capability and the host's devices",
                "compose.yaml:6: root: network_mode: host shares the host's network namespace",
                "compose.yaml:5: root: pid: host shares the host's process namespace",
                "compose.yaml:7: root: cap_add: NET_ADMIN is beyond Docker's default capabilities",
                "compose.yaml:7: root: cap_add: cap_sys_admin is beyond Docker's default capabilities",
                "compose.yaml:8: root: devices: gives it devices of the host",
                "compose.yaml:11: root: volumes: / hands it the Docker engine's socket",
                "compose.yaml:12: root: volumes: /var/run/docker.sock hands it the Docker engine's socket",
                "compose.yaml:14: root: volumes: ../outside is a host path outside the project folder",
                "compose.yaml:16: root: volumes: /var/run hands it the Docker engine's socket",
                "compose.yaml:9: root: env_file: /etc/shadow is outside the project folder");
        assertThat(engine.created).isEmpty();
        assertThat(engine.starts).isZero();
    }

    @Test
    void aBindMountOrEnvFileThatLinksOutOfTheProjectIsOutside() throws Exception {
        Path project = Files.createDirectories(dir.resolve("project"));
        Files.createSymbolicLink(project.resolve("etc"), Path.of("/etc"));
        Files.createSymbolicLink(project.resolve("app.env"), Path.of("/etc/hostname"));
        String text = "services:\n  web:\n    image: local/nginx:deb\n    env_file: app.env\n    volumes: [\"./etc:/host-etc\"]\n";

        List<String> refusals;
        try (VerifySession v = verifier(running(), false)) {
            refusals = v.refusals(write(project, text), "compose.yaml", text.getBytes(StandardCharsets.UTF_8));
        } finally {
            Files.delete(project.resolve("etc"));
            Files.delete(project.resolve("app.env"));
        }

        assertThat(refusals).containsExactly("compose.yaml:5: web: volumes: ./etc is a host path outside the project folder",
                "compose.yaml:4: web: env_file: app.env is outside the project folder");
    }

    @Test
    void kubernetesHostNamespacesPrivilegeAndExtraCapabilitiesAreRefused() throws Exception {
        String pod = """
                apiVersion: v1
                kind: Pod
                metadata:
                  name: agent
                spec:
                  hostNetwork: true
                  hostPID: true
                  containers:
                    - name: main
                      image: local/nginx:deb
                      securityContext:
                        privileged: true
                        capabilities:
                          add: [SYS_PTRACE, NET_BIND_SERVICE]
                """;
        FakeEngine engine = running();

        List<String> refusals;
        try (VerifySession v = verifier(engine, false)) {
            refusals = v.refusals(write(dir, pod), "pod.yaml", pod.getBytes(StandardCharsets.UTF_8));
        }

        assertThat(refusals).containsExactly("pod.yaml:6: Pod/agent: hostNetwork: true shares a namespace of the host",
                "pod.yaml:7: Pod/agent: hostPID: true shares a namespace of the host",
                "pod.yaml:12: Pod/agent/main: privileged: true gives it every capability and the host's devices",
                "pod.yaml:14: Pod/agent/main: capabilities.add: SYS_PTRACE is beyond Docker's default capabilities");
    }

    @Test
    void withHostAccessAllowedTheServiceStartsAsWritten() throws Exception {
        String text = "services:\n  web:\n    image: local/nginx:deb\n    privileged: true\n";
        FakeEngine engine = running();

        try (VerifySession v = verifier(engine, true)) {
            Path file = write(dir, text);
            assertThat(v.refusals(file, "compose.yaml", text.getBytes(StandardCharsets.UTF_8))).isEmpty();
            v.verify(file, "compose.yaml", text.getBytes(StandardCharsets.UTF_8));
        }

        assertThat(engine.created).isNotEmpty().allSatisfy(s -> assertThat(s.privileged()).isTrue());
    }

    @Test
    void aServiceInsideTheProjectWithDefaultCapabilitiesStartsWithoutAnyFlag() throws Exception {
        Path project = Files.createDirectories(dir.resolve("project"));
        Files.writeString(project.resolve("app.env"), "A=1\n");
        String text = "services:\n  web:\n    image: local/nginx:deb\n    cap_add: [CHOWN, NET_BIND_SERVICE]\n"
                + "    env_file: [{path: app.env, required: false}]\n    volumes: [\"./conf:/etc/nginx/conf.d:ro\", \"data:/data\"]\n";
        FakeEngine engine = running();

        try (VerifySession v = verifier(engine, false)) {
            Path file = write(project, text);
            assertThat(v.refusals(file, "compose.yaml", text.getBytes(StandardCharsets.UTF_8))).isEmpty();
            assertThat(v.verify(file, "compose.yaml", text.getBytes(StandardCharsets.UTF_8))).singleElement()
                    .satisfies(r -> assertThat(r.outcome()).isEqualTo(ServiceResult.Outcome.RUNS_BEFORE_AND_AFTER));
        }

        assertThat(engine.created.get(0).env()).containsExactly("A=1");
    }

    @Test
    void aHardenedVariantThatWouldGetMoreThanDockersDefaultsIsStoppedBeforeItStarts() throws Exception {
        String text = "services:\n  web:\n    image: local/nginx:deb\n";
        String images = Files.readString(Path.of("examples/compose/local-images.yaml"))
                .replaceFirst("(name: local/nginx\\n(?:    .*\\n)*?    rootCapabilities: ).*", "$1[SYS_ADMIN]");
        ImageKnowledge knowledge = ImageKnowledge.builtIn().with(ImageKnowledge.parse(images.getBytes(StandardCharsets.UTF_8), "i.yaml"));
        FakeEngine engine = running();

        try (VerifySession v = new VerifySession(new FileHardener(Fixtures.profile("restricted"), knowledge, RepoConfig.none(), Limits.DEFAULT),
                knowledge, engine, "fake", null, settings(false), Map.of())) {
            assertThatThrownBy(() -> v.verify(write(dir, text), "compose.yaml", text.getBytes(StandardCharsets.UTF_8)))
                    .isInstanceOf(HostAccessRefused.class).hasMessageContaining("web: it would get capability SYS_ADMIN");
        }

        assertThat(engine.created).allSatisfy(s -> assertThat(s.capAdd()).doesNotContain("SYS_ADMIN"));
    }

    private static FakeEngine running() {
        return new FakeEngine(Set.of("local/nginx:deb"), s -> new FakeEngine.Behaviour(true, List.of("up")));
    }

    @Test
    void aBindMountIsRefusedAsTheContainerWouldGetItThroughMergeKeysAndVariableDefaults() throws Exception {
        String compose = """
                x-bind: &outside
                  type: bind
                  source: ../outside
                services:
                  app:
                    image: local/nginx:deb
                    volumes:
                      - <<: *outside
                        target: /data
                      - ${HOST_DIR:-/etc}:/etc-host:ro
                      - ${DATA:-data}:/named
                """;
        Path project = Files.createDirectories(dir.resolve("project"));
        FakeEngine engine = running();
        List<String> refusals;
        try (VerifySession v = verifier(engine, false)) {
            refusals = v.refusals(write(project, compose), "compose.yaml", compose.getBytes(StandardCharsets.UTF_8));
        }
        assertThat(refusals).containsExactly(
                "compose.yaml:8: app: volumes: ../outside is a host path outside the project folder",
                "compose.yaml:10: app: volumes: /etc is a host path outside the project folder");
    }

    private static VerifySession verifier(FakeEngine engine, boolean allow) throws Exception {
        ImageKnowledge knowledge = ImageKnowledge.builtIn().with(ImageKnowledge.parse(
                Files.readAllBytes(Path.of("examples/compose/local-images.yaml")), "local-images.yaml"));
        return new VerifySession(new FileHardener(Fixtures.profile("restricted"), knowledge, RepoConfig.none(), Limits.DEFAULT), knowledge,
                engine, "unix:///tmp/harden-test-none.sock", null, settings(allow), Map.of());
    }

    private static VerifySession.Settings settings(boolean allow) {
        return new VerifySession.Settings(Duration.ofSeconds(5), Duration.ZERO, 20).with(Map.of(), allow);
    }

    private static Path write(Path folder, String text) throws Exception {
        Path file = folder.resolve(text.startsWith("apiVersion") ? "pod.yaml" : "compose.yaml");
        Files.writeString(file, text);
        return file;
    }
}
