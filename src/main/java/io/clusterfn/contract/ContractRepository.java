package io.clusterfn.contract;

import io.clusterfn.http.ApiException;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

@ApplicationScoped
public class ContractRepository implements PanacheRepositoryBase<Contract, String> {
    public Uni<Contract> get(String id) {
        return findById(id).map(contract -> require(contract, id));
    }

    public Uni<Contract> lock(String id) {
        return findById(id, LockModeType.PESSIMISTIC_WRITE).map(contract -> require(contract, id));
    }

    private static Contract require(Contract contract, String id) {
        if (contract == null) {
            throw ApiException.contractNotFound(id);
        }
        return contract;
    }
}
