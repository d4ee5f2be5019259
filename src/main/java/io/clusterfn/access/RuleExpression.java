package io.clusterfn.access;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelOptions;
import dev.cel.common.CelValidationException;
import dev.cel.common.ast.CelConstant;
import dev.cel.common.ast.CelExpr;
import dev.cel.common.navigation.CelNavigableAst;
import dev.cel.common.navigation.CelNavigableExpr;
import dev.cel.common.types.ListType;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelEvaluationListener;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An owner's deploy rule written in CEL, compiled and type-checked once, evaluated under a cost limit.
 *
 * <p>Cost bound. cel-java (unlike cel-go) has no cost estimator and no runtime cost limit, so we bound it ourselves:
 * <ul>
 * <li>compile time: source at most {@value #MAX_SOURCE} chars (the parser also caps nesting at 250); the pattern of
 * every {@code matches} must be a string literal whose expanded size is at most {@value #MAX_REGEX} (re2j compiles
 * the pattern on every call and only checks its size afterwards, so {@code (a{100}){100}){100}} would cost seconds
 * and a lot of memory per call);
 * <li>run time: {@code comprehensionMaxIterations} caps the iterations of all comprehensions (CEL's only loops)
 * together in one evaluation at {@value #MAX_ITERATIONS}, and an evaluation listener charges 1 per evaluated
 * sub-expression ({@value #REGEX_STEPS} per regex match) and aborts past {@value #MAX_STEPS}.
 * </ul>
 *
 * <p>Native image: no reflection here. cel-java brings protobuf-java (descriptors of the well-known types, used by
 * {@code timestamp()}/{@code duration()}), Guava, ANTLR and RE2J; a native build may need reflection registration for
 * protobuf well-known types. The static compiler/runtime below are plain objects; if initialising this class at build
 * time trips native-image, initialise it at run time. Only a native integration test can tell.
 */
public final class RuleExpression {
    static final int MAX_SOURCE = 4096;
    static final int MAX_ITERATIONS = 1_000;
    static final int MAX_STEPS = 10_000;
    static final int REGEX_STEPS = 100;
    static final int MAX_REGEX = 1_000;
    private static final int CACHE_SIZE = 256;

    private static final CelOptions OPTIONS = CelOptions.current()
            .maxExpressionCodePointSize(MAX_SOURCE)
            .comprehensionMaxIterations(MAX_ITERATIONS)
            .maxRegexProgramSize(MAX_REGEX)
            .build();
    // Compiler and runtime are immutable and thread-safe: built once.
    private static final CelCompiler COMPILER = CelCompilerFactory.standardCelCompilerBuilder()
            .setOptions(OPTIONS)
            .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
            .addVar("account", SimpleType.STRING)
            .addVar("owner", SimpleType.STRING)
            .addVar("roles", ListType.create(SimpleType.STRING))
            .addVar("codeHash", SimpleType.STRING)
            .addVar("codeSize", SimpleType.INT)
            .addVar("deployedByAccount", SimpleType.INT)
            .addVar("deployedTotal", SimpleType.INT)
            .setResultType(SimpleType.BOOL)
            .build();
    private static final CelRuntime RUNTIME = CelRuntimeFactory.standardCelRuntimeBuilder().setOptions(OPTIONS).build();

    // Small LRU of compiled rules: an access-ordered LinkedHashMap guarded by its own monitor.
    private static final Map<String, RuleExpression> CACHE = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, RuleExpression> eldest) {
            return size() > CACHE_SIZE;
        }
    };

    private final String source;
    private final CelRuntime.Program program;

    private RuleExpression(String source, CelRuntime.Program program) {
        this.source = source;
        this.program = program;
    }

    /** Parses and type-checks; anything that is not a valid, bounded bool expression is an InvalidRuleException. */
    public static RuleExpression compile(String source) {
        if (source == null || source.length() > MAX_SOURCE) {
            throw new InvalidRuleException("ERROR: <input>: the expression must be at most " + MAX_SOURCE + " characters");
        }
        synchronized (CACHE) {
            RuleExpression cached = CACHE.get(source);
            if (cached != null) {
                return cached;
            }
        }
        RuleExpression compiled;
        try {
            // Compiled outside the lock so that one slow compile does not hold up the others.
            CelAbstractSyntaxTree ast = COMPILER.compile(source).getAst();
            // setResultType lets dyn through; a rule must be bool by its types.
            if (!ast.getResultType().equals(SimpleType.BOOL)) {
                throw new InvalidRuleException("ERROR: <input>: expected type 'bool' but found '"
                        + ast.getResultType().name() + "'");
            }
            CelNavigableAst.fromAst(ast).getRoot().allNodes().map(CelNavigableExpr::expr)
                    .filter(e -> e.getKind() == CelExpr.ExprKind.Kind.CALL && e.call().function().equals("matches"))
                    .forEach(RuleExpression::checkRegex);
            compiled = new RuleExpression(source, RUNTIME.createProgram(ast));
        } catch (CelValidationException | CelEvaluationException e) {
            throw new InvalidRuleException(e.getMessage());
        }
        synchronized (CACHE) {
            RuleExpression raced = CACHE.putIfAbsent(source, compiled);
            return raced != null ? raced : compiled;
        }
    }

    public String source() {
        return source;
    }

    /** Never throws: an expression that fails at run time (or runs over its budget) denies, with the reason. */
    public Verdict evaluate(RuleInput input) {
        try {
            Object result = program.trace(Map.of(
                    "account", input.account(),
                    "owner", input.owner(),
                    "roles", input.roles(),
                    "codeHash", input.codeHash(),
                    "codeSize", input.codeSize(),
                    "deployedByAccount", input.deployedByAccount(),
                    "deployedTotal", input.deployedTotal()), new StepBudget());
            if (!(result instanceof Boolean allowed)) {
                return new Verdict(false, "expression failed: result is not a bool");
            }
            return new Verdict(allowed, allowed ? "expression is true" : "expression is false");
        } catch (Exception e) { // CelEvaluationException, or bad input such as a null field
            return new Verdict(false, "expression failed: " + (e.getMessage() != null ? e.getMessage() : e));
        }
    }

    public record Verdict(boolean allowed, String reason) {
    }

    /** Called after each evaluated sub-expression; aborts the evaluation once the budget is spent. */
    private static final class StepBudget implements CelEvaluationListener {
        private int steps;

        @Override
        public void callback(CelExpr expr, Object value) {
            steps += expr.getKind() == CelExpr.ExprKind.Kind.CALL && expr.call().function().equals("matches")
                    ? REGEX_STEPS : 1;
            if (steps > MAX_STEPS) {
                throw new IllegalStateException("cost limit exceeded: more than " + MAX_STEPS + " steps");
            }
        }
    }

    private static void checkRegex(CelExpr call) {
        List<CelExpr> args = call.call().args();
        CelExpr pattern = args.get(args.size() - 1); // s.matches(p) and matches(s, p)
        if (pattern.getKind() != CelExpr.ExprKind.Kind.CONSTANT
                || pattern.constant().getKind() != CelConstant.Kind.STRING_VALUE) {
            throw new InvalidRuleException("ERROR: <input>: the pattern of matches() must be a string literal");
        }
        if (regexSize(pattern.constant().stringValue()) > MAX_REGEX) {
            throw new InvalidRuleException("ERROR: <input>: the pattern of matches() is too large (limit " + MAX_REGEX + ")");
        }
    }

    private static final Pattern COUNT = Pattern.compile("\\{(\\d{1,9})(?:,(\\d{0,9}))?}");

    /**
     * Estimate (from above, roughly) of a regex's compiled size, without compiling it: each atom counts 1, a counted
     * repetition multiplies what it repeats. Over-estimating only refuses odd patterns.
     */
    static long regexSize(String p) {
        Deque<long[]> outer = new ArrayDeque<>(); // {sum, last} of each enclosing group
        long sum = 2; // re2j's program starts with two instructions
        long last = 0; // size of the last atom, which a quantifier repeats
        for (int i = 0; i < p.length() && sum <= MAX_REGEX; i++) {
            char c = p.charAt(i);
            Matcher count = c == '{' ? COUNT.matcher(p).region(i, p.length()) : null;
            if (count != null && count.lookingAt()) {
                long min = Long.parseLong(count.group(1));
                String max = count.group(2);
                // x{n} is n copies of x, x{n,} adds a star, x{n,m} adds m-n optional copies (x and a split each)
                long times = max == null ? min : max.isEmpty() ? min + 1 : min + 2 * Math.max(0, Long.parseLong(max) - min);
                sum += last * (times - 1);
                last *= times;
                i = count.end() - 1;
            } else if (c == '(') {
                outer.push(new long[]{sum, last});
                sum = 0;
                last = 0;
            } else if (c == ')' && !outer.isEmpty()) {
                long group = sum + 2;
                long[] o = outer.pop();
                sum = o[0] + group;
                last = group;
            } else if (c == '[') { // a class is one instruction; skip to its end
                int j = i + 1;
                if (j < p.length() && p.charAt(j) == '^') j++;
                if (j < p.length() && p.charAt(j) == ']') j++;
                while (j < p.length() && p.charAt(j) != ']') j += p.charAt(j) == '\\' ? 2 : 1;
                i = j;
                sum += 1;
                last = 1;
            } else {
                if (c == '\\') i++;
                sum += 1;
                last = 1;
            }
        }
        while (!outer.isEmpty()) { // unbalanced: re2j refuses it, but still count it all
            sum += outer.pop()[0];
        }
        return sum;
    }
}
