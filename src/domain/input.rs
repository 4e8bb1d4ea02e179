//! Reading request bodies field by field, so that every bad field is reported at once under its
//! dotted path (`financing.amount_yuan`, `recruiting.positions.0.headcount`).

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::{Map, Value};

use crate::error::{AppError, FieldErrors, Problem};

/// What a body's field holds, for inputs that arrive as text (an HTML form): each parsed input
/// declares its fields' types (`FormFields`), so the page turns `"3"` into `3` because the
/// service reads an integer there, never because the text looks like one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldType {
    /// A string, as typed.
    Text,
    /// A whole number (an id, a count, yuan).
    Int,
    /// Yuan, typed in 万元 on the pages (financing amounts).
    Wan,
    /// Basis points, typed in percent on the pages (`4.35` → 435).
    Percent,
    /// `true`/`on`/`1` or anything else.
    Bool,
    /// A list of strings typed in one box, separated by commas, 、 or new lines.
    List,
    /// A list of strings, one per checked box or chosen option.
    Multi,
    /// A time; a bare date (`2027-01-31`) means the end of that day, Beijing time.
    Date,
}

/// The typed fields of an input, by their last key (`amount_yuan` in `financing.amount_yuan`);
/// a field not named is `Text`.
pub type FormFields = &'static [(&'static str, FieldType)];

/// The problem was recorded in the `FieldErrors`; the caller only needs to know it failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Recorded;

/// A JSON object being read, with the path of its fields and the problems found so far.
pub struct Obj<'a> {
    map: &'a Map<String, Value>,
    prefix: String,
}

static EMPTY: std::sync::LazyLock<Map<String, Value>> = std::sync::LazyLock::new(Map::new);

impl<'a> Obj<'a> {
    /// The request body itself: anything but an object is a malformed request.
    pub fn root(v: &'a Value) -> Result<Obj<'a>, AppError> {
        match v {
            Value::Object(map) => Ok(Obj {
                map,
                prefix: String::new(),
            }),
            _ => Err(AppError::BadRequest(
                "the body must be a JSON object / 请求体必须是 JSON 对象".into(),
            )),
        }
    }

    pub fn path(&self, key: &str) -> String {
        if self.prefix.is_empty() {
            key.to_string()
        } else {
            format!("{}.{key}", self.prefix)
        }
    }

    /// A value that is present and not null.
    pub fn get(&self, key: &str) -> Option<&'a Value> {
        self.map.get(key).filter(|v| !v.is_null())
    }

    pub fn has(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    pub fn keys(&self) -> impl Iterator<Item = &'a String> {
        self.map.keys()
    }

    /// A nested object; a missing one is recorded as required, a wrong type as such.
    pub fn obj(&self, key: &str, errs: &mut FieldErrors) -> Option<Obj<'a>> {
        match self.get(key) {
            Some(Value::Object(map)) => Some(Obj {
                map,
                prefix: self.path(key),
            }),
            Some(_) => {
                errs.add(self.path(key), wrong("object"));
                None
            }
            None => {
                errs.add(self.path(key), Problem::Required);
                None
            }
        }
    }

    /// An optional nested object: absent gives an empty one.
    pub fn opt_obj(&self, key: &str, errs: &mut FieldErrors) -> Option<Obj<'a>> {
        match self.get(key) {
            None => Some(Obj {
                map: &EMPTY,
                prefix: self.path(key),
            }),
            Some(_) => self.obj(key, errs),
        }
    }

    pub fn str(&self, key: &str, errs: &mut FieldErrors) -> Option<&'a str> {
        match self.get(key) {
            Some(Value::String(s)) => Some(s),
            Some(_) => {
                errs.add(self.path(key), wrong("string"));
                None
            }
            None => {
                errs.add(self.path(key), Problem::Required);
                None
            }
        }
    }

    /// `Ok(None)` when absent; `Err(Recorded)` when present with the wrong type (already recorded).
    pub fn opt_str(&self, key: &str, errs: &mut FieldErrors) -> Result<Option<&'a str>, Recorded> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(_) => {
                errs.add(self.path(key), wrong("string"));
                Err(Recorded)
            }
        }
    }

    pub fn int(&self, key: &str, errs: &mut FieldErrors) -> Option<i64> {
        match self.get(key) {
            None => {
                errs.add(self.path(key), Problem::Required);
                None
            }
            Some(_) => self.opt_int(key, errs).ok().flatten(),
        }
    }

    pub fn opt_int(&self, key: &str, errs: &mut FieldErrors) -> Result<Option<i64>, Recorded> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Number(n)) => match n.as_i64() {
                Some(i) => Ok(Some(i)),
                None => {
                    errs.add(self.path(key), wrong("integer"));
                    Err(Recorded)
                }
            },
            Some(_) => {
                errs.add(self.path(key), wrong("integer"));
                Err(Recorded)
            }
        }
    }

    pub fn opt_bool(&self, key: &str, errs: &mut FieldErrors) -> Result<Option<bool>, Recorded> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(_) => {
                errs.add(self.path(key), wrong("boolean"));
                Err(Recorded)
            }
        }
    }

    /// An array of strings, each parsed; absent is `Some(vec![])` unless `required`.
    pub fn str_list<T>(
        &self,
        key: &str,
        required: bool,
        max_items: usize,
        errs: &mut FieldErrors,
        parse: impl Fn(&str) -> Result<T, Problem>,
    ) -> Option<Vec<T>> {
        let items = match self.get(key) {
            None if required => {
                errs.add(self.path(key), Problem::Required);
                return None;
            }
            None => return Some(Vec::new()),
            Some(Value::Array(items)) => items,
            Some(_) => {
                errs.add(self.path(key), wrong("array"));
                return None;
            }
        };
        if required && items.is_empty() {
            errs.add(
                self.path(key),
                Problem::Custom {
                    zh: "至少需要一项".into(),
                    en: "needs at least one item".into(),
                },
            );
            return None;
        }
        if items.len() > max_items {
            errs.add(
                self.path(key),
                Problem::Custom {
                    zh: format!("最多 {max_items} 项"),
                    en: format!("at most {max_items} items"),
                },
            );
            return None;
        }
        let mut out = Vec::with_capacity(items.len());
        let mut ok = true;
        for (i, item) in items.iter().enumerate() {
            let path = format!("{}.{i}", self.path(key));
            match item {
                Value::String(s) => match parse(s) {
                    Ok(v) => out.push(v),
                    Err(p) => {
                        errs.add(path, p);
                        ok = false;
                    }
                },
                _ => {
                    errs.add(path, wrong("string"));
                    ok = false;
                }
            }
        }
        ok.then_some(out)
    }

    /// An array of objects, each handed to `each` with its index.
    pub fn obj_list<T>(
        &self,
        key: &str,
        max_items: usize,
        errs: &mut FieldErrors,
        mut each: impl FnMut(Obj<'a>, &mut FieldErrors) -> Option<T>,
    ) -> Option<Vec<T>> {
        let items = match self.get(key) {
            None => {
                errs.add(self.path(key), Problem::Required);
                return None;
            }
            Some(Value::Array(items)) => items,
            Some(_) => {
                errs.add(self.path(key), wrong("array"));
                return None;
            }
        };
        if items.is_empty() || items.len() > max_items {
            errs.add(
                self.path(key),
                Problem::Custom {
                    zh: format!("需要 1 到 {max_items} 项"),
                    en: format!("needs 1 to {max_items} items"),
                },
            );
            return None;
        }
        let mut out = Vec::new();
        let mut ok = true;
        for (i, item) in items.iter().enumerate() {
            let path = format!("{}.{i}", self.path(key));
            match item {
                Value::Object(map) => match each(Obj { map, prefix: path }, errs) {
                    Some(v) => out.push(v),
                    None => ok = false,
                },
                _ => {
                    errs.add(path, wrong("object"));
                    ok = false;
                }
            }
        }
        ok.then_some(out)
    }

    /// A required string parsed by `parse`.
    pub fn parse_str<T>(
        &self,
        key: &str,
        errs: &mut FieldErrors,
        parse: impl FnOnce(&str) -> Result<T, Problem>,
    ) -> Option<T> {
        let s = self.str(key, errs)?;
        errs.take(&self.path(key), parse(s))
    }

    /// An optional string parsed by `parse`: `Some(None)` when absent, `None` on error.
    pub fn parse_opt_str<T>(
        &self,
        key: &str,
        errs: &mut FieldErrors,
        parse: impl FnOnce(&str) -> Result<T, Problem>,
    ) -> Option<Option<T>> {
        match self.opt_str(key, errs) {
            Err(Recorded) => None,
            Ok(None) => Some(None),
            Ok(Some(s)) => errs.take(&self.path(key), parse(s)).map(Some),
        }
    }

    /// A required integer parsed by `parse`.
    pub fn parse_int<T>(
        &self,
        key: &str,
        errs: &mut FieldErrors,
        parse: impl FnOnce(i64) -> Result<T, Problem>,
    ) -> Option<T> {
        let v = self.int(key, errs)?;
        errs.take(&self.path(key), parse(v))
    }

    /// An optional integer parsed by `parse`: `Some(None)` when absent, `None` on error.
    pub fn parse_opt_int<T>(
        &self,
        key: &str,
        errs: &mut FieldErrors,
        parse: impl FnOnce(i64) -> Result<T, Problem>,
    ) -> Option<Option<T>> {
        match self.opt_int(key, errs) {
            Err(Recorded) => None,
            Ok(None) => Some(None),
            Ok(Some(v)) => errs.take(&self.path(key), parse(v)).map(Some),
        }
    }
}

fn wrong(expected: &str) -> Problem {
    Problem::WrongType {
        expected: expected.into(),
    }
}

pub fn parse_time(s: &str) -> Result<DateTime<Utc>, Problem> {
    DateTime::parse_from_rfc3339(s.trim())
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| Problem::InvalidDate)
}

pub fn parse_date(s: &str) -> Result<NaiveDate, Problem> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").map_err(|_| Problem::Custom {
        zh: "日期格式应为 YYYY-MM-DD".into(),
        en: "must be a date such as 2026-12-31".into(),
    })
}

/// Parses a request body into JSON: a syntax error is a 400, as the contract says.
pub fn parse_json(body: &[u8]) -> Result<Value, AppError> {
    if body.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(AppError::BadRequest(
            "the body is empty / 请求体为空".into(),
        ));
    }
    serde_json::from_slice(body).map_err(|e| AppError::BadRequest(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn every_bad_field_is_reported_under_its_path() {
        let v = json!({"a": 5, "n": "x", "o": {"list": ["ok", 3]}});
        let o = Obj::root(&v).unwrap();
        let mut errs = FieldErrors::new();
        assert!(o.str("a", &mut errs).is_none());
        assert!(o.int("n", &mut errs).is_none());
        assert!(o.str("missing", &mut errs).is_none());
        let inner = o.obj("o", &mut errs).unwrap();
        assert!(inner
            .str_list("list", true, 5, &mut errs, |s| Ok(s.to_string()))
            .is_none());
        let fields: Vec<_> = errs.0.iter().map(|(f, _)| f.as_str()).collect();
        assert_eq!(fields, ["a", "n", "missing", "o.list.1"]);
        assert_eq!(errs.0[2].1, Problem::Required);
    }

    #[test]
    fn malformed_json_and_non_objects_are_bad_requests() {
        assert!(matches!(parse_json(b"{"), Err(AppError::BadRequest(_))));
        assert!(matches!(parse_json(b"  "), Err(AppError::BadRequest(_))));
        assert!(matches!(
            Obj::root(&json!([1, 2])),
            Err(AppError::BadRequest(_))
        ));
    }

    #[test]
    fn times_and_dates() {
        assert!(parse_time("2026-12-31T00:00:00Z").is_ok());
        assert!(parse_time("2026-12-31T08:00:00+08:00").is_ok());
        assert_eq!(parse_time("tomorrow"), Err(Problem::InvalidDate));
        assert!(parse_date("2027-01-15").is_ok());
        assert!(parse_date("2027-13-15").is_err());
    }
}
