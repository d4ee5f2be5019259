package io.clusterfn.cluster;

import io.clusterfn.access.Permission;
import io.clusterfn.access.Pricing;
import io.clusterfn.access.Quota;
import io.clusterfn.message.Messaging;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import java.time.OffsetDateTime;

/**
 * A pool of workers that runs every contract deployed to it, under its owner's rules. Read and
 * changed as an entity where a change touches many of its fields ({@code configureCluster});
 * the hot paths read its row with prepared statements.
 */
@Entity
public class Cluster {
    public static final String ACTIVE = "ACTIVE";
    public static final String SUSPENDED = "SUSPENDED";

    @Id
    public String id;
    public String name;
    public String owner;
    public String status;
    @Column(name = "public_good")
    public boolean publicGood;
    @JdbcTypeCode(SqlTypes.JSON)
    public Permission permission;
    @JdbcTypeCode(SqlTypes.JSON)
    public Quota quota;
    @JdbcTypeCode(SqlTypes.JSON)
    public Pricing pricing;
    @JdbcTypeCode(SqlTypes.JSON)
    public Messaging messaging;
    public String treasury;
    @Column(name = "contracts_deployed")
    public int contractsDeployed;
    @Column(name = "created_at")
    public OffsetDateTime createdAt;
}
