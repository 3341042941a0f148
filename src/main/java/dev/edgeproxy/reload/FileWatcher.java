package dev.edgeproxy.reload;

import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Watches files for changes on one daemon thread and calls back when their content changed.
 *
 * <p>It watches the files' directories, not the files: editors replace files by renaming, and
 * Kubernetes updates a mounted ConfigMap by swapping a {@code ..data} symlink in the directory, which
 * changes every file behind it at once without touching the files' own entries. Any event in a watched
 * directory leads, after a short quiet period, to a fingerprint of the watched files' content; the
 * callback runs only when that fingerprint differs from the last one.
 */
public final class FileWatcher implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(FileWatcher.class);
    static final long QUIET_MILLIS = 300;

    private final WatchService service;
    private final Thread thread;
    private volatile List<Path> files;
    private volatile String fingerprint;

    /**
     * @param onChange runs on the watcher thread (so it may block) with the content fingerprint
     */
    public FileWatcher(List<Path> files, Runnable onChange) throws IOException {
        this.service = FileSystems.getDefault().newWatchService();
        this.files = List.copyOf(files);
        this.fingerprint = fingerprint(files);
        register(files);
        this.thread = new Thread(() -> loop(onChange), "config-watcher");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** Replaces the set of watched files (a reload may name other JWKS files). */
    public synchronized void watch(List<Path> newFiles) throws IOException {
        register(newFiles);
        this.files = List.copyOf(newFiles);
    }

    private void register(List<Path> paths) throws IOException {
        Set<Path> dirs = paths.stream().map(p -> p.toAbsolutePath().getParent()).collect(Collectors.toSet());
        for (Path dir : dirs) {
            if (dir != null && Files.isDirectory(dir)) {
                dir.register(service, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
                        StandardWatchEventKinds.ENTRY_DELETE);
            }
        }
    }

    private void loop(Runnable onChange) {
        try {
            while (true) {
                WatchKey key = service.take();
                drain(key);
                // Let a burst of events (write, rename, symlink swap) settle before reading anything.
                WatchKey more;
                while ((more = service.poll(QUIET_MILLIS, TimeUnit.MILLISECONDS)) != null) {
                    drain(more);
                }
                String now = fingerprint(files);
                if (!now.equals(fingerprint)) {
                    fingerprint = now;
                    try {
                        onChange.run();
                    } catch (RuntimeException e) {
                        LOG.errorf(e, "reload after a file change failed");
                    }
                }
            }
        } catch (InterruptedException | ClosedWatchServiceException e) {
            // closed: the application is stopping
        }
    }

    private static void drain(WatchKey key) {
        key.pollEvents();
        key.reset();
    }

    /** SHA-256 over every file's path and content; a missing file counts as its own state. */
    static String fingerprint(List<Path> files) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (Path file : files) {
                sha.update(file.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
                try {
                    sha.update(Files.readAllBytes(file));
                } catch (IOException missing) {
                    sha.update((byte) 0);
                }
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        try {
            service.close();
        } catch (IOException e) {
            // nothing left to release
        }
        thread.interrupt();
    }
}
