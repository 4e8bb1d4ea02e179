//! The integration tests: one binary, each test on its own real server and fresh database.

mod helpers;

mod accounts;
mod cli;
mod errors;
mod mail;
mod matching;
mod moderation;
mod openapi;
mod permissions;
mod postings;
mod robustness;
mod search;
