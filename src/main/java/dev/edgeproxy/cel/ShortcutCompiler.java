package dev.edgeproxy.cel;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.ast.CelConstant;
import dev.cel.common.ast.CelExpr;
import dev.cel.common.types.SimpleType;
import dev.edgeproxy.cel.Shortcuts.Access;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Builds the {@link Shortcut} of a type-checked bool expression from the shapes rules are usually written in:
 * a variable or claim compared with a constant ({@code ==}, {@code !=}, {@code in [..]}), {@code startsWith},
 * {@code endsWith}, {@code contains}, {@code "c" in list}, {@code has(..)}, a bool claim, and {@code &&},
 * {@code ||}, {@code !} over those. Variables, functions and overloads are recognised by the checker's
 * references, not by spelling. Anything else (a comprehension, arithmetic, two variables compared) becomes a
 * part that always asks cel-java; an expression with no recognised part gets {@link Shortcut#NONE}.
 */
public final class ShortcutCompiler {

    private final CelAbstractSyntaxTree ast;

    private ShortcutCompiler(CelAbstractSyntaxTree ast) {
        this.ast = ast;
    }

    /** The shortcut of {@code ast}, which must be type-checked. */
    public static Shortcut compile(CelAbstractSyntaxTree ast) {
        return new ShortcutCompiler(ast).bool(ast.getExpr());
    }

    private Shortcut bool(CelExpr e) {
        return switch (e.getKind()) {
            case CONSTANT -> e.constant().getKind() == CelConstant.Kind.BOOLEAN_VALUE
                    ? new Shortcuts.Constant(e.constant().booleanValue()) : Shortcut.NONE;
            case SELECT -> e.select().testOnly()
                    ? has(e)
                    : valueAsBool(e);
            case IDENT -> valueAsBool(e);
            case CALL -> call(e);
            default -> Shortcut.NONE;
        };
    }

    private Shortcut call(CelExpr e) {
        List<CelExpr> args = e.call().args();
        CelExpr target = e.call().target().orElse(null);
        return switch (e.call().function()) {
            case "_&&_", "_||_" -> logical(e.call().function().equals("_&&_"), args.get(0), args.get(1));
            case "!_" -> {
                Shortcut operand = bool(args.get(0));
                yield operand == Shortcut.NONE ? Shortcut.NONE : new Shortcuts.Not(operand);
            }
            case "_==_" -> equality(args, false);
            case "_!=_" -> equality(args, true);
            case "@in" -> in(e, args.get(0), args.get(1));
            case "startsWith" -> stringTest(e, target, args, "starts_with_string", Shortcuts.StringOp.STARTS_WITH);
            case "endsWith" -> stringTest(e, target, args, "ends_with_string", Shortcuts.StringOp.ENDS_WITH);
            case "contains" -> stringTest(e, target, args, "contains_string", Shortcuts.StringOp.CONTAINS);
            case "_[_]" -> valueAsBool(e);
            default -> Shortcut.NONE;
        };
    }

    private Shortcut logical(boolean and, CelExpr leftExpr, CelExpr rightExpr) {
        Shortcut left = bool(leftExpr);
        Shortcut right = bool(rightExpr);
        if (left == Shortcut.NONE && right == Shortcut.NONE) {
            return Shortcut.NONE;
        }
        return new Shortcuts.Logical(!and, left, typedBool(leftExpr), right);
    }

    /** Type-checked as bool (not dyn): cel-java's value for it is a bool or an evaluation error, never another value. */
    private boolean typedBool(CelExpr e) {
        return ast.getType(e.id()).map(SimpleType.BOOL::equals).orElse(false);
    }

    private Shortcut equality(List<CelExpr> args, boolean negated) {
        Object constant = constant(args.get(1));
        Access access = access(args.get(0));
        if (constant == null || access == null) {
            constant = constant(args.get(0));
            access = access(args.get(1));
        }
        return constant != null && access != null ? new Shortcuts.EqualsConstant(access, constant, negated) : Shortcut.NONE;
    }

    private Shortcut in(CelExpr call, CelExpr element, CelExpr container) {
        List<String> overloads = overloads(call);
        if (constant(element) instanceof String s) {
            Access access = access(container);
            return access == null ? Shortcut.NONE
                    : new Shortcuts.StringIn(s, access, overloads.contains("in_list"), overloads.contains("in_map"));
        }
        Access access = access(element);
        if (access == null || container.getKind() != CelExpr.ExprKind.Kind.LIST || container.list().elements().isEmpty()) {
            return Shortcut.NONE;
        }
        Set<Object> constants = new HashSet<>();
        for (CelExpr item : container.list().elements()) {
            constants.add(constant(item));
        }
        Object first = constants.iterator().next();
        boolean oneType = first != null && constants.stream().allMatch(c -> c != null && c.getClass() == first.getClass());
        return oneType ? new Shortcuts.InConstants(access, Set.copyOf(constants), first) : Shortcut.NONE;
    }

    private Shortcut stringTest(CelExpr call, CelExpr target, List<CelExpr> args, String stringOverload,
            Shortcuts.StringOp op) {
        List<String> overloads = overloads(call);
        Access access = target == null ? null : access(target);
        if (access == null || args.size() != 1 || !(constant(args.get(0)) instanceof String s)
                || !overloads.contains(stringOverload)) {
            return Shortcut.NONE;
        }
        return new Shortcuts.StringTest(access, op, s, overloads.contains(CelEnvironment.LIST_CONTAINS));
    }

    private Shortcut has(CelExpr select) {
        Access operand = access(select.select().operand());
        return operand == null ? Shortcut.NONE : new Shortcuts.Has(operand, select.select().field());
    }

    private Shortcut valueAsBool(CelExpr e) {
        Access access = access(e);
        return access == null ? Shortcut.NONE : new Shortcuts.BoolValue(access);
    }

    /** A declared variable, or a chain of constant-key member reads on one; {@code null} for anything else. */
    private Access access(CelExpr e) {
        switch (e.getKind()) {
            case IDENT -> {
                String name = ast.getReference(e.id()).map(r -> r.name()).orElse("");
                return CelEnvironment.VARIABLES.stream().anyMatch(v -> v.name().equals(name))
                        ? new Shortcuts.Variable(name) : null;
            }
            case SELECT -> {
                if (e.select().testOnly()) {
                    return null;
                }
                Access operand = access(e.select().operand());
                return operand == null ? null : new Shortcuts.Member(operand, e.select().field());
            }
            case CALL -> {
                List<CelExpr> args = e.call().args();
                if (!e.call().function().equals("_[_]") || !overloads(e).contains("index_map")
                        || !(constant(args.get(1)) instanceof String key)) {
                    return null;
                }
                Access operand = access(args.get(0));
                return operand == null ? null : new Shortcuts.Member(operand, key);
            }
            default -> {
                return null;
            }
        }
    }

    /** A string, int or bool literal as the value cel-java compares it as; {@code null} for anything else. */
    private static Object constant(CelExpr e) {
        if (e.getKind() != CelExpr.ExprKind.Kind.CONSTANT) {
            return null;
        }
        CelConstant c = e.constant();
        return switch (c.getKind()) {
            case STRING_VALUE -> c.stringValue();
            case INT64_VALUE -> c.int64Value();
            case BOOLEAN_VALUE -> c.booleanValue();
            default -> null;
        };
    }

    private List<String> overloads(CelExpr call) {
        return ast.getReference(call.id()).map(r -> (List<String>) r.overloadIds()).orElse(List.of());
    }
}
