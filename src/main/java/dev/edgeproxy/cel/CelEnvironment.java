package dev.edgeproxy.cel;

import dev.cel.bundle.Cel;
import dev.cel.bundle.CelFactory;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelFunctionDecl;
import dev.cel.common.CelOptions;
import dev.cel.common.CelOverloadDecl;
import dev.cel.common.CelValidationException;
import dev.cel.common.types.CelType;
import dev.cel.common.types.ListType;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.extensions.CelExtensions;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelFunctionBinding;
import dev.cel.runtime.CelRuntime;
import dev.edgeproxy.config.ProblemSink;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The CEL environment every rule and header expression is compiled in: the variables of
 * docs/reference.md#cel-variables, standard macros, the strings extension, and {@code list.contains(value)}.
 *
 * <p>Variables are declared by their dotted names ({@code request.path}), so the checker knows each
 * one's exact type: {@code request.path} alone is a string and is refused as a rule, while
 * {@code jwt} is a {@code map(string, dyn)} whose members are only known at run time. Built once;
 * the compiled programs it hands out are immutable and thread-safe.
 */
public final class CelEnvironment {

    static final String LIST_CONTAINS = "edgeproxy_list_contains";
    private static final Set<CelType> BOOL = Set.of(SimpleType.BOOL);

    /** Every variable a rule may use, with its CEL type. */
    static final List<Variable> VARIABLES = List.of(
            new Variable(RequestVariables.METHOD, SimpleType.STRING),
            new Variable(RequestVariables.PATH, SimpleType.STRING),
            new Variable(RequestVariables.PATH_AND_QUERY, SimpleType.STRING),
            new Variable(RequestVariables.HOST, SimpleType.STRING),
            new Variable(RequestVariables.SCHEME, SimpleType.STRING),
            new Variable(RequestVariables.HEADERS, MapType.create(SimpleType.STRING, SimpleType.STRING)),
            new Variable(RequestVariables.QUERY, MapType.create(SimpleType.STRING, SimpleType.STRING)),
            new Variable(RequestVariables.SOURCE_ADDRESS, SimpleType.STRING),
            new Variable(RequestVariables.SOURCE_PORT, SimpleType.INT),
            new Variable(RequestVariables.SOURCE_CERTIFICATE, MapType.create(SimpleType.STRING, SimpleType.DYN)),
            new Variable(RequestVariables.JWT, MapType.create(SimpleType.STRING, SimpleType.DYN)));

    record Variable(String name, CelType type) {
    }

    private final Cel cel;

    public CelEnvironment() {
        var builder = CelFactory.standardCelBuilder()
                .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
                // Claims arrive as Long or Double; CEL orders numbers across int and double.
                .setOptions(CelOptions.current().enableHeterogeneousNumericComparisons(true).build())
                .addCompilerLibraries(CelExtensions.strings())
                .addRuntimeLibraries(CelExtensions.strings())
                // The reference's own example is jwt.groups.contains("admins"); standard CEL only has
                // `"admins" in jwt.groups`, so lists get a member contains() as well.
                .addFunctionDeclarations(CelFunctionDecl.newFunctionDeclaration("contains",
                        CelOverloadDecl.newMemberOverload(LIST_CONTAINS, SimpleType.BOOL,
                                ListType.create(SimpleType.DYN), SimpleType.DYN)))
                .addFunctionBindings(CelFunctionBinding.from(LIST_CONTAINS, List.class, Object.class,
                        CelEnvironment::listContains));
        for (Variable v : VARIABLES) {
            builder.addVar(v.name(), v.type());
        }
        this.cel = builder.build();
    }

    /**
     * Parses and type-checks {@code source}, requiring a result of one of {@code resultTypes} (or
     * {@code dyn}, which is then checked at evaluation).
     *
     * @throws IllegalArgumentException with the checker's caret-pointed message
     */
    public CelRuntime.Program compile(String source, Set<CelType> resultTypes) {
        return program(checked(source, resultTypes));
    }

    /**
     * Compiles a bool expression (an authorization rule) into cel-java's program and its {@link Shortcut}.
     *
     * @throws IllegalArgumentException as {@link #compile(String, Set)}
     */
    public Condition compileCondition(String source) {
        CelAbstractSyntaxTree ast = checked(source, BOOL);
        return new Condition(program(ast), ShortcutCompiler.compile(ast));
    }

    /**
     * As {@link #compileCondition(String)}, reporting a refusal to {@code problems} under {@code field}, relative to its scope.
     */
    public Optional<Condition> compileCondition(ProblemSink problems, String field, String source) {
        return reported(problems, field, () -> compileCondition(source));
    }

    private CelAbstractSyntaxTree checked(String source, Set<CelType> resultTypes) {
        CelAbstractSyntaxTree ast;
        try {
            ast = cel.compile(source).getAst();
        } catch (CelValidationException e) {
            throw new IllegalArgumentException(e.getMessage());
        }
        CelType result = ast.getResultType();
        if (!resultTypes.contains(result) && !SimpleType.DYN.equals(result)) {
            throw new IllegalArgumentException("expression returns " + result.name() + ", expected "
                    + resultTypes.stream().map(CelType::name).sorted().toList());
        }
        return ast;
    }

    private CelRuntime.Program program(CelAbstractSyntaxTree ast) {
        try {
            return cel.createProgram(ast);
        } catch (CelEvaluationException e) {
            throw new IllegalArgumentException(e.getMessage());
        }
    }

    /**
     * As {@link #compile(String, Set)}, reporting a refusal to {@code problems} under {@code field} instead of
     * throwing: how policy compilers, which report every problem of a configuration at once, use it.
     */
    public Optional<CelRuntime.Program> compile(ProblemSink problems, String field, String source, Set<CelType> resultTypes) {
        return reported(problems, field, () -> compile(source, resultTypes));
    }

    private static <T> Optional<T> reported(ProblemSink problems, String field, Supplier<T> compiler) {
        try {
            return Optional.of(compiler.get());
        } catch (IllegalArgumentException e) {
            problems.at(field, "invalid CEL expression: " + e.getMessage());
            return Optional.empty();
        }
    }

    static boolean listContains(List<?> list, Object value) {
        if (list.contains(value)) {
            return true;
        }
        // CEL compares numbers across int and double; JSON claims arrive as Long or Double.
        if (value instanceof Number n) {
            for (Object item : list) {
                if (item instanceof Number m && m.doubleValue() == n.doubleValue()) {
                    return true;
                }
            }
        }
        return false;
    }
}
