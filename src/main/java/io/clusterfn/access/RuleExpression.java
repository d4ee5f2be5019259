package io.clusterfn.access;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelOptions;
import dev.cel.common.CelValidationException;
import dev.cel.common.types.ListType;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;

import java.util.LinkedHashMap;
import java.util.Map;

/** An owner's deploy rule written in CEL, compiled and type-checked once, evaluated under a cost limit. */
public final class RuleExpression {
    private static final int MAX_SOURCE = 4096;
    private static final int CACHE_SIZE = 256;
    // Comprehensions are the only loops in CEL: bounding their iterations bounds the cost of a run.
    private static final CelOptions OPTIONS = CelOptions.current().comprehensionMaxIterations(1000).build();
    private static final CelCompiler COMPILER = CelCompilerFactory.standardCelCompilerBuilder()
            .setOptions(OPTIONS)
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

    /** Compiles and type-checks; anything that is not a valid bool expression is an InvalidRuleException. */
    public static RuleExpression compile(String source) {
        synchronized (CACHE) {
            RuleExpression cached = CACHE.get(source);
            if (cached != null) {
                return cached;
            }
        }
        if (source.length() > MAX_SOURCE) {
            throw new InvalidRuleException("the expression is longer than " + MAX_SOURCE + " characters");
        }
        RuleExpression compiled;
        try {
            CelAbstractSyntaxTree ast = COMPILER.compile(source).getAst();
            compiled = new RuleExpression(source, RUNTIME.createProgram(ast));
        } catch (CelValidationException e) {
            throw new InvalidRuleException(e.getMessage());
        } catch (CelEvaluationException e) {
            throw new InvalidRuleException(e.getMessage());
        }
        synchronized (CACHE) {
            CACHE.put(source, compiled);
        }
        return compiled;
    }

    public String source() {
        return source;
    }

    /** Never throws: an expression that fails at run time denies, with the reason. */
    public Verdict evaluate(RuleInput in) {
        try {
            Object result = program.eval(Map.of("account", in.account(), "owner", in.owner(), "roles", in.roles(),
                    "codeHash", in.codeHash(), "codeSize", in.codeSize(), "deployedByAccount", in.deployedByAccount(),
                    "deployedTotal", in.deployedTotal()));
            boolean allowed = Boolean.TRUE.equals(result);
            return new Verdict(allowed, allowed ? "expression is true" : "expression is false");
        } catch (CelEvaluationException | RuntimeException e) {
            return new Verdict(false, "expression failed: " + e.getMessage());
        }
    }

    public record Verdict(boolean allowed, String reason) {
    }
}
