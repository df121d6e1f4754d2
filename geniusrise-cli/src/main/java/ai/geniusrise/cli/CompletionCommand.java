package ai.geniusrise.cli;

import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** {@code geniusrise completion}: a bash/zsh completion script, made by picocli's AutoComplete. */
@Command(name = "completion", mixinStandardHelpOptions = true,
        description = {"Prints a bash/zsh completion script for geniusrise.",
                "Load it in the current shell, or install it for every shell."},
        footer = {"", "Examples:", "  source <(geniusrise completion)",
                "  geniusrise completion > /etc/bash_completion.d/geniusrise"})
final class CompletionCommand implements Callable<Integer> {

    @Spec
    CommandSpec command;

    @Override
    public Integer call() {
        String script = AutoComplete.bash("geniusrise", command.parent().commandLine());
        command.commandLine().getOut().print(script);
        command.commandLine().getOut().flush();
        return 0;
    }
}
