package dev.harden.pss;

import static org.assertj.core.api.Assertions.assertThat;

import dev.harden.pss.PodSecurityStandard.Control;
import dev.harden.yaml.Plain;
import dev.harden.yaml.YamlFile;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Each control of the Pod Security Standards checker, failing on what the standard forbids and only on that. */
class PodSecurityStandardTest {
    /** A pod spec that passes every restricted control; each test breaks one thing. */
    private static final String COMPLIANT = """
            securityContext:
              runAsNonRoot: true
              seccompProfile: {type: RuntimeDefault}
            containers:
              - name: app
                securityContext:
                  allowPrivilegeEscalation: false
                  capabilities: {drop: [ALL], add: [NET_BIND_SERVICE]}
            volumes:
              - {name: tmp, emptyDir: {}}
              - {name: data, persistentVolumeClaim: {claimName: data}}
            """;

    @SuppressWarnings("unchecked")
    private static Map<String, Object> pod(String yaml) {
        try {
            return (Map<String, Object>) Plain.of(YamlFile.parse(yaml).documents().get(0));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<Control> restricted(String yaml) {
        return PodSecurityStandard.restricted(pod(yaml), Map.of()).stream().map(PodSecurityStandard.Violation::control).toList();
    }

    private static String with(String extraPodLines, String extraContainerLines) {
        String text = COMPLIANT;
        if (!extraContainerLines.isEmpty()) {
            text = text.replace("    securityContext:\n      allowPrivilegeEscalation: false\n",
                    "    securityContext:\n      allowPrivilegeEscalation: false\n" + extraContainerLines.indent(6));
        }
        return text + extraPodLines;
    }

    @Test
    void aCompliantPodPassesEveryControl() {
        assertThat(restricted(COMPLIANT)).isEmpty();
    }

    @Test
    void hostProcessFailsOnAWindowsHostProcessContainer() {
        assertThat(restricted(with("", "windowsOptions: {hostProcess: true}"))).containsExactly(Control.HOST_PROCESS);
    }

    @Test
    void aWindowsPodIsExemptFromPrivilegeEscalationSeccompAndCapabilities() {
        String windows = """
                os: {name: windows}
                securityContext:
                  runAsNonRoot: true
                containers:
                  - name: app
                    image: example/app:1.0
                """;
        assertThat(restricted(windows)).isEmpty();
        assertThat(restricted(windows.replace("windows", "linux"))).containsExactlyInAnyOrder(Control.PRIVILEGE_ESCALATION,
                Control.SECCOMP_RESTRICTED, Control.CAPABILITIES_RESTRICTED);
    }

    @Test
    void hostNamespacesFailOnHostNetworkPidOrIpc() {
        assertThat(restricted(with("hostPID: true\nhostNetwork: false\n", ""))).containsExactly(Control.HOST_NAMESPACES);
    }

    @Test
    void privilegedContainersFail() {
        assertThat(restricted(with("", "privileged: true"))).containsExactly(Control.PRIVILEGED_CONTAINERS);
    }

    @Test
    void baselineCapabilitiesAllowTheDefaultSetButNotSysAdmin() {
        String chown = COMPLIANT.replace("add: [NET_BIND_SERVICE]", "add: [CHOWN]");
        assertThat(PodSecurityStandard.baseline(pod(chown), Map.of())).isEmpty();
        String sysAdmin = COMPLIANT.replace("add: [NET_BIND_SERVICE]", "add: [SYS_ADMIN]");
        assertThat(PodSecurityStandard.baseline(pod(sysAdmin), Map.of())).extracting(PodSecurityStandard.Violation::control)
                .containsExactly(Control.CAPABILITIES_BASELINE);
    }

    @Test
    void hostPathVolumesFailAndAreAlsoARestrictedVolumeType() {
        assertThat(restricted(COMPLIANT.replace("{name: tmp, emptyDir: {}}", "{name: tmp, hostPath: {path: /tmp}}")))
                .containsExactly(Control.HOSTPATH_VOLUMES, Control.VOLUME_TYPES);
    }

    @Test
    void hostPortsFailUnlessZero() {
        assertThat(restricted(COMPLIANT.replace("  - name: app\n", "  - name: app\n    ports: [{containerPort: 80, hostPort: 0}]\n")))
                .isEmpty();
        assertThat(restricted(COMPLIANT.replace("  - name: app\n", "  - name: app\n    ports: [{containerPort: 80, hostPort: 80}]\n")))
                .containsExactly(Control.HOST_PORTS);
    }

    @Test
    void appArmorFailsOnUnconfinedFieldsOrAnnotations() {
        assertThat(restricted(with("", "appArmorProfile: {type: Unconfined}"))).containsExactly(Control.APPARMOR);
        assertThat(restricted(with("", "appArmorProfile: {type: RuntimeDefault}"))).isEmpty();
        var annotated = PodSecurityStandard.restricted(pod(COMPLIANT),
                Map.of("container.apparmor.security.beta.kubernetes.io/app", "unconfined"));
        assertThat(annotated).extracting(PodSecurityStandard.Violation::control).containsExactly(Control.APPARMOR);
    }

    @Test
    void seLinuxAllowsContainerTypesButNoUserOrRole() {
        assertThat(restricted(with("", "seLinuxOptions: {type: container_init_t, level: \"s0:c1,c2\"}"))).isEmpty();
        assertThat(restricted(with("", "seLinuxOptions: {type: spc_t}"))).containsExactly(Control.SELINUX);
        assertThat(restricted(with("", "seLinuxOptions: {role: sysadm_r}"))).containsExactly(Control.SELINUX);
    }

    @Test
    void procMountFailsUnlessDefault() {
        assertThat(restricted(with("", "procMount: Default"))).isEmpty();
        assertThat(restricted(with("", "procMount: Unmasked"))).containsExactly(Control.PROC_MOUNT);
    }

    @Test
    void baselineSeccompFailsOnlyOnUnconfined() {
        String none = COMPLIANT.replace("  seccompProfile: {type: RuntimeDefault}\n", "");
        assertThat(PodSecurityStandard.baseline(pod(none), Map.of())).isEmpty();
        String unconfined = COMPLIANT.replace("{type: RuntimeDefault}", "{type: Unconfined}");
        assertThat(PodSecurityStandard.baseline(pod(unconfined), Map.of())).extracting(PodSecurityStandard.Violation::control)
                .containsExactly(Control.SECCOMP_BASELINE);
    }

    @Test
    void sysctlsFailOutsideTheSafeSet() {
        String safe = COMPLIANT.replace("  runAsNonRoot: true\n", "  runAsNonRoot: true\n  sysctls: [{name: net.ipv4.tcp_syncookies, value: \"1\"}]\n");
        assertThat(restricted(safe)).isEmpty();
        assertThat(restricted(safe.replace("net.ipv4.tcp_syncookies", "kernel.msgmax"))).containsExactly(Control.SYSCTLS);
    }

    @Test
    void restrictedVolumeTypesAllowOnlyCoreTypes() {
        assertThat(restricted(COMPLIANT.replace("{name: tmp, emptyDir: {}}", "{name: tmp, nfs: {server: x, path: /}}")))
                .containsExactly(Control.VOLUME_TYPES);
    }

    @Test
    void privilegeEscalationMustBeSetToFalse() {
        assertThat(restricted(COMPLIANT.replace("allowPrivilegeEscalation: false", "allowPrivilegeEscalation: true")))
                .containsExactly(Control.PRIVILEGE_ESCALATION);
        assertThat(restricted(COMPLIANT.replace("      allowPrivilegeEscalation: false\n", "")))
                .containsExactly(Control.PRIVILEGE_ESCALATION);
    }

    @Test
    void runningAsNonRootNeedsThePodOrEveryContainerToSayTrue() {
        String containerLevel = with("", "runAsNonRoot: true").replace("  runAsNonRoot: true\n  seccompProfile", "  seccompProfile");
        assertThat(restricted(containerLevel)).isEmpty();
        assertThat(restricted(COMPLIANT.replace("  runAsNonRoot: true\n", ""))).containsExactly(Control.RUNNING_AS_NON_ROOT);
        assertThat(restricted(with("", "runAsNonRoot: false"))).containsExactly(Control.RUNNING_AS_NON_ROOT);
    }

    @Test
    void runningAsNonRootUserForbidsUidZeroAnywhere() {
        assertThat(restricted(with("", "runAsUser: 1000"))).isEmpty();
        assertThat(restricted(with("", "runAsUser: 0"))).containsExactly(Control.RUNNING_AS_NON_ROOT_USER);
    }

    @Test
    void restrictedSeccompNeedsAProfileForEveryContainer() {
        String none = COMPLIANT.replace("  seccompProfile: {type: RuntimeDefault}\n", "");
        assertThat(restricted(none)).containsExactly(Control.SECCOMP_RESTRICTED);
        assertThat(restricted(with("", "seccompProfile: {type: Localhost, localhostProfile: p.json}")
                .replace("  seccompProfile: {type: RuntimeDefault}\n", ""))).isEmpty();
    }

    @Test
    void restrictedCapabilitiesDropAllAndAddOnlyNetBindService() {
        assertThat(restricted(COMPLIANT.replace("drop: [ALL], ", ""))).containsExactly(Control.CAPABILITIES_RESTRICTED);
        assertThat(restricted(COMPLIANT.replace("add: [NET_BIND_SERVICE]", "add: [CHOWN]")))
                .containsExactly(Control.CAPABILITIES_RESTRICTED);
    }
}
