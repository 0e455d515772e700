package dev.harden.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * harden in a JVM of its own, as a user's shell starts it: with its own environment (which an
 * in-process run cannot set) and signals (Ctrl-C) that reach only it.
 */
public final class HardenProcess {
    private static final Path PERL = Path.of("/usr/bin/perl");
    private final Process process;
    private final Path out;
    private final Path err;

    private HardenProcess(Process process, Path out, Path err) {
        this.process = process;
        this.out = out;
        this.err = err;
    }

    /** What a finished run left: its exit code and everything it wrote. */
    public record Result(int exit, String out, String err) { }

    /** Starts {@code harden ARGS} in {@code dir} with the test JVM's environment plus {@code env}. */
    public static HardenProcess start(Path dir, Map<String, String> env, String... args) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>();
        if (Files.isExecutable(PERL)) {
            // A job started in the background of a non-interactive shell inherits SIGINT ignored, and
            // the JVM then never installs its handler: give harden the default disposition a terminal gives it.
            command.addAll(List.of(PERL.toString(), "-e", "$SIG{INT} = 'DEFAULT'; exec @ARGV or die \"exec: $!\""));
        }
        command.addAll(List.of(java, "-cp", System.getProperty("java.class.path"), "dev.harden.cli.Main"));
        command.addAll(List.of(args));
        Path out = Files.createTempFile(dir, "harden-out", ".txt");
        Path err = Files.createTempFile(dir, "harden-err", ".txt");
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.PIPE);
        pb.environment().putAll(env);
        return new HardenProcess(pb.start(), out, err);
    }

    public long pid() {
        return process.pid();
    }

    /** Whether SIGINT reaches it (it is not ignored), read from {@code /proc}; true where that cannot be read. */
    public boolean hearsSigint() throws IOException {
        Path status = Path.of("/proc", String.valueOf(process.pid()), "status");
        if (!Files.isReadable(status)) {
            return true;
        }
        for (String line : Files.readAllLines(status, StandardCharsets.UTF_8)) {
            if (line.startsWith("SigIgn:")) {
                return (Long.parseUnsignedLong(line.substring(7).trim(), 16) & 0x2) == 0;
            }
        }
        return true;
    }

    /** Whether it is still running. */
    public boolean alive() {
        return process.isAlive();
    }

    /** Ends it at once (SIGKILL). */
    public void kill() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }

    /** Sends SIGINT, as Ctrl-C at a terminal does. */
    public void interrupt() throws IOException, InterruptedException {
        new ProcessBuilder("kill", "-INT", String.valueOf(process.pid())).start().waitFor();
    }

    /** Waits for it to end (killing it after {@code seconds}) and reads what it wrote. */
    public Result await(long seconds) throws IOException, InterruptedException {
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
            throw new AssertionError("harden did not end within " + seconds + "s; stderr: " + Files.readString(err, StandardCharsets.UTF_8));
        }
        return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }

    /** What it has written to standard error so far. */
    public String errSoFar() throws IOException {
        return Files.readString(err, StandardCharsets.UTF_8);
    }
}
