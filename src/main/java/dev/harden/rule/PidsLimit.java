package dev.harden.rule;

import dev.harden.manifest.ComposeService;
import dev.harden.profile.RuleSetting;
import dev.harden.yaml.Mapping;
import dev.harden.yaml.Node;
import dev.harden.yaml.Scalar;
import dev.harden.yaml.YamlException;
import java.util.List;
import java.util.Optional;

/** pids-limit: a Compose service's process count is limited. */
final class PidsLimit extends Rule<PidsLimit.Params> implements ComposeRule<PidsLimit.Params> {

    /** @param limit the pids_limit a service gets */
    record Params(long limit) { }

    PidsLimit() {
        super("pids-limit");
    }

    @Override
    Params params(RuleSetting setting) {
        return new Params(setting.longParam("limit"));
    }

    @Override
    List<LogHint> logHints() {
        return List.of(new LogHint(LogSymptom.NO_PROCESSES_LEFT, 1));
    }

    @Override
    public void checkService(ServiceCheck c, Params p) throws YamlException {
        ComposeService s = c.service();
        Optional<Node> pids = s.get("pids_limit");
        if (pids.isEmpty()) {
            pids = s.get("deploy").filter(n -> n instanceof Mapping).flatMap(d -> Lookup.lookupMapping((Mapping) d, "resources"))
                    .flatMap(r -> Lookup.lookupMapping(r, "limits")).flatMap(l -> l.lookup("pids")).map(f -> f.value().resolve());
        }
        if (pids.isPresent()) {
            if (pids.get() instanceof Scalar v && (c.value(v).equals("0") || c.value(v).startsWith("-"))) {
                c.open(v, "sets an unlimited pids limit (" + c.quote(v) + ")", false);
            }
            return;
        }
        long limit = p.limit();
        c.fix(s.location(), "has no pids limit", () -> {
            c.fillOwn("pids_limit", Scalar.integer(limit));
            return "limited processes with pids_limit: " + limit;
        });
    }
}
