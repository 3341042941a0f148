package dev.edgeproxy.config;

/**
 * Where a compiler reports the mistakes it finds, each against a field relative to the part of the
 * configuration it was given: a policy compiler handed {@code route 'x'} + {@code policies.localRateLimit}
 * reports {@code fillInterval}, and the user reads {@code route 'x': policies.localRateLimit.fillInterval: ...}.
 *
 * <p>Compilers never throw for a mistake: they report it and go on, so that one attempt names every problem
 * of a configuration. {@link Problems#scope} makes the sinks.
 */
public interface ProblemSink {

    /**
     * Reports {@code message} against {@code field}, relative to this sink's scope; an empty {@code field}
     * names the scope itself.
     */
    void at(String field, String message);

    /** How many problems were reported here so far: compare before and after to know whether a step added one. */
    int count();
}
