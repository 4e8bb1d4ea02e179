//! The words demo data is made of: trades with their products and machines, jobs, training
//! topics (for SMEs) and the platform companies' products (for offers). Data, not logic: each
//! list is referred to by enum (`Job`, `Topic`, `FinancingNeed`), so a reference cannot drift
//! from the list.

pub mod jobs;
pub mod providers;
pub mod topics;
pub mod trades;
