package dev.harden.forge;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** A --repo value is either refused in one clean line or names exactly one repository path of the API. */
class RepositoryNameProperties {
    @Provide
    Arbitrary<String> names() {
        Arbitrary<String> hostile = Arbitraries.strings().withChars("/./.?#%&=@:\\ \t\r\n\u001b\u202e+;~")
                .withCharRange('a', 'c').ofMaxLength(16);
        // Mostly well-formed names, so that the accepted side is tried as hard as the refused one.
        Arbitrary<String> segment = Arbitraries.oneOf(Arbitraries.strings().withChars("ab.-_").ofMinLength(0).ofMaxLength(5),
                Arbitraries.of(".", "..", "%2e%2e", "a?b", "a#b", "a b", "a\u001bb"));
        return Arbitraries.oneOf(hostile, segment.list().ofMinSize(1).ofMaxSize(4).map(l -> String.join("/", l)));
    }

    @Property(tries = 2000)
    void aRepositoryNameIsRefusedOrStaysInsideItsApiPath(@ForAll("names") String name) {
        try {
            Forge.checkRepository(name);
        } catch (IllegalArgumentException e) {
            assertThat(e.getMessage()).startsWith("--repo must be OWNER/NAME").doesNotContain("\n", "\r", "\u001b", "\u202e");
            return;
        }
        URI uri = URI.create("https://api.example.com/repos/" + name + "/pulls");
        assertThat(uri.getRawQuery()).isNull();
        assertThat(uri.getRawFragment()).isNull();
        assertThat(uri.normalize().getRawPath()).isEqualTo(uri.getRawPath()).startsWith("/repos/").endsWith("/pulls");
        assertThat(name).doesNotContain("%", "//").contains("/");
    }
}
