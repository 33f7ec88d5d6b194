-- Schema 4: merges set aside. Two devices can merge the same records opposite ways before they
-- sync; last-writer-wins keeps both `merged_into` values and the records would form a cycle with
-- no survivor. Every replica sets aside the newest merge of each cycle (see merge_cycles.rs): its
-- value waits here while the person's `merged_into` reads NULL, and takes effect again once the
-- cycle is gone. Derived from the synced values and their stamps; never in the outbox.
CREATE TABLE merge_set_aside (
    person_id   TEXT PRIMARY KEY,
    merged_into TEXT NOT NULL
) WITHOUT ROWID;
