//! Building a bounded push batch from the device's outbox: in sequence order, at most a number of
//! entries and of bytes, so a slow 4G link sends small requests that each commit on the server.

use crate::protocol::{Change, Op, PROTOCOL_VERSION, PushRequest};
use ilp_store::Store;
use ilp_store::outbox::OutboxOp;

/// Bounds of one push request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PushLimits {
    pub max_changes: usize,
    /// Uncompressed JSON bytes of the changes.
    pub max_bytes: usize,
}

impl Default for PushLimits {
    fn default() -> Self {
        Self {
            max_changes: 500,
            max_bytes: 512 * 1024,
        }
    }
}

/// The next batch of pending changes after `after_seq`, or `None` when nothing is pending. The
/// first entry is always included even if alone it exceeds `max_bytes`, so a large record cannot
/// wedge the outbox.
pub fn build_push_batch(
    store: &Store,
    after_seq: i64,
    limits: PushLimits,
    now: ilp_model::Timestamp,
) -> ilp_store::Result<Option<PushRequest>> {
    let entries = store.outbox_pending(after_seq, limits.max_changes.max(1))?;
    let mut changes = Vec::with_capacity(entries.len());
    let mut bytes = 0usize;
    for e in entries {
        let change = Change {
            seq: e.seq,
            entity: e.entity,
            entity_id: e.entity_id,
            op: match e.op {
                OutboxOp::Upsert => Op::Upsert,
                OutboxOp::Append => Op::Append,
            },
            hlc: e.hlc.to_string(),
            payload: e.payload,
        };
        let size = serde_json::to_vec(&change).map(|v| v.len()).unwrap_or(0);
        if !changes.is_empty() && bytes + size > limits.max_bytes {
            break;
        }
        bytes += size;
        changes.push(change);
    }
    if changes.is_empty() {
        return Ok(None);
    }
    Ok(Some(PushRequest {
        protocol: PROTOCOL_VERSION,
        device_id: store.device().to_string(),
        device_time_ms: now.millis(),
        changes,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ilp_model::{Area, AreaId, AreaLevel, DeviceId, Timestamp, UserId};
    use ilp_store::{SeededEntropy, StoreConfig, WriteCtx};

    const NOW: Timestamp = Timestamp::from_millis(1_795_300_000_000);

    fn store_with_areas(dir: &std::path::Path, n: u8) -> Store {
        let (store, _) = Store::open(
            StoreConfig {
                path: dir.join("s.db"),
                key: None,
                device: DeviceId::from_random_bytes([1; 16]),
                utc_offset: ilp_model::timestamp::wita(),
            },
            Box::new(SeededEntropy::new(5)),
            Timestamp::from_millis(1_795_300_000_000),
        )
        .unwrap();
        let ctx = WriteCtx {
            user: UserId::from_random_bytes([2; 16]),
            now: Timestamp::from_millis(1_795_300_000_000),
            today: time::macros::date!(2026 - 11 - 22),
        };
        store
            .write(&ctx, |w| {
                let city = AreaId::from_random_bytes([3; 16]);
                ilp_store::areas::insert_area(
                    w,
                    &Area {
                        id: city,
                        parent: None,
                        level: AreaLevel::City,
                        code: "53.71".into(),
                        name: "Kota Kupang".into(),
                    },
                )?;
                for i in 1..n {
                    ilp_store::areas::insert_area(
                        w,
                        &Area {
                            id: AreaId::from_random_bytes([10 + i; 16]),
                            parent: Some(city),
                            level: AreaLevel::District,
                            code: format!("53.71.{i:02}"),
                            name: format!("Kecamatan {i}"),
                        },
                    )?;
                }
                Ok(())
            })
            .unwrap();
        store
    }

    #[test]
    fn batches_follow_the_sequence_within_their_bounds() {
        let dir = tempfile::tempdir().unwrap();
        let store = store_with_areas(dir.path(), 7);
        let first = build_push_batch(
            &store,
            0,
            PushLimits {
                max_changes: 3,
                max_bytes: 1 << 20,
            },
            NOW,
        )
        .unwrap()
        .unwrap();
        assert_eq!(
            first.changes.iter().map(|c| c.seq).collect::<Vec<_>>(),
            vec![1, 2, 3]
        );
        assert_eq!(first.protocol, PROTOCOL_VERSION);
        let next = build_push_batch(
            &store,
            3,
            PushLimits {
                max_changes: 100,
                max_bytes: 1 << 20,
            },
            NOW,
        )
        .unwrap()
        .unwrap();
        assert_eq!(next.changes.first().unwrap().seq, 4);
        assert_eq!(next.changes.len(), 4);
        assert!(
            build_push_batch(&store, 7, PushLimits::default(), NOW)
                .unwrap()
                .is_none()
        );
    }

    #[test]
    fn the_byte_bound_cuts_the_batch_but_never_to_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let store = store_with_areas(dir.path(), 5);
        let tiny = build_push_batch(
            &store,
            0,
            PushLimits {
                max_changes: 100,
                max_bytes: 10,
            },
            NOW,
        )
        .unwrap()
        .unwrap();
        assert_eq!(tiny.changes.len(), 1);
        let all = build_push_batch(&store, 0, PushLimits::default(), NOW)
            .unwrap()
            .unwrap();
        let size = |i: usize| serde_json::to_vec(&all.changes[i]).unwrap().len();
        let two = build_push_batch(
            &store,
            0,
            PushLimits {
                max_changes: 100,
                max_bytes: size(0) + size(1),
            },
            NOW,
        )
        .unwrap()
        .unwrap();
        assert_eq!(two.changes.len(), 2);
    }
}
