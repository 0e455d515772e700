package dev.harden.rule;

import static org.assertj.core.api.Assertions.assertThat;

import dev.harden.manifest.Workload;
import dev.harden.profile.Profile;
import dev.harden.report.FileReport;
import dev.harden.report.Finding;
import dev.harden.testing.Fixtures;
import dev.harden.testing.Workloads;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Kubernetes cases reported from the field: what harden says about the users it picks, and Windows pods. */
class KubernetesFieldReportsTest {
    private static final Profile RESTRICTED = Fixtures.profile("restricted");

    private static final String POD = """
            apiVersion: v1
            kind: Pod
            metadata:
              name: tool
            spec:
              containers:
                - name: tool
                  image: %s
            """;

    private static String userMessage(String text) {
        return Fixtures.fix(RESTRICTED, text).findings().stream()
                .filter(f -> f.ruleId().equals("non-root-user") && f.status() == Finding.Status.FIXED)
                .map(Finding::message).findFirst().orElseThrow();
    }

    @Test
    void aKnownRootImageGetsTheProfilesUidWithAMessageThatSaysTheProfileChoseIt() {
        String message = userMessage(POD.formatted("alpine:3.20"));
        assertThat(message).startsWith("set runAsUser: 10001, runAsGroup: 10001; uid 10001 is the profile's choice:"
                + " image alpine starts as root and harden knows no non-root user for it; check it still starts")
                .doesNotContain("the image's non-root user");
    }

    @Test
    void anUnknownImageGetsTheProfilesUidWithAMessageThatSaysItsUserIsUnknown() {
        assertThat(userMessage(POD.formatted("example/tool:1.0"))).isEqualTo("set runAsUser: 10001, runAsGroup: 10001;"
                + " uid 10001 is the profile's choice: the user of image example/tool is unknown to harden; check it still"
                + " starts (harden verify)");
    }

    @Test
    void anImagesOwnNonRootUserIsCreditedToTheImageKnowledge() {
        assertThat(userMessage(POD.formatted("redis:7.4"))).isEqualTo("set runAsUser: 999, runAsGroup: 999"
                + " (the image's non-root user, uid 999 from images.yaml)");
    }

    @Test
    void nginxMovedToAnUnprivilegedPortGetsTheProfilesUidAndIsNotCalledItsOwnUser() {
        String text = POD.formatted("nginx:1.27") + "      ports:\n        - containerPort: 8080\n";
        assertThat(userMessage(text)).contains("uid 10001 is the profile's choice: image nginx starts as root")
                .doesNotContain("the image's non-root user");
    }

    @Test
    void httpdTraefikAndNginxOnTheirLowPortsKeepRootAndSaySo() {
        for (String image : List.of("nginx:1.27", "httpd:2.4", "traefik:v3.3")) {
            FileReport r = Fixtures.fix(RESTRICTED, POD.formatted(image));
            assertThat(r.findings()).as(image).filteredOn(f -> f.ruleId().equals("non-root-user")).singleElement()
                    .satisfies(f -> assertThat(f.status()).isEqualTo(Finding.Status.OPEN))
                    .satisfies(f -> assertThat(f.message()).contains("listens on port 80 as root"));
            assertThat(new String(r.fixed(), java.nio.charset.StandardCharsets.UTF_8)).as(image)
                    .doesNotContain("runAsUser").doesNotContain("runAsNonRoot").contains("NET_BIND_SERVICE");
        }
    }

    @Test
    void aWindowsPodGetsOnlyTheFieldsTheApiServerAllowsOnWindows() {
        String text = """
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: report
                spec:
                  selector:
                    matchLabels: {app: report}
                  template:
                    metadata:
                      labels: {app: report}
                    spec:
                      os:
                        name: windows
                      containers:
                        - name: report
                          image: example/report:3.2-ltsc2022
                          volumeMounts:
                            - {name: data, mountPath: 'C:\\data'}
                      volumes:
                        - name: data
                          persistentVolumeClaim: {claimName: report-data}
                """;
        String fixed = Fixtures.fixed(RESTRICTED, text);
        for (String linuxOnly : List.of("runAsUser:", "runAsGroup", "fsGroup", "capabilities", "seccompProfile",
                "readOnlyRootFilesystem", "allowPrivilegeEscalation", "emptyDir")) {
            assertThat(fixed).as(linuxOnly).doesNotContain(linuxOnly);
        }
        assertThat(fixed).contains("runAsUserName: ContainerUser").contains("runAsNonRoot: true").contains("limits:");
        Fixtures.assertIdempotentAndClean(RESTRICTED, fixed);
        List<Finding> remaining = Fixtures.check(RESTRICTED, fixed).findings();
        for (Workload w : Workloads.of(fixed, RESTRICTED.podSpecPaths())) {
            Workloads.assertTyped(w);
            assertThat(Workloads.restrictedViolations(w)).isEmpty();
            Workloads.assertRestrictedOrReported(w, remaining, false);
        }
    }
}
