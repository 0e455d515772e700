package dev.harden.git;

import java.io.IOException;

/**
 * Which regular files of a fetched tree are written out for harden to read; the others stay in the
 * object database. Symbolic links and submodules are never offered.
 */
@FunctionalInterface
public interface Wanted {
    /** Every regular file: for a run that starts services, whose build contexts and mounted files it cannot foresee. */
    Wanted EVERY_FILE = file -> true;

    boolean wants(TreeFile file) throws IOException;
}
