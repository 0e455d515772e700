package dev.harden;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchRule;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Holds the package arrows and the library confinement written in docs/architecture.md, on the
 * compiled classes (ArchUnit), so a use the source does not spell as an import counts too.
 */
class ArchitectureTest {
    private static final String BASE = "dev.harden";
    private static final String FIXTURE = "dev.harden.architecture.fixture";
    /** Tables in the shape of docs/architecture.md's, for the fixture classes. */
    private static final String FIXTURE_TABLES = """
            | package | may use | what it is |
            |---|---|---|
            | yaml | (none) | the tree |
            | rule | yaml | checks |
            | cli | yaml, rule | commands |

            | library | its Java packages | only in |
            |---|---|---|
            | picocli | `picocli` | cli |
            """;

    private static JavaClasses harden;
    private static JavaClasses fixture;
    private static Tables tables;

    @BeforeAll
    static void importTheClassesAndReadTheDoc() throws IOException, URISyntaxException {
        // from the folders that hold the classes: scanning every jar on the test class path takes longer
        harden = new ClassFileImporter().importPath(folderOf(BASE, dev.harden.yaml.Editor.class));
        fixture = new ClassFileImporter().importPath(folderOf(FIXTURE, ArchitectureTest.class));
        tables = Tables.parse(Files.readAllLines(Path.of("docs/architecture.md")));
    }

    @Test
    void theDocsTablesNameThePackagesAndLibrariesAndTheClassesWereFound() {
        assertThat(tables.mayUse()).containsKeys("yaml", "rule", "engine", "cli");
        assertThat(tables.onlyIn()).containsKeys("picocli", "org.eclipse.jgit", "com.github.difflib", "org.snakeyaml.engine");
        assertThat(harden.size()).as("classes imported from target/classes").isGreaterThan(100);
    }

    @Test
    void everyPackageHasARowInDocsArchitecture() {
        assertThat(unlistedPackages(harden, BASE, tables)).isEmpty();
    }

    @Test
    void everyPackageUsesOnlyWhatDocsArchitectureAllows() {
        assertThat(arrowViolations(harden, BASE, tables)).isEmpty();
    }

    @Test
    void everyLibraryIsUsedOnlyInThePackagesDocsArchitectureGivesIt() {
        assertThat(libraryViolations(harden, BASE, tables)).isEmpty();
    }

    @Test
    void noTwoPackagesDependOnEachOtherThroughACycle() {
        assertThat(cycles(harden, BASE)).isEmpty();
    }

    // ---- the same checks fail on classes made to break them ----------------------------------

    @Test
    void aClassUsingAPackageItsRowDoesNotAllowIsNamedWithTheDependency() {
        List<String> violations = arrowViolations(fixture, FIXTURE, Tables.parse(FIXTURE_TABLES.lines().toList()));
        assertThat(violations).isNotEmpty().allSatisfy(v -> assertThat(v)
                .startsWith("yaml may use (none): ")
                .contains(FIXTURE + ".yaml.LeaksRule", FIXTURE + ".rule.Check"));
    }

    @Test
    void aClassUsingALibraryOutsideItsPackageIsNamedWithTheLibraryClass() {
        List<String> violations = libraryViolations(fixture, FIXTURE, Tables.parse(FIXTURE_TABLES.lines().toList()));
        assertThat(violations).isNotEmpty().allSatisfy(v -> assertThat(v)
                .startsWith("picocli only in cli: ")
                .contains(FIXTURE + ".yaml.PrintsHelp", "picocli.CommandLine"));
    }

    @Test
    void aCycleBetweenPackagesIsNamedWithTheClassesThatCloseIt() {
        List<String> cycles = cycles(fixture, FIXTURE);
        assertThat(cycles).hasSize(1);
        assertThat(cycles.get(0)).contains("yaml", "rule", FIXTURE + ".yaml.LeaksRule", FIXTURE + ".rule.Check");
    }

    @Test
    void aPackageWithoutARowIsNamedWithItsClass() {
        assertThat(unlistedPackages(fixture, FIXTURE, Tables.parse(FIXTURE_TABLES.lines().toList())))
                .singleElement().asString().contains(FIXTURE + ".extra.Stray");
    }

    @Test
    void aRowNamingAPackageWithoutARowOfItsOwnIsRefused() {
        List<String> typo = FIXTURE_TABLES.replace("| cli | yaml, rule |", "| cli | yaml, rules |").lines().toList();
        assertThatThrownBy(() -> Tables.parse(typo)).hasMessageContaining("'rules'");
        List<String> library = FIXTURE_TABLES.replace("| `picocli` | cli |", "| `picocli` | cly |").lines().toList();
        assertThatThrownBy(() -> Tables.parse(library)).hasMessageContaining("'cly'");
    }

    /** The folder of a package's classes, in the class path entry that holds {@code sample}. */
    private static Path folderOf(String pkg, Class<?> sample) throws URISyntaxException {
        return Path.of(sample.getProtectionDomain().getCodeSource().getLocation().toURI()).resolve(pkg.replace('.', '/'));
    }

    // ---- the checks ------------------------------------------------------------------------

    /** Classes in a package that has no row. */
    static List<String> unlistedPackages(JavaClasses classes, String base, Tables tables) {
        ArchRule rule = classes().should().resideInAnyPackage(packages(base, tables.mayUse().keySet()))
                .because("every package has a row in docs/architecture.md");
        return violations("package without a row", rule, classes);
    }

    /** Each use of a harden package that the user's row does not list. */
    static List<String> arrowViolations(JavaClasses classes, String base, Tables tables) {
        List<String> violations = new ArrayList<>();
        tables.mayUse().forEach((pkg, uses) -> {
            Set<String> allowed = new LinkedHashSet<>(uses);
            allowed.add(pkg);
            ArchRule rule = noClasses().that().resideInAPackage(base + "." + pkg + "..")
                    .should().dependOnClassesThat(resideInAPackage(base + "..").and(not(resideInAnyPackage(packages(base, allowed)))))
                    .allowEmptyShould(true);
            violations.addAll(violations(pkg + " may use " + (uses.isEmpty() ? "(none)" : String.join(", ", uses)), rule, classes));
        });
        return violations;
    }

    /** Each use of a library's classes outside the packages its row names. */
    static List<String> libraryViolations(JavaClasses classes, String base, Tables tables) {
        List<String> violations = new ArrayList<>();
        tables.onlyIn().forEach((library, owners) -> {
            ArchRule rule = noClasses().that().resideOutsideOfPackages(packages(base, owners))
                    .should().dependOnClassesThat().resideInAPackage(library + "..")
                    .allowEmptyShould(true);
            violations.addAll(violations(library + " only in " + String.join(", ", owners), rule, classes));
        });
        return violations;
    }

    /** Each cycle between the packages right under {@code base}, with the dependencies that make it. */
    static List<String> cycles(JavaClasses classes, String base) {
        ArchRule rule = slices().matching(base + ".(*)..").should().beFreeOfCycles().allowEmptyShould(true);
        return violations("cycle", rule, classes);
    }

    private static List<String> violations(String what, ArchRule rule, JavaClasses classes) {
        return rule.evaluate(classes).getFailureReport().getDetails().stream().map(d -> what + ": " + d).toList();
    }

    private static String[] packages(String base, Set<String> names) {
        return names.stream().map(n -> base + "." + n + "..").toArray(String[]::new);
    }

    /**
     * The two tables of docs/architecture.md: each package's allowed uses (by the header
     * {@code | package | may use |}) and each library's Java packages and owners (by {@code | library |}).
     */
    record Tables(Map<String, Set<String>> mayUse, Map<String, Set<String>> onlyIn) {
        static Tables parse(List<String> doc) {
            Map<String, Set<String>> mayUse = new LinkedHashMap<>();
            for (List<String> row : rows(doc, "| package | may use |")) {
                mayUse.put(row.get(0), names(row.get(1)));
            }
            Map<String, Set<String>> onlyIn = new LinkedHashMap<>();
            for (List<String> row : rows(doc, "| library |")) {
                Set<String> owners = names(row.get(2));
                for (String javaPackage : names(row.get(1))) {
                    onlyIn.put(javaPackage, owners);
                }
            }
            Stream.concat(mayUse.values().stream(), onlyIn.values().stream()).flatMap(Set::stream)
                    .filter(name -> !mayUse.containsKey(name)).findFirst().ifPresent(name -> {
                        throw new IllegalArgumentException("docs/architecture.md names '" + name + "', which has no row in the package table");
                    });
            return new Tables(mayUse, onlyIn);
        }

        /** The cells of each row of the table whose header starts with {@code header}, trimmed of spaces and backticks. */
        private static List<List<String>> rows(List<String> doc, String header) {
            int at = 0;
            while (at < doc.size() && !doc.get(at).startsWith(header)) {
                at++;
            }
            if (at == doc.size()) {
                throw new IllegalArgumentException("docs/architecture.md has no table headed '" + header + "'");
            }
            List<List<String>> rows = new ArrayList<>();
            for (int i = at + 2; i < doc.size() && doc.get(i).startsWith("|"); i++) {
                String line = doc.get(i);
                rows.add(Arrays.stream(line.substring(1, line.lastIndexOf('|')).split("\\|"))
                        .map(cell -> cell.replace("`", "").trim()).toList());
            }
            return rows;
        }

        /** The names in a cell such as {@code yaml, report}; none for {@code (none)}. */
        private static Set<String> names(String cell) {
            Set<String> names = new LinkedHashSet<>();
            for (String name : cell.split(",")) {
                if (!name.isBlank() && !name.contains("(none)")) {
                    names.add(name.trim());
                }
            }
            return names;
        }
    }
}
