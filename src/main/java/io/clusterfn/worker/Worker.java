package io.clusterfn.worker;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import java.math.BigInteger;
import java.time.OffsetDateTime;
import java.util.Map;

/** A machine with a trusted execution environment, run by an operator, rented to one cluster at a time. */
@Entity
public class Worker {
    public static final String AVAILABLE = "AVAILABLE";
    public static final String ASSIGNED = "ASSIGNED";
    public static final String OFFLINE = "OFFLINE";

    @Id
    public String id;
    public String operator;
    public String endpoint;
    public int capacity;
    @Column(name = "rent_per_epoch", precision = 31)
    public BigInteger rentPerEpoch;
    @JdbcTypeCode(SqlTypes.JSON)
    public Map<String, String> attributes;
    public String status;
    @Column(name = "cluster_id")
    public String clusterId;
    @Column(name = "last_heartbeat_epoch")
    public Long lastHeartbeatEpoch;
    /** The epoch it joined its cluster in: it is paid rent from that epoch on, never for earlier ones. */
    @Column(name = "joined_epoch")
    public Long joinedEpoch;
    @Column(name = "registered_at")
    public OffsetDateTime registeredAt;

    /** Joins a cluster; joining counts as a heartbeat in the current epoch. */
    public void assignTo(String clusterId, long epoch) {
        this.status = ASSIGNED;
        this.clusterId = clusterId;
        this.lastHeartbeatEpoch = epoch;
        this.joinedEpoch = epoch;
    }

    public void release() {
        this.status = AVAILABLE;
        this.clusterId = null;
        this.joinedEpoch = null;
    }
}
