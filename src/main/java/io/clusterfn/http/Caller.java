package io.clusterfn.http;

import java.util.Set;

/** Who is calling: the token's principal (an account) and its roles from the {@code groups} claim. */
public record Caller(String account, Set<String> roles) {
    public static final String ADMIN = "admin";
    public static final String OPERATOR = "operator";
    public static final String SCHEDULER = "scheduler";

    public boolean hasRole(String role) {
        return roles.contains(role);
    }

    public Caller requireRole(String role) {
        if (!hasRole(role)) {
            throw ApiException.roleRequired(role);
        }
        return this;
    }
}
