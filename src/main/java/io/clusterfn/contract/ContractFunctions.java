package io.clusterfn.contract;

import io.clusterfn.http.Caller;
import io.clusterfn.http.Fields;
import io.clusterfn.http.IdQuery;
import io.clusterfn.http.Identity;
import io.clusterfn.http.Metrics;
import io.clusterfn.http.Page;
import io.clusterfn.http.Read;
import io.quarkus.funqy.Funq;
import io.smallrye.mutiny.Uni;

/** {@code deploy}, {@code undeploy}, {@code contract} and {@code contracts}. */
public class ContractFunctions {
    /** Code sizes are bytes; the quota decides how large a cluster takes them. */
    public static final long MAX_CODE_SIZE = 1L << 40;

    private final ContractService service;
    private final Identity identity;
    private final Metrics metrics;

    public ContractFunctions(ContractService service, Identity identity, Metrics metrics) {
        this.service = service;
        this.identity = identity;
        this.metrics = metrics;
    }

    public record DeployInput(String clusterId, String codeHash, Long codeSize, String salt) {
    }

    @Funq
    public Uni<ContractView> deploy(DeployInput in) {
        Caller caller = identity.authenticated();
        ContractService.DeployRequest request = new ContractService.DeployRequest(
                Fields.hexId("clusterId", in.clusterId()), caller.account(), caller.roles(),
                Fields.hexId("codeHash", in.codeHash()), Fields.count("codeSize", in.codeSize(), 1, MAX_CODE_SIZE),
                Fields.salt(in.salt()));
        return service.deploy(request).invoke(metrics::deployed);
    }

    public record UndeployInput(String contractId) {
    }

    @Funq
    public Uni<ContractView> undeploy(UndeployInput in) {
        Caller caller = identity.authenticated();
        return service.undeploy(Fields.hexId("contractId", in.contractId()), caller);
    }

    @Funq
    @Read
    public Uni<ContractView> contract(IdQuery query) {
        return service.get(Fields.hexId("id", query.id()));
    }

    public record ContractsQuery(String cluster, String deployer, String status, Long limit, String cursor) {
    }

    @Funq
    @Read
    public Uni<Page<ContractView>> contracts(ContractsQuery q) {
        String cluster = q.cluster() == null ? null : Fields.hexId("cluster", q.cluster());
        String deployer = q.deployer() == null ? null : Fields.account("deployer", q.deployer());
        String status = Fields.oneOf("status", q.status(), Contract.DEPLOYED, Contract.UNDEPLOYED);
        int limit = Page.limit(q.limit());
        return service.list(cluster, deployer, status, Page.after(q.cursor(), Fields::isHexId), limit);
    }
}
