package io.clusterfn.http;

import io.clusterfn.access.Permission;
import io.clusterfn.access.Pricing;
import io.clusterfn.access.Quota;
import io.clusterfn.message.Messaging;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * Types that Jackson reads or writes outside Funqy's own registration (which covers every
 * function's input and output): the error envelope, and the cluster settings stored as JSON
 * columns. A native image keeps their constructors and accessors.
 */
@RegisterForReflection(targets = {ErrorEnvelope.class, Permission.class, Quota.class, Pricing.class, Messaging.class})
public final class NativeReflection {
    private NativeReflection() {
    }
}
