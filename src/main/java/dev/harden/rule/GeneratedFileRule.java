package dev.harden.rule;

import dev.harden.manifest.KubernetesFile;
import dev.harden.manifest.Workload;
import dev.harden.profile.RuleSetting;
import dev.harden.report.Finding;
import dev.harden.report.GeneratedFile;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;

/** A rule whose fix is a new file written next to the Kubernetes manifest it read, rather than an edit of it. */
interface GeneratedFileRule<P> {

    /**
     * One manifest the rule writes a file for.
     *
     * @param file the manifest
     * @param workloads its workloads
     * @param setting the profile's setting for the rule
     * @param fixRun whether this run writes fixes
     * @param fileName how findings name the manifest
     * @param inputName the manifest's file name (without folder), to name the new file after
     * @param existing the bytes of the file the rule would write, when it already exists; else null
     * @param exemptReason why the rule does not apply to a workload, or null
     * @param sink where findings go
     */
    record Input(KubernetesFile file, List<Workload> workloads, RuleSetting setting, boolean fixRun, String fileName,
                 String inputName, byte[] existing, Function<Workload, String> exemptReason, Consumer<Finding> sink) { }

    /** The new file, when the manifest needs one and nothing there already does its job. */
    Optional<GeneratedFile> generate(Input input, P params);
}
