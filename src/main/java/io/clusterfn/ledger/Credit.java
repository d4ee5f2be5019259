package io.clusterfn.ledger;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;

import java.math.BigInteger;
import java.time.OffsetDateTime;

/** A credit from the bridge, kept so that a repeated transfer id answers the first result. */
@Entity
public class Credit {
    @Id
    @Column(name = "transfer_id")
    public String transferId;
    public String account;
    @Column(precision = 31)
    public BigInteger amount;
    @Column(name = "balance_after", precision = 40)
    public BigInteger balanceAfter;
    @Column(name = "created_at")
    public OffsetDateTime createdAt;
}
