package io.clusterfn.contract;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;

import java.math.BigInteger;
import java.time.OffsetDateTime;

/** Code deployed to a cluster; every worker of the cluster runs it. */
@Entity
public class Contract {
    public static final String DEPLOYED = "DEPLOYED";
    public static final String UNDEPLOYED = "UNDEPLOYED";

    @Id
    public String id;
    @Column(name = "cluster_id")
    public String clusterId;
    public String deployer;
    public String status;
    @Column(name = "code_hash")
    public String codeHash;
    @Column(name = "code_size")
    public long codeSize;
    public String salt;
    @Column(name = "fee_paid", precision = 31)
    public BigInteger feePaid;
    @Column(precision = 31)
    public BigInteger deposit;
    @Column(name = "deployed_at")
    public OffsetDateTime deployedAt;
    @Column(name = "undeployed_at")
    public OffsetDateTime undeployedAt;

    public boolean isDeployed() {
        return DEPLOYED.equals(status);
    }
}
