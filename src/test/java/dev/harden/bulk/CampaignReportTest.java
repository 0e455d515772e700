package dev.harden.bulk;

import static org.assertj.core.api.Assertions.assertThat;

import dev.harden.json.Json;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CampaignReportTest {
    private static final Instant AT = Instant.parse("2026-01-01T00:00:00Z");
    private static final RepoId SHOP = new RepoId("github.com", "acme/shop");
    private static final RepoId API = new RepoId("github.com", "acme/api");
    private static final RepoId OLD = new RepoId("github.com", "acme/old");

    private static CampaignReport report(String apiReason) {
        Map<RepoId, Journal.Entry> last = new LinkedHashMap<>();
        last.put(SHOP, new Journal.Entry(AT, SHOP, State.DONE, null, false, "https://github.com/acme/shop/pull/7",
                new Journal.Findings(5, 1)));
        last.put(API, new Journal.Entry(AT, API, State.FAILED, apiReason, false, null, new Journal.Findings(3, 0)));
        last.put(OLD, new Journal.Entry(AT, OLD, State.DONE, null, false, null));
        return CampaignReport.of("roll", last);
    }

    @Test
    void csvQuotesAReasonWithACommaAQuoteAndALineBreakAsRfc4180Says() {
        String csv = report("forge said \"no\", twice\nthen stopped").csv();

        assertThat(csv).isEqualTo("repository,state,url,findings_before,findings_after,retryable,reason\r\n"
                + "github.com/acme/api,failed,,3,0,false,\"forge said \"\"no\"\", twice\nthen stopped\"\r\n"
                + "github.com/acme/old,done,,,,,\r\n"
                + "github.com/acme/shop,done,https://github.com/acme/shop/pull/7,5,1,,\r\n");
    }

    @Test
    void jsonHasTheCountsAndOneRowPerRepositoryWithUnknownFindingsAsNull() {
        Object root = Json.parse(report("branch protected").json());

        assertThat(Json.at(root, "campaign")).isEqualTo("roll");
        assertThat(Json.at(root, "counts")).isEqualTo(Map.of("done", 2L, "failed", 1L));
        List<?> rows = (List<?>) Json.at(root, "repositories");
        assertThat(rows).hasSize(3);
        assertThat(rows.get(0)).isEqualTo(json("github.com/acme/api", "failed", null, 3L, 0L, false, "branch protected"));
        assertThat(rows.get(1)).isEqualTo(json("github.com/acme/old", "done", null, null, null, null, null));
        assertThat(rows.get(2)).isEqualTo(json("github.com/acme/shop", "done", "https://github.com/acme/shop/pull/7", 5L, 1L,
                null, null));
    }

    private static Map<String, Object> json(String repo, String state, String url, Long before, Long after, Boolean retryable,
                                            String reason) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("repository", repo);
        row.put("state", state);
        row.put("url", url);
        row.put("findingsBefore", before);
        row.put("findingsAfter", after);
        row.put("retryable", retryable);
        row.put("reason", reason);
        return row;
    }

    @Test
    void markdownPutsTheCountsAboveATableAndKeepsAPipeOrLineBreakInAReasonInsideItsCell() {
        String md = report("a | b\nc").markdown();

        assertThat(md).isEqualTo("""
                # Campaign roll

                3 repositories: 2 done, 1 failed

                | Repository | State | Pull request | Findings before | Findings after | Reason |
                |---|---|---|---|---|---|
                | github.com/acme/api | failed |  | 3 | 0 | not retryable: a \\| b c |
                | github.com/acme/old | done |  | unknown | unknown |  |
                | github.com/acme/shop | done | https://github.com/acme/shop/pull/7 | 5 | 1 |  |
                """);
    }

    @Test
    void textEscapesAForgesReasonSoItCannotDriveTheTerminal() {
        String text = report("evil \u001b[2Jclear").text();

        assertThat(text).doesNotContain("\u001b")
                .contains("  failed      github.com/acme/api findings 3 -> 0 (not retryable: evil ")
                .contains("  done        github.com/acme/old\n")
                .startsWith("campaign roll: 3 repositories, 2 done, 1 failed\n");
    }
}
