//! The write transaction handed to every mutating operation: the SQLite transaction, the caller's
//! context (who, when), the HLC clock and the id source, and the outbox append that goes with
//! every change.

use crate::entropy::Entropy;
use crate::error::Result;
use crate::outbox::{self, OutboxOp};
use ilp_model::{Hlc, HlcClock, Timestamp, UserId};
use rusqlite::Transaction;
use std::collections::BTreeSet;
use time::Date;

/// Who writes and when. `today` is the device's local calendar date, for ages and date checks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WriteCtx {
    pub user: UserId,
    pub now: Timestamp,
    pub today: Date,
}

pub struct WriteTx<'a> {
    pub(crate) tx: Transaction<'a>,
    clock: &'a mut HlcClock,
    entropy: &'a mut dyn Entropy,
    pub ctx: WriteCtx,
    /// Searchable-text changes, applied to the in-memory name index once the commit succeeded.
    pub(crate) name_changes: Vec<(ilp_model::PersonId, Option<String>)>,
    /// Persons whose due items this write may change; recomputed before the commit.
    pub(crate) touched: BTreeSet<ilp_model::PersonId>,
    /// A bulk load: due items are rebuilt for everyone on the next read instead of per person.
    pub(crate) defer_due_items: bool,
    /// The device's offset from UTC (event instants to local days).
    pub(crate) offset: time::UtcOffset,
    /// Applying changes pulled from the server: they came from other devices' outboxes and must
    /// not go back out, so the outbox refuses appends.
    pub(crate) remote: bool,
    /// Some person's `merged_into` was written: merge cycles are settled before the commit.
    pub(crate) merges_written: bool,
}

impl<'a> WriteTx<'a> {
    pub(crate) fn new(
        tx: Transaction<'a>,
        clock: &'a mut HlcClock,
        entropy: &'a mut dyn Entropy,
        ctx: WriteCtx,
        offset: time::UtcOffset,
    ) -> Self {
        Self {
            tx,
            clock,
            entropy,
            ctx,
            name_changes: Vec::new(),
            touched: BTreeSet::new(),
            defer_due_items: false,
            offset,
            remote: false,
            merges_written: false,
        }
    }

    /// Marks a person whose schedule this write may change (a new event, an edited birth date, a
    /// pregnancy, a move to another household).
    pub fn touch_person(&mut self, id: ilp_model::PersonId) {
        if !self.defer_due_items {
            self.touched.insert(id);
        }
    }

    /// For imports and demo loads of thousands of records: skip the per-person recompute and
    /// rebuild every person's due items on the next read.
    pub fn defer_due_items(&mut self) {
        self.defer_due_items = true;
        self.touched.clear();
    }

    /// The SQLite transaction (for queries inside the write).
    pub fn conn(&self) -> &Transaction<'a> {
        &self.tx
    }

    /// Bytes for a new record id.
    pub fn random_id_bytes(&mut self) -> [u8; 16] {
        self.entropy.bytes16()
    }

    /// A new HLC stamp for a change made now.
    pub fn stamp(&mut self) -> Hlc {
        self.clock.tick(self.ctx.now.millis())
    }

    pub fn device(&self) -> ilp_model::DeviceId {
        self.clock.device()
    }

    /// Takes a stamp received from another replica into account, so later local stamps sort after
    /// it. Returns `false` for a stamp beyond the drift bound, which the clock ignores.
    pub(crate) fn observe(&mut self, remote: &Hlc) -> bool {
        self.clock.observe(remote, self.ctx.now.millis()).is_ok()
    }

    /// Records a change in the outbox with its stamp.
    pub fn outbox(
        &mut self,
        entity: &str,
        entity_id: &str,
        op: OutboxOp,
        hlc: &Hlc,
        payload: &serde_json::Value,
    ) -> Result<i64> {
        if self.remote {
            // A pulled change echoed back to the server would come back again: a bug, never data.
            return Err(crate::StoreError::Malformed(format!(
                "a pulled change tried to write the outbox ({entity} {entity_id})"
            )));
        }
        outbox::append(&self.tx, entity, entity_id, op, hlc, payload, self.ctx.now)
    }

    /// Persists the clock and commits.
    pub(crate) fn finish(self, hlc_key: &str) -> Result<()> {
        self.tx.execute(
            "INSERT INTO meta (key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            [hlc_key, &self.clock.last().to_string()],
        )?;
        self.tx.commit()?;
        Ok(())
    }
}

/// The JSON form of a mutable record's fields, as the outbox carries them.
pub type Fields = serde_json::Map<String, serde_json::Value>;

impl WriteTx<'_> {
    /// Stamps a change to a mutable record's fields and appends it to the outbox. Returns the stamp
    /// and the record's updated per-field clock map (`hlc_fields`). `previous` is the stored map,
    /// `None` for a new record.
    pub fn record_change(
        &mut self,
        entity: &str,
        entity_id: &str,
        changed: Fields,
        previous: Option<&str>,
    ) -> Result<(Hlc, String)> {
        let hlc = self.stamp();
        let mut clocks: Fields = match previous {
            Some(p) => serde_json::from_str(p)?,
            None => Fields::new(),
        };
        if previous.is_none() {
            clocks.insert("*".into(), hlc.to_string().into());
        } else {
            for k in changed.keys() {
                clocks.insert(k.clone(), hlc.to_string().into());
            }
        }
        let payload = serde_json::json!({ "fields": changed });
        self.outbox(entity, entity_id, OutboxOp::Upsert, &hlc, &payload)?;
        Ok((hlc, serde_json::Value::Object(clocks).to_string()))
    }
}

/// The fields of `new` that differ from `old`.
pub fn changed_fields(old: &Fields, new: &Fields) -> Fields {
    new.iter()
        .filter(|(k, v)| old.get(*k) != Some(*v))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}
