-- Schema 3: sync. Areas, Posyandu and users merge per field like the other mutable records, so
-- they get the same `hlc_fields` map (their creation stamp `hlc` becomes its "*"); refused outbox
-- entries keep the server's code beside the reason; partial upserts of records this device does
-- not hold yet wait in `remote_orphan`. Sync state (cursor, snapshot resume, session, PIN
-- verifier) lives in `meta` under `sync.*` and `auth.*` keys.

ALTER TABLE area ADD COLUMN hlc_fields TEXT;
ALTER TABLE posyandu ADD COLUMN hlc_fields TEXT;
ALTER TABLE app_user ADD COLUMN hlc_fields TEXT;
UPDATE area SET hlc_fields = '{"*":"' || hlc || '"}';
UPDATE posyandu SET hlc_fields = '{"*":"' || hlc || '"}';
UPDATE app_user SET hlc_fields = '{"*":"' || hlc || '"}';

-- The server's refusal code (`out_of_scope`, `unknown_parent`, ...); `refusal` keeps the reason.
ALTER TABLE outbox ADD COLUMN refusal_code TEXT;

-- Fields of a record pulled before the record itself (`value` is the field's JSON), one row per
-- field with the newest stamp seen; folded into the record when it arrives.
CREATE TABLE remote_orphan (
    entity    TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    field     TEXT NOT NULL,
    value     TEXT NOT NULL,
    hlc       TEXT NOT NULL,
    PRIMARY KEY (entity, entity_id, field)
) WITHOUT ROWID;
