package io.clusterfn.access;

import io.clusterfn.http.Amounts;
import io.clusterfn.http.ApiException;
import io.clusterfn.http.ErrorCode;
import io.clusterfn.http.Fields;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The cluster rules, in one place: what a valid permission, quota and pricing is, and whether a
 * deploy is allowed. {@code access} shows the decision; {@code deploy} commits it.
 */
public final class AccessRules {
    private static final int MAX_ALLOW_LIST = 1000;
    private static final long MAX_COUNT = 1_000_000_000L;

    private AccessRules() {
    }

    /** A permission as given by an owner, checked and normalized; absent, or without a rule, means ONLY_OWNER. */
    public static Permission permission(Permission given) {
        if (given == null || given.rule() == null) {
            return Permission.onlyOwner();
        }
        String rule = given.rule();
        switch (rule) {
            case Permission.PUBLIC, Permission.ONLY_OWNER -> {
                return new Permission(rule, null, null);
            }
            case Permission.ALLOW_LIST -> {
                List<String> accounts = Fields.require("permission.accounts", given.accounts());
                if (accounts.size() > MAX_ALLOW_LIST) {
                    throw ApiException.invalidInput("permission.accounts", "holds at most " + MAX_ALLOW_LIST + " accounts");
                }
                Set<String> unique = new LinkedHashSet<>();
                for (String account : accounts) {
                    unique.add(Fields.account("permission.accounts", account));
                }
                return new Permission(rule, List.copyOf(unique), null);
            }
            case Permission.EXPRESSION -> {
                String source = Fields.require("permission.expression", given.expression());
                try {
                    RuleExpression.compile(source);
                } catch (InvalidRuleException e) {
                    throw new ApiException(ErrorCode.INVALID_RULE, e.getMessage(), Map.of("field", "permission.expression"));
                }
                return new Permission(rule, null, source);
            }
            default -> throw ApiException.invalidInput("permission.rule",
                    "must be one of PUBLIC, ONLY_OWNER, ALLOW_LIST, EXPRESSION");
        }
    }

    public static Quota quota(Quota given) {
        if (given == null) {
            return Quota.defaults();
        }
        return new Quota(
                optionalCount("quota.maxContracts", given.maxContracts()),
                optionalCount("quota.maxContractsPerDeployer", given.maxContractsPerDeployer()),
                given.maxCodeSize() == null ? Quota.DEFAULT_MAX_CODE_SIZE
                        : Fields.count("quota.maxCodeSize", given.maxCodeSize(), 1, MAX_COUNT));
    }

    public static Pricing pricing(Pricing given) {
        if (given == null) {
            return Pricing.free();
        }
        return new Pricing(Amounts.parseOrZero("pricing.deployFee", given.deployFee()).toString(),
                Amounts.parseOrZero("pricing.depositPerByte", given.depositPerByte()).toString());
    }

    private static Long optionalCount(String field, Long value) {
        return value == null ? null : Fields.count(field, value, 0, MAX_COUNT);
    }

    /** Everything the decision looks at, read in the deploy's transaction. */
    public record Request(String clusterId, String owner, boolean active, Permission permission, Quota quota,
            Pricing pricing, String account, Set<String> roles, String codeHash, long codeSize,
            long deployedTotal, long deployedByAccount, BigInteger balance) {
    }

    public record Check(String name, boolean passed, String reason) {
    }

    public record Quote(BigInteger fee, BigInteger deposit) {
        public BigInteger total() {
            return fee.add(deposit);
        }
    }

    /** Every check in order, the price, and the refusal of the first failed check (null if allowed). */
    public record Decision(List<Check> checks, Quote quote, ApiException refusal) {
        public boolean allowed() {
            return refusal == null;
        }
    }

    public static Decision decide(Request r) {
        List<Check> checks = new ArrayList<>(6);
        List<ApiException> refusals = new ArrayList<>(6);
        Quote quote = new Quote(r.pricing().fee(), r.pricing().deposit(r.codeSize()));

        check(checks, refusals, "cluster", r.active(), r.active() ? "cluster is active" : "cluster is suspended",
                () -> new ApiException(ErrorCode.CLUSTER_SUSPENDED, "cluster " + r.clusterId() + " is suspended",
                        Map.of("clusterId", r.clusterId())));

        RuleExpression.Verdict rule = rule(r);
        String ruleName = r.permission().rule();
        check(checks, refusals, "rule", rule.allowed(), rule.reason(),
                () -> new ApiException(ErrorCode.ACCESS_DENIED, ruleName + ": " + rule.reason(), Map.of("rule", ruleName)));

        long maxCodeSize = r.quota().maxCodeSize() == null ? Quota.DEFAULT_MAX_CODE_SIZE : r.quota().maxCodeSize();
        quota(checks, refusals, "codeSize", "maxCodeSize", r.codeSize(), r.codeSize() <= maxCodeSize, maxCodeSize,
                "code size " + r.codeSize() + " of at most " + maxCodeSize);
        Long maxContracts = r.quota().maxContracts();
        quota(checks, refusals, "clusterQuota", "maxContracts", r.deployedTotal(),
                maxContracts == null || r.deployedTotal() < maxContracts, maxContracts,
                r.deployedTotal() + " of " + limitText(maxContracts) + " contracts deployed in the cluster");
        Long perDeployer = r.quota().maxContractsPerDeployer();
        quota(checks, refusals, "deployerQuota", "maxContractsPerDeployer", r.deployedByAccount(),
                perDeployer == null || r.deployedByAccount() < perDeployer, perDeployer,
                r.deployedByAccount() + " of " + limitText(perDeployer) + " contracts deployed by " + r.account());

        boolean covered = r.balance().compareTo(quote.total()) >= 0;
        check(checks, refusals, "balance", covered,
                "balance " + r.balance() + (covered ? " covers " : " does not cover ") + quote.total(),
                () -> ApiException.insufficientBalance(quote.total(), r.balance()));

        return new Decision(List.copyOf(checks), quote, refusals.isEmpty() ? null : refusals.get(0));
    }

    private static RuleExpression.Verdict rule(Request r) {
        Permission p = r.permission();
        return switch (p.rule()) {
            case Permission.PUBLIC -> new RuleExpression.Verdict(true, "anyone may deploy");
            case Permission.ONLY_OWNER -> r.account().equals(r.owner())
                    ? new RuleExpression.Verdict(true, "account is the owner")
                    : new RuleExpression.Verdict(false, "only the owner may deploy");
            case Permission.ALLOW_LIST -> p.accounts().contains(r.account())
                    ? new RuleExpression.Verdict(true, "account is on the allow list")
                    : new RuleExpression.Verdict(false, "account is not on the allow list");
            case Permission.EXPRESSION -> RuleExpression.compile(p.expression()).evaluate(new RuleInput(
                    r.account(), r.owner(), List.copyOf(r.roles()), r.codeHash() == null ? "" : r.codeHash(),
                    r.codeSize(), r.deployedByAccount(), r.deployedTotal()));
            default -> new RuleExpression.Verdict(false, "unknown rule " + p.rule());
        };
    }

    private static void quota(List<Check> checks, List<ApiException> refusals, String name, String quota, long used,
            boolean passed, Long limit, String reason) {
        check(checks, refusals, name, passed, reason, () -> {
            Map<String, Object> details = Map.of("quota", quota, "used", used, "limit", limit);
            return new ApiException(ErrorCode.QUOTA_EXCEEDED, quota + " exceeded: " + reason, details);
        });
    }

    private static String limitText(Long limit) {
        return limit == null ? "unlimited" : limit.toString();
    }

    private static void check(List<Check> checks, List<ApiException> refusals, String name, boolean passed,
            String reason, java.util.function.Supplier<ApiException> refusal) {
        checks.add(new Check(name, passed, reason));
        if (!passed) {
            refusals.add(refusal.get());
        }
    }
}
