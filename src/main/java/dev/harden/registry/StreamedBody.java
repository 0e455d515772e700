package dev.harden.registry;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A blob's body handed out as a stream while it arrives: a few of the client's buffers are held at
 * once (the client is asked for the next only when one is read), the byte cap holds as it streams,
 * the request's deadline holds for the whole body, and the bytes are hashed on the way, so that the
 * stream's end fails when they do not match the digest asked for.
 */
final class StreamedBody implements HttpResponse.BodySubscriber<InputStream> {
    /** How many deliveries of the client (each a list of its buffers, some KiB) may wait to be read. */
    private static final int AHEAD = 4;
    private static final Object END = new Object();

    private final BlockingQueue<Object> queue = new LinkedBlockingQueue<>();
    private final Stream stream;
    private volatile Flow.Subscription subscription;

    /**
     * @param digest the {@code sha256:} digest the bytes must have
     * @param what names the blob in messages
     * @param deadlineNanos the {@link System#nanoTime} by which the whole body must have come
     */
    StreamedBody(long limit, String digest, String what, long deadlineNanos) {
        this.stream = new Stream(limit, digest, what, deadlineNanos);
    }

    @Override
    public CompletionStage<InputStream> getBody() {
        return CompletableFuture.completedFuture(stream);
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        subscription = s;
        s.request(AHEAD);
    }

    @Override
    public void onNext(List<ByteBuffer> items) {
        long bytes = items.stream().mapToLong(ByteBuffer::remaining).sum();
        stream.held(bytes);
        queue.add(items);
    }

    @Override
    public void onError(Throwable t) {
        queue.add(t);
    }

    @Override
    public void onComplete() {
        queue.add(END);
    }

    /** The body as the reader sees it. */
    final class Stream extends InputStream {
        private final long limit;
        private final String digest;
        private final String what;
        private final long deadlineNanos;
        private final MessageDigest sha256;
        private List<ByteBuffer> current = List.of();
        private int index;
        private long read;
        private long held;
        private long mostHeld;
        private boolean ended;
        private boolean closed;

        private Stream(long limit, String digest, String what, long deadlineNanos) {
            this.limit = limit;
            this.digest = digest;
            this.what = what;
            this.deadlineNanos = deadlineNanos;
            try {
                this.sha256 = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("every Java runtime has SHA-256", e);
            }
        }

        private synchronized void held(long bytes) {
            held += bytes;
            mostHeld = Math.max(mostHeld, held);
        }

        private synchronized void released(long bytes) {
            held -= bytes;
        }

        /** The most bytes this body held at once, received but not yet read. */
        synchronized long mostHeld() {
            return mostHeld;
        }

        /** The next buffer with bytes left, or null at the end (where the digest is checked). */
        private ByteBuffer next() throws IOException {
            while (true) {
                if (closed) {
                    throw new IOException(what + ": read after close");
                }
                while (index < current.size()) {
                    if (current.get(index).hasRemaining()) {
                        return current.get(index);
                    }
                    index++;
                }
                if (ended) {
                    return null;
                }
                if (!current.isEmpty()) {
                    current = List.of();
                    subscription.request(1);
                }
                Object item;
                try {
                    item = queue.poll(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw fail(new IOException(what + ": interrupted"));
                }
                if (item == null) {
                    throw fail(new IOException(what + ": no complete answer within the deadline"));
                }
                if (item == END) {
                    ended = true;
                    String got = "sha256:" + HexFormat.of().formatHex(sha256.digest());
                    if (!got.equals(digest)) {
                        throw new IOException(what + " came back with other content (" + got + ")");
                    }
                    return null;
                }
                if (item instanceof Throwable t) {
                    throw fail(new IOException(what + ": " + (t.getMessage() == null ? "network error" : t.getMessage())));
                }
                @SuppressWarnings("unchecked")
                List<ByteBuffer> buffers = (List<ByteBuffer>) item;
                current = buffers;
                index = 0;
            }
        }

        private IOException fail(IOException e) {
            cancel();
            return e;
        }

        private void cancel() {
            Flow.Subscription s = subscription;
            if (s != null) {
                s.cancel();
            }
        }

        /** Refuses the bytes that would take the body over its cap, before the reader sees them. */
        private void capped(int n) throws IOException {
            if (read + n > limit) {
                throw fail(new IOException(what + " is larger than " + limit + " bytes"));
            }
            read += n;
            released(n);
        }

        @Override
        public int read() throws IOException {
            ByteBuffer b = next();
            if (b == null) {
                return -1;
            }
            capped(1);
            int v = b.get() & 0xff;
            sha256.update((byte) v);
            return v;
        }

        @Override
        public int read(byte[] into, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            ByteBuffer b = next();
            if (b == null) {
                return -1;
            }
            int n = Math.min(len, b.remaining());
            capped(n);
            b.get(into, off, n);
            sha256.update(into, off, n);
            return n;
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                if (!ended) {
                    cancel();
                }
            }
        }
    }
}
