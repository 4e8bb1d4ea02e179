//! The park directory.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde_json::Value;

use super::views::{ListView, ParkView};
use super::{audit, Paging};
use crate::auth::Actor;
use crate::db::models::{NewPark, Park};
use crate::db::schema::parks;
use crate::db::DbConn;
use crate::domain::input::Obj;
use crate::domain::{parse_text, CityCode, ParkKind, ParkLevel};
use crate::error::{AppError, AppResult, FieldErrors};

pub fn find(conn: &mut DbConn, id: i64) -> AppResult<Option<Park>> {
    Ok(parks::table
        .find(id)
        .select(Park::as_select())
        .first(conn)
        .optional()?)
}

pub fn list(
    conn: &mut DbConn,
    city_code: Option<&str>,
    kind: Option<ParkKind>,
    paging: Paging,
) -> AppResult<ListView<ParkView>> {
    let filtered = || {
        let mut q = parks::table.into_boxed();
        if let Some(c) = city_code {
            q = q.filter(parks::city_code.eq(c.to_string()));
        }
        if let Some(k) = kind {
            q = q.filter(parks::kind.eq(k.as_str()));
        }
        q
    };
    let total: i64 = filtered().count().get_result(conn)?;
    let rows: Vec<Park> = filtered()
        .order((parks::city_code.asc(), parks::id.asc()))
        .limit(paging.per_page)
        .offset(paging.offset())
        .select(Park::as_select())
        .load(conn)?;
    Ok(ListView {
        items: rows.iter().map(ParkView::from).collect(),
        total,
        page: paging.page,
        per_page: paging.per_page,
        total_capped: false,
    })
}

pub struct ParkInput {
    pub name: String,
    pub kind: ParkKind,
    pub city_code: CityCode,
    pub level: ParkLevel,
}

pub fn parse(body: &Value) -> AppResult<ParkInput> {
    let o = Obj::root(body)?;
    let mut errs = FieldErrors::new();
    let name = o.parse_str("name", &mut errs, |s| parse_text(s, 100));
    let kind = o.parse_str("kind", &mut errs, ParkKind::parse);
    let city_code = o.parse_str("city_code", &mut errs, CityCode::parse);
    let level = o.parse_str("level", &mut errs, ParkLevel::parse);
    match (name, kind, city_code, level) {
        (Some(name), Some(kind), Some(city_code), Some(level)) => Ok(ParkInput {
            name,
            kind,
            city_code,
            level,
        }),
        _ => Err(AppError::Validation(errs)),
    }
}

pub fn create(
    conn: &mut DbConn,
    actor: &Actor,
    p: &ParkInput,
    now: NaiveDateTime,
) -> AppResult<Park> {
    let taken: i64 = parks::table
        .filter(parks::name.eq(&p.name))
        .count()
        .get_result(conn)?;
    if taken > 0 {
        return Err(AppError::conflict(
            "同名园区已存在",
            "a park with this name exists",
        ));
    }
    let park: Park = diesel::insert_into(parks::table)
        .values(NewPark {
            name: &p.name,
            kind: p.kind.as_str(),
            city_code: p.city_code.as_str(),
            level: p.level.as_str(),
            created_at: now,
        })
        .returning(parks::all_columns)
        .get_result(conn)?;
    audit(
        conn,
        Some(actor),
        "park.create",
        "park",
        park.id,
        Some(park.id),
        None,
        None,
        now,
    )?;
    Ok(park)
}
