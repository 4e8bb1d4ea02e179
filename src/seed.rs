//! Demo data (placeholder until the generator lands).
use crate::db::DbConn;

#[derive(Debug)]
pub struct SeedReport;
impl std::fmt::Display for SeedReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "seeded")
    }
}
pub fn is_empty(_conn: &mut DbConn) -> anyhow::Result<bool> {
    Ok(true)
}
pub fn seed_demo(_conn: &mut DbConn, _scale: usize, _seed: u64) -> anyhow::Result<SeedReport> {
    Ok(SeedReport)
}
