package dev.harden.rule;

import dev.harden.yaml.YamlException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Run by the build (see pom.xml) once the classes are compiled: fails it when a rule of
 * {@code rules.yaml} has no class in {@link Rules#ALL}, a class has no entry, or their targets differ.
 */
public final class CatalogueCheck {
    private CatalogueCheck() {
    }

    /** @param args the folder of compiled classes and resources */
    public static void main(String[] args) throws IOException, YamlException {
        RuleCatalog catalog = RuleCatalog.parse(Files.readAllBytes(Path.of(args[0], "dev/harden/rules.yaml")));
        List<String> problems = Rules.disagreements(catalog);
        if (!problems.isEmpty()) {
            throw new IllegalStateException("the rule classes and rules.yaml disagree:\n  " + String.join("\n  ", problems));
        }
    }
}
