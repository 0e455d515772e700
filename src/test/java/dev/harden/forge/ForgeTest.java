package dev.harden.forge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.harden.testing.FakeForge;
import dev.harden.testing.FakeForge.Dialect;
import dev.harden.testing.FakeTime;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ForgeTest {
    private static final String TOKEN = "tok-5ecret-value-123";
    private final FakeTime time = new FakeTime();
    private final List<String> log = new ArrayList<>();
    private FakeForge fake;

    private Forge forge(Dialect dialect) {
        fake = new FakeForge(dialect, TOKEN, "acme/shop", branch -> true);
        return client(dialect, TOKEN);
    }

    private Forge client(Dialect dialect, String token) {
        Forge.Kind kind = Forge.Kind.valueOf(dialect.name());
        return Forge.of(kind, URI.create(fake.apiUrl()), "acme/shop", token, time.pace(), log::add);
    }

    private static Proposal proposal(String title, String body, List<String> labels) {
        return new Proposal("harden/restricted", "main", title, body, false, labels, List.of("alice"), List.of("bob"));
    }

    @AfterEach
    void stop() {
        if (fake != null) {
            fake.close();
        }
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void opensAPullRequestAndFindsItByItsHeadBranch(Dialect dialect) throws Exception {
        Forge forge = forge(dialect);
        PullRequest created = forge.create(proposal("Harden", "body", List.of("security")));
        assertThat(created.number()).isEqualTo(1);
        assertThat(created.url()).endsWith("/1");

        List<PullRequest> found = forge.byHead("harden/restricted");
        assertThat(found).singleElement().satisfies(pr -> {
            assertThat(pr.state()).isEqualTo(PullRequest.State.OPEN);
            assertThat(pr.title()).isEqualTo("Harden");
            assertThat(pr.body()).isEqualTo("body");
            assertThat(pr.labels()).containsExactly("security");
        });
        assertThat(forge.byHead("someone-elses-branch")).isEmpty();
        assertThat(fake.prs().get(0).reviewers).hasSize(1);
        assertThat(fake.prs().get(0).assignees).hasSize(1);
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void closesAPullRequestAndDeletesItsBranchAtTheAddressEachForgeDocuments(Dialect dialect) throws Exception {
        Forge forge = forge(dialect);
        java.util.Set<String> branches = new java.util.HashSet<>(List.of("harden/restricted"));
        fake.deletesBranchesWith(branches::remove);
        PullRequest created = forge.create(proposal("Harden", "body", List.of()));

        forge.close(created);
        boolean deleted = forge.deleteBranch("harden/restricted");
        boolean again = forge.deleteBranch("harden/restricted");

        assertThat(forge.byHead("harden/restricted")).singleElement()
                .satisfies(pr -> assertThat(pr.state()).isEqualTo(PullRequest.State.CLOSED));
        assertThat(deleted).isTrue();
        assertThat(again).as("a branch already gone is no mistake").isFalse();
        assertThat(branches).isEmpty();
        String where = switch (dialect) {
            case GITHUB -> "/repos/acme/shop/git/refs/heads/harden/restricted";
            case GITLAB -> "/projects/acme%2Fshop/repository/branches/harden%2Frestricted";
            case GITEA -> "/repos/acme/shop/branches/harden/restricted";
        };
        assertThat(fake.calls("DELETE", where)).hasSize(2);
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void updatesTitleAndBodyInPlaceAndOnlyAddsMissingLabels(Dialect dialect) throws Exception {
        Forge forge = forge(dialect);
        forge.create(proposal("Old", "old body", List.of("security")));
        PullRequest existing = forge.byHead("harden/restricted").get(0);

        PullRequest updated = forge.update(existing, proposal("New", "new body", List.of("security", "bot")));

        assertThat(updated.number()).isEqualTo(existing.number());
        assertThat(fake.prs()).singleElement().satisfies(pr -> {
            assertThat(pr.title).isEqualTo("New");
            assertThat(pr.body).isEqualTo("new body");
            assertThat(pr.labels).containsExactly("security", "bot");
        });
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void aDraftStaysADraftAndReadsWithoutItsPrefix(Dialect dialect) throws Exception {
        Forge forge = forge(dialect);
        forge.create(new Proposal("harden/restricted", "main", "Harden", "b", true, List.of(), List.of(), List.of()));
        PullRequest pr = forge.byHead("harden/restricted").get(0);
        assertThat(pr.draft()).isTrue();
        assertThat(pr.title()).isEqualTo("Harden");

        forge.update(pr, new Proposal("harden/restricted", "main", "Harden again", "b", true, List.of(), List.of(), List.of()));
        assertThat(forge.byHead("harden/restricted").get(0)).satisfies(p -> {
            assertThat(p.draft()).isTrue();
            assertThat(p.title()).isEqualTo("Harden again");
        });
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void saysSoWhenAPullRequestAlreadyExistsForTheBranch(Dialect dialect) throws Exception {
        Forge forge = forge(dialect);
        forge.create(proposal("One", "b", List.of()));
        assertThatThrownBy(() -> forge.create(proposal("Two", "b", List.of())))
                .isInstanceOfSatisfying(ForgeException.class, e -> assertThat(e.alreadyExists()).isTrue());
        assertThat(fake.prs()).hasSize(1);
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void followsLinkPaginationToFindEveryPullRequestOfTheBranch(Dialect dialect) throws Exception {
        Forge forge = forge(dialect);
        fake.pageSize(1);
        for (int i = 0; i < 3; i++) {
            fake.add("harden/restricted", "main", "Run " + i, "").state = "closed";
            fake.add("other", "main", "Other " + i, "");
        }
        List<PullRequest> found = forge.byHead("harden/restricted");
        assertThat(found).extracting(PullRequest::title).containsExactly("Run 2", "Run 1", "Run 0");
        assertThat(fake.calls("GET", "/pulls").size() + fake.calls("GET", "/merge_requests").size()).isGreaterThan(2);
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void waitsAsLongAsRetryAfterSaysWhenRateLimited(Dialect dialect) throws Exception {
        Forge forge = forge(dialect);
        fake.failNext("POST", "/", 429, Map.of("Retry-After", "7"), "{\"message\":\"slow down\"}");
        forge.create(proposal("T", "b", List.of()));
        assertThat(time.sleeps()).contains(7_000L);
        assertThat(fake.prs()).hasSize(1);
        assertThat(log).anyMatch(l -> l.contains("rate limited (HTTP 429)") && l.contains("retrying in 7s"));
    }

    @Test
    void backsOffWithJitterOnASecondaryRateLimitThatNamesNoWait() throws Exception {
        Forge forge = forge(Dialect.GITHUB);
        fake.failNext("POST", "/pulls", 403, Map.of(),
                "{\"message\":\"You have exceeded a secondary rate limit. Please wait a few minutes before you try again.\"}");
        forge.create(proposal("T", "b", List.of()));
        // then reviewers and assignees, each a second after the previous write
        // at least a minute, as GitHub asks of a secondary limit that names no wait
        assertThat(time.sleeps()).hasSize(3).first().satisfies(ms -> assertThat(ms).isBetween(60_000L, 120_000L));
        assertThat(fake.prs()).hasSize(1);
    }

    @Test
    void waitsForTheResetWhenThePrimaryBudgetIsSpent() throws Exception {
        Forge forge = forge(Dialect.GITHUB);
        long reset = time.now() / 1000 + 120;
        fake.failNext("GET", "/pulls", 200, Map.of("x-ratelimit-remaining", "0", "x-ratelimit-reset", Long.toString(reset)), "[]");
        assertThat(forge.byHead("harden/restricted")).isEmpty();
        forge.create(proposal("T", "b", List.of()));
        assertThat(time.sleeps()).containsExactly(121_000L, 1_000L, 1_000L);
    }

    @Test
    void waitsOnASpentBudgetAnsweredWith403UntilItsReset() throws Exception {
        Forge forge = forge(Dialect.GITHUB);
        long reset = time.now() / 1000 + 30;
        fake.failNext("GET", "/pulls", 403, Map.of("x-ratelimit-remaining", "0", "x-ratelimit-reset", Long.toString(reset)),
                "{\"message\":\"API rate limit exceeded\"}");
        assertThat(forge.byHead("harden/restricted")).isEmpty();
        assertThat(time.sleeps()).containsExactly(31_000L);
    }

    @Test
    void spacesMutatingCallsOneSecondApart() throws Exception {
        Forge forge = forge(Dialect.GITHUB);
        forge.create(proposal("T", "b", List.of("security")));
        // create, labels, reviewers, assignees: four writes with no time passing between them
        assertThat(time.sleeps()).containsExactly(1_000L, 1_000L, 1_000L);
        forge.byHead("harden/restricted");
        assertThat(time.sleeps()).hasSize(3);
    }

    @Test
    void givesUpWhenTheForgeAsksForALongerWaitThanAllowed() {
        Forge forge = forge(Dialect.GITHUB);
        fake.failNext("GET", "/pulls", 429, Map.of("Retry-After", "3600"), "{}");
        assertThatThrownBy(() -> forge.byHead("harden/restricted"))
                .isInstanceOf(ForgeException.class).hasMessageContaining("rate limited").hasMessageContaining("3600s");
        assertThat(time.sleeps()).isEmpty();
    }

    @Test
    void neverSendsTheTokenToAnotherHostNamedByALinkHeader() {
        Forge forge = forge(Dialect.GITHUB);
        fake.failNext("GET", "/pulls", 200, Map.of("Link", "<http://198.51.100.7/repos/acme/shop/pulls?page=2>; rel=\"next\""), "[]");
        assertThatThrownBy(() -> forge.byHead("harden/restricted")).hasMessageContaining("another host");
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void keepsTheTokenOutOfErrorsEvenWhenTheForgeEchoesIt(Dialect dialect) {
        Forge forge = forge(dialect);
        fake.failNext("POST", "/", 400, Map.of(), "{\"message\":\"token " + TOKEN + " may not do this\"}");
        assertThatThrownBy(() -> forge.create(proposal("T", "b", List.of())))
                .isInstanceOf(ForgeException.class)
                .satisfies(e -> assertThat(e.getMessage()).contains("HTTP 400").contains("token *** may not").doesNotContain(TOKEN));
    }

    @Test
    void aWrongTokenIsReportedAsSuchWithoutShowingIt() {
        fake = new FakeForge(Dialect.GITHUB, TOKEN, "acme/shop", branch -> true);
        Forge forge = client(Dialect.GITHUB, "wrong-token-value");
        assertThatThrownBy(() -> forge.byHead("harden/restricted"))
                .hasMessageContaining("HTTP 401: Bad credentials (the token is missing, wrong or expired)")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("wrong-token-value"));
    }

    @Test
    void retriesAReadOnAServerErrorButNeverRepeatsAWrite() throws Exception {
        Forge forge = forge(Dialect.GITHUB);
        fake.failNext("GET", "/pulls", 502, Map.of(), "{}");
        assertThat(forge.byHead("harden/restricted")).isEmpty();
        fake.failNext("POST", "/pulls", 502, Map.of(), "{\"message\":\"Server Error\"}");
        assertThatThrownBy(() -> forge.create(proposal("T", "b", List.of()))).hasMessageContaining("HTTP 502");
        assertThat(fake.calls("POST", "/pulls")).hasSize(1);
        assertThat(fake.prs()).isEmpty();
    }

    @Test
    void giteaCreatesALabelTheRepositoryDoesNotHaveYet() throws Exception {
        Forge forge = forge(Dialect.GITEA);
        forge.create(proposal("T", "b", List.of("bug", "security")));
        assertThat(fake.calls("POST", "/labels")).hasSize(1);
        assertThat(fake.prs().get(0).labels).containsExactly("bug", "security");
    }

    /** A server that sends headers at once, then its body one byte every half second. */
    private static java.net.ServerSocket trickling(List<java.net.Socket> held) throws Exception {
        java.net.ServerSocket socket = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
        Thread accept = new Thread(() -> {
            try {
                while (true) {
                    java.net.Socket s = socket.accept();
                    held.add(s);
                    Thread trickle = new Thread(() -> {
                        try {
                            var in = new java.io.BufferedReader(new java.io.InputStreamReader(s.getInputStream()));
                            for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
                                // read the request's headers
                            }
                            var out = s.getOutputStream();
                            out.write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n["
                                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                            out.flush();
                            for (int i = 0; i < 999; i++) {
                                Thread.sleep(500);
                                out.write(' ');
                                out.flush();
                            }
                        } catch (Exception e) {
                            // the client hung up: what the deadline is for
                        }
                    });
                    trickle.setDaemon(true);
                    trickle.start();
                }
            } catch (java.io.IOException e) {
                // closed
            }
        });
        accept.setDaemon(true);
        accept.start();
        return socket;
    }

    @Test
    void aServerTricklingItsAnswerMeetsTheRequestDeadlineInsteadOfHangingPr() throws Exception {
        List<java.net.Socket> held = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (java.net.ServerSocket server = trickling(held)) {
            URI api = URI.create("http://127.0.0.1:" + server.getLocalPort());
            Http http = new Http(api, Forge.Kind.GITHUB, TOKEN, time.pace(), log::add, java.time.Duration.ofSeconds(1));
            long start = System.nanoTime();
            org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(30), () -> {
                assertThatThrownBy(() -> http.send("POST", "/repos/acme/shop/pulls", Map.of("title", "T")))
                        .isInstanceOf(ForgeException.class)
                        .hasMessageContaining("POST /repos/acme/shop/pulls: no answer from 127.0.0.1")
                        .hasMessageContaining("no complete answer within 1s");
                assertThatThrownBy(() -> http.get("/repos/acme/shop/pulls")).isInstanceOf(ForgeException.class);
            });
            // a write is never repeated; a read is tried ATTEMPTS times, each cut off at the deadline
            assertThat(held).hasSize(1 + Http.ATTEMPTS);
            assertThat(System.nanoTime() - start).isLessThan(java.util.concurrent.TimeUnit.SECONDS.toNanos(20));
        } finally {
            for (java.net.Socket s : held) {
                s.close();
            }
        }
    }

    @Test
    void aHugeRetryAfterIsCappedAndGivesUpAtOnceInsteadOfWrappingToNoWait() {
        Forge forge = forge(Dialect.GITHUB);
        // 2^64 / 1000 seconds: multiplied into milliseconds it used to wrap round to a negative wait
        fake.failNext("GET", "/pulls", 429, Map.of("Retry-After", "18446744073709552"), "{}");
        assertThatThrownBy(() -> forge.byHead("harden/restricted"))
                .isInstanceOf(ForgeException.class).hasMessageContaining("rate limited (HTTP 429); run again in a day or later");
        fake.failNext("GET", "/pulls", 429, Map.of("Retry-After", "9".repeat(40)), "{}");
        assertThatThrownBy(() -> forge.byHead("harden/restricted")).hasMessageContaining("run again in a day or later");
        assertThat(fake.calls("GET", "/pulls")).hasSize(2);
        assertThat(time.sleeps()).isEmpty();
    }

    @Test
    void aResetFarInTheFutureBlocksTheNextCallForTheLongestWaitNotForeverNorNotAtAll() throws Exception {
        Forge forge = forge(Dialect.GITHUB);
        fake.failNext("GET", "/pulls", 200, Map.of("x-ratelimit-remaining", "0", "x-ratelimit-reset", "9999999999999999"), "[]");
        assertThat(forge.byHead("harden/restricted")).isEmpty();
        assertThat(forge.byHead("harden/restricted")).isEmpty();
        assertThat(time.sleeps()).containsExactly(15 * 60_000L + 1);
    }

    @Test
    void theForgesErrorTextReachesTheUserWithControlCharactersEscaped() {
        Forge forge = forge(Dialect.GITHUB);
        fake.failNext("POST", "/pulls", 422, Map.of(), "{\"message\":\"bad\\u001b[2J\\u0007\\rfake line\\u202e\"}");
        assertThatThrownBy(() -> forge.create(proposal("T", "b", List.of())))
                .isInstanceOf(ForgeException.class)
                .satisfies(e -> assertThat(e.getMessage()).contains("HTTP 422: bad\\u001b[2J\\u0007\\u000dfake line\\u202e")
                        .doesNotContain("\u001b").doesNotContain("\u0007").doesNotContain("\r").doesNotContain("\u202e"));
    }
}
