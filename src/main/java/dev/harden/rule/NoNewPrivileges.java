package dev.harden.rule;

import dev.harden.manifest.ComposeService;
import dev.harden.manifest.Workload;
import dev.harden.profile.RuleSetting;
import dev.harden.yaml.Node;
import dev.harden.yaml.Scalar;
import dev.harden.yaml.YamlException;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/** no-new-privileges: no process gains privileges through setuid binaries (Kubernetes: allowPrivilegeEscalation: false). */
final class NoNewPrivileges extends Rule<NoNewPrivileges.Params>
        implements ComposeRule<NoNewPrivileges.Params>, KubernetesRule<NoNewPrivileges.Params> {
    private static final Pattern NO_NEW_PRIVILEGES = Pattern.compile("no-new-privileges([:=]true)?");
    private static final Pattern NO_NEW_PRIVILEGES_OFF = Pattern.compile("no-new-privileges[:=]false");

    /** @param overrideExplicit whether {@code allowPrivilegeEscalation: true} written in a manifest is overridden rather than reported */
    record Params(boolean overrideExplicit) { }

    NoNewPrivileges() {
        super("no-new-privileges");
    }

    @Override
    Params params(RuleSetting setting) {
        return new Params(RuleParams.overridesExplicit(setting));
    }

    @Override
    List<LogHint> logHints() {
        return List.of(new LogHint(LogSymptom.NOT_PERMITTED, 3), new LogHint(LogSymptom.PRIVILEGES_NOT_GAINED, 1));
    }

    @Override
    public void checkService(ServiceCheck c, Params p) throws YamlException {
        List<String> opts = c.list("security_opt");
        if (opts.stream().anyMatch(o -> NO_NEW_PRIVILEGES.matcher(o.trim()).matches())) {
            return;
        }
        ComposeService s = c.service();
        Optional<Node> off = c.scalarItems("security_opt").stream()
                .filter(n -> NO_NEW_PRIVILEGES_OFF.matcher(c.value((Scalar) n).trim()).matches()).findFirst();
        if (off.isPresent()) {
            c.open(off.get(), "turns no-new-privileges off explicitly", false);
            return;
        }
        if (!c.facts().noNewPrivileges()) {
            c.exempt(s.location(), "may gain privileges through setuid binaries",
                    "image " + c.imageName() + " relies on setuid binaries that no-new-privileges disables");
            return;
        }
        boolean equalsForm = opts.stream().anyMatch(o -> o.matches("[a-z-]+=.*"));
        String opt = equalsForm ? "no-new-privileges=true" : "no-new-privileges:true";
        c.fix(s.location(), "may gain privileges through setuid binaries", () -> {
            c.ensureListItem("security_opt", Scalar.string(opt));
            return "added security_opt " + opt;
        });
    }

    @Override
    public void checkPod(PodCheck c, Params p) throws YamlException {
        if (c.windows()) {
            return;
        }
        for (Workload.Container k : c.containers()) {
            Optional<Scalar> ape = Lookup.scalar(k.mapping(), "securityContext", "allowPrivilegeEscalation");
            if (Lookup.isFalse(ape)) {
                continue;
            }
            boolean privileged = Lookup.isTrue(Lookup.scalar(k.mapping(), "securityContext", "privileged"));
            boolean sysAdmin = Lookup.items(k.mapping(), "securityContext", "capabilities", "add").stream()
                    .anyMatch(a -> Capabilities.normalise(a.value()).equals("SYS_ADMIN"));
            if (privileged || sysAdmin) {
                c.open(ape.isPresent() ? ape.get() : k.mapping(), c.subject(k), "allows privilege escalation, which Kubernetes"
                        + " requires while the container is privileged or adds SYS_ADMIN", false);
                continue;
            }
            if (ape.isPresent()) {
                c.overrideOrReport(p.overrideExplicit(), ape.get(), c.subject(k), "allowPrivilegeEscalation: " + ape.get().value()
                        + " is set explicitly", () -> c.set(c.securityContext(k), "allowPrivilegeEscalation", Scalar.bool(false)));
                continue;
            }
            if (!c.facts(k).noNewPrivileges()) {
                c.exempt(k.mapping(), c.subject(k), "may gain privileges through setuid binaries",
                        "image " + c.imageName(k) + " relies on setuid binaries that allowPrivilegeEscalation: false disables");
                continue;
            }
            c.fix(k.mapping(), c.subject(k), "may gain privileges through setuid binaries", () -> {
                c.set(c.securityContext(k), "allowPrivilegeEscalation", Scalar.bool(false));
                return "set allowPrivilegeEscalation: false";
            });
        }
    }
}
