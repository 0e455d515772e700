package dev.harden.yaml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class EditorTest {

    private static Mapping root(YamlFile f) {
        return (Mapping) f.documents().get(0);
    }

    private static Mapping at(Mapping m, String... path) {
        Mapping cur = m;
        for (String p : path) {
            cur = (Mapping) cur.get(p).orElseThrow();
        }
        return cur;
    }

    /** Puts a key into the mapping at a path and returns the new text; also checks the untouched-prefix rule. */
    private static String put(String yaml, String key, Node value, String... path) throws YamlException {
        YamlFile f = YamlFile.parse(yaml);
        Editor e = f.edit();
        e.put(at(root(f), path), key, value);
        return e.applyText();
    }

    @Test
    void addsKeyAfterLastKeyKeepingItsInlineComment() throws Exception {
        assertThat(put("""
                services:
                  web:
                    image: nginx:1.27  # front door
                """, "read_only", Scalar.bool(true), "services", "web")).isEqualTo("""
                services:
                  web:
                    image: nginx:1.27  # front door
                    read_only: true
                """);
    }

    @Test
    void addsKeyBeforeCommentLinesAndBlankLinesThatFollowTheLastKey() throws Exception {
        assertThat(put("""
                services:
                  web:
                    image: nginx
                    # ports:
                    #   - 80:80

                  db:
                    image: postgres
                """, "read_only", Scalar.bool(true), "services", "web")).isEqualTo("""
                services:
                  web:
                    image: nginx
                    read_only: true
                    # ports:
                    #   - 80:80

                  db:
                    image: postgres
                """);
    }

    @Test
    void addsBlockSequenceIndentedLikeTheFileDoes() throws Exception {
        String indented = """
                web:
                  ports:
                    - "80:80"
                """;
        assertThat(put(indented, "cap_drop", Sequence.of("ALL"), "web")).isEqualTo(indented + "  cap_drop:\n    - ALL\n");
        String indentless = """
                web:
                    ports:
                    - "80:80"
                """;
        assertThat(put(indentless, "cap_drop", Sequence.of("ALL"), "web")).isEqualTo(indentless + "    cap_drop:\n    - ALL\n");
    }

    @Test
    void addsNestedMappingWithTheFilesIndentationStep() throws Exception {
        String yaml = """
                a:
                    b: 1
                """;
        Node limits = Mapping.block().with("limits", Mapping.block().with("memory", Scalar.string("256M")));
        assertThat(put(yaml, "resources", limits, "a")).isEqualTo(yaml + "    resources:\n        limits:\n            memory: 256M\n");
    }

    @Test
    void keepsCrlfLineBreaks() throws Exception {
        String yaml = "web:\r\n  image: nginx\r\n";
        assertThat(put(yaml, "cap_drop", Sequence.of("ALL"), "web")).isEqualTo(yaml + "  cap_drop:\r\n    - ALL\r\n");
    }

    @Test
    void keepsAMissingFinalNewlineMissing() throws Exception {
        assertThat(put("web:\n  image: nginx  # x", "read_only", Scalar.bool(true), "web"))
                .isEqualTo("web:\n  image: nginx  # x\n  read_only: true");
    }

    @Test
    void keepsAByteOrderMark() throws Exception {
        byte[] bytes = "\uFEFFweb:\n  image: nginx\n".getBytes(StandardCharsets.UTF_8);
        YamlFile f = YamlFile.parse(bytes, Limits.DEFAULT);
        Editor e = f.edit();
        e.put(at(root(f), "web"), "read_only", Scalar.bool(true));
        assertThat(new String(e.apply(), StandardCharsets.UTF_8)).isEqualTo("\uFEFFweb:\n  image: nginx\n  read_only: true\n");
        assertThat(f.bytes()).isEqualTo(bytes);
    }

    @Test
    void writesFlowInsideFlowMappingsOnTheirLineWhileItStaysShort() throws Exception {
        assertThat(put("web: {image: nginx}\n", "cap_drop", Sequence.of("ALL"), "web"))
                .isEqualTo("web: {image: nginx, cap_drop: [ALL]}\n");
        assertThat(put("web: {image: nginx, }\n", "read_only", Scalar.bool(true), "web"))
                .isEqualTo("web: {image: nginx, read_only: true }\n");
        assertThat(put("web: {}\n", "read_only", Scalar.bool(true), "web")).isEqualTo("web: {read_only: true}\n");
    }

    /** A flow mapping holding a long image name, as services are often written on one line. */
    private static final String LONG = "{image: registry.example.com/team/some-service:1.2.3, ports: [\"8080:8080\"]}";

    @Test
    void aFlowMappingThatWouldOutgrowItsLineGetsOneNewEntryPerLine() throws Exception {
        String service = "{image: registry.example.com/app:1.2.3}";
        String file = "services:\r\n  web: " + service + "  # edge\r\n";
        // one entry keeps the line within the limit ...
        YamlFile one = YamlFile.parse(file);
        Editor e1 = one.edit();
        e1.put(at(root(one), "services", "web"), "read_only", Scalar.bool(true));
        assertThat(e1.applyText()).isEqualTo("services:\r\n  web: {image: registry.example.com/app:1.2.3, read_only: true}"
                + "  # edge\r\n");
        // ... two do not, and then both go on lines of their own: the decision is per mapping
        YamlFile two = YamlFile.parse(file);
        Editor e2 = two.edit();
        e2.put(at(root(two), "services", "web"), "read_only", Scalar.bool(true));
        e2.put(at(root(two), "services", "web"), "cap_drop", Sequence.of("ALL"));
        assertThat(e2.applyText()).isEqualTo("services:\r\n  web: {image: registry.example.com/app:1.2.3,\r\n"
                + "    read_only: true,\r\n    cap_drop: [ALL]}  # edge\r\n");
    }

    @Test
    void newLinesOfAFlowMappingLineUpUnderItsLastEntryOrItsItem() throws Exception {
        String spanning = "web: {image: registry.example.com/team/some-service:1.2.3,\n       ports: [\"8080:8080\"]}\n";
        String tail = "x".repeat(60);
        assertThat(put(spanning.replace("8080:8080", tail), "read_only", Scalar.bool(true), "web"))
                .isEqualTo(spanning.replace("8080:8080", tail).replace("\"]}", "\"],\n       read_only: true}"));
        YamlFile f = YamlFile.parse("services:\n  - " + LONG + "\n");
        Editor e = f.edit();
        Mapping item = (Mapping) ((Sequence) root(f).lookup("services").orElseThrow().value()).items().get(0);
        e.put(item, "read_only", Scalar.bool(true));
        assertThat(e.applyText()).isEqualTo("services:\n  - " + LONG.substring(0, LONG.length() - 1)
                + ",\n    read_only: true}\n");
    }

    @Test
    void aFlowMappingInsideAFlowCollectionStaysOnItsLine() throws Exception {
        assertThat(put("web: {deploy: {replicas: 1}}\n", "mode", Scalar.string("global"), "web", "deploy"))
                .isEqualTo("web: {deploy: {replicas: 1, mode: global}}\n");
    }

    @Test
    void appendsToFlowAndBlockSequences() throws Exception {
        YamlFile f = YamlFile.parse("a: [x, y]\nb:\n  - p  # c\nc: []\n");
        Editor e = f.edit();
        e.append((Sequence) root(f).get("a").orElseThrow(), Scalar.plain("z"));
        e.append((Sequence) root(f).get("b").orElseThrow(), Scalar.plain("q"));
        e.append((Sequence) root(f).get("c").orElseThrow(), Scalar.plain("ALL"));
        e.append((Sequence) root(f).get("c").orElseThrow(), Scalar.plain("NONE"));
        assertThat(e.applyText()).isEqualTo("a: [x, y, z]\nb:\n  - p  # c\n  - q\nc: [ALL, NONE]\n");
    }

    @Test
    void turnsEmptyValuesIntoMappings() throws Exception {
        for (String empty : new String[] {"", " ~", " null", " {}"}) {
            YamlFile f = YamlFile.parse("services:\n  web:" + empty + "  # the app\n  db:\n    image: x\n");
            Editor e = f.edit();
            Mapping web = e.mappingAt(at(root(f), "services"), "web");
            e.put(web, "image", Scalar.string("nginx"));
            assertThat(e.applyText()).as("value '%s'", empty)
                    .isEqualTo("services:\n  web:  # the app\n    image: nginx\n  db:\n    image: x\n");
        }
    }

    @Test
    void turnsAnEmptyFlowMappingOnItsOwnLineIntoAMappingWithoutABlankLine() throws Exception {
        for (String eol : new String[] {"\n", "\r\n"}) {
            String helm = "resources:\n  {}\nimage: x\n".replace("\n", eol);
            YamlFile f = YamlFile.parse(helm);
            Editor e = f.edit();
            Mapping resources = e.mappingAt(root(f), "resources");
            e.put(resources, "limits", Mapping.block().with("memory", Scalar.string("512Mi")));
            assertThat(e.applyText()).as("line breaks %s", eol.length())
                    .isEqualTo("resources:\n  limits:\n    memory: 512Mi\nimage: x\n".replace("\n", eol));
        }
    }

    @Test
    void anEmptyFlowMappingOnItsOwnLineAfterACommentKeepsTheComment() throws Exception {
        YamlFile f = YamlFile.parse("resources:  # sized by the chart\n  {}\n");
        Editor e = f.edit();
        e.put(e.mappingAt(root(f), "resources"), "cpu", Scalar.string("1"));
        assertThat(e.applyText()).isEqualTo("resources:  # sized by the chart\n  cpu: \"1\"\n");
    }

    @Test
    void turnsAnAliasedServiceIntoAMergeSoTheAnchorIsUntouched() throws Exception {
        YamlFile f = YamlFile.parse("x-base: &base\n  image: nginx\nweb: *base\n");
        Editor e = f.edit();
        Mapping web = e.mappingAt(root(f), "web");
        e.put(web, "read_only", Scalar.bool(true));
        assertThat(e.applyText()).isEqualTo("x-base: &base\n  image: nginx\nweb:\n  <<: *base\n  read_only: true\n");
    }

    @Test
    void refusesToEditAnAnchoredMappingThatAliasesUse() throws Exception {
        YamlFile f = YamlFile.parse("x-base: &base\n  image: nginx\nweb:\n  <<: *base\n");
        Editor e = f.edit();
        assertThatThrownBy(() -> e.put(at(root(f), "x-base"), "read_only", Scalar.bool(true)))
                .isInstanceOf(YamlException.class).hasMessageContaining("shared through an anchor");
        Editor shared = f.edit().allowShared();
        assertThat(shared.isShared(at(root(f), "x-base"))).isTrue();
    }

    @Test
    void editsAnAnchoredMappingAllowedOnPurposeButNotANodeInsideItThatOtherAliasesUse() throws Exception {
        YamlFile f = YamlFile.parse("x-log: &log\n  driver: local\nweb: &web\n  image: nginx\n  logging: *log\n"
                + "inner: &inner\n  keep: 1\nweb-2: *web\n");
        Editor e = f.edit();
        e.allowAliasesOf(at(root(f), "web"));
        e.put(at(root(f), "web"), "read_only", Scalar.bool(true));
        assertThatThrownBy(() -> e.put(at(root(f), "x-log"), "max", Scalar.integer(1)))
                .isInstanceOf(YamlException.class).hasMessageContaining("shared through an anchor");
        assertThat(e.applyText()).isEqualTo("x-log: &log\n  driver: local\nweb: &web\n  image: nginx\n  logging: *log\n"
                + "  read_only: true\ninner: &inner\n  keep: 1\nweb-2: *web\n");
    }

    @Test
    void createsMissingMappingsOnTheWayDown() throws Exception {
        YamlFile f = YamlFile.parse("web:\n  image: nginx\n");
        Editor e = f.edit();
        Mapping limits = e.mappingAt(e.mappingAt(e.mappingAt(at(root(f), "web"), "deploy"), "resources"), "limits");
        e.put(limits, "memory", Scalar.string("512M"));
        e.put(limits, "pids", Scalar.integer(200));
        assertThat(e.applyText()).isEqualTo("web:\n  image: nginx\n  deploy:\n    resources:\n      limits:\n        memory: 512M\n        pids: 200\n");
    }

    @Test
    void insertsDeeperEditsBeforeShallowerOnesAtTheSamePlace() throws Exception {
        YamlFile f = YamlFile.parse("web:\n  environment:\n    A: 1\n");
        Editor e = f.edit();
        e.put(at(root(f), "web"), "read_only", Scalar.bool(true));
        e.put(at(root(f), "web", "environment"), "B", Scalar.string("2"));
        assertThat(e.applyText()).isEqualTo("web:\n  environment:\n    A: 1\n    B: \"2\"\n  read_only: true\n");
    }

    @Test
    void insertsAfterBlockScalarsWithoutTakingTheirLines() throws Exception {
        String yaml = "a:\n  script: |\n    echo hi\n\n  other: 1\nb:\n  text: >-\n    folded\n\nc: 1\n";
        YamlFile f = YamlFile.parse(yaml);
        Editor e = f.edit();
        e.put(at(root(f), "b"), "z", Scalar.integer(1));
        assertThat(e.applyText()).isEqualTo("a:\n  script: |\n    echo hi\n\n  other: 1\nb:\n  text: >-\n    folded\n  z: 1\n\nc: 1\n");
        String keep = "b:\n  text: |+\n    kept\n\nc: 1\n";
        YamlFile k = YamlFile.parse(keep);
        Editor ke = k.edit();
        ke.put(at(root(k), "b"), "z", Scalar.integer(1));
        assertThat(ke.applyText()).isEqualTo("b:\n  text: |+\n    kept\n\n  z: 1\nc: 1\n");
    }

    @Test
    void addsAfterAnEmptyLastValue() throws Exception {
        assertThat(put("web:\n  command:\nother: 1\n", "read_only", Scalar.bool(true), "web"))
                .isEqualTo("web:\n  command:\n  read_only: true\nother: 1\n");
    }

    @Test
    void quotesStringsThatWouldReadAsOtherTypes() throws Exception {
        assertThat(put("a:\n  b: 1\n", "user", Scalar.string("1000"), "a")).endsWith("  user: \"1000\"\n");
        assertThat(put("a:\n  b: 'x'\n", "on", Scalar.string("yes"), "a")).endsWith("  'on': 'yes'\n");
        assertThat(put("a:\n  b: 1\n", "mode", Scalar.string("0440"), "a")).endsWith("  mode: \"0440\"\n");
        assertThat(put("a:\n  b: 1\n", "opt", Scalar.string("no-new-privileges:true"), "a"))
                .endsWith("  opt: no-new-privileges:true\n");
    }

    @Test
    void setsScalarsKeepingQuotesAnchorsAndComments() throws Exception {
        YamlFile f = YamlFile.parse("a: &x 'old'  # c\nb: \"1.0\"\nc: plain\n");
        Editor e = f.edit();
        e.set((Scalar) root(f).get("a").orElseThrow(), Scalar.string("new"));
        e.set((Scalar) root(f).get("b").orElseThrow(), Scalar.string("2.0"));
        e.set((Scalar) root(f).get("c").orElseThrow(), Scalar.string("true"));
        assertThat(e.applyText()).isEqualTo("a: &x 'new'  # c\nb: \"2.0\"\nc: \"true\"\n");
    }

    @Test
    void removesKeysAndItems() throws Exception {
        YamlFile f = YamlFile.parse("a:\n  x: 1  # gone\n  y: 2\nb: {p: 1, q: 2}\nc:\n  - 1\n  - 2\nd: [1, 2, 3]\n");
        Editor e = f.edit();
        e.remove(at(root(f), "a"), "x");
        e.remove(at(root(f), "b"), "q");
        e.remove((Sequence) root(f).get("c").orElseThrow(), 0);
        e.remove((Sequence) root(f).get("d").orElseThrow(), 1);
        assertThat(e.applyText()).isEqualTo("a:\n  y: 2\nb: {p: 1}\nc:\n  - 2\nd: [1, 3]\n");
    }

    @Test
    void addsToMappingsInsideSequenceItems() throws Exception {
        YamlFile f = YamlFile.parse("containers:\n- name: app\n  image: x\n- name: side\n  image: y\n");
        Editor e = f.edit();
        Sequence s = (Sequence) root(f).get("containers").orElseThrow();
        e.put((Mapping) s.items().get(0), "securityContext", Mapping.block().with("privileged", Scalar.bool(false)));
        e.append(s, Mapping.block().with("name", Scalar.string("third")).with("image", Scalar.string("z")));
        assertThat(e.applyText()).isEqualTo("containers:\n- name: app\n  image: x\n  securityContext:\n    privileged: false\n"
                + "- name: side\n  image: y\n- name: third\n  image: z\n");
    }

    @Test
    void editsTheRightDocumentOfAStream() throws Exception {
        String yaml = "%YAML 1.2\n---\na: 1\n...\n---\nb:\n  c: 1\n";
        YamlFile f = YamlFile.parse(yaml);
        Editor e = f.edit();
        e.put((Mapping) ((Mapping) f.documents().get(1)).get("b").orElseThrow(), "d", Scalar.integer(2));
        e.put((Mapping) f.documents().get(0), "z", Scalar.integer(0));
        assertThat(e.applyText()).isEqualTo("%YAML 1.2\n---\na: 1\nz: 0\n...\n---\nb:\n  c: 1\n  d: 2\n");
    }

    @Test
    void countsPositionsInCodePointsNotChars() throws Exception {
        assertThat(put("a:\n  note: \"😀 emoji\"  # ✓\n", "b", Scalar.integer(1), "a"))
                .isEqualTo("a:\n  note: \"😀 emoji\"  # ✓\n  b: 1\n");
    }

    @Test
    void replacesValuesOfEveryShapeKeepingTheirComments() throws Exception {
        YamlFile f = YamlFile.parse("a:\n  x: ~  # empty\n  y: *z\n  w:\n    - old\n  v: {p: 1}\nz: &z 1\n".replace("*z\n", "1\n"));
        Editor e = f.edit();
        e.replace(at(root(f), "a"), "x", Sequence.of("ALL"));
        e.replace(at(root(f), "a"), "w", Sequence.of("new"));
        e.replace(at(root(f), "a"), "v", Scalar.string("s"));
        assertThat(e.applyText()).isEqualTo("a:\n  x:  # empty\n    - ALL\n  y: 1\n  w:\n    - new\n  v: s\nz: &z 1\n");
    }

    @Test
    void anItemAppendedToAnIndentlessSequenceStaysBeforeAKeyAddedToItsParent() throws Exception {
        YamlFile f = YamlFile.parse("""
                c:
                  mounts:
                  - a
                """);
        Editor e = f.edit();
        Mapping c = at(root(f), "c");
        e.put(c, "readOnly", Scalar.bool(true));
        e.append((Sequence) c.get("mounts").orElseThrow(), Scalar.plain("b"));
        assertThat(e.applyText()).isEqualTo("""
                c:
                  mounts:
                  - a
                  - b
                  readOnly: true
                """);
    }

    @Test
    void appendedStringsTakeTheQuotesTheirSiblingsShare() throws Exception {
        YamlFile f = YamlFile.parse("a: [\"label=disable\"]\nb:\n  - 'x'\n  - 'y'\nc: [p, \"q\"]\n");
        Editor e = f.edit();
        e.append((Sequence) root(f).get("a").orElseThrow(), Scalar.string("no-new-privileges=true"));
        e.append((Sequence) root(f).get("b").orElseThrow(), Scalar.string("z"));
        e.append((Sequence) root(f).get("c").orElseThrow(), Scalar.string("r"));
        assertThat(e.applyText()).isEqualTo("a: [\"label=disable\", \"no-new-privileges=true\"]\nb:\n  - 'x'\n  - 'y'\n  - 'z'\nc: [p, \"q\", r]\n");
    }
}
