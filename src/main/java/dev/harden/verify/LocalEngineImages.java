package dev.harden.verify;

import dev.harden.image.LocalImages;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.StandardProtocolFamily;
import java.net.URLEncoder;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * The local engine's images over its unix socket: the inspect answer through {@link UnixHttp}, and
 * the saved image as a stream read from the socket as the caller reads it, so an image of any
 * size passes through a fixed buffer.
 */
public final class LocalEngineImages implements LocalImages {
    private static final long INSPECT_LIMIT = 4L << 20;
    private static final int BUFFER = 64 * 1024;

    private final UnixHttp http;
    private final String where;
    private final Duration timeout;

    private LocalEngineImages(UnixHttp http, String where, Duration timeout) {
        this.http = http;
        this.where = where;
        this.timeout = timeout;
    }

    /**
     * The engine at a {@code unix://} address.
     *
     * @param timeout the longest the engine may stay silent within one answer
     * @throws IllegalArgumentException when the address is not a unix socket
     */
    public static LocalEngineImages at(String dockerHost, Duration timeout) {
        if (!dockerHost.startsWith("unix://")) {
            throw new IllegalArgumentException("only unix sockets are supported (unix:///path/docker.sock), not '" + dockerHost + "'");
        }
        return new LocalEngineImages(new UnixHttp(Path.of(dockerHost.substring("unix://".length())), timeout), dockerHost, timeout);
    }

    @Override
    public String where() {
        return where;
    }

    @Override
    public Optional<byte[]> inspect(String image) throws IOException {
        UnixHttp.Response r = http.send("GET", "/images/" + pathPart(image) + "/json", null);
        if (r.status() == 404) {
            return Optional.empty();
        }
        if (r.status() != 200) {
            throw new IOException("the engine answered HTTP " + r.status() + " to inspecting " + image);
        }
        if (r.body().length > INSPECT_LIMIT) {
            throw new IOException("the engine's inspect answer for " + image + " is larger than " + INSPECT_LIMIT + " bytes");
        }
        return Optional.of(r.body());
    }

    @Override
    public InputStream save(String image) throws IOException {
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            channel.connect(UnixDomainSocketAddress.of(http.socket()));
            ByteBuffer out = ByteBuffer.wrap(("GET /images/" + pathPart(image) + "/get HTTP/1.1\r\nHost: docker\r\n"
                    + "User-Agent: harden\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.UTF_8));
            while (out.hasRemaining()) {
                channel.write(out);
            }
            SocketInput in = new SocketInput(channel, timeout);
            Head head = Head.read(in);
            if (head.status() != 200) {
                String said = new String(in.readNBytes(4096), StandardCharsets.UTF_8).strip();
                in.close();
                throw new IOException("the engine answered HTTP " + head.status() + " to saving " + image
                        + (said.isEmpty() ? "" : ": " + said.replaceAll("\\s+", " ")));
            }
            return head.chunked() ? new Chunked(in) : head.length() >= 0 ? new Limited(in, head.length()) : in;
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    private static String pathPart(String s) {
        return s.matches("[A-Za-z0-9._/:@-]+") ? s : URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** The answer's status and how its body is framed. */
    private record Head(int status, boolean chunked, long length) {
        static Head read(InputStream in) throws IOException {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            int matched = 0;
            while (matched < 4) {
                int b = in.read();
                if (b < 0) {
                    throw new EOFException("the engine closed the connection inside the answer's header");
                }
                if (bytes.size() > 64 * 1024) {
                    throw new IOException("the engine's answer header is larger than 64 KiB");
                }
                bytes.write(b);
                matched = (b == '\r' && matched % 2 == 0) || (b == '\n' && matched % 2 == 1) ? matched + 1 : b == '\r' ? 1 : 0;
            }
            String[] lines = bytes.toString(StandardCharsets.ISO_8859_1).split("\r\n");
            String[] status = lines[0].split(" ", 3);
            if (status.length < 2 || !status[0].startsWith("HTTP/") || !status[1].matches("[0-9]{3}")) {
                throw new IOException("not an HTTP answer: " + lines[0]);
            }
            boolean chunked = false;
            long length = -1;
            for (int i = 1; i < lines.length; i++) {
                String line = lines[i].toLowerCase(Locale.ROOT);
                if (line.startsWith("transfer-encoding:") && line.contains("chunked")) {
                    chunked = true;
                } else if (line.startsWith("content-length:") && line.substring(15).trim().matches("[0-9]{1,18}")) {
                    length = Long.parseLong(line.substring(15).trim());
                }
            }
            return new Head(Integer.parseInt(status[1]), chunked, length);
        }
    }

    /** The socket as a stream, waiting at most the timeout for each read. */
    private static final class SocketInput extends InputStream {
        private final SocketChannel channel;
        private final Selector selector;
        private final Duration timeout;
        private final ByteBuffer buffer = ByteBuffer.allocate(BUFFER);
        private boolean ended;

        SocketInput(SocketChannel channel, Duration timeout) throws IOException {
            this.channel = channel;
            this.timeout = timeout;
            channel.configureBlocking(false);
            this.selector = Selector.open();
            channel.register(selector, SelectionKey.OP_READ);
            buffer.flip();
        }

        private boolean fill() throws IOException {
            while (!buffer.hasRemaining() && !ended) {
                if (selector.select(timeout.toMillis()) == 0) {
                    throw new IOException("the engine sent nothing for " + timeout.toSeconds() + "s");
                }
                selector.selectedKeys().clear();
                buffer.clear();
                int n = channel.read(buffer);
                buffer.flip();
                ended = n < 0;
            }
            return buffer.hasRemaining();
        }

        @Override
        public int read() throws IOException {
            return fill() ? buffer.get() & 0xff : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            if (!fill()) {
                return -1;
            }
            int n = Math.min(len, buffer.remaining());
            buffer.get(b, off, n);
            return n;
        }

        @Override
        public void close() throws IOException {
            try {
                selector.close();
            } finally {
                channel.close();
            }
        }
    }

    /** A body of a known length. */
    private static final class Limited extends InputStream {
        private final InputStream in;
        private long left;

        Limited(InputStream in, long length) {
            this.in = in;
            this.left = length;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (left <= 0) {
                return -1;
            }
            int n = in.read(b, off, (int) Math.min(len, left));
            if (n < 0) {
                throw new EOFException("the engine closed the connection " + left + " bytes before the answer's end");
            }
            left -= n;
            return n;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }

    /** A body in chunked transfer encoding, decoded as it is read. */
    private static final class Chunked extends InputStream {
        private final InputStream in;
        private long left;
        private boolean done;

        Chunked(InputStream in) {
            this.in = in;
        }

        private String line() throws IOException {
            StringBuilder s = new StringBuilder();
            int b;
            while ((b = in.read()) != '\n') {
                if (b < 0) {
                    throw new EOFException("the engine closed the connection inside a chunk header");
                }
                if (s.length() > 1024) {
                    throw new IOException("a chunk header longer than 1 KiB");
                }
                if (b != '\r') {
                    s.append((char) b);
                }
            }
            return s.toString();
        }

        private boolean next() throws IOException {
            if (done) {
                return false;
            }
            if (left == 0) {
                String size = line().split(";", 2)[0].trim();
                if (size.isEmpty()) {
                    size = line().split(";", 2)[0].trim();
                }
                if (!size.matches("[0-9a-fA-F]{1,15}")) {
                    throw new IOException("not a chunk size: '" + size + "'");
                }
                left = Long.parseLong(size, 16);
                if (left == 0) {
                    done = true;
                    return false;
                }
            }
            return true;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            if (!next()) {
                return -1;
            }
            int n = in.read(b, off, (int) Math.min(len, left));
            if (n < 0) {
                throw new EOFException("the engine closed the connection inside a chunk");
            }
            left -= n;
            return n;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
