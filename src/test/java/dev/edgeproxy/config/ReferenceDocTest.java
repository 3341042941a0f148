package dev.edgeproxy.config;

import io.smallrye.config.WithDefault;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BiConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Keeps {@code docs/reference.md} and the code in step: every configuration property, found by walking the
 * {@link GatewayConfig} interface tree, must have a row in the tables of the reference's "Configuration"
 * section (its full dotted path in backticks in the first cell), every such row must name a real property,
 * and its type and default cells must say what the mapping says. The {@code edge-proxy.*} settings that the
 * code reads outside the mapping need a row there too, with the type and the default the code falls back to.
 */
class ReferenceDocTest {

    private static final Path REFERENCE = Path.of("docs/reference.md");
    private static final Path MAIN_SOURCES = Path.of("src/main/java");
    /** A table row whose first cell is one property path in backticks: | `path` | type | default | meaning |. */
    private static final Pattern ROW = Pattern.compile("^\\|\\s*`((?:gateway|edge-proxy)\\.[^`]+)`\\s*\\|");
    /** An {@code edge-proxy.*} key inside a string literal of the main sources. */
    private static final Pattern EDGE_PROXY_KEY = Pattern.compile("\"[^\"\\n]*?(?<![\\w.-])(edge-proxy(?:\\.[a-z][a-z0-9-]*)+)");
    /** A code span at the start of a default cell: the value the cell states. */
    private static final Pattern CODE = Pattern.compile("`([^`]*)`");
    /** What a type cell may say of a String member: the form its value is checked against. */
    private static final Set<String> STRING_TYPES = new TreeSet<>(Set.of("string", "duration", "size", "regex",
            "header name", "path", "action", "CEL (bool)"));

    @Test
    void everyPropertyIsDocumented() throws IOException {
        Set<String> documented = documentedProperties();
        List<String> missing = properties().stream().filter(p -> !documented.contains(p)).toList();
        assertEquals(List.of(), missing, "configuration properties of GatewayConfig without a row in the "
                + "\"Configuration\" tables of " + REFERENCE + " (add a row: | `<path>` | type | default | meaning |)");
    }

    @Test
    void everyDocumentedPropertyExists() throws IOException {
        Set<String> properties = properties();
        List<String> unknown = documentedProperties().stream().filter(p -> !properties.contains(p)).toList();
        assertEquals(List.of(), unknown, "rows of the \"Configuration\" tables of " + REFERENCE
                + " that name no property of GatewayConfig");
    }

    @Test
    void walkFindsNestedProperties() {
        Set<String> properties = properties();
        // Sanity of the walk itself: nested groups, Optional<List<...>> and maps are all reached.
        assertTrue(properties.contains("gateway.routes[].policies.jwtAuth.location.queryParameter.name"), properties::toString);
        assertTrue(properties.contains("gateway.routes[].policies.jwtAuth.providers[].jwks.timeout"), properties::toString);
        assertTrue(properties.contains("gateway.routes[].policies.transformations.request.set"), properties::toString);
        assertTrue(properties.contains("gateway.limits.jwksMaxBytes"), properties::toString);
    }

    /**
     * The type cell names the member's kind (boolean, integer, list, map, object, or for a String the form it is
     * checked as), and a member with {@code @WithDefault} states that value first in its default cell. A member
     * without one (an Optional) has no default in the mapping: what the row says is the compiler's, not checked here.
     */
    @Test
    void typesAndDefaultsMatchTheMapping() throws IOException {
        Map<String, Row> rows = rows();
        List<String> wrong = new ArrayList<>();
        members().forEach((path, member) -> {
            Row row = rows.get(path);
            if (row != null) {
                member.mismatch(row).ifPresent(why -> wrong.add(REFERENCE + ":" + row.line + ": `" + path + "`: " + why));
            }
        });
        assertEquals(List.of(), wrong, "rows of the \"Configuration\" tables whose type or default is not what "
                + "GatewayConfig says (file:line: property: why)");
    }

    @Test
    void everyEdgeProxySettingIsDocumented() throws IOException {
        Map<String, Row> rows = rows();
        Map<String, Optional<Setting>> settings = edgeProxySettings();
        List<String> wrong = new ArrayList<>();
        settings.forEach((key, setting) -> {
            Row row = rows.get(key);
            if (row == null) {
                wrong.add(key + ": no row in the \"Configuration\" tables (add | `" + key + "` | type | default | meaning |)");
            } else if (setting.isEmpty()) {
                wrong.add(key + ": not read as getOptionalValue(CONSTANT, Type.class).orElse(default) in the file that "
                        + "declares it, so its type and default cannot be checked");
            } else {
                if (!row.type.equals(setting.get().type)) {
                    wrong.add(REFERENCE + ":" + row.line + ": `" + key + "`: type '" + row.type + "', read as "
                            + setting.get().type);
                }
                if (!row.defaultValue().equals(Optional.of(setting.get().fallback))) {
                    wrong.add(REFERENCE + ":" + row.line + ": `" + key + "`: default '" + row.defaultCell
                            + "', the code falls back to `" + setting.get().fallback + "`");
                }
            }
        });
        assertEquals(List.of(), wrong, "edge-proxy.* settings read by the code, against their rows in " + REFERENCE);
        // Sanity of the scan itself.
        assertTrue(settings.containsKey("edge-proxy.tracing.client-sampling"), settings::toString);
        assertTrue(settings.containsKey("edge-proxy.crypto.provider"), settings::toString);
    }

    /** Property paths in the first cell of the {@code gateway.*} table rows of the "## Configuration" section. */
    private static Set<String> documentedProperties() throws IOException {
        Set<String> out = new LinkedHashSet<>(rows().keySet());
        out.removeIf(p -> !p.startsWith("gateway."));
        return out;
    }

    /** A row of the "Configuration" tables: its line in the file, its type cell and its default cell. */
    record Row(int line, String type, String defaultCell) {
        /** The value the default cell starts with, in backticks; empty for "none", "required" and the like. */
        Optional<String> defaultValue() {
            Matcher m = CODE.matcher(defaultCell);
            return m.lookingAt() ? Optional.of(m.group(1)) : Optional.empty();
        }
    }

    /** The rows of the "## Configuration" section, by the path in their first cell. */
    private static Map<String, Row> rows() throws IOException {
        Map<String, Row> out = new LinkedHashMap<>();
        boolean inSection = false;
        List<String> lines = Files.readAllLines(REFERENCE);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.startsWith("## ")) {
                inSection = line.strip().equals("## Configuration");
                continue;
            }
            Matcher m = ROW.matcher(line);
            if (inSection && m.find()) {
                String[] cells = line.substring(m.end()).split("\\|", -1);
                out.put(m.group(1), new Row(i + 1, cells[0].strip(), cells.length > 1 ? cells[1].strip() : ""));
            }
        }
        return out;
    }

    /** What the mapping says of one member: its declared type and its {@code @WithDefault}, if any. */
    record Member(Type type, Optional<String> withDefault) {

        /** @return why the row does not say what the mapping says; empty when it does */
        Optional<String> mismatch(Row row) {
            Class<?> raw = raw(unwrapOptional(type));
            String expected;
            boolean typeOk;
            if (raw == boolean.class || raw == Boolean.class) {
                expected = "boolean";
                typeOk = row.type.equals(expected);
            } else if (raw == int.class || raw == Integer.class || raw == long.class || raw == Long.class) {
                expected = "integer";
                typeOk = row.type.equals(expected);
            } else if (raw == String.class) {
                expected = "one of " + STRING_TYPES;
                typeOk = STRING_TYPES.contains(row.type);
            } else if (List.class.isAssignableFrom(raw)) {
                expected = "list ...";
                typeOk = row.type.startsWith("list");
            } else if (Map.class.isAssignableFrom(raw)) {
                expected = "map ...";
                typeOk = row.type.startsWith("map");
            } else {
                expected = "object";
                typeOk = row.type.equals(expected);
            }
            if (!typeOk) {
                return Optional.of("type '" + row.type + "', expected " + expected);
            }
            if (withDefault.isEmpty()) {
                return Optional.empty();
            }
            if (!row.defaultValue().equals(withDefault)) {
                return Optional.of("default '" + row.defaultCell + "', expected `" + withDefault.get()
                        + "` first (@WithDefault)");
            }
            try {
                // A default the proxy itself would refuse is a bug in the mapping, not in the row.
                if (row.type.equals("duration")) {
                    Durations.parse(withDefault.get());
                } else if (row.type.equals("size")) {
                    Sizes.parse(withDefault.get());
                }
            } catch (RuntimeException e) {
                return Optional.of("@WithDefault `" + withDefault.get() + "` is not a " + row.type + ": " + e.getMessage());
            }
            return Optional.empty();
        }
    }

    /** Every member of the configuration tree, by the path {@link #properties()} gives it. */
    static Map<String, Member> members() {
        Map<String, Member> out = new LinkedHashMap<>();
        walk("gateway", GatewayConfig.class, (path, m) -> out.put(path, new Member(m.getGenericReturnType(),
                Optional.ofNullable(m.getAnnotation(WithDefault.class)).map(WithDefault::value))));
        return out;
    }

    /** How an {@code edge-proxy.*} setting is read: its type and what the code falls back to when it is unset. */
    record Setting(String type, String fallback) {
    }

    /**
     * Every {@code edge-proxy.*} key named in a string literal of the main sources, with how it is read, known when
     * the file declaring {@code static final String NAME = "key";} reads it as
     * {@code getOptionalValue(NAME, T.class).orElse(fallback)}.
     */
    static Map<String, Optional<Setting>> edgeProxySettings() throws IOException {
        List<Path> sources;
        try (Stream<Path> files = Files.walk(MAIN_SOURCES)) {
            sources = files.filter(f -> f.toString().endsWith(".java")).sorted().toList();
        }
        Map<String, Optional<Setting>> out = new TreeMap<>();
        for (Path file : sources) {
            String text = Files.readString(file);
            Matcher key = EDGE_PROXY_KEY.matcher(text);
            while (key.find()) {
                out.merge(key.group(1), readIn(text, key.group(1)), (a, b) -> a.isPresent() ? a : b);
            }
        }
        return out;
    }

    private static Optional<Setting> readIn(String source, String key) {
        Matcher constant = Pattern.compile("static final String (\\w+) = \"" + Pattern.quote(key) + "\";").matcher(source);
        if (!constant.find()) {
            return Optional.empty();
        }
        Matcher read = Pattern.compile("getOptionalValue\\(" + constant.group(1)
                + ",\\s*(\\w+)\\.class\\)\\s*\\.orElse\\(\"?([^\")]*)\"?\\)").matcher(source);
        if (!read.find()) {
            return Optional.empty();
        }
        String type = switch (read.group(1)) {
            case "Boolean" -> "boolean";
            case "Integer", "Long" -> "integer";
            case "String" -> "string";
            default -> read.group(1);
        };
        return Optional.of(new Setting(type, read.group(2)));
    }

    /** Every member of the configuration tree, as a dotted YAML path; lists of groups end in {@code []}. */
    static Set<String> properties() {
        Set<String> out = new LinkedHashSet<>();
        walk("gateway", GatewayConfig.class, (path, member) -> out.add(path));
        return out;
    }

    /** Calls {@code visit} with every member's path and accessor, a group before its members. */
    private static void walk(String prefix, Class<?> group, BiConsumer<String, Method> visit) {
        List<Method> members = new ArrayList<>(Arrays.stream(group.getMethods())
                .filter(m -> m.getParameterCount() == 0 && !Modifier.isStatic(m.getModifiers()) && !m.isDefault())
                .filter(m -> m.getDeclaringClass() != Object.class)
                .toList());
        members.sort(Comparator.comparing(Method::getName));
        for (Method m : members) {
            String path = prefix + "." + m.getName();
            Type type = unwrapOptional(m.getGenericReturnType());
            Class<?> raw = raw(type);
            if (List.class.isAssignableFrom(raw)) {
                Class<?> element = raw(((ParameterizedType) type).getActualTypeArguments()[0]);
                if (isGroup(element)) {
                    visit.accept(path + "[]", m);
                    walk(path + "[]", element, visit);
                } else {
                    visit.accept(path, m);
                }
            } else if (Map.class.isAssignableFrom(raw)) {
                visit.accept(path, m);
            } else if (isGroup(raw)) {
                visit.accept(path, m);
                walk(path, raw, visit);
            } else {
                visit.accept(path, m);
            }
        }
    }

    private static boolean isGroup(Class<?> type) {
        return type.isInterface() && type.getName().startsWith(GatewayConfig.class.getName());
    }

    private static Type unwrapOptional(Type type) {
        if (type instanceof ParameterizedType p && p.getRawType() == Optional.class) {
            return p.getActualTypeArguments()[0];
        }
        return type;
    }

    private static Class<?> raw(Type type) {
        if (type instanceof Class<?> c) {
            return c;
        }
        if (type instanceof ParameterizedType p) {
            return (Class<?>) p.getRawType();
        }
        throw new IllegalArgumentException("unexpected type in GatewayConfig: " + type);
    }
}
