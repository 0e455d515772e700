package dev.harden.engine;

import dev.harden.report.FileReport;
import dev.harden.report.Problem;
import dev.harden.rule.RuleRunner;
import dev.harden.rule.RuleCatalog;
import dev.harden.yaml.FileRead;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The engine's one way through a set of files: find them, harden each one's bytes, and say what
 * each came to, with the files its fix creates beside it. {@code check}, {@code fix}, {@code verify}
 * and {@code pr} all go through it. Where the bytes come from (a disk, a tree held in memory) is the
 * caller's: the pipeline takes paths and bytes, and reads the files beside them through the hardener.
 */
public final class Pipeline {
    private final FileHardener hardener;
    private final boolean fix;

    /**
     * @param hardener the profile's hardener
     * @param fix whether to compute the fixed bytes, or only check
     */
    public Pipeline(FileHardener hardener, boolean fix) {
        this.hardener = hardener;
        this.fix = fix;
    }

    public FileHardener hardener() {
        return hardener;
    }

    /** The files to read under paths on disk, the paths that cannot be read, and what a search passed by. */
    public static Targets.Found find(List<Path> paths) {
        return Targets.expand(paths);
    }

    /**
     * Hardens one file.
     *
     * @param path where it lies: for exemptions by path and the files beside it
     * @param name how reports name it
     * @param bytes its content
     */
    public Hardened harden(Path path, String name, byte[] bytes) {
        FileReport report = hardener.process(path, name, bytes, fix);
        List<String> warnings = new ArrayList<>(report.checked() ? unknownIgnores(report.original()) : List.of());
        // a kustomization broken as YAML, or a template, already says so as the file's own problem
        if (report.outcome() != FileReport.Outcome.FAILED
                && (report.problem() == null || report.problem().kind() != Problem.Kind.TEMPLATE)) {
            Kustomize.unreadable(path, bytes).ifPresent(warnings::add);
        }
        return new Hardened(path, report, warnings);
    }

    /**
     * Reads a file within the hardener's size limit ({@code --max-file-size}) and hardens it; a file
     * that cannot be read, or is too large, is reported as unreadable with the reason.
     *
     * @param path where it lies: for exemptions by path and the files beside it
     * @param from where to read its bytes (the path itself, or where a link to it leads)
     * @param name how reports name it
     */
    public Hardened read(Path path, Path from, String name) {
        try {
            return harden(path, name, FileRead.read(from, hardener.limits().maxBytes()));
        } catch (FileRead.Refused e) {
            return unreadable(path, name, e.getMessage() + (e.tooLarge() ? " (raise it with --max-file-size)" : ""));
        } catch (IOException e) {
            return unreadable(path, name, "cannot read (" + e.getClass().getSimpleName() + ")");
        } catch (OutOfMemoryError e) {
            return unreadable(path, name, "too large to process in this much memory");
        }
    }

    /** A file whose bytes could not be read, and why. */
    public Hardened unreadable(Path path, String name, String reason) {
        return new Hardened(path, FileReport.failed(name, FileReport.Kind.UNKNOWN, null,
                Problem.atStart(Problem.Kind.UNREADABLE, reason)), List.of());
    }

    /** Inline ignores that name no rule harden knows: a typo there would silently ignore nothing. */
    private static List<String> unknownIgnores(byte[] bytes) {
        String text = new String(bytes, StandardCharsets.UTF_8);
        if (!text.contains("harden:ignore") && !text.contains(RuleRunner.IGNORE_ANNOTATION)) {
            return List.of();
        }
        return RuleCatalog.builtIn().unknownIgnores(text);
    }
}
