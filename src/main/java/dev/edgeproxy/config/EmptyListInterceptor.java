package dev.edgeproxy.config;

import io.smallrye.config.ConfigSourceInterceptor;
import io.smallrye.config.ConfigSourceInterceptorContext;
import io.smallrye.config.ConfigValue;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Gives every empty YAML list in {@code gateway.routes} a meaning, before SmallRye binds the routes.
 *
 * <p>Why this exists: the YAML source turns {@code rules: []} into one property, {@code ...rules}, with an
 * empty value. A list of objects is bound from indexed keys ({@code ...rules[0].allow}) only, so SmallRye
 * reports that property as unknown ({@code SRCFG00050 ... does not map to any root}) and startup fails
 * with a message about its internals. A list of strings fares worse: the empty value binds as if the key
 * were absent, so {@code audiences: []} would silently turn the audience check off.
 *
 * <p>So each list is decided here, by name:
 * <ul>
 * <li>{@link #NONE}: empty means "none", exactly as if left out (no rules, no header or query
 * conditions, nothing removed); the property is hidden from SmallRye's unknown-key check.</li>
 * <li>{@link #REFUSED}: empty would widen what the route admits or mean nothing sensible (a route for
 * no host? an audience check against nothing?), so it is refused naming the route and field, like
 * every other configuration error.</li>
 * </ul>
 * Registered for Quarkus through {@code META-INF/services}; {@code --validate-only} and hot reload add it
 * to their own config builders.
 */
public final class EmptyListInterceptor implements ConfigSourceInterceptor {

    private static final String ROUTES = "gateway.routes[";

    /**
     * Lists whose emptiness means "none of them", the same as leaving the key out. No routes at all is
     * then refused by {@link ConfigLoader}, with the advice that goes with it.
     */
    static final Set<String> NONE = Set.of("routes", "rules", "headers", "query", "remove");

    /** Lists refused when empty, with what to write instead. */
    static final Map<String, String> REFUSED = Map.of(
            "audiences", "leave audiences out to accept any audience, or list at least one",
            "hostnames", "leave hostnames out to match any host, or list at least one",
            "matches", "leave matches out to match every path, or list at least one",
            "backends", "list at least one backend (host: host:port)",
            "providers", "list at least one provider, or use issuer and jwks instead",
            // Empty would otherwise bind as absent, which means any Origin: the opposite of what it says.
            "websocketAllowedOrigins", "leave websocketAllowedOrigins out to accept any Origin, or list at least one");

    @Override
    public ConfigValue getValue(ConfigSourceInterceptorContext context, String name) {
        return context.proceed(name);
    }

    /** @throws InvalidConfigException naming route and field of every refused empty list */
    @Override
    public Iterator<String> iterateNames(ConfigSourceInterceptorContext context) {
        List<String> names = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        Iterator<String> all = context.iterateNames();
        while (all.hasNext()) {
            String name = all.next();
            String list = emptyList(context, name);
            if (list == null) {
                names.add(name);
            } else if (REFUSED.containsKey(list)) {
                problems.add(problem(context, name, list));
            }
            // else: a NONE list, left out of the names as if it were not written
        }
        if (!problems.isEmpty()) {
            throw new InvalidConfigException(problems);
        }
        return names.iterator();
    }

    /** The list's key when {@code name} is one of the route lists written empty; {@code null} otherwise. */
    private static String emptyList(ConfigSourceInterceptorContext context, String name) {
        if (!name.startsWith(ROUTES) && !name.equals("gateway.routes")) {
            return null;
        }
        String last = name.substring(name.lastIndexOf('.') + 1);
        if (!NONE.contains(last) && !REFUSED.containsKey(last)) {
            return null;
        }
        ConfigValue value = context.proceed(name);
        return value == null || value.getValue() == null || value.getValue().isBlank() ? last : null;
    }

    /** {@code route 'NAME': FIELD: message}, as the route compiler words its problems. */
    private static String problem(ConfigSourceInterceptorContext context, String name, String list) {
        int end = name.indexOf(']', ROUTES.length());
        String route = name.substring(0, end + 1);
        ConfigValue routeName = context.proceed(route + ".name");
        String where = routeName == null || routeName.getValue() == null || routeName.getValue().isBlank()
                ? "route #" + name.substring(ROUTES.length(), end)
                : "route '" + routeName.getValue().strip() + "'";
        return where + ": " + name.substring(end + 2) + ": is an empty list; " + REFUSED.get(list);
    }
}
