package dev.edgeproxy.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The packaged application as a real process: the jar ({@code target/quarkus-app/quarkus-run.jar}), or
 * under {@code -Dnative} the native binary ({@code native.image.path}). Output is collected so tests can
 * wait for log lines and read messages.
 */
public final class PackagedApp implements AutoCloseable {

    public static final Path JAR = Path.of("target", "quarkus-app", "quarkus-run.jar");
    public static final boolean NATIVE = Boolean.getBoolean("quarkus.native.enabled");
    public static final Path APP = NATIVE ? Path.of(System.getProperty("native.image.path", "")) : JAR;

    private final Process process;
    private final StringBuffer output = new StringBuffer();
    private final Thread reader;

    private PackagedApp(List<String> command) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().remove("QUARKUS_CONFIG_LOCATIONS");
        process = pb.start();
        reader = new Thread(() -> drain(process.getInputStream()), "app-output");
        reader.setDaemon(true);
        reader.start();
    }

    /** Whether the packaged application exists (tests skip themselves otherwise). */
    public static boolean exists() {
        return Files.isRegularFile(APP);
    }

    /**
     * Starts the application with {@code -D} system properties and program arguments.
     *
     * @param properties {@code name=value} pairs
     */
    public static PackagedApp start(List<String> properties, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        if (NATIVE) {
            command.add(APP.toAbsolutePath().toString());
            properties.forEach(p -> command.add("-D" + p));
        } else {
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            // These processes live seconds: the C1 compiler alone starts them faster, and the tests look at what
            // the application does, never at how fast its compiled code runs.
            command.add("-XX:TieredStopAtLevel=1");
            properties.forEach(p -> command.add("-D" + p));
            command.addAll(List.of("-jar", JAR.toAbsolutePath().toString()));
        }
        command.addAll(List.of(args));
        return new PackagedApp(command);
    }

    /** A TCP port free right now on the loopback interface. */
    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** Waits until the output contains {@code text}; false if the process ended or time ran out first. */
    public boolean awaitOutput(String text, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (output.indexOf(text) >= 0) {
                return true;
            }
            if (!process.isAlive()) {
                reader.join(2_000);
                return output.indexOf(text) >= 0;
            }
            Thread.sleep(50);
        }
        return false;
    }

    /** Waits for the process to end; {@code null} if it is still running after {@code timeout}. */
    public Integer awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            return null;
        }
        reader.join(5_000);
        return process.exitValue();
    }

    /**
     * Sends SIGTERM and waits for the process to end and its output to be read to the end: unlike
     * {@link Process#destroy()}, which closes the pipe at once, this keeps what the process writes while stopping.
     *
     * @return the exit code, {@code null} if the process is still running after {@code timeout}
     */
    public Integer terminate(Duration timeout) throws InterruptedException {
        process.toHandle().destroy();
        return awaitExit(timeout);
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public String output() {
        return output.toString();
    }

    private void drain(InputStream in) {
        char[] buffer = new char[8192];
        try (Reader r = new InputStreamReader(in, StandardCharsets.UTF_8)) {
            int n;
            while ((n = r.read(buffer)) >= 0) {
                output.append(buffer, 0, n);
            }
        } catch (IOException ignored) {
            // the process went away
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }
}
