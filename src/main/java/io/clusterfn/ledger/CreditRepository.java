package io.clusterfn.ledger;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import jakarta.enterprise.context.ApplicationScoped;

@ApplicationScoped
public class CreditRepository implements PanacheRepositoryBase<Credit, String> {
}
