-- Schema 2: due items kept precomputed, Posyandu session days, the kind of delivery place, and
-- visits by time. Due items and session days are derived on the device from the synced records
-- (never synced themselves), so they can be rebuilt at any time.

ALTER TABLE pregnancy ADD COLUMN outcome_place_kind TEXT;

-- The items still to do (due, overdue or upcoming; not done, not closed when computed): one row
-- per person and item. A person's whole card (done and missed too) is computed when asked.
-- `item_key` holds the whole kind (rules' DueKind::key); dates are Julian day numbers. What a
-- worklist row shows of the person and the household is copied in, so the worklist is one read of
-- the index below; writes that change it recompute the rows.
CREATE TABLE due_item (
    person_id       TEXT NOT NULL,
    item_key        TEXT NOT NULL,
    household_id    TEXT,
    rt_id           TEXT,
    earliest        INTEGER NOT NULL,
    due             INTEGER NOT NULL,
    latest          INTEGER,
    closes_as       TEXT NOT NULL,
    high_risk       INTEGER NOT NULL,
    rule_table      TEXT NOT NULL,
    person_name     TEXT,
    birth_date      INTEGER,
    birth_estimated INTEGER NOT NULL,
    head_name       TEXT,
    address         TEXT,
    lat             REAL,
    lon             REAL,
    PRIMARY KEY (person_id, item_key)
) WITHOUT ROWID;
-- The worklist: the items of an RT whose window has opened, every shown column in the index.
CREATE INDEX due_item_open ON due_item(
    rt_id, earliest, latest, due, high_risk, closes_as, household_id, rule_table,
    person_name, birth_date, birth_estimated, head_name, address, lat, lon
);

-- Days a Posyandu held its session (a Posyandu visit recorded for someone of its RTs).
CREATE TABLE posyandu_day (
    posyandu_id TEXT NOT NULL,
    day         INTEGER NOT NULL,
    visits      INTEGER NOT NULL,
    PRIMARY KEY (posyandu_id, day)
) WITHOUT ROWID;

-- Visits by time (who came on a Posyandu day); visits only, to keep writes cheap.
CREATE INDEX event_visit_time ON event(occurred_at) WHERE kind = 'visit';
