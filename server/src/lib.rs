//! The Posyandu ILP sync server: login and devices, push ingest with per-field HLC merges, the
//! scoped change feed and snapshots, over SQLite or PostgreSQL; administration commands and the
//! demo server; the supervisor dashboard (`/dashboard`). PROTOCOL.md in `rust-core/sync` is the contract this crate serves.

pub mod admin;
pub mod auth;
pub mod body;
pub mod clock;
pub mod config;
pub mod dashboard;
pub mod demo;
pub mod error;
pub mod feed;
pub mod http;
pub mod ingest;
pub mod merge;
pub mod metrics;
pub mod scope;
pub mod storage;
pub mod validate;
