package dev.edgeproxy.cel;

import dev.cel.runtime.CelVariableResolver;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The nodes {@link ShortcutCompiler} builds. Each answers exactly what cel-java answers, or {@code null}.
 *
 * <p>The logical nodes follow cel-java's {@code &&} and {@code ||}, which are commutative for errors:
 * {@code false && x} is false and {@code true || x} is true whatever {@code x} gives, even an error, so one
 * undecided side need not make the whole undecided (see {@link Logical} for the one exception). A leaf decides only when the value it reads has the one type its operation is defined for
 * here; any other value (absent, another type) is left to cel-java, which errs or compares across types.
 */
final class Shortcuts {

    private Shortcuts() {
    }

    /** Reads a value the expression names; {@code null} where there is none (cel-java then reports the error). */
    @FunctionalInterface
    interface Access {
        Object read(CelVariableResolver variables);
    }

    /** A declared variable, such as {@code request.path} or {@code jwt}. */
    record Variable(String name) implements Access {
        @Override
        public Object read(CelVariableResolver variables) {
            return variables instanceof RequestVariables request
                    ? request.value(name)
                    : variables.find(name).orElse(null);
        }
    }

    /** {@code operand.key} or {@code operand["key"]} on a map; claim and header maps hold no null values. */
    record Member(Access operand, String key) implements Access {
        @Override
        public Object read(CelVariableResolver variables) {
            return operand.read(variables) instanceof Map<?, ?> map ? map.get(key) : null;
        }
    }

    record Constant(Boolean value) implements Shortcut {
        @Override
        public Boolean test(CelVariableResolver variables) {
            return value;
        }
    }

    /**
     * {@code left && right} ({@code decisive} false) or {@code left || right} ({@code decisive} true): an operand
     * with the decisive value decides. cel-java tolerates an operand that <em>fails</em> when the other decides, but
     * stops at one whose <em>value</em> is not a bool ("expected boolean value"), so an undecided left operand lets
     * the right one decide only when it is {@code typed}: type-checked as bool, so it gives a bool or fails. (A
     * decided right operand is a bool, and an undecided one leaves the whole undecided.)
     */
    record Logical(Boolean decisive, Shortcut left, boolean leftTyped, Shortcut right) implements Shortcut {
        @Override
        public Boolean test(CelVariableResolver variables) {
            Boolean l = left.test(variables);
            if (l == decisive) {
                return decisive;
            }
            if (l == null && !leftTyped) {
                return null;
            }
            Boolean r = right.test(variables);
            if (r == decisive) {
                return decisive;
            }
            return l != null && r != null ? Boolean.valueOf(!decisive) : null;
        }
    }

    record Not(Shortcut operand) implements Shortcut {
        @Override
        public Boolean test(CelVariableResolver variables) {
            Boolean b = operand.test(variables);
            return b == null ? null : Boolean.valueOf(!b);
        }
    }

    /**
     * cel-java's {@code value == constant} for a String, Long or Boolean constant: equal values of its type; values
     * of other types are never equal (CEL's heterogeneous equality), except numbers, which compare across int and
     * double and are left to cel-java.
     */
    static Boolean equalsConstant(Object value, Object constant) {
        if (value.getClass() == constant.getClass()) {
            return constant.equals(value);
        }
        return value instanceof Number && constant instanceof Number ? null : Boolean.FALSE;
    }

    /** {@code access == constant} or {@code !=}. */
    record EqualsConstant(Access access, Object constant, boolean negated) implements Shortcut {
        @Override
        public Boolean test(CelVariableResolver variables) {
            Object v = access.read(variables);
            Boolean equal = v == null ? null : equalsConstant(v, constant);
            return equal == null ? null : Boolean.valueOf(equal != negated);
        }
    }

    /** {@code access in [constants]}: a list literal of constants of one type. */
    record InConstants(Access access, Set<Object> constants, Object sample) implements Shortcut {
        @Override
        public Boolean test(CelVariableResolver variables) {
            Object v = access.read(variables);
            if (v == null) {
                return null;
            }
            return v.getClass() == sample.getClass() ? Boolean.valueOf(constants.contains(v)) : equalsConstant(v, sample);
        }
    }

    /**
     * {@code "constant" in access}: a list decides when it holds the string, or holds only strings; a map by its
     * keys. Each only where the checker allowed that overload.
     */
    record StringIn(String constant, Access access, boolean listAllowed, boolean mapAllowed) implements Shortcut {
        @Override
        public Boolean test(CelVariableResolver variables) {
            Object v = access.read(variables);
            if (listAllowed && v instanceof List<?> list) {
                boolean onlyStrings = true;
                for (Object item : list) {
                    if (constant.equals(item)) {
                        return Boolean.TRUE;
                    }
                    onlyStrings &= item instanceof String;
                }
                return onlyStrings ? Boolean.FALSE : null;
            }
            return mapAllowed && v instanceof Map<?, ?> map ? Boolean.valueOf(map.containsKey(constant)) : null;
        }
    }

    enum StringOp { STARTS_WITH, ENDS_WITH, CONTAINS }

    /**
     * {@code access.startsWith("c")}, {@code endsWith}, {@code contains} on a string; {@code contains} on a list too
     * where the checker allowed the list overload, with that overload's own function.
     */
    record StringTest(Access access, StringOp op, String constant, boolean listAllowed) implements Shortcut {
        @Override
        public Boolean test(CelVariableResolver variables) {
            Object v = access.read(variables);
            if (v instanceof String s) {
                return switch (op) {
                    case STARTS_WITH -> s.startsWith(constant);
                    case ENDS_WITH -> s.endsWith(constant);
                    case CONTAINS -> s.contains(constant);
                };
            }
            return listAllowed && v instanceof List<?> list ? Boolean.valueOf(CelEnvironment.listContains(list, constant)) : null;
        }
    }

    /** {@code has(operand.field)} on a map. */
    record Has(Access operand, String field) implements Shortcut {
        @Override
        public Boolean test(CelVariableResolver variables) {
            return operand.read(variables) instanceof Map<?, ?> map ? Boolean.valueOf(map.containsKey(field)) : null;
        }
    }

    /** A value used as the condition itself, such as {@code jwt.admin}. */
    record BoolValue(Access access) implements Shortcut {
        @Override
        public Boolean test(CelVariableResolver variables) {
            return access.read(variables) instanceof Boolean b ? b : null;
        }
    }
}
