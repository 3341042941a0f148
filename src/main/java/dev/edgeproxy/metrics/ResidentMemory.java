package dev.edgeproxy.metrics;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The process's resident memory (Linux {@code VmRSS}), read when scraped. One figure for both builds: the JVM's
 * own meters ({@code jvm_memory_*}) describe its heaps and pools, not what the node gives the process, and in
 * the native binary they cover only part of it.
 */
final class ResidentMemory {

    private static final Path STATUS = Path.of("/proc/self/status");

    private ResidentMemory() {
    }

    /** Bytes resident now; NaN where {@code /proc} is not there (not Linux). */
    static double bytes() {
        try {
            for (String line : Files.readAllLines(STATUS)) {
                if (line.startsWith("VmRSS:")) {
                    // "VmRSS:     76544 kB"
                    String kilobytes = line.substring("VmRSS:".length()).replace("kB", "").strip();
                    return Long.parseLong(kilobytes) * 1024.0;
                }
            }
        } catch (IOException | NumberFormatException | SecurityException e) {
            // not Linux, or /proc not readable: no figure rather than a wrong one
        }
        return Double.NaN;
    }
}
