package io.clusterfn.access;

import java.util.List;

/**
 * Who may deploy into a cluster: {@code rule} is PUBLIC, ONLY_OWNER, ALLOW_LIST (with
 * {@code accounts}) or EXPRESSION (with a CEL {@code expression}).
 */
public record Permission(String rule, List<String> accounts, String expression) {
    public static final String PUBLIC = "PUBLIC";
    public static final String ONLY_OWNER = "ONLY_OWNER";
    public static final String ALLOW_LIST = "ALLOW_LIST";
    public static final String EXPRESSION = "EXPRESSION";

    public static Permission onlyOwner() {
        return new Permission(ONLY_OWNER, null, null);
    }
}
