package dev.harden.rule;

import dev.harden.yaml.YamlException;

/** A rule's behaviour on one Kubernetes workload's pod: check, report, and fix when allowed. */
interface KubernetesRule<P> {
    void checkPod(PodCheck c, P params) throws YamlException;

    /** Whether the rule only reports values a manifest writes and never adds anything: all that runs on a Kustomize patch. */
    default boolean reportsOnly() {
        return false;
    }
}
