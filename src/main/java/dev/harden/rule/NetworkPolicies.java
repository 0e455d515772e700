package dev.harden.rule;

import dev.harden.manifest.KubernetesFile;
import dev.harden.manifest.Workload;
import dev.harden.profile.RuleSetting;
import dev.harden.report.Finding;
import dev.harden.report.GeneratedFile;
import dev.harden.yaml.Limits;
import dev.harden.yaml.Mapping;
import dev.harden.yaml.Node;
import dev.harden.yaml.Plain;
import dev.harden.yaml.Scalar;
import dev.harden.yaml.Sequence;
import dev.harden.yaml.YamlException;
import dev.harden.yaml.YamlFile;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The NetworkPolicies of network-policy-default-deny: for the pods of each workload of the file (never
 * a whole namespace, whose other pods harden does not see), a NetworkPolicy that denies ingress except
 * on the ports the Services selecting them expose, written as a new file.
 */
final class NetworkPolicies {
    private static final String RULE = NetworkPolicyDefaultDeny.ID;
    /** What the new file's name ends with: {@code app.yaml} gets {@code app.network-policies.yaml}. */
    static final String SUFFIX = ".network-policies.yaml";
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z][A-Za-z0-9._/-]*");
    private static final Pattern SPECIAL = Pattern.compile("[\\p{Cc}\\p{Cf}\\p{Zl}\\p{Zp}\\p{Cs}]");
    private static final Set<String> YAML11_WORDS = Set.of("y", "n", "yes", "no", "on", "off", "true", "false", "null");

    /** A Service of the file: where it lives, which pods it selects, and the ports it sends to. */
    private record Service(String namespace, Map<String, String> selector, List<Port> ports) { }

    /** A port traffic reaches pods on: a number or a container port's name, and its protocol. */
    private record Port(String port, boolean named, String protocol) { }

    private final KubernetesFile file;
    private final RuleSetting setting;
    private final boolean fixRun;
    private final String fileName;
    private final String inputName;
    private final byte[] existing;
    private final List<Workload> workloads;
    private final Function<Workload, String> exemptions;
    private final Consumer<Finding> sink;

    NetworkPolicies(GeneratedFileRule.Input input) {
        this.file = input.file();
        this.setting = input.setting();
        this.fixRun = input.fixRun();
        this.fileName = input.fileName();
        this.inputName = input.inputName();
        this.existing = input.existing();
        this.workloads = input.workloads();
        this.exemptions = input.exemptReason();
        this.sink = input.sink();
    }

    /** The new file's name for an input file's name. */
    static String fileNameFor(String inputName) {
        String stem = inputName.replaceFirst("\\.(ya?ml)$", "");
        return stem + SUFFIX;
    }

    Optional<GeneratedFile> generate() {
        if (workloads.isEmpty() || inputName.endsWith(SUFFIX)) {
            return Optional.empty();
        }
        String target = fileNameFor(inputName);
        List<Mapping> policies = new ArrayList<>(objects(file.allObjects(), "NetworkPolicy"));
        if (existing != null) {
            try {
                YamlFile parsed = YamlFile.parse(existing, Limits.DEFAULT);
                KubernetesFile.detect(parsed).ifPresent(k -> policies.addAll(objects(k.allObjects(), "NetworkPolicy")));
            } catch (YamlException e) {
                emit(workloads.get(0), target + " exists but cannot be read (" + e.reason() + "); NetworkPolicies not checked",
                        false, Finding.Status.OPEN, null);
                return Optional.empty();
            }
        }
        List<Service> services = services();
        Map<String, List<Workload>> byNamespace = new LinkedHashMap<>();
        for (Workload w : workloads) {
            byNamespace.computeIfAbsent(w.namespace().orElse(""), n -> new ArrayList<>()).add(w);
        }
        StringBuilder out = new StringBuilder();
        boolean wrote = false;
        List<Object> all = new ArrayList<>();
        for (Map.Entry<String, List<Workload>> ns : byNamespace.entrySet()) {
            String namespace = ns.getKey();
            String where = namespace.isEmpty() ? "the namespace these manifests are applied to" : "namespace " + namespace;
            reportUnexposedPorts(ns.getValue(), services);
            if (isolated(policies, namespace, null)) {
                continue;
            }
            Map<Map<String, String>, List<Workload>> denied = new LinkedHashMap<>();
            for (Workload w : ns.getValue()) {
                String exempt = exemptions.apply(w);
                if (isolated(policies, namespace, w.podLabels())) {
                    continue;
                }
                String message = "the pods of " + w.label() + " accept connections from every pod of the cluster (no"
                        + " NetworkPolicy selects them)";
                Map<String, String> selector = selector(w);
                if (exempt != null) {
                    emit(w, message, false, Finding.Status.EXEMPTED, exempt);
                } else if (selector.isEmpty()) {
                    emit(w, message + "; they have no labels, so no policy can select them alone: label them, or isolate"
                            + " every pod of " + where + " yourself if that is what you want", false, Finding.Status.OPEN, null);
                } else if (existing != null) {
                    emit(w, message + "; add a policy for them to " + target + ", which harden does not overwrite", false,
                            Finding.Status.OPEN, null);
                } else if (!setting.fix()) {
                    emit(w, message, false, Finding.Status.OPEN, null);
                } else {
                    denied.computeIfAbsent(selector, k -> new ArrayList<>()).add(w);
                }
            }
            if (denied.isEmpty()) {
                continue;
            }
            StringBuilder chunk = new StringBuilder();
            List<Object> expected = new ArrayList<>();
            Set<String> names = new java.util.HashSet<>();
            for (Map.Entry<Map<String, String>, List<Workload>> d : denied.entrySet()) {
                Workload first = d.getValue().get(0);
                String name = trim("deny-ingress-to-" + first.name());
                if (!names.add(name)) {
                    name = trim("deny-ingress-to-" + first.kind().toLowerCase(Locale.ROOT) + "-" + first.name());
                    names.add(name);
                }
                // The Services' ports go into this policy rather than into policies of their own that
                // select by the Service's selector: any policy that selects a pod isolates it, so those
                // would isolate pods the Service selects beyond these workloads'.
                Set<Port> ports = new LinkedHashSet<>();
                for (Service s : services) {
                    if (s.namespace().equals(namespace) && d.getValue().stream().anyMatch(w -> selects(s.selector(), w.podLabels()))) {
                        ports.addAll(s.ports());
                    }
                }
                chunk.append(policy(name, namespace, d.getKey(), new ArrayList<>(ports), expected));
            }
            if (!readsBack(chunk.toString(), expected)) {
                for (Workload w : denied.values().stream().flatMap(List::stream).toList()) {
                    emit(w, "the pods of " + w.label() + " accept connections from every pod of the cluster; harden cannot"
                            + " write a NetworkPolicy that reads back as intended (a name, label or port holds characters"
                            + " YAML cannot carry?), so write one by hand", false, Finding.Status.OPEN, null);
                }
                continue;
            }
            out.append(chunk);
            all.addAll(expected);
            wrote = true;
            for (Workload w : denied.values().stream().flatMap(List::stream).toList()) {
                emit(w, fixRun ? "denied ingress to the pods of " + w.label() + " (in " + target + "), except on the"
                        + " ports of the Services that select them; other pods of " + where + " are not affected"
                        : "the pods of " + w.label() + " accept connections from every pod of the cluster (no NetworkPolicy"
                        + " selects them)", true, fixRun ? Finding.Status.FIXED : Finding.Status.OPEN, null);
            }
        }
        if (!wrote) {
            return Optional.empty();
        }
        String lb = file.yaml().text().contains("\r\n") ? "\r\n" : "\n";
        String shown = SPECIAL.matcher(inputName).replaceAll("?");
        String header = "# Written by harden (" + RULE + ") for " + shown + ": ingress to the pods of its workloads is"
                + "\n# denied, and allowed on the ports each Service of " + shown + " exposes; other pods of the namespace"
                + "\n# are not affected. Review, then apply it with the manifests.\n";
        String text = (header + out.substring("---\n".length())).replace("\n", lb);
        if (!readsBack(text, all)) {
            throw new IllegalStateException("the NetworkPolicy file for " + shown + " does not read back as written");
        }
        return Optional.of(new GeneratedFile(target, text.getBytes(StandardCharsets.UTF_8), RULE));
    }

    /**
     * The labels a policy selects a workload's pods by: its own selector's {@code matchLabels} (what
     * identifies its pods, and stays when a release label of the template changes), else the pod labels.
     */
    private static Map<String, String> selector(Workload w) {
        Map<String, String> labels = new LinkedHashMap<>();
        Optional<Mapping> spec = Lookup.mapping(w.object(), "spec");
        Optional<Mapping> own = spec.flatMap(m -> Lookup.mapping(m, "selector", "matchLabels"))
                .or(() -> spec.flatMap(m -> Lookup.mapping(m, "selector")).filter(m -> w.kind().equals("ReplicationController")));
        own.ifPresent(m -> m.effectiveKeys().forEach(k -> Lookup.scalar(m, k).ifPresent(v -> labels.put(k, v.value()))));
        Map<String, String> pod = w.podLabels();
        boolean usable = !labels.isEmpty() && labels.entrySet().stream().allMatch(e -> e.getValue().equals(pod.get(e.getKey())));
        return usable ? labels : pod;
    }

    /** Open notes for container ports that no Service of the file sends traffic to: the default deny blocks them. */
    private void reportUnexposedPorts(List<Workload> members, List<Service> services) {
        for (Workload w : members) {
            if (exemptions.apply(w) != null || Lookup.scalar(w.podSpec(), "hostNetwork")
                    .filter(s -> s.value().equalsIgnoreCase("true")).isPresent()) {
                continue;
            }
            List<Service> selecting = services.stream().filter(s -> s.namespace().equals(w.namespace().orElse(""))
                    && selects(s.selector(), w.podLabels())).toList();
            for (Workload.Container k : w.containers()) {
                Optional<Node> ports = Lookup.at(k.mapping(), "ports");
                if (ports.isEmpty() || !(ports.get() instanceof Sequence seq)) {
                    continue;
                }
                for (Node item : seq.items()) {
                    if (!(item.resolve() instanceof Mapping p)) {
                        continue;
                    }
                    String number = Lookup.scalar(p, "containerPort").map(Scalar::value).orElse("");
                    String name = Lookup.scalar(p, "name").map(Scalar::value).orElse("");
                    boolean exposed = selecting.stream().flatMap(s -> s.ports().stream())
                            .anyMatch(sp -> sp.port().equals(number) || sp.named() && sp.port().equals(name));
                    if (!exposed && !number.isEmpty()) {
                        Node at = Lookup.at(p, "containerPort").orElse(p);
                        sink.accept(new Finding(fileName, line(at), column(at), RULE, setting.severity(),
                                "port " + number + (name.isEmpty() ? "" : " (" + name + ")") + " of " + k.name()
                                + " is exposed by no Service in this file, so a default deny blocks it; allow who calls it"
                                + " (a metrics scraper, a peer) in a NetworkPolicy", w.label() + "/" + k.name(), false,
                                Finding.Status.OPEN, null));
                    }
                }
            }
        }
    }

    private List<Service> services() {
        List<Service> out = new ArrayList<>();
        for (Mapping s : objects(file.allObjects(), "Service")) {
            if (!s.get("apiVersion").filter(n -> n instanceof Scalar v && v.value().equals("v1")).isPresent()) {
                continue;
            }
            Optional<Mapping> selector = Lookup.mapping(s, "spec", "selector");
            if (selector.isEmpty() || selector.get().effectiveKeys().isEmpty()) {
                continue;
            }
            Map<String, String> labels = new LinkedHashMap<>();
            for (String key : selector.get().effectiveKeys()) {
                Lookup.scalar(selector.get(), key).ifPresent(v -> labels.put(key, v.value()));
            }
            Set<Port> ports = new LinkedHashSet<>();
            Optional<Node> list = Lookup.at(s, "spec", "ports");
            if (list.isPresent() && list.get() instanceof Sequence seq) {
                for (Node item : seq.items()) {
                    if (item.resolve() instanceof Mapping p) {
                        Optional<Scalar> target = Lookup.scalar(p, "targetPort").or(() -> Lookup.scalar(p, "port"));
                        String protocol = Lookup.scalar(p, "protocol").map(Scalar::value).orElse("TCP");
                        target.ifPresent(t -> ports.add(new Port(t.value(), !t.value().matches("[0-9]+"), protocol)));
                    }
                }
            }
            String namespace = Lookup.scalar(s, "metadata", "namespace").map(Scalar::value).orElse("");
            out.add(new Service(namespace, labels, new ArrayList<>(ports)));
        }
        return out;
    }

    private static boolean selects(Map<String, String> selector, Map<String, String> labels) {
        return !selector.isEmpty() && selector.entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
    }

    private static List<Mapping> objects(List<Mapping> all, String kind) {
        return all.stream().filter(o -> KubernetesFile.kind(o).equals(kind)).toList();
    }

    /**
     * Whether a NetworkPolicy of the namespace already isolates pods for ingress: every pod when
     * {@code labels} is null, else a pod with these labels (any policy that selects a pod for ingress
     * isolates it).
     */
    private static boolean isolated(List<Mapping> policies, String namespace, Map<String, String> labels) {
        for (Mapping p : policies) {
            String ns = Lookup.scalar(p, "metadata", "namespace").map(Scalar::value).orElse("");
            if (!ns.equals(namespace)) {
                continue;
            }
            Optional<Node> selector = Lookup.at(p, "spec", "podSelector");
            if (selector.isEmpty() || !(selector.get() instanceof Mapping m)) {
                continue;
            }
            List<String> types = Lookup.items(p, "spec", "policyTypes").stream().map(Scalar::value).toList();
            boolean ingress = types.isEmpty() || types.contains("Ingress");
            if (ingress && (labels == null ? selectsAll(m) : labels.isEmpty() ? selectsAll(m) : selectsPod(m, labels))) {
                return true;
            }
        }
        return false;
    }

    private static boolean selectsAll(Mapping selector) {
        return selector.effectiveKeys().stream().allMatch(k -> Lookup.at(selector, k).filter(v -> v instanceof Mapping mm
                && mm.effectiveKeys().isEmpty() || v instanceof Sequence s && s.items().isEmpty() || v instanceof Scalar sc
                && sc.isNull()).isPresent());
    }

    /** Whether a label selector selects a pod with these labels; false for what it cannot read. */
    private static boolean selectsPod(Mapping selector, Map<String, String> labels) {
        for (String key : selector.effectiveKeys()) {
            Optional<Node> value = Lookup.at(selector, key);
            if (key.equals("matchLabels") && value.isPresent() && value.get() instanceof Mapping m) {
                for (String label : m.effectiveKeys()) {
                    if (!Lookup.scalar(m, label).map(Scalar::value).orElse("\0").equals(labels.get(label))) {
                        return false;
                    }
                }
            } else if (key.equals("matchExpressions") && value.isPresent() && value.get() instanceof Sequence s) {
                for (Node item : s.items()) {
                    if (!(item.resolve() instanceof Mapping e) || !matches(e, labels)) {
                        return false;
                    }
                }
            } else if (value.isPresent() && !(value.get() instanceof Scalar sc && sc.isNull())) {
                return false;
            }
        }
        return true;
    }

    private static boolean matches(Mapping expression, Map<String, String> labels) {
        String key = Lookup.scalar(expression, "key").map(Scalar::value).orElse("");
        String operator = Lookup.scalar(expression, "operator").map(Scalar::value).orElse("");
        List<String> values = Lookup.items(expression, "values").stream().map(Scalar::value).toList();
        return switch (operator) {
            case "In" -> labels.containsKey(key) && values.contains(labels.get(key));
            case "NotIn" -> !labels.containsKey(key) || !values.contains(labels.get(key));
            case "Exists" -> labels.containsKey(key);
            case "DoesNotExist" -> !labels.containsKey(key);
            default -> false;
        };
    }

    /**
     * Whether text parses, as UTF-8 bytes, into exactly the expected documents: a generated file
     * passes the same check as an edit before it is written.
     */
    private static boolean readsBack(String text, List<Object> expected) {
        try {
            YamlFile parsed = YamlFile.parse(text.getBytes(StandardCharsets.UTF_8), Limits.DEFAULT);
            return parsed.documents().stream().map(Plain::of).toList().equals(expected);
        } catch (YamlException | RuntimeException e) {
            return false;
        }
    }

    /** One NetworkPolicy document, starting with {@code ---}; its plain values are added to {@code expected}. */
    private static String policy(String name, String namespace, Map<String, String> selector, List<Port> ports,
                                 List<Object> expected) {
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("name", name);
        if (!namespace.isEmpty()) {
            metadata.put("namespace", namespace);
        }
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("podSelector", selector.isEmpty() ? Map.of() : Map.of("matchLabels", selector));
        spec.put("policyTypes", List.of("Ingress"));
        if (!ports.isEmpty()) {
            List<Object> items = new ArrayList<>();
            for (Port p : ports) {
                items.add(Map.of("port", p.named() ? p.port() : number(p.port()), "protocol", p.protocol()));
            }
            spec.put("ingress", List.of(Map.of("ports", items)));
        }
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("apiVersion", "networking.k8s.io/v1");
        document.put("kind", "NetworkPolicy");
        document.put("metadata", metadata);
        document.put("spec", spec);
        expected.add(document);
        return policy(name, namespace, selector, ports);
    }

    private static Object number(String digits) {
        try {
            return Long.parseLong(digits);
        } catch (NumberFormatException e) {
            return digits;
        }
    }

    private static String policy(String name, String namespace, Map<String, String> selector, List<Port> ports) {
        StringBuilder y = new StringBuilder("---\n");
        y.append("apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: ").append(quote(name)).append('\n');
        if (!namespace.isEmpty()) {
            y.append("  namespace: ").append(quote(namespace)).append('\n');
        }
        y.append("spec:\n");
        if (selector.isEmpty()) {
            y.append("  podSelector: {}\n");
        } else {
            y.append("  podSelector:\n    matchLabels:\n");
            selector.forEach((k, v) -> y.append("      ").append(quote(k)).append(": ").append(quote(v)).append('\n'));
        }
        y.append("  policyTypes:\n    - Ingress\n");
        if (!ports.isEmpty()) {
            y.append("  ingress:\n    - ports:\n");
            for (Port p : ports) {
                y.append("        - port: ").append(p.named() ? quote(p.port()) : p.port()).append('\n');
                y.append("          protocol: ").append(quote(p.protocol())).append('\n');
            }
        }
        return y.toString();
    }

    /** A string plain when YAML 1.1 and 1.2 both read it back as the same string, else double-quoted. */
    static String quote(String value) {
        if (PLAIN.matcher(value).matches() && !YAML11_WORDS.contains(value.toLowerCase(Locale.ROOT))) {
            return value;
        }
        StringBuilder out = new StringBuilder("\"");
        for (int i = 0; i < value.length(); i += Character.charCount(value.codePointAt(i))) {
            int cp = value.codePointAt(i);
            if (cp == '"' || cp == '\\') {
                out.append('\\').append((char) cp);
            } else if (cp < 0x20 || cp >= 0x7F && cp <= 0x9F) {
                out.append(String.format("\\x%02X", cp)); // control characters, DEL and NEL are not written raw
            } else if (cp == 0x2028 || cp == 0x2029 || cp == 0xFEFF || cp == 0xFFFE || cp == 0xFFFF) {
                out.append(String.format("\\u%04X", cp)); // line and paragraph separators, byte order marks
            } else {
                out.appendCodePoint(cp); // a lone surrogate becomes '?' in UTF-8, which readsBack refuses
            }
        }
        return out.append('"').toString();
    }

    private static String trim(String name) {
        String n = name.length() > 63 ? name.substring(0, 63) : name;
        return n.replaceAll("-+$", "");
    }

    private void emit(Workload at, String message, boolean fixable, Finding.Status status, String reason) {
        Node where = Lookup.at(at.object(), "metadata", "name").orElse(at.object());
        sink.accept(new Finding(fileName, line(where), column(where), RULE, setting.severity(), message,
                at.label(), fixable, status, reason));
    }

    private int line(Node n) {
        return file.yaml().line(Math.max(0, n.start()));
    }

    private int column(Node n) {
        return file.yaml().column(Math.max(0, n.start()));
    }
}
