//! Notifications. Every mail starts as an outbox row written in the transaction of the event
//! that causes it; a worker delivers the rows.

pub mod outbox;
