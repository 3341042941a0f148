package dev.edgeproxy.config;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Keeps the relative links between the project's markdown files alive: for every {@code [text](path#anchor)}
 * (and reference definition {@code [label]: path#anchor}) in a {@code *.md} file of the checkout, outside code,
 * the path must exist and, when it is a markdown file and an anchor is given, that file must have a heading
 * whose GitHub slug is the anchor, or an explicit {@code <a id=...>} / {@code <a name=...>}. Links with a
 * scheme (https, mailto...) are not followed: this test never touches the network.
 */
class LinkCheckTest {

    private static final Path ROOT = Path.of("");

    /** {@code [text](dest "title")}; the text may hold one level of brackets and span lines. */
    private static final Pattern INLINE = Pattern.compile(
            "\\[(?:[^\\[\\]]|\\[[^\\[\\]]*\\])*\\]\\(\\s*<?([^)\\s>]*)>?(?:\\s+(?:\"[^\"]*\"|'[^']*'))?\\s*\\)");
    /** {@code [label]: dest}, alone on its line. */
    private static final Pattern DEFINITION = Pattern.compile("(?m)^ {0,3}\\[[^\\]]+\\]:\\s*<?(\\S+?)>?(?:\\s+.*)?$");
    private static final Pattern SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*:");
    private static final Pattern HEADING = Pattern.compile("^ {0,3}#{1,6}\\s+(.*?)(?:\\s+#+)?\\s*$");
    private static final Pattern EXPLICIT_ANCHOR = Pattern.compile("<a\\s+[^>]*?\\b(?:id|name)\\s*=\\s*[\"']?([^\"'\\s>]+)");
    private static final Pattern FENCE = Pattern.compile("^ {0,3}(```|~~~)");

    @Test
    void everyRelativeLinkAndAnchorResolves() throws IOException {
        List<String> problems = new ArrayList<>();
        Map<Path, Set<String>> anchors = new HashMap<>();
        for (Path file : markdownFiles()) {
            String original = Files.readString(file, StandardCharsets.UTF_8);
            // Code is blanked out in place, so a match's offsets are those of the original text.
            String text = withoutCode(original);
            for (Pattern pattern : List.of(INLINE, DEFINITION)) {
                Matcher m = pattern.matcher(text);
                while (m.find()) {
                    String problem = check(file, m.group(1), anchors);
                    if (problem != null) {
                        String link = original.substring(m.start(), m.end()).replaceAll("\\s+", " ");
                        problems.add(file + ":" + lineOf(text, m.start()) + ": " + link + ": " + problem);
                    }
                }
            }
        }
        assertEquals(List.of(), problems, "dead relative links in markdown files (file:line: link: why)");
    }

    @Test
    void slugsAreGitHubs() {
        assertEquals("native-binary-accp-and-epoll", slug("Native binary: ACCP and epoll"));
        assertEquals("upstream-tls-and-http2", slug("Upstream TLS and HTTP/2"));
        assertEquals("header-field-check-2026-12-07", slug("Header-field check (2026-12-07)"));
        assertEquals("the-request_target-by-example", slug("The `request_target`, by example"));
        assertEquals("see-tls", slug("See [TLS](#tls)"));
    }

    @Test
    void findsTheProjectsDocs() throws IOException {
        List<Path> files = markdownFiles();
        for (String expected : List.of("README.md", "docs/reference.md", "bench/README.md", "observability/README.md")) {
            assertTrue(files.contains(Path.of(expected)), expected + " among " + files);
        }
        assertTrue(files.stream().noneMatch(f -> f.startsWith("target")), files::toString);
    }

    /** @return why the link is dead, or {@code null} when it resolves (or is not ours to check) */
    private static String check(Path from, String destination, Map<Path, Set<String>> anchors) {
        if (destination.isEmpty() || SCHEME.matcher(destination).find()) {
            return destination.isEmpty() ? "empty destination" : null;
        }
        int hash = destination.indexOf('#');
        String path = percentDecoded(hash < 0 ? destination : destination.substring(0, hash));
        String anchor = hash < 0 ? null : percentDecoded(destination.substring(hash + 1));
        Path target = path.isEmpty() ? from
                : path.startsWith("/") ? ROOT.resolve(path.substring(1)).normalize()
                : parentOf(from).resolve(path).normalize();
        if (!Files.exists(target)) {
            return "no file " + target;
        }
        if (anchor == null || anchor.isEmpty() || !target.toString().endsWith(".md")) {
            return null;
        }
        Set<String> known = anchors.computeIfAbsent(target, LinkCheckTest::anchorsOf);
        return known.contains(anchor) ? null : "no heading or <a id> '" + anchor + "' in " + target;
    }

    /** The anchors GitHub gives a markdown file: heading slugs (repeats get -1, -2...) and explicit ids. */
    static Set<String> anchorsOf(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Set<String> out = new LinkedHashSet<>();
        Map<String, Integer> seen = new HashMap<>();
        boolean inFence = false;
        for (String line : text.split("\n", -1)) {
            if (FENCE.matcher(line).find()) {
                inFence = !inFence;
                continue;
            }
            if (inFence) {
                continue;
            }
            Matcher explicit = EXPLICIT_ANCHOR.matcher(line);
            while (explicit.find()) {
                out.add(explicit.group(1));
            }
            Matcher heading = HEADING.matcher(line);
            if (heading.matches()) {
                String slug = slug(heading.group(1));
                int n = seen.merge(slug, 1, Integer::sum) - 1;
                out.add(n == 0 ? slug : slug + "-" + n);
            }
        }
        return out;
    }

    /**
     * GitHub's heading anchor: the heading's text (a link's text, not its target), lower-cased, every
     * character but letters, marks, digits, {@code _}, {@code -} and spaces removed, spaces turned into {@code -}.
     */
    static String slug(String heading) {
        String text = heading.replaceAll("\\[([^\\]]*)\\]\\([^)]*\\)", "$1").replaceAll("<[^>]+>", "");
        return text.strip().toLowerCase(Locale.ROOT)
                .replaceAll("[^\\p{L}\\p{M}\\p{N}\\p{Pc} -]", "")
                .replace(' ', '-');
    }

    /** The text with fenced code blocks and code spans blanked out, line breaks kept so that offsets give lines. */
    static String withoutCode(String text) {
        StringBuilder out = new StringBuilder(text.length());
        boolean inFence = false;
        for (String line : text.split("\n", -1)) {
            if (FENCE.matcher(line).find()) {
                inFence = !inFence;
                out.append(" ".repeat(line.length()));
            } else if (inFence) {
                out.append(" ".repeat(line.length()));
            } else {
                out.append(line);
            }
            out.append('\n');
        }
        out.setLength(out.length() - 1);
        // A code span opens with a run of n backticks and closes with the next run of exactly n.
        int i = 0;
        while (i < out.length()) {
            if (out.charAt(i) != '`') {
                i++;
                continue;
            }
            int run = runLength(out, i);
            int close = i + run;
            while (close < out.length() && (out.charAt(close) != '`' || runLength(out, close) != run)) {
                close += out.charAt(close) == '`' ? runLength(out, close) : 1;
            }
            if (close >= out.length()) {
                i += run;
                continue;
            }
            for (int j = i; j < close + run; j++) {
                if (out.charAt(j) != '\n') {
                    out.setCharAt(j, ' ');
                }
            }
            i = close + run;
        }
        return out.toString();
    }

    private static int runLength(CharSequence s, int from) {
        int end = from;
        while (end < s.length() && s.charAt(end) == '`') {
            end++;
        }
        return end - from;
    }

    private static int lineOf(String text, int offset) {
        int line = 1;
        for (int i = 0; i < offset; i++) {
            if (text.charAt(i) == '\n') {
                line++;
            }
        }
        return line;
    }

    private static Path parentOf(Path file) {
        Path parent = file.getParent();
        return parent == null ? ROOT : parent;
    }

    private static String percentDecoded(String s) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        return java.net.URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    /** Every {@code *.md} below the project directory but in {@code target/} and hidden directories. */
    static List<Path> markdownFiles() throws IOException {
        List<Path> out = new ArrayList<>();
        Files.walkFileTree(ROOT.toAbsolutePath(), new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                String name = dir.getFileName() == null ? "" : dir.getFileName().toString();
                boolean skip = !dir.equals(ROOT.toAbsolutePath())
                        && (name.startsWith(".") || name.equals("target") || name.equals("node_modules"));
                return skip ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                if (file.getFileName().toString().endsWith(".md")) {
                    out.add(ROOT.toAbsolutePath().relativize(file));
                }
                return FileVisitResult.CONTINUE;
            }
        });
        out.sort(null);
        return out;
    }
}
