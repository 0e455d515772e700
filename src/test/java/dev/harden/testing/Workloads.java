package dev.harden.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.harden.manifest.KubernetesFile;
import dev.harden.manifest.PodSpecPath;
import dev.harden.manifest.Workload;
import dev.harden.pss.PodSecurityStandard;
import dev.harden.pss.PodSecurityStandard.Control;
import dev.harden.report.Finding;
import dev.harden.yaml.Limits;
import dev.harden.yaml.Plain;
import dev.harden.yaml.YamlFile;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks on hardened Kubernetes output: each workload reads into fabric8's typed model without
 * unknown fields, and passes the Pod Security Standards restricted level unless harden reported why not.
 */
public final class Workloads {
    /** nginx needs two writable paths (two pod volumes); the side container's env keeps the pod's volumes far below. */
    public static final String NGINX_AND_SIDECAR = """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
            spec:
              selector:
                matchLabels: {app: web}
              template:
                metadata:
                  labels: {app: web}
                spec:
                  containers:
                    - name: nginx
                      image: nginx:1.27
                    - name: side
                      image: example/side:1
                      env:
                        - {name: A, value: "1"}
                        - {name: B, value: "2"}
                        - {name: C, value: "3"}
                        - {name: D, value: "4"}
                        - {name: E, value: "5"}
                        - {name: F, value: "6"}
                        - {name: G, value: "7"}
            """;

    private static final ObjectMapper JSON = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);
    private static final Map<String, Class<?>> TYPES = Map.of(
            "Pod", io.fabric8.kubernetes.api.model.Pod.class,
            "PodTemplate", io.fabric8.kubernetes.api.model.PodTemplate.class,
            "ReplicationController", io.fabric8.kubernetes.api.model.ReplicationController.class,
            "Deployment", io.fabric8.kubernetes.api.model.apps.Deployment.class,
            "StatefulSet", io.fabric8.kubernetes.api.model.apps.StatefulSet.class,
            "DaemonSet", io.fabric8.kubernetes.api.model.apps.DaemonSet.class,
            "ReplicaSet", io.fabric8.kubernetes.api.model.apps.ReplicaSet.class,
            "Job", io.fabric8.kubernetes.api.model.batch.v1.Job.class,
            "CronJob", io.fabric8.kubernetes.api.model.batch.v1.CronJob.class);

    /** The rules whose findings account for a control the output still fails. */
    private static final Map<Control, Set<String>> RULES = Map.ofEntries(
            Map.entry(Control.HOST_PROCESS, Set.of("privileged-disabled")),
            Map.entry(Control.HOST_NAMESPACES, Set.of("host-namespaces-isolated")),
            Map.entry(Control.PRIVILEGED_CONTAINERS, Set.of("privileged-disabled")),
            Map.entry(Control.CAPABILITIES_BASELINE, Set.of("cap-drop-all")),
            Map.entry(Control.HOSTPATH_VOLUMES, Set.of("host-path-volumes-absent")),
            Map.entry(Control.HOST_PORTS, Set.of("host-ports-unused")),
            Map.entry(Control.APPARMOR, Set.of("apparmor-enforced")),
            Map.entry(Control.SELINUX, Set.of("selinux-options-default")),
            Map.entry(Control.PROC_MOUNT, Set.of("proc-mount-default")),
            Map.entry(Control.SECCOMP_BASELINE, Set.of("seccomp-runtime-default")),
            Map.entry(Control.SYSCTLS, Set.of("sysctls-safe")),
            Map.entry(Control.VOLUME_TYPES, Set.of("volume-types-restricted", "host-path-volumes-absent")),
            Map.entry(Control.PRIVILEGE_ESCALATION, Set.of("no-new-privileges")),
            Map.entry(Control.RUNNING_AS_NON_ROOT, Set.of("run-as-non-root")),
            Map.entry(Control.RUNNING_AS_NON_ROOT_USER, Set.of("non-root-user")),
            Map.entry(Control.SECCOMP_RESTRICTED, Set.of("seccomp-runtime-default")),
            Map.entry(Control.CAPABILITIES_RESTRICTED, Set.of("cap-drop-all")));

    private Workloads() {
    }

    /** The workloads of a text (built-in kinds and the strict profile's custom resources). */
    public static List<Workload> of(String text, List<PodSpecPath> custom) {
        try {
            YamlFile yaml = YamlFile.parse(text.getBytes(StandardCharsets.UTF_8), Limits.DEFAULT);
            return KubernetesFile.detect(yaml).map(k -> k.workloads(custom)).orElse(List.of());
        } catch (Exception e) {
            throw new AssertionError("output does not parse: " + e.getMessage(), e);
        }
    }

    /** Reads a workload into its fabric8 class, failing on any field the model does not know. */
    public static void assertTyped(Workload w) {
        Class<?> type = TYPES.get(w.kind());
        if (type == null) {
            return;
        }
        Object typed;
        try {
            typed = JSON.convertValue(Plain.of(w.object()), type);
        } catch (IllegalArgumentException e) {
            throw new AssertionError(w.label() + " does not read as " + type.getSimpleName() + ": " + e.getMessage(), e);
        }
        List<String> unknown = new ArrayList<>();
        unknownFields(typed, w.label(), unknown, new IdentityHashMap<>());
        assertThat(unknown).as("fields fabric8's %s does not know", type.getSimpleName()).isEmpty();
    }

    /** fabric8 keeps unknown fields in additionalProperties instead of failing; walk the model to find them. */
    private static void unknownFields(Object o, String path, List<String> out, Map<Object, Boolean> seen) {
        if (o == null || seen.put(o, Boolean.TRUE) != null) {
            return;
        }
        if (o instanceof Collection<?> c) {
            int i = 0;
            for (Object item : c) {
                unknownFields(item, path + "[" + i++ + "]", out, seen);
            }
            return;
        }
        if (o instanceof Map<?, ?> m) {
            m.forEach((k, v) -> unknownFields(v, path + "." + k, out, seen));
            return;
        }
        if (!o.getClass().getName().startsWith("io.fabric8.")) {
            return;
        }
        for (Method getter : o.getClass().getMethods()) {
            if (getter.getParameterCount() != 0 || !getter.getName().startsWith("get") || getter.getDeclaringClass() == Object.class) {
                continue;
            }
            Object value;
            try {
                value = getter.invoke(o);
            } catch (ReflectiveOperationException e) {
                continue;
            }
            if (getter.getName().equals("getAdditionalProperties")) {
                if (value instanceof Map<?, ?> extra && !extra.isEmpty()) {
                    out.add(path + ": " + extra.keySet());
                }
            } else {
                unknownFields(value, path + "." + getter.getName().substring(3), out, seen);
            }
        }
    }

    /** The restricted controls a workload still fails. */
    @SuppressWarnings("unchecked")
    public static List<PodSecurityStandard.Violation> restrictedViolations(Workload w) {
        Map<String, Object> annotations = new java.util.LinkedHashMap<>(w.annotations());
        return PodSecurityStandard.restricted((Map<String, Object>) Plain.of(w.podSpec()), annotations);
    }

    /**
     * Asserts the workload passes the restricted level, or that for every control it fails harden
     * reported a finding that stands (open and not fixable, or exempted) on that workload.
     *
     * @param exemptedOnly whether only exemptions count, not open findings
     */
    public static void assertRestrictedOrReported(Workload w, List<Finding> findings, boolean exemptedOnly) {
        for (PodSecurityStandard.Violation v : restrictedViolations(w)) {
            Set<String> rules = RULES.get(v.control());
            boolean reported = findings.stream().anyMatch(f -> rules.contains(f.ruleId())
                    && f.subject() != null && (f.subject().equals(w.label()) || f.subject().startsWith(w.label() + "/"))
                    && (f.exempted() || !exemptedOnly && f.isOpen() && !f.fixable()));
            assertThat(reported).as("%s fails %s (%s) and no finding of %s says so: %s", w.label(), v.control(), v.detail(),
                    rules, findings).isTrue();
        }
    }

}
