//! Wire messages (JSON, compressed by the transport). Every request carries the protocol version;
//! a server answers a version it does not speak with a clear refusal rather than a guess.

use serde::{Deserialize, Serialize};

/// The protocol version this build speaks.
pub const PROTOCOL_VERSION: u32 = 1;

/// One outbox entry on the wire.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Change {
    /// The device's sequence number: with the device id, the idempotency key on the server.
    pub seq: i64,
    /// area, posyandu, user, household, person, pregnancy or event.
    pub entity: String,
    pub entity_id: String,
    /// upsert (fields of a mutable record) or append (an event).
    pub op: String,
    /// HLC stamp in its sortable text form.
    pub hlc: String,
    pub payload: serde_json::Value,
}

/// Device → server: a batch of outbox entries in sequence order.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PushRequest {
    pub protocol: u32,
    pub device_id: String,
    pub changes: Vec<Change>,
}

/// Why the server refused one change (it is marked on the device and does not block the rest).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Refusal {
    pub seq: i64,
    pub reason: String,
}

/// Server → device: the highest sequence durably stored, and the refused ones.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PushResponse {
    pub protocol: u32,
    pub stored_through: i64,
    pub refused: Vec<Refusal>,
}

/// Device → server: the next page of the change feed after `cursor`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PullRequest {
    pub protocol: u32,
    pub device_id: String,
    pub cursor: Option<String>,
    pub max_changes: u32,
}

/// Server → device: one page; the device commits the page and `next_cursor` together.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PullPage {
    pub protocol: u32,
    pub changes: Vec<Change>,
    pub next_cursor: String,
    pub more: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_round_trip_as_json() {
        let req = PushRequest {
            protocol: PROTOCOL_VERSION,
            device_id: "6f0c1f7e-8d3a-4b6e-9a51-2f3c4d5e6f70".into(),
            changes: vec![Change {
                seq: 1,
                entity: "event".into(),
                entity_id: "x".into(),
                op: "append".into(),
                hlc: "000001763800000000.0000000000.d".into(),
                payload: serde_json::json!({"type": "note", "text": "ok"}),
            }],
        };
        let back: PushRequest =
            serde_json::from_str(&serde_json::to_string(&req).unwrap()).unwrap();
        assert_eq!(back, req);
    }
}
