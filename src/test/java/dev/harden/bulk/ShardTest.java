package dev.harden.bulk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ShardTest {
    private static final RepoId SHOP = new RepoId("github.com", "acme/shop");
    private static final RepoId API = new RepoId("github.com", "acme/api");
    private static final RepoId CI = new RepoId("gitlab.example.com", "platform/services/ci");

    private static List<RepoId> repositories(int n) {
        List<RepoId> repos = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            repos.add(new RepoId(i % 3 == 0 ? "gitlab.example.com" : "github.com", "team-" + i % 7 + "/service-" + i));
        }
        return repos;
    }

    @Test
    void theHashIsTheFirstEightBytesOfTheKeysSha256AsSha256sumComputesThem() {
        // printf 'github.com/acme/shop' | sha256sum  ->  c566806a55dcd4dd...
        assertThat(Shard.hash("github.com/acme/shop")).isEqualTo(Long.parseUnsignedLong("c566806a55dcd4dd", 16));
        // printf 'github.com/acme/api' | sha256sum  ->  e1dcaa3496b93562...
        assertThat(Shard.hash("github.com/acme/api")).isEqualTo(Long.parseUnsignedLong("e1dcaa3496b93562", 16));
        // printf 'gitlab.example.com/platform/services/ci' | sha256sum  ->  7ae2d60cc7f1bba3...
        assertThat(Shard.hash(CI.key())).isEqualTo(Long.parseUnsignedLong("7ae2d60cc7f1bba3", 16));
    }

    @Test
    void eachRepositoryFallsInTheShardItsHashModuloTheCountNames() {
        // the remainders, from python3: int('c566806a55dcd4dd', 16) % 2 == 1, % 3 == 2, % 7 == 0, and so on
        assertThat(List.of(Shard.bucket(SHOP, 2), Shard.bucket(SHOP, 3), Shard.bucket(SHOP, 7))).containsExactly(1, 2, 0);
        assertThat(List.of(Shard.bucket(API, 2), Shard.bucket(API, 3), Shard.bucket(API, 7))).containsExactly(0, 1, 6);
        assertThat(List.of(Shard.bucket(CI, 2), Shard.bucket(CI, 3), Shard.bucket(CI, 7))).containsExactly(1, 2, 3);
        assertThat(new Shard(3, 3).owns(SHOP)).isTrue();
        assertThat(new Shard(2, 3).owns(API)).isTrue();
        assertThat(new Shard(1, 2).owns(API)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 5})
    void theShardsOfACountCoverEveryRepositoryExactlyOnce(int count) {
        List<RepoId> repos = repositories(500);
        List<RepoId> seen = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            List<RepoId> mine = new Shard(i, count).of(repos);
            if (count > 1) {
                assertThat(mine.size()).as("shard %d/%d is not empty nor everything", i, count).isBetween(1, 499);
            }
            seen.addAll(mine);
        }
        assertThat(seen).hasSize(500);
        assertThat(new HashSet<>(seen)).containsExactlyInAnyOrderElementsOf(repos);
    }

    @Test
    void anotherJvmPutsEveryRepositoryInTheSameShard() throws Exception {
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", classpath, ShardPrinter.class.getName(), "3").redirectErrorStream(true).start();
        String out = new String(child.getInputStream().readAllBytes());
        assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
        List<String> expected = new ArrayList<>();
        for (RepoId repo : ShardPrinter.REPOS) {
            expected.add(repo.key() + " " + Shard.bucket(repo, 3));
        }
        assertThat(out.lines().toList()).containsExactlyElementsOf(expected);
        assertThat(expected).contains("github.com/acme/shop 2", "github.com/acme/api 1");
    }

    @Test
    void readsIOfNAndRefusesWhatIsNotAShard() {
        assertThat(Shard.parse("2/3")).isEqualTo(new Shard(2, 3));
        for (String bad : List.of("0/3", "4/3", "3", "a/b", "1/0", "-1/3", "1/3/4")) {
            assertThatThrownBy(() -> Shard.parse(bad)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("i/N");
        }
    }

    @Test
    void takesTheShardFromAnIndexedJobsEnvironmentWhenNoOptionIsGiven() throws Exception {
        assertThat(Shard.choose(null, Map.of())).isEqualTo(Shard.ALL);
        assertThat(Shard.choose(null, Map.of("JOB_COMPLETION_INDEX", "0", "HARDEN_SHARDS", "3"))).isEqualTo(new Shard(1, 3));
        assertThat(Shard.choose(null, Map.of("JOB_COMPLETION_INDEX", "2", "HARDEN_SHARDS", "3"))).isEqualTo(new Shard(3, 3));
        assertThat(Shard.choose("1/2", Map.of("JOB_COMPLETION_INDEX", "2", "HARDEN_SHARDS", "3"))).isEqualTo(new Shard(1, 2));
        assertThatThrownBy(() -> Shard.choose(null, Map.of("JOB_COMPLETION_INDEX", "1")))
                .isInstanceOf(CampaignException.class).hasMessageContaining("HARDEN_SHARDS is not");
        assertThatThrownBy(() -> Shard.choose(null, Map.of("JOB_COMPLETION_INDEX", "3", "HARDEN_SHARDS", "3")))
                .isInstanceOf(CampaignException.class).hasMessageContaining("not 4/3");
    }

    @Test
    void aRepositoryKeepsItsShardWhateverOrderTheRepositoriesComeIn() {
        List<RepoId> repos = repositories(200);
        List<RepoId> reversed = new ArrayList<>(repos);
        Collections.reverse(reversed);
        Set<RepoId> forward = new HashSet<>(new Shard(2, 3).of(repos));
        assertThat(new HashSet<>(new Shard(2, 3).of(reversed))).isEqualTo(forward);
    }
}
