package io.clusterfn.message;

import java.time.OffsetDateTime;

/**
 * A message as the API shows it: from one contract to another in another cluster, its place
 * {@code seq} on the channel between the two clusters, its fee and state. {@code payload}
 * (base64) is only shown in {@code inbox}.
 */
public record MessageView(String id, String from, String to, String fromCluster, String toCluster, long seq,
        String nonce, int size, String fee, String status, OffsetDateTime sentAt, OffsetDateTime deliveredAt,
        String payload) {
    public static final String QUEUED = "QUEUED";
}
