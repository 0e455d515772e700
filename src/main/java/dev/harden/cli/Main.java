package dev.harden.cli;

import picocli.CommandLine;

/** Entry point: runs the command line and exits with its code. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.exit(HardenCommand.commandLine().execute(args));
    }
}
