package dev.harden.pss;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The Pod Security Standards (https://kubernetes.io/docs/concepts/security/pod-security-standards/),
 * baseline and restricted, one method per control, over a pod spec read as plain maps and lists.
 * Written from the published standard, independently of harden's rules, to check their output.
 */
public final class PodSecurityStandard {
    /** The controls of the standard, in the order it lists them. */
    public enum Control {
        HOST_PROCESS, HOST_NAMESPACES, PRIVILEGED_CONTAINERS, CAPABILITIES_BASELINE, HOSTPATH_VOLUMES, HOST_PORTS,
        APPARMOR, SELINUX, PROC_MOUNT, SECCOMP_BASELINE, SYSCTLS,
        VOLUME_TYPES, PRIVILEGE_ESCALATION, RUNNING_AS_NON_ROOT, RUNNING_AS_NON_ROOT_USER, SECCOMP_RESTRICTED,
        CAPABILITIES_RESTRICTED
    }

    /** One control a pod fails, and where. */
    public record Violation(Control control, String detail) { }

    private static final Set<String> BASELINE_CAPABILITIES = Set.of("AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER",
            "FSETID", "KILL", "MKNOD", "NET_BIND_SERVICE", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT");
    private static final Set<String> SAFE_SYSCTLS = Set.of("kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range",
            "net.ipv4.ip_unprivileged_port_start", "net.ipv4.tcp_syncookies", "net.ipv4.ping_group_range",
            "net.ipv4.ip_local_reserved_ports", "net.ipv4.tcp_keepalive_time", "net.ipv4.tcp_fin_timeout",
            "net.ipv4.tcp_keepalive_intvl", "net.ipv4.tcp_keepalive_probes");
    private static final Set<String> SELINUX_TYPES = Set.of("", "container_t", "container_init_t", "container_kvm_t",
            "container_engine_t");
    private static final Set<String> RESTRICTED_VOLUMES = Set.of("configMap", "csi", "downwardAPI", "emptyDir", "ephemeral",
            "persistentVolumeClaim", "projected", "secret");

    private final Map<String, Object> pod;
    private final Map<String, Object> annotations;
    private final List<Violation> violations = new ArrayList<>();

    private PodSecurityStandard(Map<String, Object> podSpec, Map<String, Object> annotations) {
        this.pod = podSpec;
        this.annotations = annotations == null ? Map.of() : annotations;
    }

    /** Every control of the restricted level (which includes baseline) that a pod spec fails. */
    public static List<Violation> restricted(Map<String, Object> podSpec, Map<String, Object> podAnnotations) {
        PodSecurityStandard s = new PodSecurityStandard(podSpec, podAnnotations);
        s.baselineControls();
        s.volumeTypes();
        // the standard exempts Windows pods (spec.os.name: windows) from these three controls
        boolean windows = s.pod.get("os") instanceof Map<?, ?> os && "windows".equals(os.get("name"));
        if (!windows) {
            s.privilegeEscalation();
        }
        s.runningAsNonRoot();
        s.runningAsNonRootUser();
        if (!windows) {
            s.seccompRestricted();
            s.capabilitiesRestricted();
        }
        return s.violations;
    }

    /** Every control of the baseline level that a pod spec fails. */
    public static List<Violation> baseline(Map<String, Object> podSpec, Map<String, Object> podAnnotations) {
        PodSecurityStandard s = new PodSecurityStandard(podSpec, podAnnotations);
        s.baselineControls();
        return s.violations;
    }

    private void baselineControls() {
        hostProcess();
        hostNamespaces();
        privilegedContainers();
        capabilitiesBaseline();
        hostPathVolumes();
        hostPorts();
        appArmor();
        seLinux();
        procMount();
        seccompBaseline();
        sysctls();
    }

    void hostProcess() {
        if (isTrue(get(pod, "securityContext", "windowsOptions", "hostProcess"))) {
            fail(Control.HOST_PROCESS, "pod");
        }
        for (Map<String, Object> c : containers()) {
            if (isTrue(get(c, "securityContext", "windowsOptions", "hostProcess"))) {
                fail(Control.HOST_PROCESS, name(c));
            }
        }
    }

    void hostNamespaces() {
        for (String key : List.of("hostNetwork", "hostPID", "hostIPC")) {
            if (isTrue(pod.get(key))) {
                fail(Control.HOST_NAMESPACES, key);
            }
        }
    }

    void privilegedContainers() {
        for (Map<String, Object> c : containers()) {
            if (isTrue(get(c, "securityContext", "privileged"))) {
                fail(Control.PRIVILEGED_CONTAINERS, name(c));
            }
        }
    }

    void capabilitiesBaseline() {
        for (Map<String, Object> c : containers()) {
            for (Object cap : list(get(c, "securityContext", "capabilities", "add"))) {
                if (!BASELINE_CAPABILITIES.contains(String.valueOf(cap))) {
                    fail(Control.CAPABILITIES_BASELINE, name(c) + " adds " + cap);
                }
            }
        }
    }

    void hostPathVolumes() {
        for (Object v : list(pod.get("volumes"))) {
            if (v instanceof Map<?, ?> m && m.get("hostPath") != null) {
                fail(Control.HOSTPATH_VOLUMES, String.valueOf(m.get("name")));
            }
        }
    }

    void hostPorts() {
        for (Map<String, Object> c : containers()) {
            for (Object p : list(c.get("ports"))) {
                if (p instanceof Map<?, ?> m && m.get("hostPort") != null && !Objects.equals(number(m.get("hostPort")), 0L)) {
                    fail(Control.HOST_PORTS, name(c) + " " + m.get("hostPort"));
                }
            }
        }
    }

    void appArmor() {
        Set<String> allowedTypes = Set.of("RuntimeDefault", "Localhost");
        Object podType = get(pod, "securityContext", "appArmorProfile", "type");
        if (podType != null && !allowedTypes.contains(String.valueOf(podType))) {
            fail(Control.APPARMOR, "pod " + podType);
        }
        for (Map<String, Object> c : containers()) {
            Object type = get(c, "securityContext", "appArmorProfile", "type");
            if (type != null && !allowedTypes.contains(String.valueOf(type))) {
                fail(Control.APPARMOR, name(c) + " " + type);
            }
        }
        for (Map.Entry<String, Object> a : annotations.entrySet()) {
            String v = String.valueOf(a.getValue());
            if (a.getKey().startsWith("container.apparmor.security.beta.kubernetes.io/")
                    && !v.equals("runtime/default") && !v.startsWith("localhost/")) {
                fail(Control.APPARMOR, a.getKey() + ": " + v);
            }
        }
    }

    void seLinux() {
        List<Object> holders = new ArrayList<>(containers());
        holders.add(0, pod);
        for (Object h : holders) {
            @SuppressWarnings("unchecked")
            Map<String, Object> m = (Map<String, Object>) h;
            Object type = get(m, "securityContext", "seLinuxOptions", "type");
            if (type != null && !SELINUX_TYPES.contains(String.valueOf(type))) {
                fail(Control.SELINUX, "type " + type);
            }
            for (String key : List.of("user", "role")) {
                Object v = get(m, "securityContext", "seLinuxOptions", key);
                if (v != null && !String.valueOf(v).isEmpty()) {
                    fail(Control.SELINUX, key + " " + v);
                }
            }
        }
    }

    void procMount() {
        for (Map<String, Object> c : containers()) {
            Object v = get(c, "securityContext", "procMount");
            if (v != null && !v.equals("Default")) {
                fail(Control.PROC_MOUNT, name(c) + " " + v);
            }
        }
    }

    void seccompBaseline() {
        if ("Unconfined".equals(get(pod, "securityContext", "seccompProfile", "type"))) {
            fail(Control.SECCOMP_BASELINE, "pod");
        }
        for (Map<String, Object> c : containers()) {
            if ("Unconfined".equals(get(c, "securityContext", "seccompProfile", "type"))) {
                fail(Control.SECCOMP_BASELINE, name(c));
            }
        }
    }

    void sysctls() {
        for (Object s : list(get(pod, "securityContext", "sysctls"))) {
            if (s instanceof Map<?, ?> m && !SAFE_SYSCTLS.contains(String.valueOf(m.get("name")))) {
                fail(Control.SYSCTLS, String.valueOf(m.get("name")));
            }
        }
    }

    void volumeTypes() {
        for (Object v : list(pod.get("volumes"))) {
            if (v instanceof Map<?, ?> m) {
                for (Object key : m.keySet()) {
                    if (!key.equals("name") && m.get(key) != null && !RESTRICTED_VOLUMES.contains(String.valueOf(key))) {
                        fail(Control.VOLUME_TYPES, m.get("name") + " is " + key);
                    }
                }
            }
        }
    }

    void privilegeEscalation() {
        for (Map<String, Object> c : containers()) {
            if (!Boolean.FALSE.equals(get(c, "securityContext", "allowPrivilegeEscalation"))) {
                fail(Control.PRIVILEGE_ESCALATION, name(c));
            }
        }
    }

    void runningAsNonRoot() {
        Object podLevel = get(pod, "securityContext", "runAsNonRoot");
        if (Boolean.FALSE.equals(podLevel)) {
            fail(Control.RUNNING_AS_NON_ROOT, "pod sets false");
        }
        for (Map<String, Object> c : containers()) {
            Object own = get(c, "securityContext", "runAsNonRoot");
            if (Boolean.FALSE.equals(own) || own == null && !Boolean.TRUE.equals(podLevel)) {
                fail(Control.RUNNING_AS_NON_ROOT, name(c));
            }
        }
    }

    void runningAsNonRootUser() {
        if (Objects.equals(number(get(pod, "securityContext", "runAsUser")), 0L)) {
            fail(Control.RUNNING_AS_NON_ROOT_USER, "pod");
        }
        for (Map<String, Object> c : containers()) {
            if (Objects.equals(number(get(c, "securityContext", "runAsUser")), 0L)) {
                fail(Control.RUNNING_AS_NON_ROOT_USER, name(c));
            }
        }
    }

    void seccompRestricted() {
        Set<String> allowed = Set.of("RuntimeDefault", "Localhost");
        Object podType = get(pod, "securityContext", "seccompProfile", "type");
        if (podType != null && !allowed.contains(String.valueOf(podType))) {
            fail(Control.SECCOMP_RESTRICTED, "pod " + podType);
        }
        for (Map<String, Object> c : containers()) {
            Object type = get(c, "securityContext", "seccompProfile", "type");
            if (type == null ? podType == null : !allowed.contains(String.valueOf(type))) {
                fail(Control.SECCOMP_RESTRICTED, name(c));
            }
        }
    }

    void capabilitiesRestricted() {
        for (Map<String, Object> c : containers()) {
            if (list(get(c, "securityContext", "capabilities", "drop")).stream().noneMatch("ALL"::equals)) {
                fail(Control.CAPABILITIES_RESTRICTED, name(c) + " does not drop ALL");
            }
            for (Object cap : list(get(c, "securityContext", "capabilities", "add"))) {
                if (!"NET_BIND_SERVICE".equals(cap)) {
                    fail(Control.CAPABILITIES_RESTRICTED, name(c) + " adds " + cap);
                }
            }
        }
    }

    // ---- plain-data helpers ------------------------------------------------------------------

    @SuppressWarnings("unchecked")
    private List<Map<String, Object>> containers() {
        List<Map<String, Object>> out = new ArrayList<>();
        for (String field : List.of("initContainers", "containers", "ephemeralContainers")) {
            for (Object c : list(pod.get(field))) {
                if (c instanceof Map<?, ?> m) {
                    out.add((Map<String, Object>) m);
                }
            }
        }
        return out;
    }

    private static Object get(Map<String, Object> m, String... keys) {
        Object cur = m;
        for (String k : keys) {
            if (!(cur instanceof Map<?, ?> map)) {
                return null;
            }
            cur = map.get(k);
        }
        return cur;
    }

    private static List<?> list(Object o) {
        return o instanceof List<?> l ? l : List.of();
    }

    private static boolean isTrue(Object o) {
        return Boolean.TRUE.equals(o);
    }

    private static Long number(Object o) {
        return o instanceof Number n ? n.longValue() : null;
    }

    private static String name(Map<String, Object> c) {
        return String.valueOf(c.get("name"));
    }

    private void fail(Control control, String detail) {
        violations.add(new Violation(control, detail));
    }
}
