package dev.harden.rule;

import dev.harden.manifest.ComposeService;
import dev.harden.profile.RuleSetting;
import dev.harden.yaml.Mapping;
import dev.harden.yaml.Scalar;
import dev.harden.yaml.YamlException;

/** restart-policy: a Compose service comes back after a crash or a reboot. */
final class RestartPolicy extends Rule<RestartPolicy.Params> implements ComposeRule<RestartPolicy.Params> {

    /** @param policy the restart policy a service gets */
    record Params(String policy) { }

    RestartPolicy() {
        super("restart-policy");
    }

    @Override
    Params params(RuleSetting setting) {
        return new Params(setting.param("policy"));
    }

    @Override
    public void checkService(ServiceCheck c, Params p) throws YamlException {
        ComposeService s = c.service();
        boolean hasPolicy = s.get("restart").isPresent() || s.get("deploy").filter(n -> n instanceof Mapping)
                .flatMap(d -> ((Mapping) d).lookup("restart_policy")).isPresent();
        if (hasPolicy) {
            return;
        }
        String policy = p.policy();
        c.fix(s.location(), "has no restart policy", () -> {
            c.fillOwn("restart", Scalar.string(policy));
            return "set restart: " + policy;
        });
    }
}
