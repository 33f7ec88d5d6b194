-- Schema 1: the registry, append-only events, the outbox.
-- No foreign keys: records arrive by sync in any order (a child before its household), so links
-- are checked by the code that writes locally, not by SQLite.

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE area (
    id        TEXT PRIMARY KEY,
    parent_id TEXT,
    level     TEXT NOT NULL,
    code      TEXT NOT NULL,
    name      TEXT NOT NULL,
    hlc       TEXT NOT NULL
);
CREATE INDEX area_parent ON area(parent_id);
CREATE INDEX area_code ON area(level, code);

CREATE TABLE posyandu (
    id         TEXT PRIMARY KEY,
    village_id TEXT NOT NULL,
    name       TEXT NOT NULL,
    hlc        TEXT NOT NULL
);
CREATE TABLE posyandu_rt (
    posyandu_id TEXT NOT NULL,
    rt_id       TEXT NOT NULL,
    PRIMARY KEY (posyandu_id, rt_id)
) WITHOUT ROWID;
CREATE INDEX posyandu_rt_rt ON posyandu_rt(rt_id);

CREATE TABLE app_user (
    id           TEXT PRIMARY KEY,
    username     TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    role         TEXT NOT NULL,
    active       INTEGER NOT NULL DEFAULT 1,
    hlc          TEXT NOT NULL
);
CREATE TABLE user_area (
    user_id TEXT NOT NULL,
    area_id TEXT NOT NULL,
    PRIMARY KEY (user_id, area_id)
) WITHOUT ROWID;

-- Mutable records carry `hlc_fields`: a JSON object of field -> HLC stamp of its last write
-- ("*" for every field written at creation), for per-field last-writer-wins merges.
CREATE TABLE household (
    id              TEXT PRIMARY KEY,
    rt_id           TEXT NOT NULL,
    kk_number       TEXT,
    address         TEXT,
    lat             REAL,
    lon             REAL,
    jkn             TEXT NOT NULL,
    clean_water     INTEGER,
    healthy_latrine INTEGER,
    notes           TEXT,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    hlc_fields      TEXT NOT NULL
);
CREATE INDEX household_rt ON household(rt_id);
CREATE INDEX household_kk ON household(kk_number) WHERE kk_number IS NOT NULL;

CREATE TABLE person (
    id              TEXT PRIMARY KEY,
    household_id    TEXT,
    name            TEXT,
    sex             TEXT,
    birth_date      TEXT,
    birth_estimated INTEGER NOT NULL DEFAULT 0,
    nik             TEXT,
    phone           TEXT,
    relation        TEXT,
    mother_id       TEXT,
    description     TEXT,
    merged_into     TEXT,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    hlc_fields      TEXT NOT NULL
);
CREATE INDEX person_household ON person(household_id);
-- Not UNIQUE: two phones may register one person offline; sync must accept both and the
-- duplicate is resolved by a merge. Local writes check uniqueness themselves.
CREATE INDEX person_nik ON person(nik) WHERE nik IS NOT NULL;
CREATE INDEX person_phone ON person(phone) WHERE phone IS NOT NULL;
CREATE INDEX person_mother ON person(mother_id) WHERE mother_id IS NOT NULL;
CREATE INDEX person_merged ON person(merged_into) WHERE merged_into IS NOT NULL;

CREATE TABLE pregnancy (
    id            TEXT PRIMARY KEY,
    person_id     TEXT NOT NULL,
    hpht          TEXT,
    edd           TEXT,
    outcome       TEXT,
    outcome_at    INTEGER,
    outcome_place TEXT,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    hlc_fields    TEXT NOT NULL
);
CREATE INDEX pregnancy_person ON pregnancy(person_id);

-- Append-only. `target_id` is set on void and amend events (the event they correct).
CREATE TABLE event (
    id          TEXT PRIMARY KEY,
    person_id   TEXT NOT NULL,
    visit_id    TEXT,
    kind        TEXT NOT NULL,
    target_id   TEXT,
    occurred_at INTEGER NOT NULL,
    recorded_at INTEGER NOT NULL,
    recorded_by TEXT NOT NULL,
    device_id   TEXT NOT NULL,
    hlc         TEXT NOT NULL,
    payload     TEXT NOT NULL
);
CREATE INDEX event_person ON event(person_id, occurred_at);
CREATE INDEX event_visit ON event(visit_id) WHERE visit_id IS NOT NULL;
CREATE INDEX event_target ON event(target_id) WHERE target_id IS NOT NULL;

-- Every local write appends here in the same transaction. `seq` is the per-device sequence
-- (AUTOINCREMENT: never reused, even after acknowledged entries are pruned).
CREATE TABLE outbox (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    entity     TEXT NOT NULL,
    entity_id  TEXT NOT NULL,
    op         TEXT NOT NULL,
    hlc        TEXT NOT NULL,
    payload    TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    state      TEXT NOT NULL DEFAULT 'pending',
    refusal    TEXT
);
CREATE INDEX outbox_state ON outbox(state, seq);
