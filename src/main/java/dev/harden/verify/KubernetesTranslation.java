package dev.harden.verify;

import dev.harden.image.ImageFacts;
import dev.harden.manifest.Quantities;
import dev.harden.manifest.Workload;
import dev.harden.yaml.Plain;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns one container of a Kubernetes pod into the options of one container, the way the kubelet
 * would ask its runtime to create it. What verify cannot reproduce (values from Secrets or the API,
 * volumes other than emptyDir, seccomp profiles on the node) is refused with an
 * {@link IllegalArgumentException} that says so, and the container is then "cannot tell".
 */
final class KubernetesTranslation {
    /** The kubelet's {@code $(VAR)} references in env values, command and args; {@code $$} escapes. */
    private static final Pattern REFERENCE = Pattern.compile("\\$\\$|\\$\\(([-._a-zA-Z][-._a-zA-Z0-9]*)\\)");

    private KubernetesTranslation() {
    }

    /**
     * The options for one container, or the kubelet's refusal.
     *
     * @param subject how results name it: {@code Kind/name/container}
     * @param image the local image: its configured user decides runAsNonRoot when runAsUser is not set
     */
    static Launch translate(Workload workload, Workload.Container container, String subject, ImageFacts facts, Engine.Image image) {
        Map<?, ?> pod = map(Plain.of(workload.podSpec()));
        Map<?, ?> c = map(Plain.of(container.mapping()));
        Map<?, ?> podSecurity = map(pod.get("securityContext"));
        Map<?, ?> security = map(c.get("securityContext"));
        String ref = str(c.get("image"));

        Map<String, String> env = environment(c);
        List<String> command = words(c.get("command"), env);
        List<String> args = words(c.get("args"), env);

        Long uid = number(first(security.get("runAsUser"), podSecurity.get("runAsUser")), "runAsUser");
        Long gid = number(first(security.get("runAsGroup"), podSecurity.get("runAsGroup")), "runAsGroup");
        String imageUser = image.user().split(":", 2)[0];
        if (Boolean.TRUE.equals(first(security.get("runAsNonRoot"), podSecurity.get("runAsNonRoot")))) {
            // the kubelet's verifyRunAsNonRoot: it never creates the container
            if (uid != null && uid == 0) {
                return Launch.refused("container's runAsUser breaks non-root policy (container: " + container.name() + ")");
            }
            if (uid == null && (imageUser.isEmpty() || imageUser.equals("0"))) {
                return Launch.refused("container has runAsNonRoot and image will run as root (container: " + container.name() + ")");
            }
            if (uid == null && !imageUser.matches("[0-9]+")) {
                return Launch.refused("container has runAsNonRoot and image has non-numeric user (" + imageUser
                        + "), cannot verify user is non-root (container: " + container.name() + ")");
            }
        }
        String user = uid != null ? uid + (gid == null ? "" : ":" + gid)
                : gid != null ? (imageUser.isEmpty() ? "0" : imageUser) + ":" + gid : null;

        Map<?, ?> caps = map(security.get("capabilities"));
        List<String> securityOpt = new ArrayList<>();
        if (Boolean.FALSE.equals(security.get("allowPrivilegeEscalation"))) {
            securityOpt.add("no-new-privileges:true");
        }
        Object seccomp = first(map(security.get("seccompProfile")).get("type"), map(podSecurity.get("seccompProfile")).get("type"));
        if (seccomp == null || "Unconfined".equals(seccomp)) {
            // the kubelet's default is Unconfined, Docker's is its own profile
            securityOpt.add("seccomp=unconfined");
        } else if (!"RuntimeDefault".equals(seccomp)) {
            throw new IllegalArgumentException("seccomp profile " + seccomp + " lives on the node, which verify cannot see");
        }

        Map<?, ?> limits = map(map(c.get("resources")).get("limits"));
        BigDecimal cpu = quantity(limits.get("cpu"));
        BigDecimal memory = quantity(limits.get("memory"));

        Map<String, String> sysctls = new LinkedHashMap<>();
        for (Object s : list(podSecurity.get("sysctls"))) {
            sysctls.put(str(map(s).get("name")), str(map(s).get("value")));
        }
        List<String> groups = new ArrayList<>();
        list(podSecurity.get("supplementalGroups")).forEach(g -> groups.add(str(g)));
        if (podSecurity.get("fsGroup") != null) {
            groups.add(str(podSecurity.get("fsGroup")));
        }

        Set<Integer> ports = new LinkedHashSet<>();
        for (Object p : list(c.get("ports"))) {
            if (map(p).get("containerPort") instanceof Long n) {
                ports.add(n.intValue());
            }
        }
        ports.addAll(facts.ports());

        return Launch.of(new ContainerSpec(subject, ref, command, command == null ? args : args == null ? List.of() : args,
                env.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList(), user, str(c.get("workingDir")),
                strings(caps.get("add")), strings(caps.get("drop")), securityOpt,
                Boolean.TRUE.equals(security.get("readOnlyRootFilesystem")), Map.of(), null,
                memory == null ? null : memory.longValue(), null,
                cpu == null ? null : cpu.scaleByPowerOfTen(9).longValue(), mounts(pod, c), null,
                Boolean.TRUE.equals(security.get("privileged")), false, null, sysctls, groups, new ArrayList<>(ports), false));
    }

    /** Literal values only: a value from a Secret, a ConfigMap or the API could decide whether it starts. */
    private static Map<String, String> environment(Map<?, ?> c) {
        if (!list(c.get("envFrom")).isEmpty()) {
            throw new IllegalArgumentException("it takes environment variables from a ConfigMap or Secret (envFrom), which verify cannot see");
        }
        Map<String, String> env = new LinkedHashMap<>();
        for (Object item : list(c.get("env"))) {
            Map<?, ?> e = map(item);
            String name = str(e.get("name"));
            if (e.get("valueFrom") != null) {
                throw new IllegalArgumentException("environment variable " + name
                        + " takes its value from a ConfigMap, Secret or the API (valueFrom), which verify cannot see");
            }
            env.put(name, expand(e.get("value") == null ? "" : str(e.get("value")), env));
        }
        return env;
    }

    /** emptyDir volumes become fresh world-writable volumes; anything else cannot be reproduced here. */
    private static List<ContainerSpec.Mount> mounts(Map<?, ?> pod, Map<?, ?> c) {
        Map<String, Map<?, ?>> volumes = new LinkedHashMap<>();
        for (Object v : list(pod.get("volumes"))) {
            volumes.put(str(map(v).get("name")), map(v));
        }
        List<ContainerSpec.Mount> out = new ArrayList<>();
        for (Object item : list(c.get("volumeMounts"))) {
            Map<?, ?> m = map(item);
            String name = str(m.get("name"));
            Map<?, ?> volume = volumes.get(name);
            if (volume == null) {
                throw new IllegalArgumentException("it mounts volume " + name + ", which the pod does not define");
            }
            if (!volume.containsKey("emptyDir")) {
                String type = volume.keySet().stream().map(String::valueOf).filter(k -> !k.equals("name")).findFirst().orElse("unknown");
                throw new IllegalArgumentException("it mounts " + type + " volume " + name
                        + ", which verify cannot provide (only emptyDir volumes are reproduced)");
            }
            BigDecimal size = quantity(map(volume.get("emptyDir")).get("sizeLimit"));
            out.add(ContainerSpec.Mount.emptyDir(name, str(m.get("mountPath")), Boolean.TRUE.equals(m.get("readOnly")),
                    size == null ? null : size.longValue()));
        }
        return out;
    }

    private static List<String> words(Object value, Map<String, String> env) {
        if (value == null) {
            return null;
        }
        List<String> out = new ArrayList<>();
        list(value).forEach(w -> out.add(expand(str(w), env)));
        return out;
    }

    /** {@code $(VAR)} takes the value of a variable defined before; an unknown reference stays as written. */
    static String expand(String text, Map<String, String> env) {
        Matcher m = REFERENCE.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String replacement = m.group().equals("$$") ? "$" : env.getOrDefault(m.group(1), m.group());
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** A Kubernetes quantity ({@code 500m}, {@code 1.5}, {@code 512Mi}, {@code 1e9}) as a number, or null when absent. */
    static BigDecimal quantity(Object value) {
        if (value == null) {
            return null;
        }
        BigDecimal n = Quantities.kubernetes(String.valueOf(value));
        if (n == null || n.signum() < 0) {
            throw new IllegalArgumentException("not a quantity: '" + value + "'");
        }
        return n;
    }

    private static Long number(Object value, String field) {
        if (value == null) {
            return null;
        }
        if (value instanceof Long n) {
            return n;
        }
        throw new IllegalArgumentException(field + " is not a number: '" + value + "'");
    }

    private static Object first(Object a, Object b) {
        return a != null ? a : b;
    }

    private static Map<?, ?> map(Object o) {
        return o instanceof Map<?, ?> m ? m : Map.of();
    }

    private static List<?> list(Object o) {
        return o instanceof List<?> l ? l : List.of();
    }

    private static List<String> strings(Object o) {
        return list(o).stream().map(String::valueOf).toList();
    }

    private static String str(Object o) {
        return o == null ? null : String.valueOf(o);
    }
}
