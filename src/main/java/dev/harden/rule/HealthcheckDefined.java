package dev.harden.rule;

import dev.harden.yaml.Mapping;
import dev.harden.yaml.Node;
import dev.harden.yaml.Scalar;
import dev.harden.yaml.Sequence;
import java.util.Optional;

/** healthcheck-defined: every Compose service has a healthcheck it does not disable. */
final class HealthcheckDefined extends Rule<Void> implements ComposeRule<Void> {

    HealthcheckDefined() {
        super("healthcheck-defined");
    }

    @Override
    public void checkService(ServiceCheck c, Void p) {
        Optional<Node> hc = c.service().get("healthcheck");
        if (hc.isEmpty()) {
            c.open(c.service().location(), "has no healthcheck", false);
            return;
        }
        if (hc.get() instanceof Mapping m) {
            boolean disabled = m.get("disable").filter(n -> n instanceof Scalar s && s.value().equalsIgnoreCase("true")).isPresent()
                    || m.get("test").map(n -> n instanceof Scalar s ? s.value() : n instanceof Sequence q && !q.items().isEmpty()
                    && q.items().get(0).resolve() instanceof Scalar f ? f.value() : "").filter("NONE"::equals).isPresent();
            if (disabled) {
                c.open(hc.get(), "disables its healthcheck", false);
            }
        }
    }
}
