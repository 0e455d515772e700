package dev.harden.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.harden.image.ImageFacts;
import dev.harden.manifest.KubernetesFile;
import dev.harden.manifest.Workload;
import dev.harden.yaml.Limits;
import dev.harden.yaml.YamlFile;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KubernetesTranslationTest {
    private static final Engine.Image ROOT_IMAGE = new Engine.Image("sha256:1", "");

    private static Launch translate(String podSpec, Engine.Image image) throws Exception {
        String text = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n"
                + podSpec.indent(6);
        Workload w = KubernetesFile.detect(YamlFile.parse(text.getBytes(StandardCharsets.UTF_8), Limits.DEFAULT)).orElseThrow()
                .workloads(List.of()).get(0);
        Workload.Container c = w.containers().get(0);
        return KubernetesTranslation.translate(w, c, "Deployment/web/" + c.name(), ImageFacts.unknown("app"), image);
    }

    @Test
    void securityContextResourcesEnvAndEmptyDirsBecomeContainerOptions() throws Exception {
        ContainerSpec s = translate("""
                securityContext: {runAsUser: 1000, runAsGroup: 3000, fsGroup: 2000, seccompProfile: {type: RuntimeDefault}}
                containers:
                  - name: app
                    image: local/app:1
                    command: [server]
                    args: ["--name=$(NAME)", "$$(NAME)"]
                    env:
                      - {name: NAME, value: web}
                    ports:
                      - containerPort: 8080
                    securityContext:
                      runAsUser: 1001
                      allowPrivilegeEscalation: false
                      readOnlyRootFilesystem: true
                      capabilities: {drop: [ALL], add: [NET_BIND_SERVICE]}
                    resources:
                      limits: {cpu: 500m, memory: 256Mi}
                    volumeMounts:
                      - {name: cache, mountPath: /var/cache}
                volumes:
                  - name: cache
                    emptyDir: {sizeLimit: 64Mi}
                """, ROOT_IMAGE).spec();

        assertThat(s.service()).isEqualTo("Deployment/web/app");
        assertThat(s.user()).isEqualTo("1001:3000");
        assertThat(s.entrypoint()).containsExactly("server");
        assertThat(s.command()).containsExactly("--name=web", "$(NAME)");
        assertThat(s.env()).containsExactly("NAME=web");
        assertThat(s.securityOpt()).containsExactly("no-new-privileges:true");
        assertThat(s.readOnly()).isTrue();
        assertThat(s.capDrop()).containsExactly("ALL");
        assertThat(s.capAdd()).containsExactly("NET_BIND_SERVICE");
        assertThat(s.nanoCpus()).isEqualTo(500_000_000L);
        assertThat(s.memory()).isEqualTo(256L << 20);
        assertThat(s.groupAdd()).containsExactly("2000");
        assertThat(s.ports()).containsExactly(8080);
        assertThat(s.mounts()).containsExactly(ContainerSpec.Mount.emptyDir("cache", "/var/cache", false, 64L << 20));
    }

    @Test
    void withoutASeccompProfileTheContainerRunsUnconfinedAsTheKubeletDefaultIs() throws Exception {
        ContainerSpec s = translate("containers:\n  - {name: app, image: local/app:1}\n", ROOT_IMAGE).spec();

        assertThat(s.securityOpt()).containsExactly("seccomp=unconfined");
        assertThat(s.user()).isNull();
        assertThat(s.entrypoint()).isNull();
        assertThat(s.command()).isNull();
    }

    @Test
    void runAsNonRootRefusesAnImageThatRunsAsRootOrByNameAndAcceptsANumericUser() throws Exception {
        String pod = "securityContext: {runAsNonRoot: true}\ncontainers:\n  - {name: app, image: local/app:1}\n";

        assertThat(translate(pod, ROOT_IMAGE).refusal()).isEqualTo("container has runAsNonRoot and image will run as root (container: app)");
        assertThat(translate(pod, new Engine.Image("sha256:1", "www-data")).refusal())
                .startsWith("container has runAsNonRoot and image has non-numeric user (www-data)");
        assertThat(translate(pod, new Engine.Image("sha256:1", "33:33")).spec()).isNotNull();
        assertThat(translate("securityContext: {runAsNonRoot: true, runAsUser: 0}\ncontainers:\n  - {name: app, image: a}\n",
                new Engine.Image("sha256:1", "33")).refusal()).startsWith("container's runAsUser breaks non-root policy");
    }

    @Test
    void valuesFromSecretsAndVolumesOtherThanEmptyDirCannotBeReproduced() {
        assertThatThrownBy(() -> translate("""
                containers:
                  - name: app
                    image: a
                    env:
                      - name: PASSWORD
                        valueFrom: {secretKeyRef: {name: db, key: password}}
                """, ROOT_IMAGE)).hasMessageContaining("environment variable PASSWORD takes its value from");
        assertThatThrownBy(() -> translate("""
                containers:
                  - name: app
                    image: a
                    volumeMounts: [{name: data, mountPath: /data}]
                volumes:
                  - name: data
                    persistentVolumeClaim: {claimName: data}
                """, ROOT_IMAGE)).hasMessageContaining("persistentVolumeClaim volume data");
    }

    @Test
    void quantitiesReadAsKubernetesWritesThem() {
        assertThat(KubernetesTranslation.quantity("1.5")).isEqualByComparingTo("1.5");
        assertThat(KubernetesTranslation.quantity("250m")).isEqualByComparingTo("0.25");
        assertThat(KubernetesTranslation.quantity("1Gi")).isEqualByComparingTo(BigDecimal.valueOf(1L << 30));
        assertThat(KubernetesTranslation.quantity("1e3")).isEqualByComparingTo("1000");
        assertThat(KubernetesTranslation.expand("$(A)-$(B)", Map.of("A", "x"))).isEqualTo("x-$(B)");
    }
}
