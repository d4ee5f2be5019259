package io.clusterfn.http;

import io.quarkus.security.identity.SecurityIdentity;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Optional;

/**
 * Turns the verified bearer token of the current request into a {@link Caller}. Tokens are
 * verified by smallrye-jwt, and their subject by {@link FunctionRoute}, before any function runs;
 * an invalid one never gets this far.
 */
@ApplicationScoped
public class Identity {
    private final SecurityIdentity identity;

    public Identity(SecurityIdentity identity) {
        this.identity = identity;
    }

    /** The caller, if the request carries a token. */
    public Optional<Caller> current() {
        if (identity.isAnonymous()) {
            return Optional.empty();
        }
        return Optional.of(new Caller(identity.getPrincipal().getName(), identity.getRoles()));
    }

    /** The caller of a function that changes something: a token is required. */
    public Caller authenticated() {
        return current().orElseThrow(() -> new ApiException(ErrorCode.UNAUTHENTICATED, "a bearer token is required"));
    }

    public Caller withRole(String role) {
        return authenticated().requireRole(role);
    }
}
