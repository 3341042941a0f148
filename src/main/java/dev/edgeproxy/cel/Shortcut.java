package dev.edgeproxy.cel;

import dev.cel.runtime.CelVariableResolver;

/**
 * A direct evaluation of a bool expression for the cases it can decide exactly as cel-java would.
 *
 * <p>Answers {@code TRUE} or {@code FALSE} only where cel-java's result is that bool; answers {@code null}
 * ("ask cel-java") for every other case, in particular every case where cel-java would fail (an absent
 * claim, a value of an unexpected type). So errors and their messages always come from cel-java itself, and a
 * shortcut can only ever save time, never change a decision. docs/reference.md#how-rules-are-evaluated says
 * which shapes have one; {@link ShortcutCompiler} builds them.
 */
@FunctionalInterface
public interface Shortcut {

    /** The shortcut of an expression no shape matches: always asks cel-java. */
    Shortcut NONE = variables -> null;

    /** {@link Boolean#TRUE} or {@link Boolean#FALSE} when decided; {@code null} when cel-java must evaluate. */
    Boolean test(CelVariableResolver variables);
}
