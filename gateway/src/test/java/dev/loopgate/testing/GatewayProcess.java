package dev.loopgate.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The shaded jar run as its own process, the way a user runs it, with its output captured. */
public final class GatewayProcess implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("loopgate listening on http://[^:]+:(\\d+)");

    private final Process process;
    private final StringBuffer stdout = new StringBuffer();
    private final StringBuffer stderr = new StringBuffer();

    private GatewayProcess(Process process) {
        this.process = process;
        pump(process.getInputStream(), stdout);
        pump(process.getErrorStream(), stderr);
    }

    public static Path jar() {
        String jar = System.getProperty("loopgate.jar");
        if (jar == null) {
            throw new IllegalStateException("run through failsafe (mvn verify), which sets -Dloopgate.jar");
        }
        return Paths.get(jar);
    }

    /** Starts {@code java [jvmArgs] -jar loopgate.jar [args]}. */
    public static GatewayProcess start(List<String> jvmArgs, String... args) throws IOException {
        return startAs(List.of(), jvmArgs, args);
    }

    /** As {@link #start}, behind a command prefix such as {@code setpriv --reuid=nobody ...}. */
    public static GatewayProcess startAs(List<String> prefix, List<String> jvmArgs, String... args) throws IOException {
        return startWith(java.util.Map.of(), prefix, jvmArgs, args);
    }

    /** As {@link #startAs}, with extra environment variables. */
    public static GatewayProcess startWith(
            java.util.Map<String, String> env, List<String> prefix, List<String> jvmArgs, String... args)
            throws IOException {
        List<String> cmd = new ArrayList<>(prefix);
        cmd.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Dio.netty.leakDetection.level=paranoid");
        cmd.addAll(jvmArgs);
        cmd.add("-jar");
        cmd.add(jar().toString());
        cmd.addAll(List.of(args));
        return run(cmd, env);
    }

    /** The command with the caller's environment minus what would point the gateway elsewhere, plus {@code env}. */
    private static GatewayProcess run(List<String> cmd, java.util.Map<String, String> env) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().remove("LOOPGATE_CONFIG");
        pb.environment().remove("LOOPGATE_LISTEN");
        pb.environment().putAll(env);
        return new GatewayProcess(pb.start());
    }

    /**
     * Starts the checkout's launcher, {@code ./loopgate [args]}, as a user types it; {@code javaOpts} go to
     * {@code LOOPGATE_JAVA_OPTS} after the leak detector's setting.
     */
    public static GatewayProcess launch(String javaOpts, String... args) throws IOException {
        Path repo = jar().toAbsolutePath().getParent().getParent().getParent();
        List<String> cmd = new ArrayList<>(List.of(repo.resolve("loopgate").toString()));
        cmd.addAll(List.of(args));
        return run(
                cmd,
                java.util.Map.of("LOOPGATE_JAVA_OPTS", ("-Dio.netty.leakDetection.level=paranoid " + javaOpts).trim()));
    }

    /** The JVM's own arguments (the launcher replaces itself with java, so this is that JVM). */
    public List<String> jvmArguments() {
        return List.of(process.info().arguments().orElseThrow());
    }

    private static void pump(InputStream in, StringBuffer into) {
        Thread t = new Thread(
                () -> {
                    try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                        String line;
                        while ((line = r.readLine()) != null) {
                            into.append(line).append('\n');
                        }
                    } catch (IOException e) {
                        into.append("[output closed: ").append(e.getMessage()).append("]\n");
                    }
                },
                "gateway-output");
        t.setDaemon(true);
        t.start();
    }

    /** Waits for the startup banner and returns the port it names. */
    public int awaitPort(Duration deadline) {
        int[] port = {-1};
        Wait.until("the gateway to print where it listens; output so far:\n" + stdout + stderr, deadline, () -> {
            Matcher m = LISTENING.matcher(stdout);
            if (m.find()) {
                port[0] = Integer.parseInt(m.group(1));
                return true;
            }
            if (!process.isAlive()) {
                throw new AssertionError("the gateway exited with " + process.exitValue() + ":\n" + stdout + stderr);
            }
            return false;
        });
        return port[0];
    }

    public int awaitExit(Duration deadline) throws InterruptedException {
        if (!process.waitFor(deadline.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the gateway did not exit within " + deadline + "; output:\n" + stdout + stderr);
        }
        return process.exitValue();
    }

    /** SIGTERM, as {@code kill} or Docker would send it. */
    public void terminate() {
        process.destroy();
    }

    /** SIGKILL: the gateway gets no chance to clean up, as after a crash. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public String stdout() {
        return stdout.toString();
    }

    public String stderr() {
        return stderr.toString();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
        if ((stdout.toString() + stderr).contains("LEAK:")) {
            throw new AssertionError("the gateway process reported a buffer leak:\n" + stdout + stderr);
        }
    }
}
