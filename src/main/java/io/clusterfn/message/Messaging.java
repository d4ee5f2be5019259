package io.clusterfn.message;

import io.clusterfn.http.Amounts;
import io.clusterfn.http.ApiException;
import io.clusterfn.http.Fields;

import java.math.BigInteger;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What a cluster accepts from other clusters: {@code accept} is NONE (the default), ANY, or
 * ALLOW_LIST (the sending clusters' ids in {@code clusters}); {@code fee} per message goes to its
 * treasury; at most {@code maxMessageSize} payload bytes per message and {@code channelCapacity}
 * messages queued on each channel into it.
 */
public record Messaging(String accept, List<String> clusters, String fee, Long maxMessageSize, Long channelCapacity) {
    public static final String NONE = "NONE";
    public static final String ANY = "ANY";
    public static final String ALLOW_LIST = "ALLOW_LIST";
    public static final long DEFAULT_MAX_MESSAGE_SIZE = 4096;
    public static final long MAX_MESSAGE_SIZE = 65536;
    public static final long DEFAULT_CHANNEL_CAPACITY = 1000;
    public static final long MAX_CHANNEL_CAPACITY = 100_000;
    private static final int MAX_ALLOW_LIST = 1000;

    public static Messaging none() {
        return new Messaging(NONE, null, "0", DEFAULT_MAX_MESSAGE_SIZE, DEFAULT_CHANNEL_CAPACITY);
    }

    /** A policy as given by an owner, checked and with its defaults; absent means no messages. */
    public static Messaging of(Messaging given) {
        if (given == null) {
            return none();
        }
        String accept = given.accept() == null ? NONE : given.accept();
        List<String> clusters = null;
        switch (accept) {
            case NONE, ANY -> {
                if (given.clusters() != null) {
                    throw ApiException.invalidInput("messaging.clusters", "is only for accept ALLOW_LIST");
                }
            }
            case ALLOW_LIST -> {
                List<String> listed = Fields.require("messaging.clusters", given.clusters());
                if (listed.size() > MAX_ALLOW_LIST) {
                    throw ApiException.invalidInput("messaging.clusters", "holds at most " + MAX_ALLOW_LIST + " clusters");
                }
                Set<String> unique = new LinkedHashSet<>();
                for (String cluster : listed) {
                    unique.add(Fields.hexId("messaging.clusters", cluster));
                }
                clusters = List.copyOf(unique);
            }
            default -> throw ApiException.invalidInput("messaging.accept", "must be one of NONE, ANY, ALLOW_LIST");
        }
        return new Messaging(accept, clusters, Amounts.parseOrZero("messaging.fee", given.fee()).toString(),
                given.maxMessageSize() == null ? DEFAULT_MAX_MESSAGE_SIZE
                        : Fields.count("messaging.maxMessageSize", given.maxMessageSize(), 0, MAX_MESSAGE_SIZE),
                given.channelCapacity() == null ? DEFAULT_CHANNEL_CAPACITY
                        : Fields.count("messaging.channelCapacity", given.channelCapacity(), 1, MAX_CHANNEL_CAPACITY));
    }

    /** Whether messages from that cluster are let in. */
    public boolean admits(String fromCluster) {
        return ANY.equals(accept) || ALLOW_LIST.equals(accept) && clusters != null && clusters.contains(fromCluster);
    }

    public BigInteger feeAmount() {
        return new BigInteger(fee);
    }
}
