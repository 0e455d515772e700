package dev.harden.rule;

import dev.harden.report.GeneratedFile;
import java.util.Optional;

/**
 * network-policy-default-deny: the pods of each workload accept connections only on the ports its
 * Services expose, through NetworkPolicies written as a new file next to the manifest.
 */
final class NetworkPolicyDefaultDeny extends Rule<Void> implements GeneratedFileRule<Void> {
    static final String ID = "network-policy-default-deny";

    NetworkPolicyDefaultDeny() {
        super(ID);
    }

    @Override
    public Optional<GeneratedFile> generate(Input input, Void params) {
        return new NetworkPolicies(input).generate();
    }
}
