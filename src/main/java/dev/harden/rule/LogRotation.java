package dev.harden.rule;

import dev.harden.manifest.ComposeService;
import dev.harden.profile.RuleSetting;
import dev.harden.yaml.Mapping;
import dev.harden.yaml.Node;
import dev.harden.yaml.Scalar;
import dev.harden.yaml.YamlException;
import java.util.Optional;

/** log-rotation: a Compose service's json-file logs are rotated. */
final class LogRotation extends Rule<LogRotation.Params> implements ComposeRule<LogRotation.Params> {

    /**
     * @param maxSize the size a log file rotates at
     * @param maxFile how many log files are kept
     */
    record Params(String maxSize, String maxFile) { }

    LogRotation() {
        super("log-rotation");
    }

    @Override
    Params params(RuleSetting setting) {
        return new Params(setting.param("maxSize"), setting.param("maxFile"));
    }

    @Override
    public void checkService(ServiceCheck c, Params p) throws YamlException {
        ComposeService s = c.service();
        Optional<Node> logging = s.get("logging");
        String maxSize = p.maxSize();
        String maxFile = p.maxFile();
        if (logging.isEmpty()) {
            c.fix(s.location(), "keeps logs without rotation", () -> {
                Mapping options = Mapping.block().with("max-size", Scalar.string(maxSize)).with("max-file", Scalar.string(maxFile));
                c.fillOwn("logging", Mapping.block().with("driver", Scalar.string("json-file")).with("options", options));
                return "rotated json-file logs at " + maxSize + " x " + maxFile;
            });
            return;
        }
        if (!(logging.get() instanceof Mapping m)) {
            return;
        }
        String driver = m.lookup("driver").map(f -> f.value().resolve()).filter(n -> n instanceof Scalar)
                .map(n -> ((Scalar) n).value()).orElse("json-file");
        if (!driver.equals("json-file")) {
            return;
        }
        Optional<Mapping> options = Lookup.lookupMapping(m, "options");
        if (options.isPresent() && options.get().lookup("max-size").isPresent()) {
            return;
        }
        c.fix(logging.get(), "keeps json-file logs without rotation", () -> {
            Mapping opts = c.editableIn(c.editableChild("logging"), "options");
            c.fill(opts, "max-size", Scalar.string(maxSize));
            if (opts.lookup("max-file").isEmpty()) {
                c.fill(opts, "max-file", Scalar.string(maxFile));
            }
            return "rotated json-file logs at " + maxSize;
        });
    }
}
