-- The epochs each worker sent a heartbeat in. Settlement may run behind the clock; whenever it
-- runs, a worker counts as online in epoch N only if it was heard (a heartbeat here, or joining:
-- worker.joined_epoch) in N or in one of the offline-after epochs before it, not because it is
-- heard again later. Settlement deletes the epochs it no longer needs.
CREATE TABLE worker_heartbeat (
    worker_id  varchar NOT NULL REFERENCES worker (id),
    epoch      bigint  NOT NULL,
    PRIMARY KEY (worker_id, epoch)
);
CREATE INDEX worker_heartbeat_epoch ON worker_heartbeat (epoch);
INSERT INTO worker_heartbeat (worker_id, epoch)
SELECT id, last_heartbeat_epoch FROM worker WHERE last_heartbeat_epoch IS NOT NULL;
