-- Messages between contracts of different clusters (XCM-like), and indexes for the listings.

-- The receiving side's policy: {accept (NONE, ANY, ALLOW_LIST), clusters, fee, maxMessageSize,
-- channelCapacity}, the shape of the API. Existing clusters take the default: no messages.
ALTER TABLE cluster ADD COLUMN messaging jsonb NOT NULL
    DEFAULT '{"accept": "NONE", "clusters": null, "fee": "0", "maxMessageSize": 4096, "channelCapacity": 1000}';

-- A channel is the ordered stream of messages from one cluster to another. Its row is locked by
-- every send and ack on it: sequence numbers are given out here, without gaps, and what is queued
-- (sent, not yet acknowledged) is last_seq - delivered_seq.
CREATE TABLE channel (
    from_cluster   varchar NOT NULL REFERENCES cluster (id),
    to_cluster     varchar NOT NULL REFERENCES cluster (id),
    last_seq       bigint  NOT NULL DEFAULT 0,
    delivered_seq  bigint  NOT NULL DEFAULT 0,
    PRIMARY KEY (from_cluster, to_cluster),
    CONSTRAINT channel_delivered CHECK (0 <= delivered_seq AND delivered_seq <= last_seq)
);
CREATE INDEX channel_to ON channel (to_cluster);

CREATE TABLE message (
    id             varchar PRIMARY KEY,
    -- Newest first in listings, and a cursor that never skips or repeats.
    n              bigserial NOT NULL UNIQUE,
    from_contract  varchar NOT NULL REFERENCES contract (id),
    to_contract    varchar NOT NULL REFERENCES contract (id),
    from_cluster   varchar NOT NULL,
    to_cluster     varchar NOT NULL,
    seq            bigint  NOT NULL,
    nonce          varchar NOT NULL,
    size           integer NOT NULL,
    fee            numeric(31, 0) NOT NULL,
    status         varchar NOT NULL CHECK (status IN ('QUEUED', 'DELIVERED')),
    -- Kept until delivered; its hash stays, so a repeated send can be told from another one.
    payload        bytea,
    payload_hash   bytea   NOT NULL,
    sent_at        timestamptz NOT NULL,
    delivered_at   timestamptz,
    UNIQUE (from_contract, nonce),
    UNIQUE (from_cluster, to_cluster, seq),
    FOREIGN KEY (from_cluster, to_cluster) REFERENCES channel (from_cluster, to_cluster)
);
CREATE INDEX message_inbox ON message (to_cluster, from_cluster, seq) WHERE status = 'QUEUED';
CREATE INDEX message_from ON message (from_contract, n);
CREATE INDEX message_to ON message (to_contract, n);

-- Listings: contracts by cluster (any status) and workers by operator, each in id order.
CREATE INDEX contract_cluster ON contract (cluster_id, id);
CREATE INDEX worker_operator ON worker (operator, id);
