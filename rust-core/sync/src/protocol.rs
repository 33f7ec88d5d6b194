//! Wire messages (JSON, compressed by the transport with gzip or zstd). Every request body carries
//! the protocol version; a server answers a version it does not speak with a clear refusal
//! (`ErrorBody` with code `protocol_version`) rather than a guess. PROTOCOL.md beside this crate
//! describes the endpoints, the merge rules and the scope rules these messages travel under.

use serde::{Deserialize, Serialize};

/// The protocol version this build speaks.
pub const PROTOCOL_VERSION: u32 = 1;

/// Largest request body a server accepts, compressed (and, separately, after decompression).
pub const MAX_BODY_BYTES: usize = 4 * 1024 * 1024;
/// Largest decompressed request body: bounds a compression bomb.
pub const MAX_DECOMPRESSED_BYTES: usize = 16 * 1024 * 1024;
/// Most changes one push request may carry.
pub const MAX_PUSH_CHANGES: usize = 1000;
/// Most changes one pull page may carry (a device asks for fewer on a slow link).
pub const MAX_PULL_CHANGES: u32 = 5000;
/// Most records one snapshot page may carry.
pub const MAX_SNAPSHOT_RECORDS: u32 = 5000;

/// Entities that travel. Mutable records merge per field; events are append-only.
pub mod entity {
    pub const AREA: &str = "area";
    pub const POSYANDU: &str = "posyandu";
    pub const USER: &str = "user";
    pub const HOUSEHOLD: &str = "household";
    pub const PERSON: &str = "person";
    pub const PREGNANCY: &str = "pregnancy";
    pub const EVENT: &str = "event";

    /// Every entity, in the order a snapshot sends them (parents before children).
    pub const ALL: [&str; 7] = [AREA, POSYANDU, USER, HOUSEHOLD, PERSON, PREGNANCY, EVENT];

    pub fn is_mutable(entity: &str) -> bool {
        matches!(
            entity,
            AREA | POSYANDU | USER | HOUSEHOLD | PERSON | PREGNANCY
        )
    }
}

/// What a change does to its record.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Op {
    /// Fields of a mutable record were set; payload `{"fields": {...}}`, all stamped `hlc`.
    Upsert,
    /// An append-only event; payload is the whole event as `ilp_model::Event` serialises it.
    Append,
}

/// One outbox entry on the wire (device → server).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Change {
    /// The device's sequence number: with the device id, the idempotency key on the server.
    pub seq: i64,
    /// One of `entity::ALL`.
    pub entity: String,
    pub entity_id: String,
    pub op: Op,
    /// HLC stamp in its sortable text form (`Hlc`'s Display).
    pub hlc: String,
    pub payload: serde_json::Value,
}

/// One change of the feed (server → device). Upserts carry `{"fields": {...}}` stamped `hlc`;
/// a snapshot record or a re-homed record may instead carry per-field stamps in `clocks`
/// (`{"fields": {...}, "clocks": {"field": "hlc", ...}}`), each field then merging with its own.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FeedChange {
    pub entity: String,
    pub entity_id: String,
    pub op: Op,
    pub hlc: String,
    pub payload: serde_json::Value,
}

// ---- login ---------------------------------------------------------------------------------

/// Device → server: `POST /api/v1/login`. Registers `device_id` for the user on first use.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LoginRequest {
    pub protocol: u32,
    pub username: String,
    /// Password or PIN; only its Argon2 hash is kept by the server.
    pub secret: String,
    /// The replica id of the device store this user syncs (one store per user on a shared phone).
    pub device_id: String,
    /// What the user calls the phone ("HP Posyandu Mawar"), for the admin's device list.
    #[serde(default)]
    pub device_name: Option<String>,
}

/// The user as the server knows them, with the areas they may see.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct UserInfo {
    pub id: String,
    pub username: String,
    pub display_name: String,
    /// kader, bidan, supervisor or admin.
    pub role: String,
    /// Assigned area ids (RT or RW for a kader, kelurahan for a bidan or supervisor).
    pub areas: Vec<String>,
}

/// Server → device: a bearer token for this user on this device.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LoginResponse {
    pub protocol: u32,
    pub token: String,
    /// Unix milliseconds after which the token is refused (the user logs in online again).
    pub expires_at_ms: i64,
    pub user: UserInfo,
    /// The server's clock, so a device can tell its user the phone's date is wrong.
    pub server_time_ms: i64,
}

// ---- push ----------------------------------------------------------------------------------

/// Device → server: `POST /api/v1/push`, a batch of outbox entries in sequence order.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PushRequest {
    pub protocol: u32,
    pub device_id: String,
    /// The phone's clock when it sent the request (Unix ms). A phone whose date is wrong by more
    /// than the drift bound is told so (`clock_skew`) and nothing of the batch is stored.
    pub device_time_ms: i64,
    pub changes: Vec<Change>,
}

/// Why the server refused one change (it is marked on the device and does not block the rest).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Refusal {
    pub seq: i64,
    /// Machine-readable: `out_of_scope`, `forbidden_entity`, `invalid`, `unknown_parent`,
    /// `clock_ahead`, `clock_behind`.
    pub code: String,
    /// For the sync screen; names the field, never contains health data.
    pub reason: String,
}

/// Server → device: the highest sequence durably decided (stored or refused) for this device,
/// and the refusals among the sequences of this request.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PushResponse {
    pub protocol: u32,
    pub stored_through: i64,
    pub refused: Vec<Refusal>,
}

// ---- pull ----------------------------------------------------------------------------------

/// Device → server: `POST /api/v1/pull`, the next page of the change feed after `cursor`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PullRequest {
    pub protocol: u32,
    pub device_id: String,
    /// `None` on a first sync; otherwise the `next_cursor` of the last page committed.
    pub cursor: Option<String>,
    pub max_changes: u32,
    /// [`areas_digest`] of the areas the device last heard; the page names the areas only when
    /// they differ, so an idle sync stays small however many areas a user has.
    #[serde(default)]
    pub areas_digest: Option<String>,
}

/// A short digest of a set of area ids (order does not matter): FNV-1a 64 over the sorted ids,
/// as 16 hex digits. Both ends compute it the same way; it is a change detector, not a secret.
pub fn areas_digest(areas: &[String]) -> String {
    let mut sorted: Vec<&str> = areas.iter().map(String::as_str).collect();
    sorted.sort_unstable();
    sorted.dedup();
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for id in sorted {
        for b in id.bytes().chain(std::iter::once(b',')) {
            hash ^= u64::from(b);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    format!("{hash:016x}")
}

/// Server → device: one page; the device commits the page and `next_cursor` together.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PullPage {
    pub protocol: u32,
    pub changes: Vec<FeedChange>,
    pub next_cursor: String,
    pub more: bool,
    /// The user's scope as the server now holds it (area ids), when it differs from what the
    /// request's `areas_digest` says the device knows: a device notices a change of assignment
    /// and drops what left it once its outbox for that data is acknowledged.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub areas: Option<Vec<String>>,
}

// ---- snapshot ------------------------------------------------------------------------------

/// Device → server: `POST /api/v1/snapshot`, one page of the current state of the user's scope.
/// The first request has no `snapshot`; the answer fixes it (and the feed cursor it starts
/// from), and later pages name it with the last key received.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SnapshotRequest {
    pub protocol: u32,
    pub device_id: String,
    #[serde(default)]
    pub resume: Option<SnapshotResume>,
    pub max_records: u32,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SnapshotResume {
    /// The feed cursor the snapshot started at (from the first page).
    pub cursor: String,
    /// The last record key of the previous page (`SnapshotPage::last_key`).
    pub after_key: String,
}

/// Server → device: records with per-field stamps (`FeedChange` with `clocks`) and events.
/// When `more` is false the device sets its pull cursor to `cursor` and follows the feed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SnapshotPage {
    pub protocol: u32,
    pub cursor: String,
    pub records: Vec<FeedChange>,
    pub last_key: String,
    pub more: bool,
    pub areas: Vec<String>,
}

// ---- errors --------------------------------------------------------------------------------

/// The body of every 4xx/5xx answer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ErrorBody {
    /// Machine-readable: `protocol_version`, `malformed`, `too_large`, `unauthorized`,
    /// `token_expired`, `token_revoked`, `device_mismatch`, `device_revoked`, `forbidden`,
    /// `bad_login`, `clock_skew`, `rate_limited`, `internal`.
    pub code: String,
    /// For people; never contains health data.
    pub message: String,
    /// The protocol the server speaks, so an old app can say "update the app".
    pub protocol: u32,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_round_trip_as_json() {
        let req = PushRequest {
            protocol: PROTOCOL_VERSION,
            device_id: "6f0c1f7e-8d3a-4b6e-9a51-2f3c4d5e6f70".into(),
            device_time_ms: 1_795_300_000_000,
            changes: vec![Change {
                seq: 1,
                entity: entity::EVENT.into(),
                entity_id: "x".into(),
                op: Op::Append,
                hlc: "000001763800000000.0000000000.d".into(),
                payload: serde_json::json!({"type": "note", "text": "ok"}),
            }],
        };
        let text = serde_json::to_string(&req).unwrap();
        assert!(text.contains("\"op\":\"append\""), "{text}");
        let back: PushRequest = serde_json::from_str(&text).unwrap();
        assert_eq!(back, req);
    }

    #[test]
    fn an_empty_page_is_small() {
        let page = PullPage {
            protocol: PROTOCOL_VERSION,
            changes: vec![],
            next_cursor: "c1.123456789".into(),
            more: false,
            areas: None,
        };
        let text = serde_json::to_string(&page).unwrap();
        assert!(text.len() < 100, "{text}");
        assert!(!text.contains("areas"));
    }

    #[test]
    fn the_areas_digest_ignores_order_and_sees_a_change() {
        let a = "6f0c1f7e-8d3a-4b6e-9a51-2f3c4d5e6f70".to_string();
        let b = "7a1d2e3f-0000-4000-8000-000000000001".to_string();
        assert_eq!(
            areas_digest(&[a.clone(), b.clone()]),
            areas_digest(&[b.clone(), a.clone()])
        );
        assert_ne!(
            areas_digest(std::slice::from_ref(&a)),
            areas_digest(&[a.clone(), b])
        );
        assert_ne!(areas_digest(&[]), areas_digest(&[a]));
        assert_eq!(areas_digest(&[]).len(), 16);
    }
}
