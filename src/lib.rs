//! parkbridge (园企通): a marketplace where SMEs in Sichuan's industrial parks meet the
//! state-owned platform companies that finance, recruit and train for them.
//!
//! Layers: `web` (pages and JSON API) → `service` (use cases) → `matching`, `search`, `notify`,
//! `db` → `domain`, `error`, `i18n`, `logging`. `auth` gives handlers the caller; `state`,
//! `startup`, `jobs` and `main` put the parts together. README's "Finding your way" has the map.

pub mod auth;
pub mod bench;
pub mod config;
pub mod db;
pub mod domain;
pub mod error;
pub mod i18n;
pub mod jobs;
pub mod logging;
pub mod matching;
pub mod notify;
pub mod search;
pub mod seed;
pub mod service;
pub mod startup;
pub mod state;
pub mod web;
