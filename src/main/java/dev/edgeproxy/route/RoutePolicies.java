package dev.edgeproxy.route;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A route's policies as one list ordered by {@link RoutePolicy.Phase}, in configuration order within a phase. A new
 * policy is one more entry here, never a new field of {@link Route}: the pipeline runs the phase contracts
 * ({@link Admission}, {@link Transformation}) over every entry of their phase, and finds a policy it runs in its
 * own step (the JWT policy, the rules) with {@link #find}.
 */
public final class RoutePolicies {

    public static final RoutePolicies NONE = new RoutePolicies(List.of());

    private final List<RoutePolicy> ordered;
    private final List<Admission> admissions;
    private final List<Transformation> transformations;

    /**
     * @param policies in configuration order; at most one of each class (a route configures each policy key once)
     * @throws IllegalArgumentException when two policies have the same class
     */
    public RoutePolicies(List<? extends RoutePolicy> policies) {
        List<RoutePolicy> sorted = new ArrayList<>(policies);
        sorted.sort(Comparator.comparing(RoutePolicy::phase)); // stable: configuration order within a phase
        List<Admission> admit = new ArrayList<>();
        List<Transformation> transform = new ArrayList<>();
        Set<Class<?>> classes = new HashSet<>();
        for (RoutePolicy policy : sorted) {
            if (!classes.add(policy.getClass())) {
                throw new IllegalArgumentException("two policies of " + policy.getClass().getSimpleName());
            }
            if (policy instanceof Admission a) {
                admit.add(a);
            }
            if (policy instanceof Transformation t) {
                transform.add(t);
            }
        }
        this.ordered = List.copyOf(sorted);
        this.admissions = List.copyOf(admit);
        this.transformations = List.copyOf(transform);
    }

    /** Every policy, ordered by phase. */
    public List<RoutePolicy> all() {
        return ordered;
    }

    /** The {@link RoutePolicy.Phase#BEFORE_AUTHENTICATION} contracts, in order. */
    public List<Admission> admissions() {
        return admissions;
    }

    /** The {@link RoutePolicy.Phase#TRANSFORMATION} contracts, in order. */
    public List<Transformation> transformations() {
        return transformations;
    }

    /** The route's policy of {@code type}, or {@code null} when the route has none. */
    public <T extends RoutePolicy> T find(Class<T> type) {
        for (RoutePolicy policy : ordered) {
            if (type.isInstance(policy)) {
                return type.cast(policy);
            }
        }
        return null;
    }
}
