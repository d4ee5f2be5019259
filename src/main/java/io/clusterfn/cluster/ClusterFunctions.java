package io.clusterfn.cluster;

import io.clusterfn.access.AccessRules;
import io.clusterfn.access.Permission;
import io.clusterfn.access.Pricing;
import io.clusterfn.access.Quota;
import io.clusterfn.http.Amounts;
import io.clusterfn.http.ApiException;
import io.clusterfn.http.Caller;
import io.clusterfn.http.Fields;
import io.clusterfn.http.IdQuery;
import io.clusterfn.http.Identity;
import io.clusterfn.http.Page;
import io.clusterfn.http.Read;
import io.clusterfn.message.Messaging;
import io.quarkus.funqy.Funq;
import io.smallrye.mutiny.Uni;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** {@code formCluster}, {@code fundCluster}, {@code configureCluster}, {@code cluster}, {@code clusters}. */
public class ClusterFunctions {
    private static final int MAX_WORKERS = 1000;

    private final ClusterService service;
    private final Identity identity;

    public ClusterFunctions(ClusterService service, Identity identity) {
        this.service = service;
        this.identity = identity;
    }

    public record FormInput(String name, List<String> workers, Permission permission, Quota quota, Pricing pricing,
            Messaging messaging, String treasury, Long prepaidEpochs, Boolean publicGood) {
    }

    @Funq
    public Uni<ClusterView> formCluster(FormInput in) {
        Caller caller = identity.authenticated();
        boolean publicGood = Boolean.TRUE.equals(in.publicGood());
        if (publicGood) {
            caller.requireRole(Caller.ADMIN);
        }
        List<String> workerIds = workerIds("workers", Fields.require("workers", in.workers()));
        if (workerIds.isEmpty()) {
            throw ApiException.invalidInput("workers", "must name at least one worker");
        }
        return service.form(new ClusterService.Formation(
                Fields.text("name", in.name(), 128), caller.account(), workerIds,
                AccessRules.permission(in.permission()), AccessRules.quota(in.quota()),
                AccessRules.pricing(in.pricing()), Messaging.of(in.messaging()),
                in.treasury() == null ? caller.account() : Fields.account("treasury", in.treasury()),
                Fields.count("prepaidEpochs", in.prepaidEpochs(), 1, 1_000_000), publicGood));
    }

    public record FundInput(String clusterId, String amount) {
    }

    @Funq
    public Uni<ClusterView> fundCluster(FundInput in) {
        Caller caller = identity.authenticated();
        String clusterId = Fields.hexId("clusterId", in.clusterId());
        BigInteger amount = Amounts.parse("amount", in.amount());
        if (amount.signum() == 0) {
            throw ApiException.invalidInput("amount", "must be positive");
        }
        return service.fund(clusterId, caller.account(), amount);
    }

    public record ConfigureInput(String clusterId, Permission permission, Quota quota, Pricing pricing,
            Messaging messaging, String treasury, List<String> addWorkers, List<String> removeWorkers) {
    }

    @Funq
    public Uni<ClusterView> configureCluster(ConfigureInput in) {
        Caller caller = identity.authenticated();
        String clusterId = Fields.hexId("clusterId", in.clusterId());
        List<String> add = in.addWorkers() == null ? List.of() : workerIds("addWorkers", in.addWorkers());
        List<String> remove = in.removeWorkers() == null ? List.of() : workerIds("removeWorkers", in.removeWorkers());
        if (add.stream().anyMatch(remove::contains)) {
            throw ApiException.invalidInput("addWorkers", "a worker cannot be added and removed at once");
        }
        return service.configure(clusterId, caller.account(), new ClusterService.Configuration(
                in.permission() == null ? null : AccessRules.permission(in.permission()),
                in.quota() == null ? null : AccessRules.quota(in.quota()),
                in.pricing() == null ? null : AccessRules.pricing(in.pricing()),
                in.messaging() == null ? null : Messaging.of(in.messaging()),
                in.treasury() == null ? null : Fields.account("treasury", in.treasury()),
                add, remove));
    }

    @Funq
    @Read
    public Uni<ClusterView> cluster(IdQuery query) {
        return service.get(Fields.hexId("id", query.id()));
    }

    public record ClustersQuery(String owner, Boolean publicGood, String status, Long limit, String cursor) {
    }

    @Funq
    @Read
    public Uni<Page<ClusterView>> clusters(ClustersQuery q) {
        String owner = q.owner() == null ? null : Fields.account("owner", q.owner());
        String status = Fields.oneOf("status", q.status(), Cluster.ACTIVE, Cluster.SUSPENDED);
        int limit = Page.limit(q.limit());
        return service.list(owner, q.publicGood(), status, Page.after(q.cursor(), Fields::isHexId), limit);
    }

    /** Worker ids, lower-cased; each may be listed once. */
    private static List<String> workerIds(String field, List<String> given) {
        if (given.size() > MAX_WORKERS) {
            throw ApiException.invalidInput(field, "lists at most " + MAX_WORKERS + " workers");
        }
        Set<String> seen = new HashSet<>();
        List<String> ids = new ArrayList<>();
        for (String raw : given) {
            String id = Fields.hexId(field, raw);
            if (!seen.add(id)) {
                throw ApiException.invalidInput(field, "lists worker " + id + " more than once");
            }
            ids.add(id);
        }
        return ids;
    }
}
