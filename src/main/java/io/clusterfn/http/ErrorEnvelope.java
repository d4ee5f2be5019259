package io.clusterfn.http;

import java.util.Map;

/** The body of every non-2xx answer. */
public record ErrorEnvelope(String error, String message, Map<String, Object> details) {
}
