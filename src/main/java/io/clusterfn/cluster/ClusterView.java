package io.clusterfn.cluster;

import com.fasterxml.jackson.annotation.JsonRawValue;
import io.clusterfn.stake.ClusterStake;

import java.time.OffsetDateTime;

/**
 * A cluster as the API shows it: its rules, workers, the escrow that pays their rent and how many
 * epochs it lasts, how its compute is shared by stake, and the messages waiting for it.
 * {@code runwayEpochs} is absent when no online worker charges rent. The rules and the workers are
 * JSON as the store renders them ({@link ClusterQueries}), in the shapes of {@code Permission},
 * {@code Quota}, {@code Pricing}, {@code Messaging} and a list of {@code WorkerView}.
 */
public record ClusterView(String id, String name, String owner, String status, boolean publicGood,
        @JsonRawValue String permission, @JsonRawValue String quota, @JsonRawValue String pricing,
        @JsonRawValue String messaging, String treasury, @JsonRawValue String workers, String escrow,
        String rentPerEpoch, Long runwayEpochs, int contracts, ClusterStake stake, long inbox,
        OffsetDateTime createdAt) {
}
