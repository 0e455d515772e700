package dev.harden.rule;

import dev.harden.yaml.Mapping;
import dev.harden.yaml.Node;
import dev.harden.yaml.Scalar;
import dev.harden.yaml.Sequence;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/** secrets-not-inline: no literal secret in a Compose service's environment. */
final class SecretsNotInline extends Rule<Void> implements ComposeRule<Void> {
    private static final Pattern SECRET_NAME = Pattern.compile("(?i).*(password|passwd|token|secret).*|.*_key|key");
    /** Values such as MYSQL_ALLOW_EMPTY_PASSWORD=yes or SERVER_TOKENS=off are switches, not secrets. */
    private static final Pattern SWITCH_VALUE = Pattern.compile("(?i)yes|no|true|false|on|off|[01]|\"(yes|no|true|false|on|off|[01])\"");

    SecretsNotInline() {
        super("secrets-not-inline");
    }

    @Override
    public void checkService(ServiceCheck c, Void p) {
        Optional<Node> env = c.service().get("environment");
        if (env.isEmpty()) {
            return;
        }
        if (env.get() instanceof Mapping m) {
            for (Mapping.Entry e : m.entries()) {
                String key = e.keyText();
                if (key != null && e.value().resolve() instanceof Scalar v && isLiteralSecret(key, v.value()) && !v.isNull()) {
                    c.open(e.value(), "has a literal secret in environment " + key + "; use ${" + key + "} or secrets:", false);
                }
            }
        } else if (env.get() instanceof Sequence seq) {
            for (Node item : seq.items()) {
                if (item.resolve() instanceof Scalar s && s.value().contains("=")) {
                    String[] kv = s.value().split("=", 2);
                    if (isLiteralSecret(kv[0].trim(), kv[1])) {
                        c.open(s, "has a literal secret in environment " + kv[0].trim() + "; use ${" + kv[0].trim() + "} or secrets:", false);
                    }
                }
            }
        }
    }

    private static boolean isLiteralSecret(String key, String value) {
        String v = value.trim();
        return SECRET_NAME.matcher(key).matches() && !key.toUpperCase(Locale.ROOT).endsWith("_FILE")
                && !v.isEmpty() && !v.contains("${") && !v.startsWith("$") && !v.startsWith("/run/secrets/")
                && !SWITCH_VALUE.matcher(v).matches();
    }
}
