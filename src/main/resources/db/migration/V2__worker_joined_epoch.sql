-- The epoch a worker joined its cluster. Settlement can run behind the clock: a worker added to a
-- cluster while earlier epochs are still unsettled is paid only from the epoch it joined in.
-- Workers already assigned keep NULL: no lower bound, as before.
ALTER TABLE worker ADD COLUMN joined_epoch bigint;
ALTER TABLE worker ADD CONSTRAINT worker_joined CHECK (joined_epoch IS NULL OR cluster_id IS NOT NULL);
