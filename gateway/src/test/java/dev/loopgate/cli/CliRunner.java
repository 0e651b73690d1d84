package dev.loopgate.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;

/** Runs the loopgate CLI in-process against a state directory, capturing what it prints. */
public final class CliRunner {
    private CliRunner() {}

    /** Exit code, and stdout and stderr together. */
    public record Result(int code, String out) {}

    public static Result run(Path stateDir, String... args) {
        StringWriter out = new StringWriter();
        String[] all = new String[args.length + 2];
        all[0] = args[0];
        all[1] = "--state-dir";
        all[2] = stateDir.toString();
        System.arraycopy(args, 1, all, 3, args.length - 1);
        int code = LoopgateCommand.commandLine()
                .setOut(new PrintWriter(out))
                .setErr(new PrintWriter(out))
                .execute(all);
        return new Result(code, out.toString());
    }
}
