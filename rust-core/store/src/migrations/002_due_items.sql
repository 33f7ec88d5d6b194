-- Schema 2: due items kept precomputed, the kind of delivery place, and visits by time.
-- Due items are derived on the device from the synced records (never synced themselves), so
-- they can be rebuilt at any time; dates are Julian day numbers for cheap range scans.

ALTER TABLE pregnancy ADD COLUMN outcome_place_kind TEXT;

CREATE TABLE due_item (
    person_id    TEXT NOT NULL,
    item_key     TEXT NOT NULL,
    household_id TEXT,
    rt_id        TEXT,
    kind         TEXT NOT NULL,
    earliest     INTEGER NOT NULL,
    due          INTEGER NOT NULL,
    latest       INTEGER,
    done_on      INTEGER,
    closes_as    TEXT NOT NULL,
    high_risk    INTEGER NOT NULL,
    rule_table   TEXT NOT NULL,
    PRIMARY KEY (person_id, item_key)
) WITHOUT ROWID;
-- The worklist reads the open items of a set of RTs whose window has opened.
CREATE INDEX due_item_open ON due_item(rt_id, earliest) WHERE done_on IS NULL;

-- Recent visits by time (who came to the last Posyandu session); visits only, to keep writes cheap.
CREATE INDEX event_visit_time ON event(occurred_at) WHERE kind = 'visit';
