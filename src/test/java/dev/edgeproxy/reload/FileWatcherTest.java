package dev.edgeproxy.reload;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The watcher on real files: what counts as a change, and what must not. */
class FileWatcherTest {

    private static final Duration POLL = Duration.ofMillis(40);
    private static final Duration QUIET = Duration.ofMillis(30);
    /** Long enough for many polls: a callback that should come has come by then. */
    private static final Duration SETTLED = Duration.ofMillis(600);

    @TempDir
    Path dir;

    private final AtomicInteger changes = new AtomicInteger();
    private final List<FileWatcher> watchers = new ArrayList<>();

    @AfterEach
    void close() {
        watchers.forEach(FileWatcher::close);
    }

    private FileWatcher watch(Path... files) {
        return watch(changes::incrementAndGet, files);
    }

    private FileWatcher watch(Runnable onChange, Path... files) {
        FileWatcher watcher = new FileWatcher(List.of(files), onChange, POLL, QUIET);
        watchers.add(watcher);
        return watcher;
    }

    private void awaitChanges(int expected) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (changes.get() < expected && System.nanoTime() < end) {
            Thread.sleep(10);
        }
        Thread.sleep(SETTLED.toMillis());   // and no more than that
        assertEquals(expected, changes.get());
    }

    @Test
    void aChangedFileIsReportedOnce() throws Exception {
        Path routes = Files.writeString(dir.resolve("gateway.yaml"), "routes: 1\n");
        watch(routes);
        Files.writeString(routes, "routes: 2\n");
        awaitChanges(1);
        Files.writeString(routes, "routes: 3\n");
        awaitChanges(2);
    }

    @Test
    void rewritingTheSameContentIsNoChange() throws Exception {
        Path routes = Files.writeString(dir.resolve("gateway.yaml"), "routes: 1\n");
        watch(routes);
        Files.writeString(routes, "routes: 1\n");
        Files.setLastModifiedTime(routes, java.nio.file.attribute.FileTime.fromMillis(0));
        awaitChanges(0);
    }

    @Test
    void aBusyFileBesideTheWatchedOnesNeitherTriggersNorHidesAChange() throws Exception {
        Path routes = Files.writeString(dir.resolve("gateway.yaml"), "routes: 1\n");
        Path log = dir.resolve("access.log");
        watch(routes);
        Thread writer = new Thread(() -> {
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    Files.writeString(log, "a line\n", java.nio.file.StandardOpenOption.CREATE,
                            java.nio.file.StandardOpenOption.APPEND);
                    Thread.sleep(1);
                }
            } catch (IOException | InterruptedException e) {
                // stopped
            }
        });
        writer.start();
        try {
            awaitChanges(0);
            Files.writeString(routes, "routes: 2\n");
            awaitChanges(1);
        } finally {
            writer.interrupt();
            writer.join();
        }
    }

    @Test
    void aFileReplacedByRenameIsAChange() throws Exception {
        Path routes = Files.writeString(dir.resolve("gateway.yaml"), "routes: 1\n");
        watch(routes);
        Path edited = Files.writeString(dir.resolve(".gateway.yaml.swp"), "routes: 2\n");
        Files.move(edited, routes, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        awaitChanges(1);
    }

    @Test
    void aConfigMapSymlinkSwapIsAChange() throws Exception {
        // Kubernetes' layout: gateway.yaml -> ..data/gateway.yaml, ..data -> ..<timestamp> (swapped by rename)
        Path first = Files.createDirectory(dir.resolve("..2026_12_07_01"));
        Files.writeString(first.resolve("gateway.yaml"), "routes: 1\n");
        Path second = Files.createDirectory(dir.resolve("..2026_12_07_02"));
        Files.writeString(second.resolve("gateway.yaml"), "routes: 2\n");
        Files.createSymbolicLink(dir.resolve("..data"), first.getFileName());
        Path routes = Files.createSymbolicLink(dir.resolve("gateway.yaml"), Path.of("..data", "gateway.yaml"));
        watch(routes);
        Path next = Files.createSymbolicLink(dir.resolve("..data_tmp"), second.getFileName());
        Files.move(next, dir.resolve("..data"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        awaitChanges(1);
        assertEquals("routes: 2\n", Files.readString(routes));
    }

    @Test
    void aRemovedFileIsAChangeAndSoIsItsReturn() throws Exception {
        Path jwks = Files.writeString(dir.resolve("jwks.json"), "{\"keys\":[]}");
        watch(jwks);
        Files.delete(jwks);
        awaitChanges(1);
        Files.writeString(jwks, "{\"keys\":[]}");
        awaitChanges(2);
    }

    @Test
    void newFilesTakenAfterAReloadAreNoChangeByThemselves() throws Exception {
        Path routes = Files.writeString(dir.resolve("gateway.yaml"), "routes: 1\n");
        Path jwks = Files.writeString(dir.resolve("jwks.json"), "{\"keys\":[]}");
        FileWatcher watcher = watch(routes);
        watcher.watch(List.of(routes, jwks));
        awaitChanges(0);
        Files.writeString(jwks, "{\"keys\":[1]}");
        awaitChanges(1);
    }

    @Test
    void aCallbackThatFailsLeavesTheWatcherRunning() throws Exception {
        Path routes = Files.writeString(dir.resolve("gateway.yaml"), "routes: 1\n");
        watch(() -> {
            changes.incrementAndGet();
            throw new IllegalStateException("compile failed");
        }, routes);
        Files.writeString(routes, "routes: 2\n");
        awaitChanges(1);
        Files.writeString(routes, "routes: 3\n");
        awaitChanges(2);
    }
}
