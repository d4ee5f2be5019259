package io.clusterfn.cluster;

import io.clusterfn.access.Permission;
import io.clusterfn.access.Pricing;
import io.clusterfn.access.Quota;
import io.clusterfn.message.Messaging;
import io.clusterfn.stake.ClusterStake;
import io.clusterfn.worker.WorkerView;

import java.time.OffsetDateTime;
import java.util.List;

/**
 * A cluster as the API shows it: its rules, workers, the escrow that pays their rent and how many
 * epochs it lasts, how its compute is shared by stake, and the messages waiting for it.
 * {@code runwayEpochs} is absent when no online worker charges rent.
 */
public record ClusterView(String id, String name, String owner, String status, boolean publicGood,
        Permission permission, Quota quota, Pricing pricing, Messaging messaging, String treasury,
        List<WorkerView> workers, String escrow, String rentPerEpoch, Long runwayEpochs, int contracts,
        ClusterStake stake, long inbox, OffsetDateTime createdAt) {
}
