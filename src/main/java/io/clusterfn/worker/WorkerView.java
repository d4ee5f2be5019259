package io.clusterfn.worker;

import io.clusterfn.http.Amounts;

import java.util.Map;

/** A worker as the API shows it. */
public record WorkerView(String id, String operator, String endpoint, int capacity, String rentPerEpoch,
        Map<String, String> attributes, String status, String clusterId, Long lastHeartbeatEpoch,
        Long joinedEpoch) {
    public static WorkerView of(Worker w) {
        return new WorkerView(w.id, w.operator, w.endpoint, w.capacity, Amounts.format(w.rentPerEpoch), w.attributes,
                w.status, w.clusterId, w.lastHeartbeatEpoch, w.joinedEpoch);
    }
}
