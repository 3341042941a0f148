package dev.edgeproxy.reload;

import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;

/**
 * Watches files for changes on one daemon thread and calls back when their content changed.
 *
 * <p>It reads the files again every {@link #POLL}: a fingerprint of their content, and the callback runs only
 * when that fingerprint differs from the one last acted on and has then held for {@link #QUIET} (a file being
 * written is not read half-way). Reading the content, not watching the directories, is what makes this cheap
 * and reliable on an edge node: a directory watch wakes up for every write to any file beside the watched ones
 * (a log file in the same directory woke it on every request, and a steady stream of such events kept a real
 * change from ever being acted on), whereas a few small files read once a second cost nothing measurable. It
 * sees editors that replace files by renaming and Kubernetes' ConfigMap updates (a {@code ..data} symlink
 * swapped behind the files) alike, because it reads through the links.
 */
public final class FileWatcher implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(FileWatcher.class);
    static final Duration POLL = Duration.ofSeconds(1);
    static final Duration QUIET = Duration.ofMillis(300);

    private final Thread thread;
    private final Duration poll;
    private final Duration quiet;
    private volatile List<Path> files;
    private volatile String fingerprint;

    /**
     * @param onChange runs on the watcher thread (so it may block) after the files' content changed
     */
    public FileWatcher(List<Path> files, Runnable onChange) {
        this(files, onChange, POLL, QUIET);
    }

    FileWatcher(List<Path> files, Runnable onChange, Duration poll, Duration quiet) {
        this.files = List.copyOf(files);
        this.fingerprint = fingerprint(this.files);
        this.poll = poll;
        this.quiet = quiet;
        this.thread = new Thread(() -> loop(onChange), "config-watcher");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /**
     * Replaces the set of watched files (a reload may name other JWKS files), taking their content as it is
     * now as the state already acted on.
     */
    public synchronized void watch(List<Path> newFiles) {
        List<Path> copy = List.copyOf(newFiles);
        this.fingerprint = fingerprint(copy);
        this.files = copy;
    }

    private void loop(Runnable onChange) {
        try {
            while (true) {
                Thread.sleep(poll.toMillis());
                String seen = fingerprint(files);
                if (seen.equals(fingerprint)) {
                    continue;
                }
                // Let a burst of writes (an editor's save, a rename, a symlink swap) settle before acting on it.
                String settled;
                while (!(settled = settle()).equals(seen)) {
                    seen = settled;
                }
                synchronized (this) {
                    if (settled.equals(fingerprint)) {
                        continue;   // changed back, or watch() took this state in meanwhile
                    }
                    fingerprint = settled;
                }
                try {
                    onChange.run();
                } catch (RuntimeException e) {
                    LOG.errorf(e, "reload after a file change failed");
                }
            }
        } catch (InterruptedException e) {
            // closed: the application is stopping
        }
    }

    private String settle() throws InterruptedException {
        Thread.sleep(quiet.toMillis());
        return fingerprint(files);
    }

    /** SHA-256 over every file's path and content; a missing or unreadable file counts as its own state. */
    static String fingerprint(List<Path> files) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (Path file : files) {
                sha.update(file.toString().getBytes(StandardCharsets.UTF_8));
                byte[] content;
                try {
                    content = Files.readAllBytes(file);
                } catch (IOException missing) {
                    content = null;
                }
                sha.update(content == null ? (byte) 0 : (byte) 1);
                if (content != null) {
                    sha.update(content);
                }
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        thread.interrupt();
    }
}
