//! HTML forms: the submitted fields, their conversion into the JSON bodies the services parse
//! (so a form and an API call meet the same rules), and what a form shows again after an error.
//!
//! Fields are named by the JSON path they fill (`financing.amount_yuan`,
//! `recruiting.positions[0].title`), so a service's field error lands beside its field.
//! Amounts of financing are typed in 万元 and rates in percent; the conversion is here.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{FromRequest, HttpRequest};
use serde_json::{Map, Value};

use super::csrf;
use crate::domain::input::{FieldType, FormFields};
use crate::error::{AppError, FieldErrors};
use crate::i18n::Lang;
use crate::web::body::RawBody;

/// A submitted `application/x-www-form-urlencoded` form whose CSRF token has been checked.
pub struct Form(pub Vec<(String, String)>);

impl Form {
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The trimmed value, or None when it is empty.
    pub fn value(&self, name: &str) -> Option<&str> {
        self.get(name).map(str::trim).filter(|v| !v.is_empty())
    }

    /// The form as a JSON object for a service whose input declares `fields` (see the module
    /// notes).
    pub fn to_json(&self, fields: FormFields) -> Value {
        let mut root = Value::Object(Map::new());
        for (name, raw) in &self.0 {
            if name.starts_with('_') {
                continue;
            }
            let key = last_key(name);
            let raw = raw.trim();
            if raw.is_empty() {
                continue;
            }
            let ty = type_of(fields, key);
            let value = convert(ty, raw);
            let Some(slot) = slot(&mut root, name) else {
                continue;
            };
            if ty == FieldType::Multi {
                if !slot.is_array() {
                    *slot = Value::Array(vec![]);
                }
                if let Value::Array(a) = slot {
                    a.push(value);
                }
            } else {
                *slot = value;
            }
        }
        drop_empty_rows(&mut root);
        root
    }

    /// What to show in the form again: the values as typed.
    pub fn state(&self) -> FormState {
        let mut values: HashMap<String, Vec<String>> = HashMap::new();
        for (k, v) in &self.0 {
            if !k.starts_with('_') {
                values.entry(k.clone()).or_default().push(v.clone());
            }
        }
        FormState {
            values,
            errors: HashMap::new(),
            message: None,
        }
    }
}

impl FromRequest for Form {
    type Error = AppError;
    type Future = std::pin::Pin<Box<dyn std::future::Future<Output = Result<Self, AppError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut actix_web::dev::Payload) -> Self::Future {
        let body = RawBody::from_request(req, payload);
        let req = req.clone();
        Box::pin(async move {
            let body = body.await?;
            let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(body.bytes())
                .map_err(|e| AppError::BadRequest(format!("bad form: {e}")))?;
            check_shape(&pairs)?;
            let form = Form(pairs);
            csrf::check(&req, form.get("_csrf"))?;
            Ok(form)
        })
    }
}

/// The most fields a form may have: the longest (an offer with every city, industry and size
/// ticked, or a recruiting need with [`MAX_ROWS`] positions) has a few hundred.
pub const MAX_FIELDS: usize = 1_000;
/// The longest field name (`recruiting.positions[49].salary_min_yuan` is 38 bytes).
pub const MAX_NAME_BYTES: usize = 100;
/// The most dotted parts in a field name (`recruiting.positions[0].title` has 3).
pub const MAX_NAME_PARTS: usize = 4;
/// Rows of a repeated group (`positions[0]` … `positions[49]`).
pub const MAX_ROWS: usize = 50;

/// Refuses a form whose size or names no page of ours could have sent, before anything is
/// built from it.
fn check_shape(pairs: &[(String, String)]) -> Result<(), AppError> {
    if pairs.len() > MAX_FIELDS {
        return Err(AppError::BadRequest(format!(
            "the form has {} fields; at most {MAX_FIELDS} are accepted",
            pairs.len()
        )));
    }
    for (name, _) in pairs {
        if name.len() > MAX_NAME_BYTES {
            return Err(AppError::BadRequest(format!(
                "a field name is {} bytes long; at most {MAX_NAME_BYTES} are accepted",
                name.len()
            )));
        }
        if name.split('.').count() > MAX_NAME_PARTS {
            return Err(AppError::BadRequest(format!(
                "a field name has more than {MAX_NAME_PARTS} dotted parts"
            )));
        }
    }
    Ok(())
}

fn last_key(name: &str) -> &str {
    let tail = name.rsplit('.').next().unwrap_or(name);
    tail.split('[').next().unwrap_or(tail)
}

/// The type the service reads at `key` (see `FieldType`).
fn type_of(fields: FormFields, key: &str) -> FieldType {
    fields
        .iter()
        .find(|(k, _)| *k == key)
        .map_or(FieldType::Text, |(_, t)| *t)
}

/// The text of a field as the JSON value of its type. Text that is not of the type stays text,
/// so the service reports it beside its field ("must be a whole number").
fn convert(ty: FieldType, raw: &str) -> Value {
    match ty {
        FieldType::Text => Value::from(raw),
        FieldType::Multi => Value::from(raw),
        FieldType::Wan => match raw.replace([',', '，'], "").parse::<f64>() {
            Ok(w) if w.is_finite() && w.abs() < 1e11 => Value::from((w * 10_000.0).round() as i64),
            _ => Value::from(raw),
        },
        FieldType::Percent => match raw.trim_end_matches('%').parse::<f64>() {
            Ok(p) if p.is_finite() && p.abs() < 1e6 => Value::from((p * 100.0).round() as i64),
            _ => Value::from(raw),
        },
        FieldType::Int => match raw.replace([',', '，'], "").parse::<i64>() {
            Ok(n) => Value::from(n),
            Err(_) => Value::from(raw),
        },
        FieldType::Bool => Value::from(raw == "true" || raw == "on" || raw == "1"),
        FieldType::List => Value::Array(
            raw.split([',', '，', '、', ';', '；', '\n'])
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(Value::from)
                .collect(),
        ),
        // A date picked in the form: valid until the end of that day, Beijing time.
        FieldType::Date if raw.len() == 10 => Value::from(format!("{raw}T23:59:59+08:00")),
        FieldType::Date => Value::from(raw),
    }
}

/// The place in `root` named by a path like `a.b[2].c`, created on the way. Names longer or
/// deeper than a form of ours sends have no place.
fn slot<'a>(root: &'a mut Value, name: &str) -> Option<&'a mut Value> {
    if name.len() > MAX_NAME_BYTES || name.split('.').count() > MAX_NAME_PARTS {
        return None;
    }
    let mut cur = root;
    for part in name.split('.') {
        let (key, index) = match part.split_once('[') {
            Some((k, rest)) => (k, Some(rest.trim_end_matches(']').parse::<usize>().ok()?)),
            None => (part, None),
        };
        if key.is_empty() || index.is_some_and(|i| i >= MAX_ROWS) {
            return None;
        }
        let obj = match cur {
            Value::Object(m) => m,
            _ => return None,
        };
        cur = obj.entry(key.to_string()).or_insert(match index {
            Some(_) => Value::Array(vec![]),
            None => Value::Object(Map::new()),
        });
        if let Some(i) = index {
            let arr = cur.as_array_mut()?;
            while arr.len() <= i {
                arr.push(Value::Object(Map::new()));
            }
            cur = &mut arr[i];
        }
    }
    Some(cur)
}

/// Rows of a repeated group left blank (a second job position not filled in) are not sent.
/// A loop with its own stack rather than recursion, so no shape of form can exhaust the stack.
fn drop_empty_rows(root: &mut Value) {
    let mut todo = vec![root];
    while let Some(v) = todo.pop() {
        match v {
            Value::Object(m) => todo.extend(m.values_mut()),
            Value::Array(a) => {
                a.retain(|x| !matches!(x, Value::Object(m) if m.is_empty()));
                todo.extend(a.iter_mut());
            }
            _ => {}
        }
    }
}

/// Fills a form from stored JSON (a posting being edited): the inverse of `Form::to_json`.
pub fn fill(state: &mut FormState, fields: FormFields, prefix: &str, v: &Value) {
    let name = |k: &str| {
        if prefix.is_empty() {
            k.to_string()
        } else {
            format!("{prefix}.{k}")
        }
    };
    let Value::Object(map) = v else { return };
    for (k, v) in map {
        let key = k.as_str();
        match v {
            Value::Object(_) => fill(state, fields, &name(key), v),
            Value::Array(items) if items.iter().all(Value::is_object) && !items.is_empty() => {
                for (i, item) in items.iter().enumerate() {
                    fill(state, fields, &format!("{}[{i}]", name(key)), item);
                }
            }
            Value::Array(items) => {
                let texts = items
                    .iter()
                    .map(|x| x.as_str().unwrap_or_default().to_string());
                if type_of(fields, key) == FieldType::List {
                    state.set(&name(key), texts.collect::<Vec<_>>().join("、"));
                } else {
                    state.values.insert(name(key), texts.collect());
                }
            }
            Value::Number(n) => {
                let n = n.as_i64().unwrap_or_default();
                let shown = match type_of(fields, key) {
                    FieldType::Wan => super::labels::wan_plain(n),
                    FieldType::Percent => super::labels::Labels(Lang::Zh)
                        .rate(n)
                        .trim_end_matches('%')
                        .to_string(),
                    _ => n.to_string(),
                };
                state.set(&name(key), shown);
            }
            Value::String(s) => state.set(&name(key), s.clone()),
            Value::Bool(b) => state.set(&name(key), b.to_string()),
            Value::Null => {}
        }
    }
}

/// A form as shown: the values to fill in, each field's error, and a message for the form.
#[derive(Default)]
pub struct FormState {
    pub values: HashMap<String, Vec<String>>,
    pub errors: HashMap<String, String>,
    pub message: Option<String>,
}

impl FormState {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn set(&mut self, name: &str, value: impl Into<String>) {
        self.values.insert(name.to_string(), vec![value.into()]);
    }

    /// The value of a field (the first, for repeated ones).
    pub fn v(&self, name: impl AsRef<str>) -> &str {
        self.values
            .get(name.as_ref())
            .and_then(|v| v.first())
            .map(String::as_str)
            .unwrap_or("")
    }

    /// Whether a checkbox or option `value` of `name` is chosen.
    pub fn has(&self, name: impl AsRef<str>, value: &str) -> bool {
        self.values
            .get(name.as_ref())
            .is_some_and(|v| v.iter().any(|x| x == value))
    }

    pub fn err(&self, name: impl AsRef<str>) -> Option<&str> {
        self.errors.get(name.as_ref()).map(String::as_str)
    }

    /// Takes a service's error: field errors go beside their fields, anything else above the
    /// form; the answer is the status to show the form again with. Errors that are not about
    /// the input (a lost database, a missing posting) stay errors.
    pub fn absorb(&mut self, e: AppError, lang: Lang) -> Result<StatusCode, AppError> {
        let status = e.status();
        match e {
            AppError::Validation(FieldErrors(list)) => {
                for (field, problem) in list {
                    let text = problem.render(lang);
                    let name = visible_field(&field);
                    self.errors
                        .entry(name)
                        .and_modify(|t| {
                            t.push('；');
                            t.push_str(&text);
                        })
                        .or_insert(text);
                }
                if self.errors.is_empty() {
                    self.message = Some(AppError::Validation(FieldErrors::new()).message(lang));
                }
                Ok(status)
            }
            AppError::Conflict(_)
            | AppError::InvalidCredentials
            | AppError::Forbidden(_)
            | AppError::RateLimited { .. }
            | AppError::BadRequest(_) => {
                self.message = Some(e.message(lang));
                Ok(status)
            }
            other => Err(other),
        }
    }
}

/// A refusal about the request as one sentence for the top of a page that has no field to show
/// it beside (a button in a list, a small form among many): the message, or each field's
/// problem after the field's name in words. Errors that are not about the request stay errors.
pub fn problem_text(e: AppError, lang: Lang) -> Result<(StatusCode, String), AppError> {
    let mut f = FormState::new();
    let status = f.absorb(e, lang)?;
    if let Some(m) = f.message {
        return Ok((status, m));
    }
    let mut parts: Vec<(String, String)> = f.errors.into_iter().collect();
    parts.sort();
    let sep = if lang == Lang::En { "; " } else { "；" };
    let text = parts
        .iter()
        .map(|(field, problem)| {
            let name = field_name(field, lang);
            if lang == Lang::En {
                format!("{name}: {problem}")
            } else {
                format!("{name}：{problem}")
            }
        })
        .collect::<Vec<_>>()
        .join(sep);
    Ok((status, text))
}

/// The name people know a field of a small form by.
fn field_name(field: &str, lang: Lang) -> &'static str {
    const NAMES: &[(&str, &str, &str)] = &[
        ("reason_code", "原因", "Reason"),
        ("note", "说明", "Note"),
        ("result", "结果", "Result"),
        ("amount_yuan", "金额", "Amount"),
        ("hires", "录用人数", "People hired"),
        ("trainees", "培训人数", "People trained"),
        ("offer_id", "服务", "Offer"),
        ("need_id", "需求", "Need"),
    ];
    let (zh, en) = NAMES
        .iter()
        .find(|(k, ..)| *k == last_key(field))
        .map_or(("输入的内容", "What was entered"), |(_, zh, en)| {
            (*zh, *en)
        });
    if lang == Lang::En {
        en
    } else {
        zh
    }
}

/// An error about one element of a list (`regions[3]`) is shown at the list's field.
fn visible_field(field: &str) -> String {
    match field.rfind('[') {
        Some(i) if field.ends_with(']') => field[..i].to_string(),
        _ => field.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::posting::FORM_FIELDS as POSTING;
    use serde_json::json;

    fn form(pairs: &[(&str, &str)]) -> Form {
        Form(
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        )
    }

    #[test]
    fn fields_become_the_json_the_services_read() {
        let f = form(&[
            ("_csrf", "x"),
            ("category", "financing"),
            ("title", " 设备贷款 "),
            ("financing.amount_yuan", "150.5"),
            ("financing.term_months", "24"),
            ("financing.max_annual_rate_bp", "4.35"),
            ("financing.collateral", "property"),
            ("financing.collateral", "equipment"),
            ("expires_at", "2027-01-31"),
            ("submit", "true"),
            ("description", ""),
        ]);
        assert_eq!(
            f.to_json(POSTING),
            json!({
                "category": "financing",
                "title": "设备贷款",
                "financing": {
                    "amount_yuan": 1_505_000,
                    "term_months": 24,
                    "max_annual_rate_bp": 435,
                    "collateral": ["property", "equipment"],
                },
                "expires_at": "2027-01-31T23:59:59+08:00",
                "submit": true,
            })
        );
    }

    #[test]
    fn each_field_is_typed_by_what_its_service_reads_not_by_how_it_looks() {
        use crate::domain::decisions::{Answer, Decline, Outcome};
        let answer = form(&[("offer_id", "3"), ("note", "12")]);
        assert_eq!(
            answer.to_json(Answer::FORM_FIELDS),
            json!({"offer_id": 3, "note": "12"})
        );
        // The same text where the service reads a string stays a string.
        let decline = form(&[("reason_code", "other"), ("note", "3")]);
        assert_eq!(
            decline.to_json(Decline::FORM_FIELDS),
            json!({"reason_code": "other", "note": "3"})
        );
        let outcome = form(&[("result", "succeeded"), ("amount_yuan", "120")]);
        assert_eq!(
            outcome.to_json(Outcome::FORM_FIELDS),
            json!({"result": "succeeded", "amount_yuan": 1_200_000})
        );
        // Text that is not a number stays text, for the service to refuse beside its field.
        assert_eq!(
            form(&[("need_id", "abc")]).to_json(Answer::FORM_FIELDS),
            json!({"need_id": "abc"})
        );
    }

    #[test]
    fn repeated_rows_are_built_and_blank_rows_dropped() {
        let f = form(&[
            ("recruiting.positions[0].title", "焊工"),
            ("recruiting.positions[0].headcount", "5"),
            ("recruiting.positions[0].skills", "焊接、 氩弧焊,电工证"),
            ("recruiting.positions[1].title", ""),
            ("recruiting.positions[1].headcount", ""),
            ("recruiting.positions[2].title", "质检员"),
            ("recruiting.positions[2].headcount", "两"),
        ]);
        assert_eq!(
            f.to_json(POSTING),
            json!({"recruiting": {"positions": [
                {"title": "焊工", "headcount": 5, "skills": ["焊接", "氩弧焊", "电工证"]},
                {"title": "质检员", "headcount": "两"},
            ]}})
        );
    }

    #[test]
    fn stored_json_fills_the_form_it_came_from() {
        let f = form(&[
            ("financing.amount_yuan", "150.5"),
            ("financing.max_annual_rate_bp", "4.35"),
            ("financing.collateral", "property"),
            ("financing.collateral", "ip"),
            ("recruiting.positions[1].skills", "焊接、电工证"),
            ("recruiting.positions[1].title", "焊工"),
        ]);
        let mut s = FormState::new();
        fill(&mut s, POSTING, "", &f.to_json(POSTING));
        assert_eq!(s.v("financing.amount_yuan"), "150.5");
        assert_eq!(s.v("financing.max_annual_rate_bp"), "4.35");
        assert!(s.has("financing.collateral", "ip"));
        // Blank rows are gone, so the second position is now the first.
        assert_eq!(s.v("recruiting.positions[0].skills"), "焊接、电工证");
        assert_eq!(s.v("recruiting.positions[0].title"), "焊工");
    }

    #[test]
    fn hostile_names_are_ignored() {
        let f = form(&[
            ("a[99999999999]", "x"),
            ("b[70]", "x"),
            (".", "x"),
            ("c[x]", "y"),
        ]);
        assert_eq!(f.to_json(POSTING), json!({}));
    }

    #[test]
    fn names_deeper_or_longer_than_our_forms_are_refused() {
        let deep = vec!["a"; 20_000].join(".");
        let f = form(&[(deep.as_str(), "x"), ("title", "t")]);
        assert_eq!(f.to_json(POSTING), json!({"title": "t"}));
        assert!(check_shape(&f.0).is_err());
        let five = "a.b.c.d.e".to_string();
        assert!(check_shape(&[(five, "x".into())]).is_err());
        let long = "x".repeat(MAX_NAME_BYTES + 1);
        assert!(check_shape(&[(long, "x".into())]).is_err());
        let many: Vec<(String, String)> = (0..=MAX_FIELDS)
            .map(|i| (format!("f{i}"), "x".into()))
            .collect();
        assert!(check_shape(&many).is_err());
        assert!(check_shape(&many[..MAX_FIELDS]).is_ok());
        let ok = form(&[("recruiting.positions[49].salary_min_yuan", "1")]);
        assert!(check_shape(&ok.0).is_ok());
    }

    #[test]
    fn errors_land_beside_their_fields() {
        let mut s = FormState::new();
        let mut errs = FieldErrors::new();
        errs.add("regions[2]", crate::error::Problem::UnknownCity);
        errs.add("title", crate::error::Problem::Required);
        s.absorb(AppError::Validation(errs), Lang::Zh).unwrap();
        assert_eq!(s.err("title"), Some("必填"));
        assert!(s.err("regions").is_some());
        assert!(s.absorb(AppError::NotFound, Lang::Zh).is_err());
    }
}
