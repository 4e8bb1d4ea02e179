//! Reference data has one source, src/reference/*.csv: a fresh database starts with the parks of
//! the CSV, and holds no copy of the prefectures or the industry sections.

use diesel::prelude::*;
use parkbridge::db::schema::parks;
use parkbridge::db::DbConn;
use parkbridge::domain::reference;

use crate::helpers::*;

fn table_exists(conn: &mut DbConn, table: &str) -> bool {
    let probe = diesel::sql_query(format!("SELECT 1 FROM {table} WHERE 1 = 0"));
    match conn {
        DbConn::Sqlite(c) => probe.execute(c).is_ok(),
        DbConn::Pg(c) => probe.execute(c).is_ok(),
    }
}

#[tokio::test]
async fn the_database_holds_the_reference_data_of_the_csv_files_and_no_other_copy() {
    let app = TestApp::spawn().await;
    let mut conn = app.state.pool.get().unwrap();
    let held: Vec<(String, String, String, String)> = parks::table
        .order(parks::id.asc())
        .select((parks::name, parks::kind, parks::city_code, parks::level))
        .load(&mut conn)
        .unwrap();
    let csv: Vec<(String, String, String, String)> = reference::PARKS
        .iter()
        .map(|p| {
            (
                p.name.to_string(),
                p.kind.to_string(),
                p.city_code.to_string(),
                p.level.to_string(),
            )
        })
        .collect();
    assert_eq!(held, csv);
    assert!(held.iter().all(|p| reference::city(&p.2).is_some()));
    // The prefectures and industry sections are read from the CSV files only.
    assert!(table_exists(&mut conn, "parks"));
    for table in ["cities", "industries"] {
        assert!(!table_exists(&mut conn, table), "{table} is a second copy");
    }
}
