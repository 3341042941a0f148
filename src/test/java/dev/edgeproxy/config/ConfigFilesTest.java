package dev.edgeproxy.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ConfigFilesTest {

    @TempDir
    Path tmp;

    @Test
    void filesDirectoriesAndNonFileLocations() throws Exception {
        Path file = Files.writeString(tmp.resolve("gateway.yaml"), "gateway: {}");
        Path dir = Files.createDirectory(tmp.resolve("conf.d"));
        Path a = Files.writeString(dir.resolve("a.yml"), "");
        Path b = Files.writeString(dir.resolve("b.properties"), "");
        Files.writeString(dir.resolve("notes.txt"), "");
        Files.writeString(dir.resolve(".hidden.yaml"), "");

        List<Path> files = ConfigFiles.of(" " + file + ", classpath:x.yaml,https://example.org/c.yaml, file:" + dir);

        assertEquals(List.of(file, a, b), files);
    }

    @Test
    void noLocationsMeansNoFiles() {
        assertEquals(List.of(), ConfigFiles.of(null));
        assertEquals(List.of(), ConfigFiles.of("  "));
    }
}
