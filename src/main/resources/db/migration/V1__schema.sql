-- clusterfn schema. Amounts are integers in the smallest unit (1 PHA = 10^12):
-- a single amount fits numeric(31,0) (at most 10^30); balances get headroom.

-- When the store was created: the first epoch ever settled is the one in progress then.
CREATE TABLE store_info (
    id          integer PRIMARY KEY CHECK (id = 1),
    created_at  timestamptz NOT NULL
);
INSERT INTO store_info (id, created_at) VALUES (1, now());

-- Ledger ----------------------------------------------------------------------
-- One row per account. User accounts are named by their principal; system accounts
-- carry a '/' (never valid in a principal): sys/bridge, sys/stake-pool,
-- escrow/<clusterId>, deposit/<contractId>.
CREATE TABLE ledger_account (
    id       varchar PRIMARY KEY,
    kind     varchar NOT NULL CHECK (kind IN ('USER', 'BRIDGE', 'ESCROW', 'DEPOSIT', 'STAKE_POOL')),
    balance  numeric(40, 0) NOT NULL DEFAULT 0,
    -- Only the bridge may go negative: it is minus everything ever credited.
    CONSTRAINT ledger_account_not_negative CHECK (kind = 'BRIDGE' OR balance >= 0)
);
INSERT INTO ledger_account (id, kind, balance) VALUES ('sys/bridge', 'BRIDGE', 0), ('sys/stake-pool', 'STAKE_POOL', 0);

-- Every movement of money, with why it happened.
CREATE TABLE ledger_transfer (
    id            bigserial PRIMARY KEY,
    from_account  varchar NOT NULL REFERENCES ledger_account (id),
    to_account    varchar NOT NULL REFERENCES ledger_account (id),
    amount        numeric(31, 0) NOT NULL CHECK (amount > 0),
    reason        varchar NOT NULL,
    reference     varchar,
    epoch         bigint,
    created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ledger_transfer_from ON ledger_transfer (from_account);
CREATE INDEX ledger_transfer_to ON ledger_transfer (to_account);

-- Credits from the bridge, idempotent by the caller's transfer id.
CREATE TABLE credit (
    transfer_id    varchar PRIMARY KEY,
    account        varchar NOT NULL REFERENCES ledger_account (id),
    amount         numeric(31, 0) NOT NULL,
    balance_after  numeric(40, 0) NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now()
);

-- Clusters ----------------------------------------------------------------------
CREATE TABLE cluster (
    id                  varchar PRIMARY KEY,
    name                varchar NOT NULL,
    owner               varchar NOT NULL,
    status              varchar NOT NULL CHECK (status IN ('ACTIVE', 'SUSPENDED')),
    public_good         boolean NOT NULL,
    -- permission {rule, accounts, expression}, quota {maxContracts, maxContractsPerDeployer,
    -- maxCodeSize}, pricing {deployFee, depositPerByte}: the shapes of the API.
    permission          jsonb NOT NULL,
    quota               jsonb NOT NULL,
    pricing             jsonb NOT NULL,
    treasury            varchar NOT NULL,
    -- Deployed contracts, kept under the cluster's row lock so quotas hold under concurrency.
    contracts_deployed  integer NOT NULL DEFAULT 0 CHECK (contracts_deployed >= 0),
    created_at          timestamptz NOT NULL
);
CREATE INDEX cluster_owner ON cluster (owner);

-- Workers -----------------------------------------------------------------------
CREATE TABLE worker (
    id                    varchar PRIMARY KEY,
    operator              varchar NOT NULL,
    endpoint              varchar NOT NULL,
    capacity              integer NOT NULL CHECK (capacity BETWEEN 1 AND 1000000),
    rent_per_epoch        numeric(31, 0) NOT NULL,
    attributes            jsonb NOT NULL,
    status                varchar NOT NULL CHECK (status IN ('AVAILABLE', 'ASSIGNED', 'OFFLINE')),
    cluster_id            varchar REFERENCES cluster (id),
    -- Joining a cluster counts as a heartbeat.
    last_heartbeat_epoch  bigint,
    registered_at         timestamptz NOT NULL,
    CONSTRAINT worker_assignment CHECK ((status = 'AVAILABLE') = (cluster_id IS NULL))
);
CREATE INDEX worker_cluster ON worker (cluster_id);

-- Contracts -----------------------------------------------------------------------
CREATE TABLE contract (
    id             varchar PRIMARY KEY,
    cluster_id     varchar NOT NULL REFERENCES cluster (id),
    deployer       varchar NOT NULL,
    status         varchar NOT NULL CHECK (status IN ('DEPLOYED', 'UNDEPLOYED')),
    code_hash      varchar NOT NULL,
    code_size      bigint NOT NULL,
    salt           varchar NOT NULL,
    fee_paid       numeric(31, 0) NOT NULL,
    deposit        numeric(31, 0) NOT NULL,
    deployed_at    timestamptz NOT NULL,
    undeployed_at  timestamptz
);
CREATE INDEX contract_cluster_deployer ON contract (cluster_id, deployer) WHERE status = 'DEPLOYED';
CREATE INDEX contract_deployer ON contract (deployer);

-- Stakes: what each account has staked on each contract. Their sum is the stake pool's balance.
CREATE TABLE stake (
    contract_id  varchar NOT NULL REFERENCES contract (id),
    account      varchar NOT NULL,
    amount       numeric(31, 0) NOT NULL CHECK (amount > 0),
    PRIMARY KEY (contract_id, account)
);
CREATE INDEX stake_account ON stake (account);

-- Epochs --------------------------------------------------------------------------
-- One row; its lock serializes settlement across every instance.
CREATE TABLE epoch_state (
    id            integer PRIMARY KEY CHECK (id = 1),
    last_settled  bigint
);
INSERT INTO epoch_state (id, last_settled) VALUES (1, NULL);
