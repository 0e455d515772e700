package dev.harden.verify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.harden.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The hand-written parts of talking to the engine: HTTP framing, JSON, log frames and the create body. */
class ProtocolTest {
    @Test
    void aChunkedAnswerIsJoinedIntoOneBody() throws Exception {
        byte[] raw = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{\"a\":\r\n3\r\n 1}\r\n0\r\n\r\n".getBytes(StandardCharsets.UTF_8);

        UnixHttp.Response r = UnixHttp.parse(raw);

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.text()).isEqualTo("{\"a\": 1}");
    }

    @Test
    void anAnswerWithContentLengthStopsThere() throws Exception {
        UnixHttp.Response r = UnixHttp.parse("HTTP/1.1 404 Not Found\r\nContent-Length: 2\r\n\r\n{}trailing".getBytes(StandardCharsets.UTF_8));

        assertThat(r.status()).isEqualTo(404);
        assertThat(r.text()).isEqualTo("{}");
    }

    @Test
    void jsonFromTheEngineReadsIntoMapsListsAndScalars() {
        Object v = Json.parse("{\"State\": {\"Running\": false, \"ExitCode\": 1, \"Error\": \"\", \"Health\": null},"
                + " \"Names\": [\"/a\\u0041\"], \"Ratio\": 1.5e0}");

        assertThat(Json.at(v, "State", "Running")).isEqualTo(false);
        assertThat(Json.at(v, "State", "ExitCode")).isEqualTo(1L);
        assertThat(Json.at(v, "Names")).isEqualTo(List.of("/aA"));
        assertThat(Json.at(v, "Ratio")).isEqualTo(1.5);
    }

    @Test
    void framedLogStreamsAreSplitIntoLines() {
        byte[] first = frame(1, "nginx-entrypoint: starting\n");
        byte[] second = frame(2, "[emerg] mkdir() failed (30: Read-only file system)\n");
        byte[] raw = new byte[first.length + second.length];
        System.arraycopy(first, 0, raw, 0, first.length);
        System.arraycopy(second, 0, raw, first.length, second.length);

        assertThat(DockerEngine.demultiplex(raw))
                .containsExactly("nginx-entrypoint: starting", "[emerg] mkdir() failed (30: Read-only file system)");
    }

    @Test
    void theCreateBodyCarriesEveryHardeningOption() {
        ContainerSpec spec = new ContainerSpec("web", "local/nginx:deb", null, List.of("nginx", "-g", "daemon off;"),
                List.of("A=1"), "33:33", null, List.of("CHOWN"), List.of("ALL"), List.of("no-new-privileges:true"), true,
                Map.of("/run", "size=16m"), 200L, 512L << 20, null, 1_000_000_000L,
                List.of(new ContainerSpec.Mount(true, "data", "/data", false)), null, false, false, null, Map.of(), List.of(),
                List.of(80), false);

        Map<String, Object> body = DockerEngine.createBody(spec, List.of("harden-verify-x-1-data"), "harden-verify-x",
                Map.of("dev.harden.verify", "x"));

        assertThat(body).containsEntry("Image", "local/nginx:deb").containsEntry("User", "33:33")
                .containsEntry("Cmd", List.of("nginx", "-g", "daemon off;")).doesNotContainKey("Entrypoint");
        @SuppressWarnings("unchecked")
        Map<String, Object> host = (Map<String, Object>) body.get("HostConfig");
        assertThat(host).containsEntry("CapDrop", List.of("ALL")).containsEntry("CapAdd", List.of("CHOWN"))
                .containsEntry("SecurityOpt", List.of("no-new-privileges:true")).containsEntry("ReadonlyRootfs", true)
                .containsEntry("Tmpfs", Map.of("/run", "size=16m")).containsEntry("PidsLimit", 200L)
                .containsEntry("Memory", 512L << 20).containsEntry("NanoCpus", 1_000_000_000L)
                .containsEntry("NetworkMode", "harden-verify-x").doesNotContainKey("RestartPolicy").doesNotContainKey("PortBindings");
        assertThat(host.get("Mounts")).asList().singleElement()
                .isEqualTo(Map.of("Type", "volume", "Source", "harden-verify-x-1-data", "Target", "/data", "ReadOnly", false));
    }

    private static byte[] frame(int stream, String text) {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[8 + payload.length];
        out[0] = (byte) stream;
        out[7] = (byte) payload.length;
        System.arraycopy(payload, 0, out, 8, payload.length);
        return out;
    }
}
