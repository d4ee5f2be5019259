package io.clusterfn.contract;

import io.clusterfn.http.Caller;
import io.clusterfn.http.Fields;
import io.clusterfn.http.IdQuery;
import io.clusterfn.http.Identity;
import io.clusterfn.http.Metrics;
import io.clusterfn.http.Store;
import io.quarkus.funqy.Funq;

/** {@code deploy}, {@code undeploy} and {@code contract}. */
public class ContractFunctions {
    /** Code sizes are bytes; the quota decides how large a cluster takes them. */
    public static final long MAX_CODE_SIZE = 1L << 40;

    private final ContractService service;
    private final Identity identity;
    private final Store store;
    private final Metrics metrics;

    public ContractFunctions(ContractService service, Identity identity, Store store, Metrics metrics) {
        this.service = service;
        this.identity = identity;
        this.store = store;
        this.metrics = metrics;
    }

    public record DeployInput(String clusterId, String codeHash, Long codeSize, String salt) {
    }

    @Funq
    public ContractView deploy(DeployInput input) {
        Caller caller = identity.authenticated();
        DeployInput in = Fields.require("body", input);
        ContractService.DeployRequest request = new ContractService.DeployRequest(
                Fields.hexId("clusterId", in.clusterId()), caller.account(), caller.roles(),
                Fields.hexId("codeHash", in.codeHash()), Fields.count("codeSize", in.codeSize(), 1, MAX_CODE_SIZE),
                Fields.salt(in.salt()));
        ContractView deployed = store.call(() -> service.deploy(request));
        metrics.deployed();
        return deployed;
    }

    public record UndeployInput(String contractId) {
    }

    @Funq
    public ContractView undeploy(UndeployInput input) {
        Caller caller = identity.authenticated();
        String contractId = Fields.hexId("contractId", Fields.require("body", input).contractId());
        return store.call(() -> service.undeploy(contractId, caller));
    }

    @Funq
    public ContractView contract(IdQuery query) {
        String id = Fields.hexId("id", query == null ? null : query.id);
        return store.call(() -> service.get(id));
    }
}
