package dev.loopgate;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Finds a program on {@code PATH}, as a shell would, without starting one. */
public final class Executables {
    private Executables() {}

    public static Optional<Path> find(String program) {
        return find(program, System.getenv().getOrDefault("PATH", ""));
    }

    public static Optional<Path> find(String program, String path) {
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
                return Optional.of(Path.of(dir, program));
            }
        }
        return Optional.empty();
    }
}
