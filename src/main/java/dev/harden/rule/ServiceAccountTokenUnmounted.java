package dev.harden.rule;

import dev.harden.profile.RuleSetting;
import dev.harden.yaml.Scalar;
import dev.harden.yaml.YamlException;
import java.util.List;
import java.util.Optional;

/** service-account-token-unmounted: a pod that does not call the API gets no service account token. */
final class ServiceAccountTokenUnmounted extends Rule<ServiceAccountTokenUnmounted.Params>
        implements KubernetesRule<ServiceAccountTokenUnmounted.Params> {

    /** @param usesToken the service accounts whose pods call the API, so keep their token */
    record Params(List<String> usesToken) { }

    ServiceAccountTokenUnmounted() {
        super("service-account-token-unmounted");
    }

    @Override
    Params params(RuleSetting setting) {
        return new Params(RuleParams.strings(setting, "usesToken"));
    }

    @Override
    public void checkPod(PodCheck c, Params p) throws YamlException {
        Optional<Scalar> automount = Lookup.scalar(c.podSpec(), "automountServiceAccountToken");
        if (Lookup.isFalse(automount)) {
            return;
        }
        if (automount.isPresent()) {
            c.open(automount.get(), c.subject(), "mounts its service account token (automountServiceAccountToken: "
                    + automount.get().value() + " is set explicitly)", false);
            return;
        }
        String account = Lookup.scalar(c.podSpec(), "serviceAccountName")
                .or(() -> Lookup.scalar(c.podSpec(), "serviceAccount")).map(Scalar::value).orElse("default");
        if (p.usesToken().contains(account)) {
            return;
        }
        if (!account.equals("default")) {
            c.open(c.location(), c.subject(), "mounts the token of service account " + account + "; set"
                    + " automountServiceAccountToken: false if the pod does not call the API, or list " + account + " in usesToken", false);
            return;
        }
        c.fix(c.location(), c.subject(), "mounts a service account token it has no account of its own for", () -> {
            c.set(c.podSpec(), "automountServiceAccountToken", Scalar.bool(false));
            return "set automountServiceAccountToken: false";
        });
    }
}
