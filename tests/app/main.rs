//! The integration tests: one binary, each test on its own real server and fresh database.

mod helpers;

mod accounts;
mod browser;
mod cli;
mod errors;
mod faults;
mod logs;
mod mail;
mod matching;
mod meaning;
mod moderation;
mod openapi;
mod pages;
mod permissions;
mod postings;
mod robustness;
mod search;
