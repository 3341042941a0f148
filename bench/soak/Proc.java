import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** What Linux says about the proxy's process: resident memory, open file descriptors, CPU time. */
final class Proc {

    private final long pid;

    Proc(long pid) {
        this.pid = pid;
    }

    /** VmRSS in KiB, from /proc/PID/status. */
    long rssKib() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IOException("no VmRSS for process " + pid);
    }

    /** Entries of /proc/PID/fd, as {@code ls /proc/PID/fd | wc -l} counts them. */
    long fds() throws IOException {
        try (var s = Files.list(Path.of("/proc/" + pid + "/fd"))) {
            return s.count();
        }
    }

    /** utime + stime in clock ticks (fields 14 and 15 of /proc/PID/stat, counted after the command name). */
    long cpuTicks() throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    boolean alive() {
        return Files.exists(Path.of("/proc/" + pid));
    }
}
