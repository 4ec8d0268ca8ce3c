-- Exactly-once idempotency keys. A claim has a number, which a takeover increments; the append
-- that commits a keyed command marks its key `committed`, in the same statement as the events,
-- with what its answer is made of: the status, the id it created, the version it answers, and
-- where its last event is (whose position the answer carries). A process that dies after the
-- commit, or cannot record the full answer, leaves a committed key: a retry is answered from those
-- essentials and never runs again. An append whose claim was taken over writes nothing.
ALTER TABLE idempotency_keys
    DROP CONSTRAINT idempotency_keys_state_check,
    DROP CONSTRAINT idempotency_keys_check,
    ADD COLUMN claim               bigint NOT NULL DEFAULT 1,
    ADD COLUMN answer_id           text,
    ADD COLUMN answer_version      bigint,
    ADD COLUMN last_aggregate_type text,
    ADD COLUMN last_aggregate_id   text,
    ADD COLUMN last_sequence       bigint,
    ADD CONSTRAINT idempotency_keys_state_check
        CHECK (state IN ('pending', 'committed', 'done')),
    -- A pending key has no answer yet; a committed one has its essentials; a done one all of it.
    ADD CONSTRAINT idempotency_keys_check
        CHECK ((state = 'pending' AND status IS NULL AND headers IS NULL AND body IS NULL) OR
               (state = 'committed' AND status IS NOT NULL AND headers IS NULL AND body IS NULL
                    AND last_aggregate_type IS NOT NULL AND last_aggregate_id IS NOT NULL
                    AND last_sequence IS NOT NULL) OR
               (state = 'done' AND status IS NOT NULL AND headers IS NOT NULL AND body IS NOT NULL));
