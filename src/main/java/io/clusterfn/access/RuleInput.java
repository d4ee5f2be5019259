package io.clusterfn.access;

import java.util.List;

/** What an owner's rule expression sees about a deploy. */
public record RuleInput(String account, String owner, List<String> roles, String codeHash, long codeSize,
        long deployedByAccount, long deployedTotal) {
}
