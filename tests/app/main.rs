//! The integration tests: one binary, each test on its own real server and fresh database.

mod helpers;

mod abuse;
mod accounts;
mod answering;
mod browser;
mod cli;
mod errors;
mod faults;
mod hostile;
mod logs;
mod mail;
mod matching;
mod meaning;
mod moderation;
mod openapi;
mod organizations;
mod page_errors;
mod pages;
mod permissions;
mod postings;
mod reference;
mod robustness;
mod search;
mod security;
mod visibility;
mod who_acts;
mod withdrawal;
mod words;
