package dev.harden.report;

/**
 * A new file a fix wants written next to the file it read (the NetworkPolicies of the strict profile).
 *
 * @param name the new file's name, in the folder of the file that was read
 * @param content its bytes
 * @param ruleId the rule that wants it
 */
public record GeneratedFile(String name, byte[] content, String ruleId) {
    public GeneratedFile {
        if (name == null || name.isBlank() || name.contains("/") || name.contains("\\")) {
            throw new IllegalArgumentException("a generated file is named without a folder, not '" + name + "'");
        }
    }
}
