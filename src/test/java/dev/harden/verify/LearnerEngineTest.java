package dev.harden.verify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.harden.image.ImageFacts;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The learning search on a real engine, over the local test images. */
class LearnerEngineTest {
    @Test
    void learnsWhatPostgresNeeds() throws Exception {
        Learning l = learn("local/postgres:deb");
        ImageFacts f = l.facts();
        System.out.println(f);
    }

    @Test
    void learnsWhatNginxNeeds() throws Exception {
        Learning l = learn("local/nginx:deb");
        System.out.println(l.facts());
    }

    private static Learning learn(String image) throws Exception {
        DockerEngine engine = DockerEngine.at(LocalEngine.host());
        List<String> lines = new ArrayList<>();
        try (Starter starter = new Starter(engine, "learntest" + Long.toHexString(System.nanoTime() & 0xffff),
                new VerifySession.Settings(Duration.ofSeconds(20), Duration.ofSeconds(2), 20))) {
            long t = System.nanoTime();
            Learning l = new Learner(starter, engine, 16, line -> { lines.add(line); System.out.println(line); })
                    .learn(Learner.asWritten(image), engine.image(image).orElseThrow());
            System.out.println("took " + (System.nanoTime() - t) / 1_000_000 + " ms");
            return l;
        }
    }
}
