package dev.edgeproxy.cel;

import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelVariableResolver;

/**
 * A compiled bool expression (an authorization rule): cel-java's program, the evaluator of record, and the
 * {@link Shortcut} compiled from the same checked syntax tree.
 */
public record Condition(CelRuntime.Program program, Shortcut shortcut) {

    /**
     * The expression's value: the shortcut's bool where it decides, otherwise cel-java's result (any value, for the
     * caller to check is a bool).
     *
     * @throws CelEvaluationException as cel-java's program does
     */
    public Object evaluate(CelVariableResolver variables) throws CelEvaluationException {
        Boolean decided = shortcut.test(variables);
        return decided != null ? decided : program.eval(variables);
    }

    /** Whether a shape matched; {@code false} means every evaluation goes to cel-java. */
    public boolean hasShortcut() {
        return shortcut != Shortcut.NONE;
    }
}
