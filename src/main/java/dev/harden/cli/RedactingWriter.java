package dev.harden.cli;

import dev.harden.report.Redact;
import java.io.PrintWriter;
import java.io.Writer;

/** A writer that passes on whole lines only, each with every secret masked, so no output path can skip the redaction. */
final class RedactingWriter extends Writer {
    private final PrintWriter target;
    private final Redact redact;
    private final StringBuilder line = new StringBuilder();

    private RedactingWriter(PrintWriter target, Redact redact) {
        this.target = target;
        this.redact = redact;
    }

    /** A print writer over the target that masks what {@code redact} masks, line by line. */
    static PrintWriter over(PrintWriter target, Redact redact) {
        return new PrintWriter(new RedactingWriter(target, redact), false);
    }

    @Override
    public synchronized void write(char[] buffer, int offset, int length) {
        for (int i = offset; i < offset + length; i++) {
            line.append(buffer[i]);
            if (buffer[i] == '\n') {
                emit();
            }
        }
    }

    private void emit() {
        target.write(redact.apply(line.toString()));
        line.setLength(0);
    }

    /** Passes on complete lines; a partial line waits for its end, so a secret is never split across two writes. */
    @Override
    public synchronized void flush() {
        target.flush();
    }

    @Override
    public synchronized void close() {
        if (line.length() > 0) {
            emit();
        }
        target.flush();
    }
}
