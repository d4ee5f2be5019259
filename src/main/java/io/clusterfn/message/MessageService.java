package io.clusterfn.message;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.core.JsonProcessingException;
import io.clusterfn.cluster.Cluster;
import io.clusterfn.contract.Contract;
import io.clusterfn.http.ApiException;
import io.clusterfn.http.ErrorCode;
import io.clusterfn.http.Ids;
import io.clusterfn.http.Page;
import io.clusterfn.http.Store;
import io.clusterfn.http.StoredJson;
import io.clusterfn.http.Times;
import io.clusterfn.http.Tx;
import io.clusterfn.ledger.Ledger;
import io.clusterfn.ledger.Posting;
import io.clusterfn.worker.Worker;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Messages between contracts of different clusters, in the manner of XCM: each ordered pair of
 * clusters is a channel whose row hands out gapless sequence numbers; the receiving cluster's
 * {@link Messaging} policy decides what gets in and what it costs; workers of the receiving
 * cluster read their inbox and acknowledge what they processed (at-least-once delivery).
 */
@ApplicationScoped
public class MessageService {
    /**
     * A send's first round trip, in the order every change locks: the receiving cluster (shared:
     * its policy and treasury hold for the send), the worker, both contracts, the channel (created on
     * first use, then locked: one send at a time takes a number), a repeat of the same nonce, and
     * the accounts the fee moves between.
     */
    private static final String RECEIVER = """
            SELECT id, status, messaging::text, treasury FROM cluster
            WHERE id = (SELECT cluster_id FROM contract WHERE id = $1) FOR SHARE
            """;
    /** The worker that sends or acknowledges (its operator, status and cluster), kept while the change commits. */
    private static final String WORKER = "SELECT operator, status, cluster_id FROM worker WHERE id = $1 FOR SHARE";
    private static final String CONTRACTS = """
            SELECT id, status, cluster_id, deployer FROM contract WHERE id IN ($1, $2) ORDER BY id FOR SHARE
            """;
    private static final String OPEN_CHANNEL = """
            INSERT INTO channel (from_cluster, to_cluster)
            SELECT f.cluster_id, t.cluster_id FROM contract f, contract t
            WHERE f.id = $1 AND t.id = $2 AND f.cluster_id <> t.cluster_id
            ON CONFLICT DO NOTHING
            """;
    private static final String LOCK_CHANNEL = """
            SELECT last_seq, delivered_seq FROM channel
            WHERE from_cluster = (SELECT cluster_id FROM contract WHERE id = $1)
              AND to_cluster = (SELECT cluster_id FROM contract WHERE id = $2) FOR UPDATE
            """;
    /** A message as the API shows it, aliased {@code m}; read by {@link #view}. */
    private static final String MESSAGE = """
            m.id, m.from_contract, m.to_contract, m.from_cluster, m.to_cluster, m.seq, m.nonce, m.size, m.fee::text, m.status,
            m.sent_at, m.delivered_at""";
    private static final String SENT_BEFORE = "SELECT " + MESSAGE + ", m.payload_hash FROM message m "
            + "WHERE m.from_contract = $1 AND m.nonce = $2";
    private static final String LOCK_FEE_ACCOUNTS = """
            SELECT id, balance FROM ledger_account WHERE id IN (
                (SELECT deployer FROM contract WHERE id = $1::varchar),
                (SELECT treasury FROM cluster WHERE id = (SELECT cluster_id FROM contract WHERE id = $2::varchar)))
            ORDER BY id FOR UPDATE
            """;
    private static final String QUEUE = """
            INSERT INTO message (id, from_contract, to_contract, from_cluster, to_cluster, seq, nonce, size, fee, status,
                                 payload, payload_hash, sent_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'QUEUED', $10, $11, $12)
            """;
    private static final String TAKE_SEQ = "UPDATE channel SET last_seq = $3 WHERE from_cluster = $1 AND to_cluster = $2";

    /** A worker's inbox, in one statement: the worker, what is queued for its cluster, the first messages with payloads. */
    private static final String INBOX = """
            SELECT w.operator, w.status, w.cluster_id, q.queued,
                   """ + MESSAGE + """
            , m.payload
            FROM worker w
            CROSS JOIN LATERAL (SELECT coalesce(sum(last_seq - delivered_seq), 0) AS queued FROM channel
                                WHERE to_cluster = w.cluster_id) q -- once, not once per message
            LEFT JOIN LATERAL (
                SELECT * FROM message WHERE to_cluster = w.cluster_id AND status = 'QUEUED'
                ORDER BY from_cluster, seq LIMIT $2) m ON true
            WHERE w.id = $1
            ORDER BY m.from_cluster, m.seq
            """;

    private static final String LOCK_ACKED_CHANNEL = """
            SELECT last_seq, delivered_seq FROM channel
            WHERE from_cluster = $2 AND to_cluster = (SELECT cluster_id FROM worker WHERE id = $1) FOR UPDATE
            """;
    private static final String DELIVER = """
            UPDATE message SET status = 'DELIVERED', delivered_at = $5, payload = NULL
            WHERE from_cluster = $1 AND to_cluster = $2 AND seq > $3 AND seq <= $4
            """;
    private static final String ACKNOWLEDGE = "UPDATE channel SET delivered_seq = $3 WHERE from_cluster = $1 AND to_cluster = $2";

    /** A contract's messages, newest first, before the cursor; no row at all when the contract does not exist. */
    private static String history(String column) {
        return "SELECT c.id, " + MESSAGE + """
                , m.n FROM contract c
                LEFT JOIN LATERAL (SELECT * FROM message WHERE\s""" + column + """
                 = c.id AND n < $2 ORDER BY n DESC LIMIT $3) m ON true
                WHERE c.id = $1 ORDER BY m.n DESC
                """;
    }

    private static final String SENT = history("from_contract");
    private static final String RECEIVED = history("to_contract");

    private final Store store;
    private final StoredJson json;
    private final MessageMetrics metrics;

    public MessageService(Store store, StoredJson json, MessageMetrics metrics) {
        this.store = store;
        this.json = json;
        this.metrics = metrics;
    }

    /** A send as asked: the payload decoded. */
    public record Send(String caller, String workerId, String from, String to, String nonce, byte[] payload) {
        String messageId() {
            return Ids.of(from, nonce);
        }
    }

    /** The checks in the order the API reference gives them; then, in the second round trip, the message queued and the fee paid, COMMIT. */
    public Uni<MessageView> send(Send s) {
        Tuple pair = Tuple.of(s.from(), s.to());
        return store.transaction(tx -> tx.query(new Tx.Statement(RECEIVER, Tuple.of(s.to())),
                        new Tx.Statement(WORKER, Tuple.of(s.workerId())),
                        new Tx.Statement(CONTRACTS, pair),
                        new Tx.Statement(OPEN_CHANNEL, pair),
                        new Tx.Statement(LOCK_CHANNEL, pair),
                        new Tx.Statement(SENT_BEFORE, Tuple.of(s.from(), s.nonce())),
                        new Tx.Statement(LOCK_FEE_ACCOUNTS, pair))
                .chain(rows -> {
                    Map<String, Row> contracts = new HashMap<>();
                    rows.get(2).forEach(row -> contracts.put(row.getString(0), row));
                    Row from = contracts.get(s.from());
                    Row to = contracts.get(s.to());
                    if (from == null) {
                        throw ApiException.contractNotFound(s.from());
                    }
                    if (to == null) {
                        throw ApiException.contractNotFound(s.to());
                    }
                    Row worker = first(rows.get(1));
                    if (worker == null) {
                        throw ApiException.workerNotFound(s.workerId());
                    }
                    if (!worker.getString(0).equals(s.caller()) || !Worker.ASSIGNED.equals(worker.getString(1))
                            || !from.getString(2).equals(worker.getString(2))) {
                        throw ApiException.notOwner("operator of a worker assigned to the sending contract's cluster");
                    }
                    Row before = first(rows.get(5));
                    if (before != null) {
                        return Uni.createFrom().item(repeated(before, s));
                    }
                    if (!Contract.DEPLOYED.equals(from.getString(1)) || !Contract.DEPLOYED.equals(to.getString(1))) {
                        throw ApiException.conflict("both contracts must be deployed");
                    }
                    if (from.getString(2).equals(to.getString(2))) {
                        throw ApiException.conflict("both contracts are in cluster " + from.getString(2)
                                + ": contracts of one cluster call each other directly");
                    }
                    Row receiver = first(rows.get(0));
                    String toCluster = receiver.getString(0);
                    String fromCluster = from.getString(2);
                    if (!Cluster.ACTIVE.equals(receiver.getString(1))) {
                        throw new ApiException(ErrorCode.CLUSTER_SUSPENDED, "cluster " + toCluster + " is suspended",
                                Map.of("clusterId", toCluster));
                    }
                    Messaging policy = messaging(receiver.getString(2));
                    if (!policy.admits(fromCluster)) {
                        throw new ApiException(ErrorCode.ACCESS_DENIED, "cluster " + toCluster + " accepts no messages from "
                                + fromCluster + " (messaging " + policy.accept() + ")", Map.of("rule", "messaging"));
                    }
                    if (s.payload().length > policy.maxMessageSize()) {
                        throw quotaExceeded("maxMessageSize", s.payload().length, policy.maxMessageSize());
                    }
                    Row channel = first(rows.get(4));
                    long lastSeq = channel.getLong(0);
                    long queued = lastSeq - channel.getLong(1);
                    if (queued >= policy.channelCapacity()) {
                        throw quotaExceeded("channelCapacity", queued, policy.channelCapacity());
                    }
                    String deployer = from.getString(3);
                    BigInteger fee = policy.feeAmount();
                    Posting posting = new Posting().transfer(deployer, receiver.getString(3), fee, "message-fee", s.messageId());
                    posting.requireCovered(Ledger.balances(rows.get(6)));
                    long seq = lastSeq + 1;
                    OffsetDateTime now = Times.now();
                    MessageView sent = new MessageView(s.messageId(), s.from(), s.to(), fromCluster, toCluster, seq, s.nonce(),
                            s.payload().length, fee.toString(), MessageView.QUEUED, now, null, null);
                    return tx.commit(
                                    new Tx.Statement(QUEUE, Tuple.from(List.of(sent.id(), s.from(), s.to(), fromCluster, toCluster,
                                            seq, s.nonce(), s.payload().length, new BigDecimal(fee), Buffer.buffer(s.payload()),
                                            Buffer.buffer(Ids.sha256(s.payload())), now))),
                                    new Tx.Statement(TAKE_SEQ, Tuple.of(fromCluster, toCluster, seq)),
                                    Ledger.apply(posting))
                            .map(done -> sent)
                            .invoke(metrics::sent); // only a newly queued message: a repeat answered above
                }));
    }

    /** The same nonce again: the first answer if it is the same message, else a conflict. */
    private static MessageView repeated(Row before, Send s) {
        boolean same = before.getString(2).equals(s.to())
                && Arrays.equals(before.getBuffer(12).getBytes(), Ids.sha256(s.payload()));
        if (!same) {
            throw new ApiException(ErrorCode.CONFLICT, "nonce " + s.nonce() + " of contract " + s.from()
                    + " was used for another message", Map.of("messageId", before.getString(0)));
        }
        return view(before, 0, null);
    }

    private static ApiException quotaExceeded(String quota, long used, long limit) {
        return new ApiException(ErrorCode.QUOTA_EXCEEDED, quota + " exceeded: " + used + " of at most " + limit,
                Map.of("quota", quota, "used", used, "limit", limit));
    }

    public record Inbox(String clusterId, long queued, List<MessageView> items) {
    }

    /** Queued messages into the worker's cluster with their payloads, by channel then sequence. One round trip. */
    public Uni<Inbox> inbox(String workerId, String caller, int limit) {
        return store.read(INBOX, Tuple.of(workerId, limit), rows -> {
            Row worker = first(rows);
            requireReader(worker, workerId, caller);
            List<MessageView> items = new ArrayList<>();
            for (Row row : rows) {
                if (row.getString(4) != null) {
                    MessageView message = view(row, 4, Base64.getEncoder().encodeToString(row.getBuffer(16).getBytes()));
                    items.add(message);
                }
            }
            return new Inbox(worker.getString(2), worker.getLong(3), items);
        });
    }

    /** The answer of {@code ack}; {@code newlyDelivered} (not shown) is what this call marked delivered. */
    public record Acknowledged(String fromCluster, String toCluster, long lastSeq, long delivered, long queued,
            @JsonIgnore long newlyDelivered) {
    }

    /** Marks a channel's messages up to {@code upTo} delivered; a lower mark than before changes nothing. */
    public Uni<Acknowledged> ack(String workerId, String caller, String fromCluster, long upTo) {
        return store.transaction(tx -> tx.query(new Tx.Statement(WORKER, Tuple.of(workerId)),
                        new Tx.Statement(LOCK_ACKED_CHANNEL, Tuple.of(workerId, fromCluster)))
                .chain(rows -> {
                    Row worker = first(rows.get(0));
                    requireReader(worker, workerId, caller);
                    String toCluster = worker.getString(2);
                    Row channel = first(rows.get(1));
                    long lastSeq = channel == null ? 0 : channel.getLong(0);
                    long delivered = channel == null ? 0 : channel.getLong(1);
                    if (upTo > lastSeq) {
                        throw ApiException.conflict("upTo " + upTo + " is beyond the channel's last message " + lastSeq);
                    }
                    if (upTo <= delivered) {
                        return Uni.createFrom().item(new Acknowledged(fromCluster, toCluster, lastSeq, delivered,
                                lastSeq - delivered, 0));
                    }
                    return tx.commit(
                                    new Tx.Statement(DELIVER, Tuple.of(fromCluster, toCluster, delivered, upTo,
                                            Times.now())),
                                    new Tx.Statement(ACKNOWLEDGE, Tuple.of(fromCluster, toCluster, upTo)))
                            .map(done -> new Acknowledged(fromCluster, toCluster, lastSeq, upTo, lastSeq - upTo, upTo - delivered))
                            .invoke(metrics::acknowledged);
                }));
    }

    /** A contract's messages, without payloads, newest first. One round trip. */
    public Uni<Page<MessageView>> history(String contractId, boolean sent, Long before, int limit) {
        return store.read(sent ? SENT : RECEIVED, Tuple.of(contractId, before == null ? Long.MAX_VALUE : before, limit + 1),
                rows -> {
                    if (rows.size() == 0) {
                        throw ApiException.contractNotFound(contractId);
                    }
                    List<Row> found = new ArrayList<>();
                    rows.forEach(row -> {
                        if (row.getString(1) != null) {
                            found.add(row);
                        }
                    });
                    return Page.of(found, limit, row -> String.valueOf(row.getLong(13))).map(row -> view(row, 1, null));
                });
    }

    /** Only the operator of a worker of the receiving cluster, assigned or offline, reads and acknowledges. */
    private static void requireReader(Row worker, String workerId, String caller) {
        if (worker == null) {
            throw ApiException.workerNotFound(workerId);
        }
        String status = worker.getString(1);
        if (!worker.getString(0).equals(caller) || worker.getString(2) == null
                || !Worker.ASSIGNED.equals(status) && !Worker.OFFLINE.equals(status)) {
            throw ApiException.notOwner("operator of a worker of the receiving cluster");
        }
    }

    /** A message from {@link #MESSAGE} starting at column {@code at}. */
    private static MessageView view(Row row, int at, String payload) {
        return new MessageView(row.getString(at), row.getString(at + 1), row.getString(at + 2), row.getString(at + 3),
                row.getString(at + 4), row.getLong(at + 5), row.getString(at + 6), row.getInteger(at + 7),
                row.getString(at + 8), row.getString(at + 9),
                row.getOffsetDateTime(at + 10), row.getOffsetDateTime(at + 11), payload);
    }

    private Messaging messaging(String stored) {
        try {
            return json.read(stored, Messaging.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a cluster's messaging policy does not read", e);
        }
    }

    private static Row first(RowSet<Row> rows) {
        return rows.size() == 0 ? null : rows.iterator().next();
    }
}
