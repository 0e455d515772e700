package dev.harden.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.StringLength;

/** Hostile secrets and text: what Redact masks and what Terminal escapes, whatever the characters. */
class RedactProperties {
    private static final String HOSTILE = "/@:%?#&=+ \t\r\n\u001b\u0007\u0085\u009b\u202e\u2066\\\"'<>`;$";

    @Provide
    Arbitrary<String> secrets() {
        return Arbitraries.strings().withChars(HOSTILE).withCharRange('a', 'z').withCharRange('0', '9')
                .ofMinLength(8).ofMaxLength(40).filter(s -> !s.isBlank() && !s.contains("***"));
    }

    @Provide
    Arbitrary<String> urlSafe() {
        // What may stand in a URL's user part unencoded and still end it at its last @.
        return Arbitraries.strings().withChars("/@:%?#&=+;$!").withCharRange('a', 'z').withCharRange('0', '9')
                .ofMinLength(8).ofMaxLength(40).filter(s -> s.chars().anyMatch(Character::isLetterOrDigit));
    }

    @Property(tries = 400)
    void aPasswordInAUrlNeverSurvivesHowEverItIsWritten(@ForAll("urlSafe") String password,
                                                          @ForAll("urlSafe") String user) {
        String encoded = URLEncoder.encode(password, StandardCharsets.UTF_8);
        for (String url : new String[] {"https://" + user + ":" + password + "@git.example.com/a/b.git",
            "https://" + user + ":" + encoded + "@git.example.com:8443/a/b.git", "https://" + password + "@host/x",
            "http://" + encoded + "@10.0.0.1/x"}) {
            String text = "cannot clone " + url + ": not authorized\n\"" + url + "\" again (" + url + ")";
            String shown = Redact.URLS.apply(text);
            assertThat(shown).doesNotContain(password).doesNotContain(encoded).contains("://***@");
        }
    }

    @Property(tries = 400)
    void aKnownSecretIsMaskedRawPercentEncodedAndInsideUrls(@ForAll("secrets") String secret,
                                                             @ForAll @StringLength(max = 30) String around) {
        String encoded = URLEncoder.encode(secret, StandardCharsets.UTF_8);
        String text = around + secret + around + " https://host/?token=" + encoded + " " + encoded.replace("+", "%20");
        String shown = Redact.of(secret).apply(text);
        assertThat(shown).doesNotContain(secret).doesNotContain(encoded).doesNotContain(encoded.replace("+", "%20"));
    }

    @Property(tries = 400)
    void escapedTextHoldsNothingATerminalWouldObey(@ForAll String text) {
        String shown = Terminal.escape(text);
        assertThat(shown.chars()).noneMatch(c -> c < 0x20 || (c >= 0x7f && c <= 0x9f) || (c >= 0x202a && c <= 0x202e)
                || (c >= 0x2066 && c <= 0x2069) || c == 0x200e || c == 0x200f || c == 0x061c);
        if (text.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
            assertThat(shown).isEqualTo(text);
        }
    }

    @Example
    void showsControlCharactersAsUnicodeEscapes() {
        assertThat(Terminal.escape("web\u001b[2J\u0007\rok\u202eevil")).isEqualTo("web\\u001b[2J\\u0007\\u000dok\\u202eevil");
        assertThat(Terminal.escape("plain café")).isEqualTo("plain café");
    }

    @Example
    void masksTheWholeUserPartEvenWhenItHoldsSlashesAndAts() {
        assertThat(Redact.URLS.apply("https://x-access-token:ab/cd@ef@github.com/acme/shop.git failed"))
                .isEqualTo("https://***@github.com/acme/shop.git failed");
        assertThat(Redact.URLS.apply("https://ghp_abcdef123456@github.com/acme/shop.git"))
                .isEqualTo("https://***@github.com/acme/shop.git");
        assertThat(Redact.URLS.apply("see https://github.com/acme/shop/pull/1 by alice@example.com"))
                .isEqualTo("see https://github.com/acme/shop/pull/1 by alice@example.com");
        assertThat(Redact.userinfo("https://bot:p%40ss%2Fw@host/a.git")).hasValueSatisfying(u -> {
            assertThat(u.url()).isEqualTo("https://host/a.git");
            assertThat(u.user()).isEqualTo("bot");
            assertThat(u.password()).isEqualTo("p@ss/w");
        });
        assertThat(Redact.userinfo("https://host/a.git")).isEmpty();
    }

    @Example
    void reportsTextEscapesServiceNamesFilesAndMessagesFromManifests() {
        Finding f = new Finding("deploy/\u001b]0;pwned\u0007.yaml", 2, 3, "read-only-root-filesystem", Severity.ERROR,
                "service web\r\u001b[1A is writable", "web\u001b[2J", true, Finding.Status.OPEN, null);
        String text = Reports.text(java.util.List.of(FileReport.checked(f.file(), FileReport.Kind.COMPOSE, new byte[0], null,
                java.util.List.of(f), null)), false, false);
        assertThat(text).doesNotContain("\u001b").doesNotContain("\u0007").doesNotContain("\r")
                .contains("deploy/\\u001b]0;pwned\\u0007.yaml:2:3:", "[web\\u001b[2J]", "service web\\u000d\\u001b[1A is writable");
    }
}
