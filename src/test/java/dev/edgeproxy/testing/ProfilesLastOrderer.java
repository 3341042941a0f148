package dev.edgeproxy.testing;

import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.ClassOrderer;
import org.junit.jupiter.api.ClassOrdererContext;

import java.util.Comparator;

/**
 * The order of the {@code *IT} classes (failsafe's JUnit configuration): those on the shared test application
 * first, then those with a {@link TestProfile}, grouped by profile, each group by class name. Quarkus starts
 * the packaged application again whenever the profile changes; by name alone, a policy package sorting after
 * {@code e2e.limits} would cost one more start of the shared application.
 */
public final class ProfilesLastOrderer implements ClassOrderer {

    @Override
    public void orderClasses(ClassOrdererContext context) {
        context.getClassDescriptors().sort(Comparator
                .comparing((org.junit.jupiter.api.ClassDescriptor c) -> profile(c.getTestClass()))
                .thenComparing(c -> c.getTestClass().getName()));
    }

    /** The profile's class name, or the empty string (sorting first) for the shared application. */
    private static String profile(Class<?> test) {
        for (Class<?> c = test; c != null; c = c.getSuperclass()) {
            TestProfile profile = c.getAnnotation(TestProfile.class);
            if (profile != null) {
                return profile.value().getName();
            }
        }
        return "";
    }
}
