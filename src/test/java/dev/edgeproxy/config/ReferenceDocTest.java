package dev.edgeproxy.config;

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
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Keeps {@code docs/reference.md} and {@link GatewayConfig} in step: every configuration property, found by
 * walking the interface tree, must have a row in the tables of the reference's "Configuration" section
 * (its full dotted path in backticks in the first cell), and every such row must name a real property.
 */
class ReferenceDocTest {

    private static final Path REFERENCE = Path.of("docs/reference.md");
    /** A table row whose first cell is one property path in backticks. */
    private static final Pattern ROW = Pattern.compile("^\\|\\s*`(gateway\\.[^`]+)`\\s*\\|");

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

    /** Property paths in the first cell of table rows of the "## Configuration" section. */
    private static Set<String> documentedProperties() throws IOException {
        Set<String> out = new LinkedHashSet<>();
        boolean inSection = false;
        for (String line : Files.readAllLines(REFERENCE)) {
            if (line.startsWith("## ")) {
                inSection = line.strip().equals("## Configuration");
                continue;
            }
            Matcher m = ROW.matcher(line);
            if (inSection && m.find()) {
                out.add(m.group(1));
            }
        }
        return out;
    }

    /** Every member of the configuration tree, as a dotted YAML path; lists of groups end in {@code []}. */
    static Set<String> properties() {
        Set<String> out = new LinkedHashSet<>();
        walk("gateway", GatewayConfig.class, out);
        return out;
    }

    private static void walk(String prefix, Class<?> group, Set<String> out) {
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
                    out.add(path + "[]");
                    walk(path + "[]", element, out);
                } else {
                    out.add(path);
                }
            } else if (Map.class.isAssignableFrom(raw)) {
                out.add(path);
            } else if (isGroup(raw)) {
                out.add(path);
                walk(path, raw, out);
            } else {
                out.add(path);
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
