-- Schema 5: compact derived data for the two large reads, a coverage and a worklist. A compact
-- copy of the events for coverage, derived from `event` (never synced): the triggers below keep
-- it in step with every insert and delete in the same transaction, and `coverage_event_of`
-- rebuilds it from the events at any time. And the worklist's row packed into its index.

-- One row per event, under the event's rowid so it lies in the same (storage) order: the ids as
-- 16-byte blobs, the times, and the payload only where the coverage rules read it
-- (`ilp_rules::coverage::reads`: measurements, immunizations, health status, MBG packages, ANC,
-- KF and KN visits; voids and amendments whole, as they correct others). Payloads are kept
-- without their `type` (it is in `kind`), without what those rules never read (a dose's batch, a
-- visit's place and Posyandu) and without null members (a missing optional field reads as null). Other events keep a row without a payload: an amendment may still turn one into an
-- event that counts. About a quarter of the event table's size, which a coverage of a large area
-- decrypts whole.
CREATE TABLE coverage_event (
    event_rowid INTEGER PRIMARY KEY,
    person      BLOB,
    id          BLOB,
    occurred_at INTEGER NOT NULL,
    recorded_at INTEGER NOT NULL,
    -- 1 measurement, 2 immunization, 3 service, 4 visit, 5 health_status, 6 void, 7 amend,
    -- 0 anything else (its payload is null).
    kind        INTEGER NOT NULL,
    payload     TEXT
);

CREATE VIEW coverage_event_of AS
SELECT
    rowid AS event_rowid,
    unhex(replace(person_id, '-', '')) AS person,
    unhex(replace(id, '-', '')) AS id,
    occurred_at,
    recorded_at,
    CASE kind
        WHEN 'measurement' THEN 1
        WHEN 'immunization' THEN 2
        WHEN 'service' THEN 3
        WHEN 'visit' THEN 4
        WHEN 'health_status' THEN 5
        WHEN 'void' THEN 6
        WHEN 'amend' THEN 7
        ELSE 0
    END AS kind,
    CASE
        -- Kept as it is, so reading it fails as reading the event would.
        WHEN NOT json_valid(payload) THEN payload
        WHEN kind IN ('measurement', 'immunization', 'health_status')
          OR (kind = 'service' AND payload ->> '$.kind' = 'mbg_package')
          OR (kind = 'visit' AND payload ->> '$.kind.kind' IN ('anc', 'kf', 'kn'))
            THEN json_patch('{}', json_remove(payload, '$.type', '$.batch', '$.place', '$.posyandu'))
        WHEN kind IN ('void', 'amend') THEN payload
    END AS payload
FROM event;

INSERT INTO coverage_event SELECT * FROM coverage_event_of;

CREATE TRIGGER coverage_event_insert AFTER INSERT ON event BEGIN
    INSERT INTO coverage_event SELECT * FROM coverage_event_of WHERE event_rowid = new.rowid;
END;
-- Events are append-only; leaving an area's scope deletes its persons' events.
CREATE TRIGGER coverage_event_delete AFTER DELETE ON event BEGIN
    DELETE FROM coverage_event WHERE event_rowid = old.rowid;
END;
CREATE TRIGGER coverage_event_update AFTER UPDATE ON event BEGIN
    DELETE FROM coverage_event WHERE event_rowid = old.rowid;
    INSERT INTO coverage_event SELECT * FROM coverage_event_of WHERE event_rowid = new.rowid;
END;

-- The worklist's index holds, beside the RT and the window, what a worklist row shows packed in
-- one column (`shown`, written and read by the store's due_items module) instead of thirteen
-- columns: a large worklist's time went mostly to stepping through the columns row by row. Due
-- items are derived: they are dropped here and rebuilt on the next read.
DROP INDEX due_item_open;
DELETE FROM due_item;
ALTER TABLE due_item ADD COLUMN shown BLOB;
CREATE INDEX due_item_open ON due_item(rt_id, earliest, latest, shown);
DELETE FROM meta WHERE key = 'due_items_as_of';
