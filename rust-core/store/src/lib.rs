//! The device's store: one encrypted SQLite file (SQLCipher) in WAL mode, with one writer
//! connection and one reader. Every write runs in one IMMEDIATE transaction together with its
//! outbox entries and the HLC state, so a write is either wholly there, outbox included, or absent.

pub mod activity;
pub mod areas;
pub mod coverage;
mod crypto_exit;
pub mod due_items;
mod entropy;
pub mod error;
pub mod events;
pub mod households;
pub mod input;
pub mod merge;
mod merge_cycles;
mod name_index;
pub mod open;
pub mod outbox;
pub mod persons;
pub mod pregnancies;
pub mod referrals;
pub mod replica;
pub mod scope;
pub mod search;
pub mod sessions;
pub mod subjects;
pub mod sync_state;
pub mod users;
pub mod worklist;
mod write;

pub use entropy::{Entropy, OsEntropy, SeededEntropy};
pub use error::{Result, StoreError};
pub use open::{DbKey, OpenReport, SCHEMA_VERSION};
pub use replica::{ApplyReport, RemoteChange};
pub use scope::DropReport;
pub use sync_state::{PushRefusal, RefusedEntry, SnapshotProgress, SyncKey, SyncState};
pub use write::{WriteCtx, WriteTx};

use ilp_model::{DeviceId, HlcClock, Timestamp, hlc::DEFAULT_MAX_DRIFT_MS};
use ilp_rules::facts::RuleContext;
use ilp_rules::schedule::ScheduleTables;
use rusqlite::{Connection, OptionalExtension, TransactionBehavior};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// How to open a store.
#[derive(Clone, Debug)]
pub struct StoreConfig {
    pub path: PathBuf,
    /// `None` opens a plain SQLite file (server-side tools, tests); the apps always pass a key.
    pub key: Option<DbKey>,
    pub device: DeviceId,
    /// The device's offset from UTC: event instants are read as local dates by the schedules.
    pub utc_offset: time::UtcOffset,
}

struct Writer {
    conn: Connection,
    clock: HlcClock,
    entropy: Box<dyn Entropy>,
}

/// An open store. Cheap to share behind an `Arc`; calls from several threads serialise on the
/// writer and reader locks.
pub struct Store {
    config: StoreConfig,
    writer: Mutex<Option<Writer>>,
    reader: Mutex<Option<Connection>>,
    /// A second reader for the screens that read a large area in two threads (worklist,
    /// coverage); opened on first use, closed with the others.
    second_reader: Mutex<Option<Connection>>,
    entropy_factory: Mutex<Option<Box<dyn Entropy>>>,
    /// Built on the first name search, then kept in step by every committed write.
    name_index: Mutex<Option<name_index::NameIndex>>,
    /// The schedules due items are computed with.
    schedule: Mutex<std::sync::Arc<ScheduleTables>>,
}

const META_DEVICE: &str = "device_id";
const META_HLC: &str = "hlc_last";

impl Store {
    /// Opens or creates the store. `now` names a corrupt file moved aside.
    pub fn open(
        config: StoreConfig,
        entropy: Box<dyn Entropy>,
        now: Timestamp,
    ) -> Result<(Self, OpenReport)> {
        crypto_exit::keep_crypto_until_exit();
        let (writer, report) = Self::open_writer(&config, entropy, now)?;
        let reader = open::open_connection(&config.path, config.key.as_ref())?;
        let store = Store {
            config,
            writer: Mutex::new(Some(writer)),
            reader: Mutex::new(Some(reader)),
            second_reader: Mutex::new(None),
            entropy_factory: Mutex::new(None),
            name_index: Mutex::new(None),
            schedule: Mutex::new(std::sync::Arc::new(ScheduleTables::national())),
        };
        Ok((store, report))
    }

    fn open_writer(
        config: &StoreConfig,
        entropy: Box<dyn Entropy>,
        now: Timestamp,
    ) -> Result<(Writer, OpenReport)> {
        let (conn, report) = open::open_writer(&config.path, config.key.as_ref(), now.millis())?;
        let stored: Option<String> = conn
            .query_row(
                "SELECT value FROM meta WHERE key = ?1",
                [META_DEVICE],
                |r| r.get(0),
            )
            .optional()?;
        match stored {
            Some(d) if d != config.device.to_string() => {
                return Err(StoreError::DeviceMismatch {
                    found: d,
                    expected: config.device.to_string(),
                });
            }
            Some(_) => {}
            None => {
                conn.execute(
                    "INSERT INTO meta (key, value) VALUES (?1, ?2)",
                    [META_DEVICE, &config.device.to_string()],
                )?;
            }
        }
        let last: Option<String> = conn
            .query_row("SELECT value FROM meta WHERE key = ?1", [META_HLC], |r| {
                r.get(0)
            })
            .optional()?;
        let last = last
            .map(|s| {
                s.parse()
                    .map_err(|e| StoreError::Malformed(format!("stored clock: {e}")))
            })
            .transpose()?;
        let clock = HlcClock::resume(config.device, last, DEFAULT_MAX_DRIFT_MS);
        Ok((
            Writer {
                conn,
                clock,
                entropy,
            },
            report,
        ))
    }

    pub fn device(&self) -> DeviceId {
        self.config.device
    }

    /// The device's offset from UTC (its local calendar date for `today`).
    pub fn utc_offset(&self) -> time::UtcOffset {
        self.config.utc_offset
    }

    pub fn path(&self) -> &Path {
        &self.config.path
    }

    /// Runs `f` on the reader connection. Reads see the last committed state (WAL snapshot).
    pub fn read<T>(&self, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        let guard = self.reader.lock().unwrap_or_else(|p| p.into_inner());
        let conn = guard.as_ref().ok_or(StoreError::Closed)?;
        f(conn)
    }

    /// Runs `f` on the reader and `g` on the second reader at the same time, in two threads (each
    /// sees the last committed state). Lock order: reader, then second reader.
    pub fn read_in_two<A: Send, B: Send>(
        &self,
        f: impl FnOnce(&Connection) -> Result<A>,
        g: impl FnOnce(&Connection) -> Result<B> + Send,
    ) -> Result<(A, B)> {
        let guard = self.reader.lock().unwrap_or_else(|p| p.into_inner());
        let conn = guard.as_ref().ok_or(StoreError::Closed)?;
        let mut second = self.second_reader.lock().unwrap_or_else(|p| p.into_inner());
        if second.is_none() {
            *second = Some(open::open_connection(
                &self.config.path,
                self.config.key.as_ref(),
            )?);
        }
        let other: &mut Connection = second.as_mut().expect("opened above");
        std::thread::scope(|s| {
            let b = s.spawn(move || g(other));
            let a = f(conn);
            let b = b
                .join()
                .map_err(|_| StoreError::Malformed("a reading thread panicked".into()))?;
            Ok((a?, b?))
        })
    }

    /// Runs `f` in one IMMEDIATE transaction on the writer; commits if it returns `Ok`, rolls back
    /// otherwise, so a refused input leaves nothing behind.
    pub fn write<T>(
        &self,
        ctx: &WriteCtx,
        f: impl FnOnce(&mut WriteTx<'_>) -> Result<T>,
    ) -> Result<T> {
        self.write_as(ctx, false, f)
    }

    /// A write of changes pulled from the server: the same transaction, clock, derived state and
    /// name index as [`write`](Self::write), but the outbox refuses appends (the changes came
    /// from other devices' outboxes). Nobody local writes it, so the context's user is nil.
    pub(crate) fn write_remote<T>(
        &self,
        now: Timestamp,
        today: time::Date,
        f: impl FnOnce(&mut WriteTx<'_>) -> Result<T>,
    ) -> Result<T> {
        let ctx = WriteCtx {
            user: ilp_model::UserId(uuid::Uuid::nil()),
            now,
            today,
        };
        self.write_as(&ctx, true, f)
    }

    fn write_as<T>(
        &self,
        ctx: &WriteCtx,
        remote: bool,
        f: impl FnOnce(&mut WriteTx<'_>) -> Result<T>,
    ) -> Result<T> {
        let mut guard = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        let w = guard.as_mut().ok_or(StoreError::Closed)?;
        let tx = w
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut wtx = WriteTx::new(
            tx,
            &mut w.clock,
            w.entropy.as_mut(),
            ctx.clone(),
            self.config.utc_offset,
        );
        wtx.remote = remote;
        let out = f(&mut wtx)?;
        if wtx.merges_written {
            merge_cycles::settle_write(&mut wtx)?;
        }
        if wtx.defer_due_items {
            due_items::invalidate(wtx.conn())?;
        } else if !wtx.touched.is_empty() {
            let touched = std::mem::take(&mut wtx.touched);
            let tables = self.schedule_tables();
            due_items::recompute(wtx.conn(), touched, &tables, &self.rule_context(ctx.today))?;
        }
        let name_changes = std::mem::take(&mut wtx.name_changes);
        wtx.finish(META_HLC)?;
        if !name_changes.is_empty()
            && let Some(index) = self
                .name_index
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .as_mut()
        {
            for (id, text) in &name_changes {
                index.set(*id, text.as_deref());
            }
        }
        Ok(out)
    }

    /// Runs `f` in one IMMEDIATE transaction on the writer, without the clock or the outbox (sync
    /// bookkeeping: meta entries, outbox states).
    pub(crate) fn write_plain<T>(
        &self,
        f: impl FnOnce(&rusqlite::Transaction<'_>) -> Result<T>,
    ) -> Result<T> {
        let mut guard = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        let w = guard.as_mut().ok_or(StoreError::Closed)?;
        let tx = w
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let out = f(&tx)?;
        tx.commit()?;
        Ok(out)
    }

    /// The date and local offset the rules evaluate at.
    pub fn rule_context(&self, today: time::Date) -> RuleContext {
        RuleContext::new(today, self.config.utc_offset)
    }

    pub fn schedule_tables(&self) -> std::sync::Arc<ScheduleTables> {
        self.schedule
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// Replaces the schedule tables (a district's configuration) and rebuilds every due item.
    pub fn set_schedule_tables(&self, tables: ScheduleTables, today: time::Date) -> Result<()> {
        *self.schedule.lock().unwrap_or_else(|p| p.into_inner()) = std::sync::Arc::new(tables);
        self.rebuild_due_items(today).map(|_| ())
    }

    /// Rebuilds every person's due items if they were built for another month (recurring items
    /// follow the calendar) or never. Returns whether it rebuilt.
    pub fn refresh_due_items(&self, today: time::Date) -> Result<bool> {
        if self.read(|c| due_items::is_current(c, today))? {
            return Ok(false);
        }
        self.rebuild_due_items(today)?;
        Ok(true)
    }

    /// Rebuilds every person's due items in one transaction; returns how many persons.
    pub fn rebuild_due_items(&self, today: time::Date) -> Result<usize> {
        let tables = self.schedule_tables();
        let ctx = self.rule_context(today);
        let mut guard = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        let w = guard.as_mut().ok_or(StoreError::Closed)?;
        let tx = w
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let n = due_items::rebuild_all(&tx, &tables, &ctx)?;
        tx.commit()?;
        Ok(n)
    }

    /// The worklist of `rts` on `today`, rebuilding due items first when the month turned.
    pub fn worklist(
        &self,
        rts: &[ilp_model::AreaId],
        today: time::Date,
    ) -> Result<worklist::Worklist> {
        self.refresh_due_items(today)?;
        // Each RT's part of the list is independent: a long list is read by two readers at once,
        // each taking the next RT not yet taken.
        if rts.len() < 8 {
            return self.read(|c| worklist::worklist(c, rts, today));
        }
        let next = std::sync::atomic::AtomicUsize::new(0);
        let sessions = self.read(|c| worklist::SessionDays::load(c, rts, today))?;
        let (a, b) = self.read_in_two(
            |c| worklist::worklist_shared(c, rts, &sessions, &next, today),
            |c| worklist::worklist_shared(c, rts, &sessions, &next, today),
        )?;
        Ok(a.merge(b))
    }

    /// A person's whole card on `today`: every item (done, open, upcoming, missed, not allowed),
    /// in due-date order, computed from their records now.
    pub fn due_items_of(
        &self,
        person: ilp_model::PersonId,
        today: time::Date,
    ) -> Result<Vec<ilp_rules::due::DueItem>> {
        let tables = self.schedule_tables();
        let ctx = self.rule_context(today);
        self.read(|c| {
            let id = persons::resolve_merged(c, person)?;
            due_items::card_of(c, id, &tables, &ctx)
        })
    }

    /// The last day on or before `today` a Posyandu held its session (had Posyandu visits).
    pub fn last_posyandu_session(
        &self,
        posyandu: ilp_model::PosyanduId,
        today: time::Date,
    ) -> Result<Option<time::Date>> {
        self.read(|c| {
            due_items::last_session_day(c, posyandu, today - time::Duration::days(366), today)
        })
    }

    /// Who is expected at a Posyandu on `date`, and who came.
    pub fn posyandu_session(
        &self,
        posyandu: ilp_model::PosyanduId,
        date: time::Date,
        today: time::Date,
    ) -> Result<worklist::PosyanduSession> {
        self.refresh_due_items(today)?;
        let tables = self.schedule_tables();
        let ctx = self.rule_context(today);
        self.read(|c| worklist::posyandu_session(c, posyandu, date, &tables, &ctx))
    }

    /// Ends the session of `posyandu` on `date` on this device (see [`sessions`]): its absentees
    /// are home visits from now on. Idempotent; returns whether this call ended it.
    pub fn end_posyandu_session(
        &self,
        posyandu: ilp_model::PosyanduId,
        date: time::Date,
        now: Timestamp,
    ) -> Result<bool> {
        self.write_plain(|tx| sessions::end_session(tx, posyandu, date, now))
    }

    /// Whether the session of `posyandu` on `date` was ended on this device.
    pub fn posyandu_session_ended(
        &self,
        posyandu: ilp_model::PosyanduId,
        date: time::Date,
    ) -> Result<bool> {
        self.read(|c| sessions::is_ended(c, posyandu, date))
    }

    /// The coverage table of an area for the month containing `month`, evaluated on `today`.
    pub fn coverage(
        &self,
        area: coverage::CoverageArea,
        month: time::Date,
        today: time::Date,
        tables: &ilp_rules::coverage::CoverageTables,
    ) -> Result<ilp_rules::coverage::CoverageTable> {
        let rts = self.read(|c| coverage::area_rts(c, area))?;
        self.coverage_of_rts(&rts, month, today, tables)
    }

    /// The coverage table of a set of RTs for the month containing `month`. A large share of the
    /// database is scanned by two threads, each on its own read connection.
    pub fn coverage_of_rts(
        &self,
        rts: &[ilp_model::AreaId],
        month: time::Date,
        today: time::Date,
        tables: &ilp_rules::coverage::CoverageTables,
    ) -> Result<ilp_rules::coverage::CoverageTable> {
        let mut tables = self.coverage_months(rts, &[month], today, tables)?;
        Ok(tables.remove(0))
    }

    /// The coverage tables of a set of RTs for several months (a trend), the area read once. The
    /// app's screen, the CLI and the server's dashboard all count through here.
    pub fn coverage_months(
        &self,
        rts: &[ilp_model::AreaId],
        months: &[time::Date],
        today: time::Date,
        tables: &ilp_rules::coverage::CoverageTables,
    ) -> Result<Vec<ilp_rules::coverage::CoverageTable>> {
        let ctx = self.rule_context(today);
        let facts = coverage::household_facts(self, rts)?;
        let out = months
            .iter()
            .map(|m| coverage::count_in_two(&facts, *m, &ctx, tables))
            .collect();
        coverage::drop_in_two(facts);
        Ok(out)
    }

    /// Closes both connections (the app going to the background: iOS kills apps that hold SQLite
    /// locks while suspended). The WAL is checkpointed first so the file is complete on its own.
    pub fn close(&self) -> Result<()> {
        let mut w = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        let mut r = self.reader.lock().unwrap_or_else(|p| p.into_inner());
        r.take();
        self.second_reader
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take();
        // Reopening may find another file (a corrupt one moved aside): rebuild then.
        self.name_index
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take();
        if let Some(writer) = w.take() {
            writer
                .conn
                .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
                .ok();
            *self
                .entropy_factory
                .lock()
                .unwrap_or_else(|p| p.into_inner()) = Some(writer.entropy);
        }
        Ok(())
    }

    /// Reopens after [`close`](Self::close); a no-op when open.
    pub fn reopen(&self, now: Timestamp) -> Result<OpenReport> {
        let mut w = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        let mut r = self.reader.lock().unwrap_or_else(|p| p.into_inner());
        if w.is_some() && r.is_some() {
            return Ok(OpenReport::default());
        }
        let entropy = self
            .entropy_factory
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take()
            .unwrap_or_else(|| Box::new(OsEntropy));
        let (writer, report) = Self::open_writer(&self.config, entropy, now)?;
        *w = Some(writer);
        *r = Some(open::open_connection(
            &self.config.path,
            self.config.key.as_ref(),
        )?);
        Ok(report)
    }

    pub fn is_open(&self) -> bool {
        self.writer
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .is_some()
    }

    /// SQLite's full integrity check: `Ok(())` or the problems it lists.
    pub fn integrity_check(&self) -> Result<Vec<String>> {
        self.read(|c| {
            let mut stmt = c.prepare("PRAGMA integrity_check")?;
            let rows: Vec<String> = stmt
                .query_map([], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            Ok(if rows == ["ok"] { Vec::new() } else { rows })
        })
    }

    /// Builds the in-memory name index now (it is otherwise built by the first name search), so
    /// that first search is as quick as the rest. Apps call this off the main thread after opening.
    pub fn warm_search_index(&self) -> Result<()> {
        self.with_name_index(|_| ())
    }

    /// Runs `f` on the name index, building it from the database first if needed. Building holds
    /// the writer lock (taken before the index lock, the order `write` uses), so no commit can fall
    /// between reading the database and the index going live.
    pub(crate) fn with_name_index<T>(
        &self,
        f: impl FnOnce(&name_index::NameIndex) -> T,
    ) -> Result<T> {
        let loaded = self
            .name_index
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .is_some();
        if !loaded {
            let _writes = self.writer.lock().unwrap_or_else(|p| p.into_inner());
            let mut guard = self.name_index.lock().unwrap_or_else(|p| p.into_inner());
            if guard.is_none() {
                *guard = Some(self.read(name_index::NameIndex::load)?);
            }
        }
        let guard = self.name_index.lock().unwrap_or_else(|p| p.into_inner());
        // A close between the two locks leaves it empty: search an empty index rather than fail.
        Ok(f(guard
            .as_ref()
            .unwrap_or(&name_index::NameIndex::default())))
    }

    /// Outbox counts for the sync status screen.
    pub fn outbox_stats(&self) -> Result<outbox::OutboxStats> {
        self.read(outbox::stats)
    }

    /// Pending outbox entries after `after_seq` (for the sync layer).
    pub fn outbox_pending(&self, after_seq: i64, limit: usize) -> Result<Vec<outbox::OutboxEntry>> {
        self.read(|c| outbox::pending(c, after_seq, limit))
    }

    /// The server has just accepted this phone's time (`now`, a push within the drift bound), so
    /// the phone's clock is right. A last stamp further ahead of it than the drift bound was made
    /// while the clock was wrong (a date set a year ahead, since fixed); stamps continuing from it
    /// would be refused by the server (`clock_ahead`) for as long as the clock had been ahead. The
    /// clock restarts from `now`. Returns whether it did.
    pub fn clock_confirmed(&self, now: Timestamp) -> Result<bool> {
        let mut guard = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        let w = guard.as_mut().ok_or(StoreError::Closed)?;
        if w.clock.last().wall_ms - now.millis() <= DEFAULT_MAX_DRIFT_MS {
            return Ok(false);
        }
        let restart = ilp_model::Hlc {
            wall_ms: now.millis(),
            counter: 0,
            device: self.config.device,
        };
        w.conn.execute(
            "INSERT INTO meta (key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            [META_HLC, &restart.to_string()],
        )?;
        w.clock = HlcClock::resume(self.config.device, Some(restart), DEFAULT_MAX_DRIFT_MS);
        Ok(true)
    }

    /// The last HLC stamp issued or observed by this device.
    pub fn clock_last(&self) -> Result<ilp_model::Hlc> {
        let guard = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        Ok(guard.as_ref().ok_or(StoreError::Closed)?.clock.last())
    }
}
