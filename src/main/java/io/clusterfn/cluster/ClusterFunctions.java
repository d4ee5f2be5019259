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
import io.clusterfn.http.Store;
import io.quarkus.funqy.Funq;

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
    private final Store store;

    public ClusterFunctions(ClusterService service, Identity identity, Store store) {
        this.service = service;
        this.identity = identity;
        this.store = store;
    }

    public record FormInput(String name, List<String> workers, Permission permission, Quota quota, Pricing pricing,
            String treasury, Long prepaidEpochs, Boolean publicGood) {
    }

    @Funq
    public ClusterView formCluster(FormInput input) {
        Caller caller = identity.authenticated();
        FormInput in = Fields.require("body", input);
        boolean publicGood = Boolean.TRUE.equals(in.publicGood());
        if (publicGood) {
            caller.requireRole(Caller.ADMIN);
        }
        List<String> workerIds = workerIds("workers", Fields.require("workers", in.workers()));
        if (workerIds.isEmpty()) {
            throw ApiException.invalidInput("workers", "must name at least one worker");
        }
        ClusterService.Formation formation = new ClusterService.Formation(
                Fields.text("name", in.name(), 128), caller.account(), workerIds,
                AccessRules.permission(in.permission()), AccessRules.quota(in.quota()),
                AccessRules.pricing(in.pricing()),
                in.treasury() == null ? caller.account() : Fields.account("treasury", in.treasury()),
                Fields.count("prepaidEpochs", in.prepaidEpochs(), 1, 1_000_000), publicGood);
        return store.call(() -> service.form(formation));
    }

    public record FundInput(String clusterId, String amount) {
    }

    @Funq
    public ClusterView fundCluster(FundInput input) {
        Caller caller = identity.authenticated();
        FundInput in = Fields.require("body", input);
        String clusterId = Fields.hexId("clusterId", in.clusterId());
        BigInteger amount = Amounts.parse("amount", in.amount());
        if (amount.signum() == 0) {
            throw ApiException.invalidInput("amount", "must be positive");
        }
        return store.call(() -> service.fund(clusterId, caller.account(), amount));
    }

    public record ConfigureInput(String clusterId, Permission permission, Quota quota, Pricing pricing,
            String treasury, List<String> addWorkers, List<String> removeWorkers) {
    }

    @Funq
    public ClusterView configureCluster(ConfigureInput input) {
        Caller caller = identity.authenticated();
        ConfigureInput in = Fields.require("body", input);
        String clusterId = Fields.hexId("clusterId", in.clusterId());
        List<String> add = in.addWorkers() == null ? List.of() : workerIds("addWorkers", in.addWorkers());
        List<String> remove = in.removeWorkers() == null ? List.of() : workerIds("removeWorkers", in.removeWorkers());
        if (add.stream().anyMatch(remove::contains)) {
            throw ApiException.invalidInput("addWorkers", "a worker cannot be added and removed at once");
        }
        ClusterService.Configuration configuration = new ClusterService.Configuration(
                in.permission() == null ? null : AccessRules.permission(in.permission()),
                in.quota() == null ? null : AccessRules.quota(in.quota()),
                in.pricing() == null ? null : AccessRules.pricing(in.pricing()),
                in.treasury() == null ? null : Fields.account("treasury", in.treasury()),
                add, remove);
        return store.call(() -> service.configure(clusterId, caller.account(), configuration));
    }

    @Funq
    public ClusterView cluster(IdQuery query) {
        String id = Fields.hexId("id", query == null ? null : query.id);
        return store.call(() -> service.get(id));
    }

    public static class ClustersQuery {
        public String owner;
        public Boolean publicGood;
        public String status;
        public Long limit;
        public String cursor;

        public void setOwner(String owner) {
            this.owner = owner;
        }

        public void setPublicGood(Boolean publicGood) {
            this.publicGood = publicGood;
        }

        public void setStatus(String status) {
            this.status = status;
        }

        public void setLimit(Long limit) {
            this.limit = limit;
        }

        public void setCursor(String cursor) {
            this.cursor = cursor;
        }
    }

    @Funq
    public Page<ClusterView> clusters(ClustersQuery query) {
        ClustersQuery q = query == null ? new ClustersQuery() : query;
        String owner = q.owner == null ? null : Fields.account("owner", q.owner);
        if (q.status != null && !Cluster.ACTIVE.equals(q.status) && !Cluster.SUSPENDED.equals(q.status)) {
            throw ApiException.invalidInput("status", "must be ACTIVE or SUSPENDED");
        }
        int limit = Page.limit(q.limit);
        String after = Page.decodeCursor(q.cursor);
        List<ClusterView> items = store.call(() -> service.list(owner, q.publicGood, q.status, after, limit + 1));
        if (items.size() <= limit) {
            return new Page<>(items, null);
        }
        List<ClusterView> page = new ArrayList<>(items.subList(0, limit));
        return new Page<>(page, Page.encodeCursor(page.get(limit - 1).id()));
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
