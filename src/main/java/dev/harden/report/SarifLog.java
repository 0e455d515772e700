package dev.harden.report;

import java.util.List;
import java.util.Map;

/**
 * A SARIF 2.1.0 log as typed values, written field by field in declaration order (a null field is
 * left out); the names are SARIF's own.
 */
record SarifLog(
        // the key SARIF viewers look for: a record component may carry the dollar sign
        String $schema, String version, List<Run> runs) {
    /** One tool's run over the files. */
    record Run(Tool tool, String columnKind, List<Result> results) {
    }

    /** The tool and its rules. */
    record Tool(Driver driver) {
    }

    /** harden itself. */
    record Driver(String name, String version, String informationUri, List<Rule> rules) {
    }

    /** A rule with its help; the property bag carries GitHub's tags, precision and security severity. */
    record Rule(String id, String name, Message shortDescription, Message fullDescription, Help help, String helpUri,
                Configuration defaultConfiguration, Map<String, Object> properties) {
    }

    /** Plain text. */
    record Message(String text) {
    }

    /** Help as plain text and as Markdown. */
    record Help(String text, String markdown) {
    }

    /** A rule's level in the profile. */
    record Configuration(String level) {
    }

    /** One finding: where, why, its fingerprint, and how to fix it when harden can. */
    record Result(String ruleId, Integer ruleIndex, String level, Message message, List<Location> locations,
                  Map<String, String> partialFingerprints, List<Suppression> suppressions, List<Fix> fixes) {
    }

    /** Where a result is. */
    record Location(PhysicalLocation physicalLocation) {
    }

    /** A file and a region in it. */
    record PhysicalLocation(ArtifactLocation artifactLocation, Region region) {
    }

    /** A file, relative to the source root unless it is a {@code file:} URI. */
    record ArtifactLocation(String uri, String uriBaseId) {
    }

    /** A start, and for a fix's deleted text its end and exact character span too. */
    record Region(int startLine, int startColumn, Integer endLine, Integer endColumn, Integer charOffset, Integer charLength) {
        Region(int startLine, int startColumn) {
            this(startLine, startColumn, null, null, null, null);
        }
    }

    /** Why a result does not count: an exemption in the repository's config or an inline comment. */
    record Suppression(String kind, String justification) {
    }

    /** The edit {@code harden fix} would make for one result. */
    record Fix(Message description, List<ArtifactChange> artifactChanges) {
    }

    /** The edits in one file. */
    record ArtifactChange(ArtifactLocation artifactLocation, List<Replacement> replacements) {
    }

    /** Text replaced. */
    record Replacement(Region deletedRegion, Message insertedContent) {
    }
}
