package dev.harden.rule;

import dev.harden.yaml.YamlException;

/** A rule's behaviour on one Compose service: check, report, and fix when allowed. */
interface ComposeRule<P> {
    void checkService(ServiceCheck c, P params) throws YamlException;
}
