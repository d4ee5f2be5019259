package io.clusterfn.worker;

import io.clusterfn.http.Amounts;
import io.clusterfn.http.Caller;
import io.clusterfn.http.Fields;
import io.clusterfn.http.Identity;
import io.clusterfn.http.Page;
import io.clusterfn.http.Read;
import io.clusterfn.http.Store;
import io.quarkus.funqy.Funq;
import io.smallrye.mutiny.Uni;

import java.util.Map;

/** {@code registerWorker}, {@code heartbeat} and {@code workers}. */
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
    public Uni<WorkerView> registerWorker(RegisterInput in) {
        Caller caller = identity.withRole(Caller.OPERATOR);
        Worker worker = new Worker();
        worker.id = Fields.hexId("workerId", in.workerId());
        worker.operator = caller.account();
        worker.endpoint = Fields.text("endpoint", in.endpoint(), 512);
        worker.capacity = (int) Fields.count("capacity", in.capacity(), 1, 1_000_000);
        worker.rentPerEpoch = Amounts.parse("rentPerEpoch", in.rentPerEpoch());
        worker.attributes = Fields.attributes(in.attributes());
        return store.call(() -> service.register(worker)).map(WorkerView::of);
    }

    public record HeartbeatInput(String workerId) {
    }

    @Funq
    public Uni<WorkerService.Assignment> heartbeat(HeartbeatInput in) {
        Caller caller = identity.authenticated();
        String workerId = Fields.hexId("workerId", in.workerId());
        return store.call(() -> service.heartbeat(workerId, caller.account()));
    }

    public record WorkersQuery(String operator, String cluster, String status, Long limit, String cursor) {
    }

    @Funq
    @Read
    public Uni<Page<WorkerView>> workers(WorkersQuery q) {
        String operator = q.operator() == null ? null : Fields.account("operator", q.operator());
        String cluster = q.cluster() == null ? null : Fields.hexId("cluster", q.cluster());
        String status = Fields.oneOf("status", q.status(), Worker.AVAILABLE, Worker.ASSIGNED, Worker.OFFLINE);
        int limit = Page.limit(q.limit());
        String after = Page.after(q.cursor(), Fields::isHexId);
        return store.call(() -> service.list(operator, cluster, status, after, limit));
    }
}
