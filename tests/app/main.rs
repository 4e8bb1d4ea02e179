//! The integration tests: one binary, each test on its own real server and fresh database.

mod helpers;

mod abuse;
mod accounts;
mod answering;
mod browser;
mod busy;
mod cli;
mod errors;
mod faults;
mod hostile;
mod interest;
mod lists;
mod logs;
mod mail;
mod match_quality;
mod matching;
mod meaning;
mod members;
mod moderation;
mod openapi;
mod organizations;
mod outcomes;
mod page_errors;
mod pages;
mod permissions;
mod postings;
mod reference;
mod robustness;
mod search;
mod security;
mod todo;
mod visibility;
mod who_acts;
mod withdrawal;
mod words;
