package dev.harden.rule;

import dev.harden.manifest.Workload;
import dev.harden.profile.RuleSetting;
import dev.harden.yaml.Scalar;
import dev.harden.yaml.YamlException;
import java.util.List;
import java.util.Optional;

/** run-as-non-root: the kubelet refuses to start a pod's containers as root. */
final class RunAsNonRoot extends Rule<RunAsNonRoot.Params> implements KubernetesRule<RunAsNonRoot.Params> {

    /** @param overrideExplicit whether {@code runAsNonRoot: false} written in a manifest is overridden rather than reported */
    record Params(boolean overrideExplicit) { }

    RunAsNonRoot() {
        super("run-as-non-root");
    }

    @Override
    Params params(RuleSetting setting) {
        return new Params(RuleParams.overridesExplicit(setting));
    }

    @Override
    List<LogHint> logHints() {
        return List.of(new LogHint(LogSymptom.ROOT_REFUSED, 1));
    }

    @Override
    public void checkPod(PodCheck c, Params p) throws YamlException {
        Optional<Scalar> pod = Lookup.scalar(c.podSpec(), "securityContext", "runAsNonRoot");
        boolean explicitOff = false;
        if (Lookup.isFalse(pod)) {
            explicitOff = true;
            c.overrideOrReport(p.overrideExplicit(), pod.get(), c.subject(), "runAsNonRoot: false is set explicitly",
                    () -> c.set(c.podSecurityContext(), "runAsNonRoot", Scalar.bool(true)));
        }
        boolean allContainers = true;
        for (Workload.Container k : c.containers()) {
            Optional<Scalar> own = Lookup.scalar(k.mapping(), "securityContext", "runAsNonRoot");
            if (Lookup.isFalse(own)) {
                explicitOff = true;
                c.overrideOrReport(p.overrideExplicit(), own.get(), c.subject(k), "runAsNonRoot: false is set explicitly",
                        () -> c.set(c.securityContext(k), "runAsNonRoot", Scalar.bool(true)));
            }
            allContainers &= Lookup.isTrue(own);
        }
        if (explicitOff || Lookup.isTrue(pod) || allContainers && !c.containers().isEmpty()) {
            return;
        }
        Optional<Workload.Container> rooted = c.containers().stream().filter(k -> Users.rootReason(c, k) != null).findFirst();
        if (rooted.isPresent()) {
            perContainer(c, rooted.get());
            return;
        }
        List<String> unknown = c.containers().stream().filter(k -> !Users.knownNonRoot(c, k)).map(Workload.Container::name).toList();
        if (!unknown.isEmpty()) {
            c.open(c.location(), c.subject(), "does not set runAsNonRoot: true, and " + String.join(", ", unknown)
                    + " may run as root or as a user name the kubelet cannot check; set runAsUser first (non-root-user)", false);
            return;
        }
        c.fix(c.location(), c.subject(), "does not set runAsNonRoot: true", () -> {
            c.set(c.podSecurityContext(), "runAsNonRoot", Scalar.bool(true));
            return "set runAsNonRoot: true";
        });
    }

    /** runAsNonRoot on each container that can take it, when another of the pod keeps root. */
    private static void perContainer(PodCheck c, Workload.Container rooted) {
        for (Workload.Container k : c.containers()) {
            if (Lookup.isTrue(Lookup.scalar(k.mapping(), "securityContext", "runAsNonRoot"))) {
                continue;
            }
            String reason = Users.rootReason(c, k);
            if (reason != null) {
                c.open(k.mapping(), c.subject(k), "does not set runAsNonRoot: true: " + reason + ", so harden sets it neither"
                        + " here nor for the pod", false);
            } else if (!Users.knownNonRoot(c, k)) {
                c.open(k.mapping(), c.subject(k), "does not set runAsNonRoot: true, and may run as root or as a user name the"
                        + " kubelet cannot check; set runAsUser first (non-root-user)", false);
            } else {
                c.fix(k.mapping(), c.subject(k), "does not set runAsNonRoot: true", () -> {
                    c.set(c.securityContext(k), "runAsNonRoot", Scalar.bool(true));
                    return "set runAsNonRoot: true on the container (not on the pod: " + rooted.name() + " keeps root)";
                });
            }
        }
    }
}
