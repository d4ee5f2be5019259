package io.clusterfn.worker;

import io.clusterfn.http.Amounts;
import io.clusterfn.http.Caller;
import io.clusterfn.http.Fields;
import io.clusterfn.http.Identity;
import io.clusterfn.http.Store;
import io.quarkus.funqy.Funq;

import java.util.Map;

/** {@code registerWorker} and {@code heartbeat}. */
public class WorkerFunctions {
    private final WorkerService service;
    private final Identity identity;
    private final Store store;

    public WorkerFunctions(WorkerService service, Identity identity, Store store) {
        this.service = service;
        this.identity = identity;
        this.store = store;
    }

    public record RegisterInput(String workerId, String endpoint, Long capacity, String rentPerEpoch,
            Map<String, String> attributes) {
    }

    @Funq
    public WorkerView registerWorker(RegisterInput input) {
        Caller caller = identity.withRole(Caller.OPERATOR);
        RegisterInput in = Fields.require("body", input);
        Worker worker = new Worker();
        worker.id = Fields.hexId("workerId", in.workerId());
        worker.operator = caller.account();
        worker.endpoint = Fields.text("endpoint", in.endpoint(), 512);
        worker.capacity = (int) Fields.count("capacity", in.capacity(), 1, 1_000_000);
        worker.rentPerEpoch = Amounts.parse("rentPerEpoch", in.rentPerEpoch());
        worker.attributes = Fields.attributes(in.attributes());
        return WorkerView.of(store.call(() -> service.register(worker)));
    }

    public record HeartbeatInput(String workerId) {
    }

    @Funq
    public WorkerService.Assignment heartbeat(HeartbeatInput input) {
        Caller caller = identity.authenticated();
        String workerId = Fields.hexId("workerId", Fields.require("body", input).workerId());
        return store.call(() -> service.heartbeat(workerId, caller.account()));
    }
}
