package dev.harden.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine;

/** {@code harden completion SHELL}: prints a completion script made from the command model. */
final class CompletionCommand implements Callable<Integer> {
    static final Option<String> SHELL = Option.positional("SHELL", "bash, zsh or fish.");

    final CommandModel model = CommandModel.of(this, "completion",
                    "Print a shell completion script for harden: bash, zsh or fish.",
                    "bash:  source <(harden completion bash)        (or save it in /etc/bash_completion.d/harden)",
                    "zsh:   source <(harden completion zsh)         (the bash script, through zsh's bashcompinit)",
                    "fish:  harden completion fish > ~/.config/fish/completions/harden.fish")
            .with(SHELL);

    @Override
    public Integer call() {
        String shell = model.get(SHELL);
        PrintWriter out = model.out();
        out.print(script(shell == null ? "" : shell));
        out.flush();
        return HardenCommand.CLEAN;
    }

    /** The script for one shell, from the model of every command. */
    static String script(String shell) {
        CommandLine full = HardenCommand.commandLine();
        return switch (shell) {
            case "bash", "zsh" -> AutoComplete.bash("harden", full);
            case "fish" -> Manuals.fish(full);
            default -> throw new UserException("completion is made for bash, zsh or fish, not '" + shell + "'");
        };
    }
}
