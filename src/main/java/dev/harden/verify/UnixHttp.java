package dev.harden.verify;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/**
 * HTTP/1.1 over a unix socket, one request per connection: {@code java.net.http} cannot dial unix
 * sockets, and the Engine API needs no more than this.
 */
final class UnixHttp {
    /** A status code and the whole body, chunked encoding already removed. */
    record Response(int status, byte[] body) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private final Path socket;
    private final Duration timeout;

    UnixHttp(Path socket, Duration timeout) {
        this.socket = socket;
        this.timeout = timeout;
    }

    Path socket() {
        return socket;
    }

    Response send(String method, String target, String jsonBody) throws IOException {
        return send(method, target, jsonBody, Integer.MAX_VALUE);
    }

    /**
     * A request whose answer is read only up to {@code limit} bytes, the connection then closed: for
     * the start of a stream whose rest is not wanted (the first entries of a folder's archive).
     */
    Response send(String method, String target, String jsonBody, int limit) throws IOException {
        byte[] body = jsonBody == null ? new byte[0] : jsonBody.getBytes(StandardCharsets.UTF_8);
        StringBuilder head = new StringBuilder();
        head.append(method).append(' ').append(target).append(" HTTP/1.1\r\n")
                .append("Host: docker\r\n")
                .append("User-Agent: harden-verify\r\n")
                .append("Connection: close\r\n");
        if (jsonBody != null) {
            head.append("Content-Type: application/json\r\n");
        }
        head.append("Content-Length: ").append(body.length).append("\r\n\r\n");
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            ByteBuffer out = ByteBuffer.allocate(head.length() * 3 + body.length);
            out.put(head.toString().getBytes(StandardCharsets.UTF_8)).put(body).flip();
            while (out.hasRemaining()) {
                channel.write(out);
            }
            byte[] raw = readAll(channel, limit);
            return raw.length >= limit ? parseStart(raw) : parse(raw);
        }
    }

    /** Reads until the engine closes the connection, giving up when nothing arrives for the timeout. */
    private byte[] readAll(SocketChannel channel, int limit) throws IOException {
        channel.configureBlocking(false);
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
        try (Selector selector = Selector.open()) {
            channel.register(selector, SelectionKey.OP_READ);
            while (true) {
                if (selector.select(timeout.toMillis()) == 0) {
                    throw new IOException("the engine sent nothing for " + timeout.toSeconds() + "s");
                }
                selector.selectedKeys().clear();
                int n = channel.read(buffer);
                if (n < 0) {
                    return all.toByteArray();
                }
                all.write(buffer.array(), 0, buffer.position());
                buffer.clear();
                if (all.size() >= limit) {
                    return all.toByteArray();
                }
            }
        }
    }

    static Response parse(byte[] raw) throws IOException {
        return parse(raw, false);
    }

    /** An answer cut short on purpose: a last chunk that did not fully arrive is kept as far as it came. */
    static Response parseStart(byte[] raw) throws IOException {
        return parse(raw, true);
    }

    private static Response parse(byte[] raw, boolean cut) throws IOException {
        int headEnd = indexOf(raw, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII), 0);
        if (headEnd < 0) {
            throw new IOException("the engine's answer has no HTTP header");
        }
        String[] lines = new String(raw, 0, headEnd, StandardCharsets.ISO_8859_1).split("\r\n");
        String[] status = lines[0].split(" ", 3);
        if (status.length < 2 || !status[0].startsWith("HTTP/")) {
            throw new IOException("not an HTTP answer: " + lines[0]);
        }
        int code = Integer.parseInt(status[1]);
        boolean chunked = false;
        int length = -1;
        for (int i = 1; i < lines.length; i++) {
            String line = lines[i].toLowerCase(Locale.ROOT);
            if (line.startsWith("transfer-encoding:") && line.contains("chunked")) {
                chunked = true;
            } else if (line.startsWith("content-length:")) {
                length = Integer.parseInt(line.substring("content-length:".length()).trim());
            }
        }
        int start = headEnd + 4;
        if (chunked) {
            return new Response(code, dechunk(raw, start, cut));
        }
        int end = length >= 0 ? Math.min(raw.length, start + length) : raw.length;
        byte[] body = new byte[Math.max(0, end - start)];
        System.arraycopy(raw, start, body, 0, body.length);
        return new Response(code, body);
    }

    private static byte[] dechunk(byte[] raw, int from, boolean cut) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int pos = from;
        byte[] crlf = "\r\n".getBytes(StandardCharsets.US_ASCII);
        while (pos < raw.length) {
            int lineEnd = indexOf(raw, crlf, pos);
            if (lineEnd < 0) {
                if (cut) {
                    break;
                }
                throw new IOException("truncated chunked answer");
            }
            String sizeText = new String(raw, pos, lineEnd - pos, StandardCharsets.US_ASCII).split(";", 2)[0].trim();
            int size = Integer.parseInt(sizeText, 16);
            if (size == 0) {
                break;
            }
            int dataStart = lineEnd + 2;
            if (dataStart + size > raw.length) {
                if (cut) {
                    out.write(raw, dataStart, Math.max(0, raw.length - dataStart));
                    break;
                }
                throw new IOException("truncated chunk");
            }
            out.write(raw, dataStart, size);
            pos = dataStart + size + 2;
        }
        return out.toByteArray();
    }

    private static int indexOf(byte[] hay, byte[] needle, int from) {
        outer:
        for (int i = from; i <= hay.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
