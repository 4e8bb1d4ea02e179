//! The integration tests: one binary, each test on its own real server and fresh database.

mod helpers;

mod abuse;
mod accounts;
mod browser;
mod cli;
mod errors;
mod faults;
mod hostile;
mod interest;
mod logs;
mod mail;
mod matching;
mod meaning;
mod members;
mod moderation;
mod openapi;
mod outcomes;
mod pages;
mod permissions;
mod postings;
mod reference;
mod robustness;
mod search;
mod security;
mod todo;
mod visibility;
mod withdrawal;
