package dev.harden.rule;

import dev.harden.yaml.YamlException;

/** The logic of one rule for one Compose service: check, report, and fix when allowed. */
@FunctionalInterface
interface ComposeRule {
    void check(ServiceCheck c) throws YamlException;
}
