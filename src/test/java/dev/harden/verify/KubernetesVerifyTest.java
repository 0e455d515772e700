package dev.harden.verify;

import static org.assertj.core.api.Assertions.assertThat;

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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kubernetes workloads started on a real engine the way the kubelet would start their containers,
 * before and after hardening. Skipped when no engine answers (see {@link LocalEngine}).
 */
class KubernetesVerifyTest {
    private static final Path LOCAL_IMAGES = Path.of("examples/compose/local-images.yaml");

    @TempDir
    Path dir;

    /**
     * The restricted profile leaves nginx root: it listens on port 80, which a non-root user cannot
     * bind on runtimes that keep low ports privileged, and as root it needs CHOWN, SETUID and SETGID,
     * which the profile does not allow; harden reports both instead of breaking it. It still gets a
     * read-only root with emptyDirs at /var/lib/nginx and /run. Redis runs as its own 998 and writes
     * only to its /data emptyDir.
     */
    @Test
    void deploymentsOfNginxAndRedisKeepRunningUnderTheRestrictedProfile() throws Exception {
        String manifests = deployment("web", "local/nginx:deb", "") + "---\n" + deployment("cache", "local/redis:deb", """
                          volumeMounts:
                            - name: data
                              mountPath: /data
                      volumes:
                        - name: data
                          emptyDir: {}
                """);

        List<ServiceResult> results = verify("restricted", knowledge(Files.readString(LOCAL_IMAGES)), manifests);

        assertThat(results).extracting(ServiceResult::service).containsExactly("Deployment/web/app", "Deployment/cache/app");
        for (ServiceResult r : results) {
            assertThat(r.outcome()).as("%s: %s (log: %s)", r.service(), r.reason(), r.after() == null ? null : r.after().logs())
                    .isEqualTo(ServiceResult.Outcome.RUNS_BEFORE_AND_AFTER);
            assertThat(r.changes()).contains("read-only-root-filesystem", "no-new-privileges", "resource-limits",
                    "seccomp-runtime-default");
            assertThat(r.after().level()).isEqualTo(Trial.Level.PORT_ANSWERED);
        }
        assertThat(results.get(0).changes()).doesNotContain("non-root-user", "run-as-non-root", "cap-drop-all");
        assertThat(results.get(1).changes()).contains("non-root-user", "run-as-non-root", "cap-drop-all");
    }

    /**
     * The unprivileged nginx, with knowledge that forgets it writes /tmp: read-only-root-filesystem
     * alone is to blame. (With the root nginx image the same mistake needs three rules reverted
     * together: as uid 10001 with a writable root it still cannot write the root-owned
     * /var/lib/nginx, and verify names all three.)
     */
    @Test
    void readOnlyWithoutTheEmptyDirsNginxWritesIsCaughtNamedAndLeftOutOfTheFix() throws Exception {
        String wrong = Files.readString(LOCAL_IMAGES).replaceFirst("(tag: \"deb-user\"\\n(?:.*\\n)*?        writablePaths: )\\[/tmp]", "$1[]");
        Path file = write(deployment("web", "local/nginx:deb-user", ""));

        try (VerifySession verifier = verifier("restricted", knowledge(wrong))) {
            PrunedFix fix = verifier.fix(file, "deploy.yaml", Files.readAllBytes(file));

            ServiceResult r = fix.results().get(0);
            assertThat(r.outcome()).as(r.reason()).isEqualTo(ServiceResult.Outcome.BROKEN_BY_HARDENING);
            assertThat(r.culprits()).containsExactly("read-only-root-filesystem");
            assertThat(r.logLine()).contains("/tmp/", "(30: Read-only file system)");
            String fixed = new String(fix.report().fixed(), StandardCharsets.UTF_8);
            assertThat(fixed).doesNotContain("readOnlyRootFilesystem").contains("runAsNonRoot: true", "- ALL");
            assertThat(fix.leftOut()).singleElement().satisfies(d -> {
                assertThat(d.service()).isEqualTo("Deployment/web/app");
                assertThat(d.rules()).containsExactly("read-only-root-filesystem");
            });
        }
    }

    /**
     * Knowledge that wrongly says busybox runs as nobody: harden then sets runAsNonRoot without a
     * runAsUser, and the kubelet refuses to create a container whose image user is root.
     */
    @Test
    void runAsNonRootOnAnImageThatRunsAsRootIsRefusedTheWayTheKubeletRefusesItAndNamed() throws Exception {
        String wrong = Files.readString(LOCAL_IMAGES).replaceFirst("(name: local/busybox\\n    runsAs: )root", "$1\"65534\"");

        List<ServiceResult> results = verify("restricted", knowledge(wrong), deployment("job", "local/busybox:static", ""));

        assertThat(results).singleElement().satisfies(r -> {
            assertThat(r.outcome()).as(r.reason()).isEqualTo(ServiceResult.Outcome.BROKEN_BY_HARDENING);
            assertThat(r.culprits()).containsExactly("run-as-non-root");
            assertThat(r.logLine()).isEqualTo("container has runAsNonRoot and image will run as root (container: app)");
            assertThat(r.after().level()).isEqualTo(Trial.Level.START_FAILED);
        });
    }

    private Path write(String manifests) throws Exception {
        Path file = dir.resolve("deploy.yaml");
        Files.writeString(file, manifests);
        return file;
    }

    private VerifySession verifier(String profile, ImageKnowledge knowledge) {
        FileHardener hardener = new FileHardener(Fixtures.profile(profile), knowledge, RepoConfig.none(), Limits.DEFAULT);
        // the search for the rule to blame and the retreat, which run when no repair works; RepairEngineTest covers repairs
        return VerifySession.connect(LocalEngine.host(), hardener, knowledge,
                new VerifySession.Settings(Duration.ofSeconds(60), Duration.ofSeconds(2), 20).withRepair(false));
    }

    private List<ServiceResult> verify(String profile, ImageKnowledge knowledge, String manifests) throws Exception {
        Path file = write(manifests);
        try (VerifySession verifier = verifier(profile, knowledge)) {
            return verifier.verify(file, "deploy.yaml", Files.readAllBytes(file));
        }
    }

    /** A Deployment of one container named app; {@code extra} continues the container's mapping and the pod spec. */
    private static String deployment(String name, String image, String extra) {
        return """
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: %s
                spec:
                  selector:
                    matchLabels: {app: %s}
                  template:
                    metadata:
                      labels: {app: %s}
                    spec:
                      containers:
                        - name: app
                          image: %s
                """.formatted(name, name, name, image) + extra;
    }

    private static ImageKnowledge knowledge(String localImages) throws Exception {
        return ImageKnowledge.builtIn().with(ImageKnowledge.parse(localImages.getBytes(StandardCharsets.UTF_8), "local-images.yaml"));
    }
}
