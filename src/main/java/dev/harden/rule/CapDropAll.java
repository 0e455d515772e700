package dev.harden.rule;

import dev.harden.image.ImageFacts;
import dev.harden.manifest.ComposeService;
import dev.harden.manifest.Workload;
import dev.harden.profile.RuleSetting;
import dev.harden.yaml.Mapping;
import dev.harden.yaml.Node;
import dev.harden.yaml.Scalar;
import dev.harden.yaml.YamlException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** cap-drop-all: every capability dropped, and only what the image needs to start added back. */
final class CapDropAll extends Rule<CapDropAll.Params> implements ComposeRule<CapDropAll.Params>, KubernetesRule<CapDropAll.Params> {

    /** @param allowedAdd the capabilities a Kubernetes container may add back, spelt as Kubernetes reads them */
    record Params(Set<String> allowedAdd) { }

    CapDropAll() {
        super("cap-drop-all");
    }

    @Override
    Params params(RuleSetting setting) {
        return new Params(new HashSet<>(RuleParams.strings(setting, "allowedAdd")));
    }

    @Override
    List<LogHint> logHints() {
        return List.of(new LogHint(LogSymptom.NOT_PERMITTED, 1), new LogHint(LogSymptom.PERMISSION_DENIED, 3));
    }

    // ---- Compose ---------------------------------------------------------------------------

    @Override
    public void checkService(ServiceCheck c, Params p) throws YamlException {
        ComposeService s = c.service();
        boolean dropsAll = c.list("cap_drop").stream().anyMatch(x -> Capabilities.normalise(x).equals("ALL"));
        if (dropsAll) {
            return;
        }
        Optional<Node> user = s.get("user");
        if (explicitRootWorkUnknown(c)) {
            c.open(user.orElse(s.location()), "keeps Docker's default capabilities; not dropped because user: "
                    + c.quote((Scalar) user.orElseThrow()) + " asks for root, and harden cannot tell which capabilities that"
                    + " root work needs: drop ALL and add back what it uses (a job that chowns folders needs CHOWN, often"
                    + " DAC_OVERRIDE and FOWNER)", false);
            return;
        }
        List<String> present = c.list("cap_add").stream().map(Capabilities::normalise).toList();
        List<String> missing = neededCapabilities(c).stream().filter(x -> !present.contains(x)).toList();
        c.fix(s.location(), "keeps Docker's default capabilities", () -> {
            c.ensureListItem("cap_drop", Scalar.plain("ALL"));
            for (String cap : missing) {
                c.ensureListItem("cap_add", Scalar.string(cap));
            }
            return "dropped all capabilities"
                    + (missing.isEmpty() ? "" : " and added back " + String.join(", ", missing) + ", which " + c.imageName()
                    + " needs to start as root and step down" + c.facts().sourceNote())
                    + c.verifyHint();
        });
    }

    /** Capabilities the service needs back under cap_drop ALL. */
    private static List<String> neededCapabilities(ServiceCheck c) {
        Set<String> caps = new LinkedHashSet<>();
        if (Users.startsAsRoot(c)) {
            caps.addAll(c.facts().rootCapabilities());
            boolean hostNetwork = "host".equals(c.value("network_mode"));
            if (hostNetwork && c.facts().ports().stream().anyMatch(port -> port < 1024)) {
                caps.add("NET_BIND_SERVICE");
            }
        }
        return new ArrayList<>(caps);
    }

    /**
     * A service that sets a root {@code user:} itself runs as root for work of its own (an init job
     * that chowns folders), unless its image is known to start as root and step down through its own
     * entrypoint: only then does harden know which capabilities that root work needs.
     */
    private static boolean explicitRootWorkUnknown(ServiceCheck c) {
        String user = c.value("user");
        if (user == null || !Users.isRoot(user)) {
            return false;
        }
        ImageFacts facts = c.facts();
        return !(facts.known() && facts.startsAsRoot() && facts.dropsPrivileges() && c.service().get("entrypoint").isEmpty());
    }

    // ---- Kubernetes ------------------------------------------------------------------------

    /**
     * Kubernetes passes capability names to the runtime as written, and the Pod Security Standards
     * compare them exactly: {@code all} or {@code CAP_NET_RAW} do not count, unlike in Compose.
     */
    @Override
    public void checkPod(PodCheck c, Params p) throws YamlException {
        if (c.windows()) {
            return;
        }
        Set<String> allowed = p.allowedAdd();
        for (Workload.Container k : c.containers()) {
            List<Scalar> added = Lookup.items(k.mapping(), "securityContext", "capabilities", "add");
            for (Scalar a : added) {
                if (!allowed.contains(a.value())) {
                    c.open(a, c.subject(k), "adds capability " + a.value() + ", which the profile does not allow", false);
                }
            }
            List<Scalar> dropped = Lookup.items(k.mapping(), "securityContext", "capabilities", "drop");
            if (dropped.stream().anyMatch(d -> d.value().equals("ALL"))) {
                continue;
            }
            if (PodCheck.privileged(k)) {
                c.open(Lookup.scalar(k.mapping(), "securityContext", "privileged").orElseThrow(), c.subject(k),
                        "runs privileged, which grants every capability whatever capabilities.drop says, so harden drops"
                        + " none: remove privileged: true and add only the capabilities it needs", false);
                continue;
            }
            Optional<Scalar> misspelt = dropped.stream().filter(d -> Capabilities.normalise(d.value()).equals("ALL")).findFirst();
            if (misspelt.isPresent()) {
                c.fix(misspelt.get(), c.subject(k), "drops " + misspelt.get().value() + ", which Kubernetes does not read as ALL",
                        () -> {
                            c.editor().set(misspelt.get(), Scalar.string("ALL"));
                            return "wrote drop " + misspelt.get().value() + " as ALL, the spelling Kubernetes reads";
                        });
                continue;
            }
            Set<String> present = new HashSet<>();
            added.forEach(a -> present.add(Capabilities.normalise(a.value())));
            Set<String> needed = new LinkedHashSet<>();
            Integer port = Users.startsAsRoot(c, k) ? Users.rootPort(c, k) : null;
            if (Users.startsAsRoot(c, k)) {
                needed.addAll(c.facts(k).rootCapabilities());
                if (port != null) {
                    needed.add("NET_BIND_SERVICE");
                }
            }
            needed.removeAll(present);
            List<String> addBack = needed.stream().filter(allowed::contains).toList();
            List<String> refused = needed.stream().filter(x -> !allowed.contains(x)).toList();
            String keepsRoot = Users.rootReason(c, k);
            if (keepsRoot != null && !refused.isEmpty()) {
                c.open(k.mapping(), c.subject(k), "keeps the runtime's default capabilities: " + keepsRoot + ", and as root"
                        + " it needs " + String.join(", ", refused) + ", which the profile does not allow, so dropping ALL"
                        + " would stop it", false);
                continue;
            }
            boolean explicitRoot = Long.valueOf(0).equals(Lookup.number(Users.runAsUser(c, k)))
                    || Lookup.isFalse(Lookup.scalar(k.mapping(), "securityContext", "runAsNonRoot"));
            if (explicitRoot && !(c.facts(k).known() && c.facts(k).dropsPrivileges())) {
                // a container made root on purpose (an init job that chowns, a sysctl tool) does root
                // work whose capabilities harden cannot name for an image it does not know to step down
                c.open(k.mapping(), c.subject(k), "keeps the runtime's default capabilities: it runs as root on purpose ("
                        + (Lookup.isFalse(Lookup.scalar(k.mapping(), "securityContext", "runAsNonRoot"))
                        ? "runAsNonRoot: false" : "runAsUser: 0") + "), and harden does not know which capabilities its"
                        + " root work needs (chown needs CHOWN, for one): drop ALL and add those back by hand, or run it"
                        + " as a non-root user", false);
                continue;
            }
            c.fix(k.mapping(), c.subject(k), "keeps the runtime's default capabilities", () -> {
                Mapping caps = c.editableIn(c.securityContext(k), "capabilities");
                c.append(caps, "drop", Scalar.plain("ALL"));
                for (String cap : addBack) {
                    c.append(caps, "add", Scalar.string(cap));
                }
                return "dropped all capabilities"
                        + (addBack.isEmpty() ? "" : " and added back " + String.join(", ", addBack) + ", which "
                        + c.imageName(k) + " needs " + needsFor(addBack, c.facts(k).rootCapabilities(), port)
                        + c.facts(k).sourceNote())
                        + (refused.isEmpty() ? "" : "; it may also need " + String.join(", ", refused)
                        + ", which the profile does not allow: run it as its non-root user")
                        + c.verifyHint(k);
            });
        }
    }

    /** Why an image needs the capabilities added back: to step down from root, to bind a low port, or both. */
    private static String needsFor(List<String> addBack, List<String> rootCapabilities, Integer port) {
        boolean stepDown = addBack.stream().anyMatch(rootCapabilities::contains);
        boolean bind = port != null && addBack.contains("NET_BIND_SERVICE");
        String stepping = "to start as root and step down";
        String binding = "to bind port " + port + " on runtimes that keep ports below 1024 privileged";
        return stepDown && bind ? stepping + " and " + binding : bind ? binding : stepping;
    }
}
