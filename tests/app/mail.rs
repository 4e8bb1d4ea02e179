//! Mail, end to end, against a real SMTP server on 127.0.0.1 (mailin-embedded, in-process):
//! what arrives, in which language, with which headers; unsubscribing; SMTP down, 451 answers
//! and a crashed worker lose nothing and send nothing twice; `.eml` files without SMTP.
//!
//! Each test drains the outbox itself with `deliver_due`. The application's own mail worker runs
//! beside it (as in `serve`), so assertions wait for the outcome rather than for a particular
//! worker: both claim rows with a lease, and a row is never sent twice.

use std::net::TcpListener;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::SubsecRound;
use diesel::prelude::*;
use mailin_embedded::{response, Handler, Response, Server};
use parkbridge::db::models::OutboxRow;
use parkbridge::db::schema::{notification_settings, outbox, users};
use parkbridge::domain::PostingKind;
use parkbridge::notify::mail::{MatchItem, NewMatchesMail, PostingMail};
use parkbridge::notify::outbox::queue;
use parkbridge::notify::worker::{self, deliver_due};
use parkbridge::notify::Mail;
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::*;

const PUBLIC: &str = "https://parkbridge.example";

// ---------------------------------------------------------------------------------------------
// A real SMTP server that keeps what it receives.

#[derive(Debug, Clone)]
struct Received {
    to: Vec<String>,
    raw: String,
}

#[derive(Clone)]
struct Collector {
    inbox: Arc<Mutex<Vec<Received>>>,
    /// While set, RCPT and DATA are answered `451` (try again later).
    busy: Arc<AtomicBool>,
    to: Vec<String>,
    data: Vec<u8>,
}

impl Handler for Collector {
    fn rcpt(&mut self, to: &str) -> Response {
        if self.busy.load(Ordering::SeqCst) {
            response::INTERNAL_ERROR
        } else if to.contains("bounce") {
            response::NO_MAILBOX
        } else {
            response::OK
        }
    }

    fn data_start(&mut self, _domain: &str, _from: &str, _is8bit: bool, to: &[String]) -> Response {
        if self.busy.load(Ordering::SeqCst) {
            return response::INTERNAL_ERROR;
        }
        self.to = to.to_vec();
        self.data.clear();
        response::OK
    }

    fn data(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.data.extend_from_slice(buf);
        Ok(())
    }

    fn data_end(&mut self) -> Response {
        let raw = String::from_utf8_lossy(&self.data).into_owned();
        self.inbox.lock().unwrap().push(Received {
            to: std::mem::take(&mut self.to),
            raw,
        });
        response::OK
    }
}

struct SmtpServer {
    port: u16,
    inbox: Arc<Mutex<Vec<Received>>>,
    busy: Arc<AtomicBool>,
}

impl SmtpServer {
    fn start() -> SmtpServer {
        Self::on(TcpListener::bind("127.0.0.1:0").expect("bind SMTP"))
    }

    /// Starts on a given port (one that was closed a moment ago).
    fn start_on(port: u16) -> SmtpServer {
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            match TcpListener::bind(("127.0.0.1", port)) {
                Ok(l) => return Self::on(l),
                Err(e) if Instant::now() > deadline => panic!("cannot bind port {port}: {e}"),
                Err(_) => std::thread::sleep(Duration::from_millis(50)),
            }
        }
    }

    fn on(listener: TcpListener) -> SmtpServer {
        let port = listener.local_addr().unwrap().port();
        let inbox = Arc::new(Mutex::new(Vec::new()));
        let busy = Arc::new(AtomicBool::new(false));
        let mut server = Server::new(Collector {
            inbox: inbox.clone(),
            busy: busy.clone(),
            to: Vec::new(),
            data: Vec::new(),
        });
        server
            .with_name("smtp.test")
            .with_num_threads(32)
            .with_tcp_listener(listener);
        // It has no shutdown: it serves until the test binary exits.
        std::thread::spawn(move || {
            let _ = server.serve();
        });
        SmtpServer { port, inbox, busy }
    }

    fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// Every received copy of the message with this Message-ID.
    fn copies(&self, message_id: &str) -> Vec<Received> {
        self.inbox
            .lock()
            .unwrap()
            .iter()
            .filter(|m| header(&m.raw, "Message-ID").as_deref() == Some(message_id))
            .cloned()
            .collect()
    }

    /// Waits (up to 10 s) for the message with this Message-ID, then makes sure no second copy
    /// follows.
    async fn expect_once(&self, message_id: &str) -> Received {
        self.expect_each_once(&[message_id.to_string()])
            .await
            .remove(0)
    }

    /// Waits (up to 20 s) for a message with each of these Message-IDs, then makes sure no
    /// second copy of any follows.
    async fn expect_each_once(&self, message_ids: &[String]) -> Vec<Received> {
        let deadline = Instant::now() + Duration::from_secs(20);
        while let Some(missing) = message_ids.iter().find(|id| self.copies(id).is_empty()) {
            assert!(
                Instant::now() < deadline,
                "no mail with Message-ID {missing} arrived"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        // Longer than a pass of the background worker.
        tokio::time::sleep(Duration::from_millis(700)).await;
        message_ids
            .iter()
            .map(|id| {
                let copies = self.copies(id);
                assert_eq!(copies.len(), 1, "{id} sent {} times", copies.len());
                copies.into_iter().next().unwrap()
            })
            .collect()
    }
}

/// A port on which nothing listens.
fn closed_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

// ---------------------------------------------------------------------------------------------
// Reading a message: headers (RFC 2047 words decoded) and the decoded MIME parts.

fn head_and_body(raw: &str) -> (&str, &str) {
    match raw.find("\r\n\r\n") {
        Some(i) => (&raw[..i], &raw[i + 4..]),
        None => match raw.find("\n\n") {
            Some(i) => (&raw[..i], &raw[i + 2..]),
            None => (raw, ""),
        },
    }
}

/// The unfolded, decoded value of the first header called `name`.
fn header(raw: &str, name: &str) -> Option<String> {
    let (head, _) = head_and_body(raw);
    let unfolded = head
        .replace("\r\n", "\n")
        .replace("\n ", " ")
        .replace("\n\t", " ");
    unfolded.lines().find_map(|line| {
        let (k, v) = line.split_once(':')?;
        k.trim()
            .eq_ignore_ascii_case(name)
            .then(|| decode_words(v.trim()))
    })
}

fn b64(s: &str) -> Vec<u8> {
    let mut out = Vec::new();
    let (mut acc, mut bits) = (0u32, 0u32);
    for c in s.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            _ => continue,
        };
        acc = (acc << 6) | v as u32;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    out
}

fn quoted_printable(s: &str, underscore_is_space: bool) -> Vec<u8> {
    let b = s.as_bytes();
    let hex = |c: u8| (c as char).to_digit(16);
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'=' if b[i..].starts_with(b"=\r\n") => i += 3,
            b'=' if b[i..].starts_with(b"=\n") => i += 2,
            b'=' if i + 2 < b.len() => match (hex(b[i + 1]), hex(b[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push((h * 16 + l) as u8);
                    i += 3;
                }
                _ => {
                    out.push(b'=');
                    i += 1;
                }
            },
            b'_' if underscore_is_space => {
                out.push(b' ');
                i += 1;
            }
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    out
}

/// Decodes RFC 2047 encoded words (`=?utf-8?b?…?=`, `=?utf-8?q?…?=`); whitespace between two
/// encoded words is dropped.
fn decode_words(v: &str) -> String {
    let mut out = String::new();
    let mut rest = v;
    let mut last_was_word = false;
    while let Some(start) = rest.find("=?") {
        let before = &rest[..start];
        let word = &rest[start + 2..];
        let parsed = (|| {
            let (_charset, word) = word.split_once('?')?;
            let (enc, word) = word.split_once('?')?;
            let end = word.find("?=")?;
            Some((enc.to_ascii_lowercase(), &word[..end], &word[end + 2..]))
        })();
        let Some((enc, text, after)) = parsed else {
            break;
        };
        if !(last_was_word && before.trim().is_empty()) {
            out.push_str(before);
        }
        let bytes = if enc == "b" {
            b64(text)
        } else {
            quoted_printable(text, true)
        };
        out.push_str(&String::from_utf8_lossy(&bytes));
        last_was_word = true;
        rest = after;
    }
    out.push_str(rest);
    out
}

/// (content type, decoded body) of each leaf part.
fn parts(raw: &str) -> Vec<(String, String)> {
    let ctype = header(raw, "Content-Type").unwrap_or_default();
    let (_, body) = head_and_body(raw);
    if let Some(i) = ctype.find("boundary=") {
        let boundary = ctype[i + 9..]
            .trim_matches('"')
            .split(['"', ';'])
            .next()
            .unwrap()
            .to_string();
        let delimiter = format!("--{boundary}");
        return body
            .split(delimiter.as_str())
            .skip(1)
            .filter(|p| !p.starts_with("--"))
            .flat_map(|p| parts(p.trim_start_matches(['\r', '\n'])))
            .collect();
    }
    let encoding = header(raw, "Content-Transfer-Encoding")
        .unwrap_or_default()
        .to_ascii_lowercase();
    let bytes = match encoding.as_str() {
        "base64" => b64(body),
        "quoted-printable" => quoted_printable(body, false),
        _ => body.as_bytes().to_vec(),
    };
    let mime = ctype
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    vec![(mime, String::from_utf8_lossy(&bytes).into_owned())]
}

fn part(raw: &str, mime: &str) -> String {
    parts(raw)
        .into_iter()
        .find(|(t, _)| t == mime)
        .unwrap_or_else(|| panic!("no {mime} part in:\n{raw}"))
        .1
}

fn has_han(s: &str) -> bool {
    s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

// ---------------------------------------------------------------------------------------------
// The application side.

async fn app_with_smtp(url: &str) -> TestApp {
    let url = url.to_string();
    TestApp::spawn_with(move |s| {
        s.smtp_url = Some(url);
        s.public_url = PUBLIC.into();
    })
    .await
}

async fn drain(app: &TestApp) {
    deliver_due(&app.state, 100).await.expect("deliver_due");
}

fn rows(app: &TestApp, kind: &str) -> Vec<OutboxRow> {
    let mut conn = app.state.pool.get().unwrap();
    outbox::table
        .filter(outbox::kind.eq(kind))
        .order(outbox::id.asc())
        .select(OutboxRow::as_select())
        .load(&mut conn)
        .unwrap()
}

fn row_by_id(app: &TestApp, id: i64) -> OutboxRow {
    let mut conn = app.state.pool.get().unwrap();
    outbox::table
        .find(id)
        .select(OutboxRow::as_select())
        .first(&mut conn)
        .unwrap()
}

/// Waits (up to 10 s) until the row satisfies `f`.
async fn wait_row(app: &TestApp, id: i64, what: &str, f: impl Fn(&OutboxRow) -> bool) -> OutboxRow {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let row = row_by_id(app, id);
        if f(&row) {
            return row;
        }
        assert!(
            Instant::now() < deadline,
            "row {id} never became {what}: {row:?}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn match_emails(app: &TestApp, user_id: i64) -> String {
    let mut conn = app.state.pool.get().unwrap();
    notification_settings::table
        .find(user_id)
        .select(notification_settings::match_emails)
        .first(&mut conn)
        .unwrap()
}

fn set_match_emails(app: &TestApp, user_id: i64, value: &str) {
    let mut conn = app.state.pool.get().unwrap();
    diesel::update(notification_settings::table.find(user_id))
        .set(notification_settings::match_emails.eq(value))
        .execute(&mut conn)
        .unwrap();
}

/// A verified SME whose `organization_verified` mail is queued: (its outbox row, org id).
async fn verified_org_mail(app: &TestApp, lang: Option<&str>) -> (OutboxRow, i64) {
    let admin = app.platform_admin().await;
    let (_, body) = app.register("sme", Some(PARK)).await;
    settle_confirmations(app);
    let user_id = body["user"]["id"].as_i64().unwrap();
    let org_id = body["organization"]["id"].as_i64().unwrap();
    if let Some(lang) = lang {
        let mut conn = app.state.pool.get().unwrap();
        diesel::update(users::table.find(user_id))
            .set(users::lang.eq(lang))
            .execute(&mut conn)
            .unwrap();
    }
    let (s, b) = app
        .post(
            &format!("/api/v1/admin/organizations/{org_id}/verify"),
            Some(&admin),
            json!({}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    let row = rows(app, "organization_verified")
        .into_iter()
        .find(|r| r.recipient_user_id == Some(user_id))
        .expect("an organization_verified row for the SME's user");
    assert_eq!(row.recipient_email, body["user"]["email"].as_str().unwrap());
    (row, org_id)
}

/// Marks the address-confirmation mail of new accounts as sent, so a test sees only its own rows.
fn settle_confirmations(app: &TestApp) {
    let mut conn = app.state.pool.get().unwrap();
    diesel::update(outbox::table.filter(outbox::kind.eq("email_confirmation")))
        .set(outbox::status.eq("sent"))
        .execute(&mut conn)
        .unwrap();
}

/// Queues a realistic `new_matches` mail to `user_id`, as the matcher does.
async fn queue_new_matches(app: &TestApp, user_id: i64) -> OutboxRow {
    settle_confirmations(app);
    let now = app.clock.now().naive_utc();
    let key = format!("new_matches:p900:u{user_id}");
    let dedupe = key.clone();
    app.state
        .tx(move |c| {
            let mail = Mail::NewMatches(NewMatchesMail {
                posting_id: 900,
                kind: PostingKind::Need,
                title: "设备更新贷款 500万".into(),
                digest: false,
                matches: vec![MatchItem {
                    match_id: 31,
                    counterpart_kind: PostingKind::Offer,
                    counterpart_id: 901,
                    counterpart_title: "科技型中小企业设备贷".into(),
                    organization_name: "四川省中小企业融资担保有限公司".into(),
                    score: 0.86,
                    reasons_zh: vec![
                        "金额 500万 在产品额度 100万–2000万 之内".into(),
                        "服务区域包含 成都".into(),
                    ],
                    reasons_en: vec![
                        "the amount 5,000,000 is within 1,000,000–20,000,000".into(),
                        "serves Chengdu".into(),
                    ],
                }],
            });
            queue(c, user_id, &dedupe, &mail, now)
        })
        .await
        .unwrap();
    rows(app, "new_matches")
        .into_iter()
        .find(|r| r.dedupe_key == key)
        .unwrap()
}

/// The path and query of a link into the application, to call it on the test server.
fn local(link: &str) -> String {
    link.strip_prefix(PUBLIC)
        .unwrap_or_else(|| panic!("{link} does not start with {PUBLIC}"))
        .to_string()
}

async fn get_page(app: &TestApp, path: &str) -> (StatusCode, String) {
    let res = app
        .client
        .get(format!("{}{path}", app.base))
        .send()
        .await
        .unwrap();
    let status = res.status();
    (status, res.text().await.unwrap())
}

// ---------------------------------------------------------------------------------------------

/// Verifying an organisation mails its user: the right recipient, a Chinese subject, the row's
/// Message-ID, text and HTML alternatives, and no unsubscribe header (it is essential mail).
#[tokio::test]
async fn verifying_an_organisation_mails_its_user_in_chinese() {
    let smtp = SmtpServer::start();
    let app = app_with_smtp(&smtp.url()).await;
    let (row, _) = verified_org_mail(&app, None).await;
    assert_eq!(row.lang, "zh-CN");
    assert!(row.message_id.starts_with('<') && row.message_id.ends_with("@parkbridge>"));

    drain(&app).await;
    let mail = smtp.expect_once(&row.message_id).await;
    assert_eq!(mail.to, vec![row.recipient_email.clone()]);
    let subject = header(&mail.raw, "Subject").unwrap();
    assert!(subject.starts_with("【园企通】"), "{subject}");
    assert!(subject.contains("认证已通过"), "{subject}");
    assert!(header(&mail.raw, "To")
        .unwrap()
        .contains(&row.recipient_email));
    assert!(header(&mail.raw, "From").unwrap().contains("@"));
    assert!(header(&mail.raw, "Date").is_some());
    assert!(header(&mail.raw, "Content-Type")
        .unwrap()
        .starts_with("multipart/alternative"));
    assert!(header(&mail.raw, "List-Unsubscribe").is_none());

    let text = part(&mail.raw, "text/plain");
    let html = part(&mail.raw, "text/html");
    assert!(
        text.contains("您好") && text.contains("已通过园企通平台认证"),
        "{text}"
    );
    assert!(text.contains(&format!("{PUBLIC}/dashboard")), "{text}");
    assert!(html.contains("<html lang=\"zh-CN\">"), "{html}");
    assert!(
        html.contains(&format!("href=\"{PUBLIC}/dashboard\"")),
        "{html}"
    );

    let row = wait_row(&app, row.id, "sent", |r| r.status == "sent").await;
    assert_eq!(row.attempts, 1);
    assert!(row.sent_at.is_some() && row.lease_until.is_none());
}

/// A non-essential mail carries a signed one-click link (body and RFC 8058 headers) that turns
/// match emails off by GET and by POST; a tampered token or a session token changes nothing.
#[tokio::test]
async fn match_mail_has_a_one_click_unsubscribe_that_works() {
    let smtp = SmtpServer::start();
    let app = app_with_smtp(&smtp.url()).await;
    let (session, body) = app.register("sme", Some(PARK)).await;
    let user_id = body["user"]["id"].as_i64().unwrap();
    assert_eq!(match_emails(&app, user_id), "immediate");
    let row = queue_new_matches(&app, user_id).await;

    drain(&app).await;
    let mail = smtp.expect_once(&row.message_id).await;
    let subject = header(&mail.raw, "Subject").unwrap();
    assert!(
        subject.contains("新匹配") && subject.contains("设备更新贷款"),
        "{subject}"
    );
    let list = header(&mail.raw, "List-Unsubscribe").expect("List-Unsubscribe");
    assert_eq!(
        header(&mail.raw, "List-Unsubscribe-Post").as_deref(),
        Some("List-Unsubscribe=One-Click")
    );
    let link = list
        .strip_prefix('<')
        .and_then(|l| l.strip_suffix('>'))
        .unwrap_or_else(|| panic!("{list}"));
    assert!(
        link.starts_with(&format!("{PUBLIC}/unsubscribe?token=")),
        "{link}"
    );
    let text = part(&mail.raw, "text/plain");
    assert!(text.contains(link), "the body has the same link: {text}");
    assert!(
        text.contains("匹配度 86%") && text.contains("服务区域包含 成都"),
        "{text}"
    );
    assert!(text.contains(&format!("{PUBLIC}/offers/901")), "{text}");
    assert!(part(&mail.raw, "text/html").contains(link));

    // GET turns match emails off and shows a page.
    let (s, page) = get_page(&app, &local(link)).await;
    assert_eq!(s, StatusCode::OK, "{page}");
    assert!(page.contains("退订成功"), "{page}");
    assert_eq!(match_emails(&app, user_id), "off");
    // Again: nothing changes, still a page.
    let (s, _) = get_page(&app, &local(link)).await;
    assert_eq!(s, StatusCode::OK);

    // RFC 8058 one-click POST.
    set_match_emails(&app, user_id, "immediate");
    let res = app
        .client
        .post(format!("{}{}", app.base, local(link)))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("List-Unsubscribe=One-Click")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(match_emails(&app, user_id), "off");

    // Tampered, truncated, missing and foreign tokens change nothing and are no 500.
    set_match_emails(&app, user_id, "immediate");
    let token = link.split("token=").nth(1).unwrap().to_string();
    let mut chars: Vec<char> = token.chars().collect();
    let i = chars.len() - 6;
    chars[i] = if chars[i] == 'x' { 'y' } else { 'x' };
    let tampered: String = chars.into_iter().collect();
    let truncated = &token[..token.len() - 10];
    for bad in [
        format!("/unsubscribe?token={tampered}"),
        format!("/unsubscribe?token={truncated}"),
        "/unsubscribe?token=not-a-token".to_string(),
        "/unsubscribe".to_string(),
        format!("/unsubscribe?token={session}"),
    ] {
        let (s, page) = get_page(&app, &bad).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{bad}: {page}");
        assert!(page.contains("退订链接无效"), "{bad}: {page}");
        let res = app
            .client
            .post(format!("{}{bad}", app.base))
            .body("List-Unsubscribe=One-Click")
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::BAD_REQUEST, "POST {bad}");
    }
    assert_eq!(match_emails(&app, user_id), "immediate");

    // Nor is an unsubscribe token a session.
    let (s, _) = app.get("/api/v1/me", Some(&token)).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let (s, _) = app.get("/api/v1/me", Some(&session)).await;
    assert_eq!(s, StatusCode::OK);
}

/// SMTP down: the row stays pending, retried within seconds; once the server is up and the
/// backoff has passed it is delivered exactly once.
#[tokio::test]
async fn nothing_is_lost_while_the_smtp_server_is_down() {
    let port = closed_port();
    let app = app_with_smtp(&format!("smtp://127.0.0.1:{port}")).await;
    let (row, _) = verified_org_mail(&app, None).await;

    drain(&app).await;
    let failed = wait_row(&app, row.id, "attempted", |r| r.attempts >= 1).await;
    let now = app.clock.now().naive_utc();
    assert_eq!(failed.status, "pending");
    assert_eq!(failed.attempts, 1);
    assert!(failed.lease_until.is_none());
    assert!(failed.last_error.is_some());
    let wait = failed.next_attempt_at - now;
    assert!(
        wait > chrono::Duration::zero() && wait <= chrono::Duration::seconds(5),
        "first retry in {wait}"
    );

    let smtp = SmtpServer::start_on(port);
    app.clock.advance(chrono::Duration::seconds(6));
    drain(&app).await;
    let mail = smtp.expect_once(&row.message_id).await;
    assert_eq!(mail.to, vec![row.recipient_email.clone()]);
    let sent = wait_row(&app, row.id, "sent", |r| r.status == "sent").await;
    assert_eq!(sent.attempts, 2);
    assert_eq!(sent.message_id, row.message_id);
}

/// A server answering 451: retried with backoff, delivered once it accepts, same Message-ID.
#[tokio::test]
async fn a_451_answer_is_retried_with_the_same_message_id() {
    let smtp = SmtpServer::start();
    smtp.busy.store(true, Ordering::SeqCst);
    let app = app_with_smtp(&smtp.url()).await;
    let (row, _) = verified_org_mail(&app, None).await;

    drain(&app).await;
    let failed = wait_row(&app, row.id, "attempted", |r| r.attempts >= 1).await;
    assert_eq!(failed.status, "pending");
    assert!(
        failed.last_error.as_deref().unwrap_or("").contains("451"),
        "{failed:?}"
    );
    assert!(failed.next_attempt_at > app.clock.now().naive_utc());
    assert!(smtp.copies(&row.message_id).is_empty());

    // Still busy at the first retry: the wait doubles.
    app.clock.advance(chrono::Duration::seconds(6));
    drain(&app).await;
    let again = wait_row(&app, row.id, "attempted twice", |r| r.attempts >= 2).await;
    assert_eq!(again.status, "pending");
    let wait = again.next_attempt_at - app.clock.now().naive_utc();
    assert!(
        wait > chrono::Duration::seconds(5) && wait <= chrono::Duration::seconds(10),
        "second retry in {wait}"
    );

    smtp.busy.store(false, Ordering::SeqCst);
    app.clock.advance(chrono::Duration::seconds(11));
    drain(&app).await;
    let mail = smtp.expect_once(&row.message_id).await;
    assert_eq!(
        header(&mail.raw, "Message-ID").as_deref(),
        Some(row.message_id.as_str())
    );
    let sent = wait_row(&app, row.id, "sent", |r| r.status == "sent").await;
    assert_eq!(sent.attempts, 3);
}

/// A worker that claimed a row and died holds it only until its lease ends; then another
/// instance (the restarted process) sends it, once, with the same Message-ID.
#[tokio::test]
async fn a_crashed_workers_row_is_sent_after_its_lease_with_the_same_message_id() {
    let smtp = SmtpServer::start();
    let app = app_with_smtp(&smtp.url()).await;
    let (_, body) = app.register("sme", Some(PARK)).await;
    settle_confirmations(&app);
    let user_id = body["user"]["id"].as_i64().unwrap();
    let row = queue_new_matches(&app, user_id).await;
    // The row is due in ten minutes (a daily digest is queued like this), so this instance's own
    // worker leaves it alone; at that time a worker claims it and dies before sending.
    let due = app.clock.now().naive_utc() + chrono::Duration::minutes(10);
    {
        let mut conn = app.state.pool.get().unwrap();
        diesel::update(outbox::table.find(row.id))
            .set(outbox::next_attempt_at.eq(due))
            .execute(&mut conn)
            .unwrap();
    }
    let claimed = app
        .state
        .db(move |c| worker::claim(c, due, 10))
        .await
        .unwrap();
    assert_eq!(
        claimed.iter().map(|r| r.id).collect::<Vec<_>>(),
        vec![row.id]
    );
    assert_eq!(
        row_by_id(&app, row.id).lease_until,
        Some((due + worker::LEASE).trunc_subsecs(6))
    );
    // Nobody else can claim it meanwhile.
    let again = app
        .state
        .db(move |c| worker::claim(c, due + chrono::Duration::seconds(1), 10))
        .await
        .unwrap();
    assert!(again.is_empty());

    // The restarted process: another instance on the same database, drained by hand.
    let mut settings = settings_for(&app.db, "search-index-restarted");
    settings.smtp_url = Some(smtp.url());
    settings.public_url = PUBLIC.into();
    let clock = parkbridge::state::Clock::default();
    let restarted = parkbridge::startup::build_state(settings, clock.clone()).unwrap();

    clock.advance(chrono::Duration::minutes(11)); // due, but still leased
    let report = deliver_due(&restarted, 10).await.unwrap();
    assert_eq!(report.claimed, 0);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(smtp.copies(&row.message_id).is_empty());

    clock.advance(chrono::Duration::minutes(2)); // the lease has ended
    let report = deliver_due(&restarted, 10).await.unwrap();
    assert_eq!((report.claimed, report.sent), (1, 1));
    let mail = smtp.expect_once(&row.message_id).await;
    assert_eq!(mail.to, vec![row.recipient_email.clone()]);
    let sent = row_by_id(&app, row.id);
    assert_eq!(sent.status, "sent");
    assert_eq!(sent.message_id, row.message_id);
}

/// Without SMTP, each mail is written whole as `<row id>-<kind>.eml` in the mail folder.
#[tokio::test]
async fn without_smtp_mail_is_written_as_eml_files() {
    let app = TestApp::spawn_with(|s| {
        s.smtp_url = None;
        s.public_url = PUBLIC.into();
    })
    .await;
    let (row, _) = verified_org_mail(&app, None).await;
    drain(&app).await;
    wait_row(&app, row.id, "sent", |r| r.status == "sent").await;

    let dir = app.state.settings.mail_dir.clone();
    let path = dir.join(format!("{}-organization_verified.eml", row.id));
    let raw = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert_eq!(
        header(&raw, "Message-ID").as_deref(),
        Some(row.message_id.as_str())
    );
    assert!(header(&raw, "To").unwrap().contains(&row.recipient_email));
    assert!(header(&raw, "Subject").unwrap().starts_with("【园企通】"));
    assert!(part(&raw, "text/plain").contains("已通过园企通平台认证"));
    let leftovers: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !n.ends_with(".eml"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

/// A user who chose English gets English mail, and an English unsubscribe page.
#[tokio::test]
async fn english_users_get_english_mail() {
    let smtp = SmtpServer::start();
    let app = app_with_smtp(&smtp.url()).await;
    let (row, _) = verified_org_mail(&app, Some("en")).await;
    assert_eq!(row.lang, "en");
    drain(&app).await;
    let mail = smtp.expect_once(&row.message_id).await;
    let subject = header(&mail.raw, "Subject").unwrap();
    assert!(
        subject.starts_with("[parkbridge] Your organisation is verified"),
        "{subject}"
    );
    let text = part(&mail.raw, "text/plain");
    assert!(text.starts_with("Hello,"), "{text}");
    assert!(
        !has_han(&text.replace(row_org_name(&row).as_str(), "")),
        "{text}"
    );
    assert!(part(&mail.raw, "text/html").contains("<html lang=\"en\">"));

    let user_id = row.recipient_user_id.unwrap();
    let matches = queue_new_matches(&app, user_id).await;
    drain(&app).await;
    let mail = smtp.expect_once(&matches.message_id).await;
    let subject = header(&mail.raw, "Subject").unwrap();
    assert!(
        subject.starts_with("[parkbridge] 1 new match for"),
        "{subject}"
    );
    let list = header(&mail.raw, "List-Unsubscribe").unwrap();
    let link = list.trim_matches(['<', '>']);
    assert!(link.ends_with("&lang=en"), "{link}");
    let (s, page) = get_page(&app, &local(link)).await;
    assert_eq!(s, StatusCode::OK, "{page}");
    assert!(page.contains("You are unsubscribed"), "{page}");
    assert_eq!(match_emails(&app, user_id), "off");
    let (s, page) = get_page(&app, "/unsubscribe?token=forged&lang=en").await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(
        page.contains("This unsubscribe link does not work"),
        "{page}"
    );
}

fn row_org_name(row: &OutboxRow) -> String {
    let payload: Value = serde_json::from_str(&row.payload).unwrap();
    payload["name"].as_str().unwrap_or_default().to_string()
}

/// Two instances draining one outbox at the same time (plus the background worker): every
/// message arrives exactly once.
#[tokio::test]
async fn two_instances_never_send_the_same_row() {
    let smtp = SmtpServer::start();
    let app = app_with_smtp(&smtp.url()).await;
    let (_, body) = app.register("sme", Some(PARK)).await;
    settle_confirmations(&app);
    let user_id = body["user"]["id"].as_i64().unwrap();
    let now = app.clock.now().naive_utc();
    app.state
        .tx(move |c| {
            for i in 0..40 {
                let mail = Mail::PostingApproved(PostingMail {
                    posting_id: i,
                    kind: PostingKind::Need,
                    title: format!("需求 {i}"),
                });
                queue(
                    c,
                    user_id,
                    &format!("posting_approved:p{i}:bulk"),
                    &mail,
                    now,
                )?;
            }
            Ok(())
        })
        .await
        .unwrap();
    let ids: Vec<String> = rows(&app, "posting_approved")
        .into_iter()
        .map(|r| r.message_id)
        .collect();
    assert_eq!(ids.len(), 40);

    let mut settings = settings_for(&app.db, "search-index-second");
    settings.smtp_url = Some(smtp.url());
    settings.public_url = PUBLIC.into();
    let second =
        parkbridge::startup::build_state(settings, parkbridge::state::Clock::default()).unwrap();
    let (a, b) = tokio::join!(
        async {
            let mut n = 0;
            for _ in 0..10 {
                n += deliver_due(&app.state, 5).await.unwrap().sent;
            }
            n
        },
        async {
            let mut n = 0;
            for _ in 0..10 {
                n += deliver_due(&second, 5).await.unwrap().sent;
            }
            n
        }
    );
    assert!(a + b <= 40);
    smtp.expect_each_once(&ids).await;
    assert!(rows(&app, "posting_approved")
        .iter()
        .all(|r| r.status == "sent" && r.attempts == 1));
}

/// A 5xx answer is final: the row is dead at once. So is a row whose attempts run out.
#[tokio::test]
async fn permanent_failures_and_the_last_attempt_make_dead_letters() {
    let smtp = SmtpServer::start();
    let app = app_with_smtp(&smtp.url()).await;
    let (_, body) = app.register("sme", Some(PARK)).await;
    settle_confirmations(&app);
    let user_id = body["user"]["id"].as_i64().unwrap();
    {
        let mut conn = app.state.pool.get().unwrap();
        diesel::update(users::table.find(user_id))
            .set(users::email.eq(format!("bounce{user_id}@example.cn")))
            .execute(&mut conn)
            .unwrap();
    }
    let row = queue_new_matches(&app, user_id).await;
    drain(&app).await;
    let dead = wait_row(&app, row.id, "dead", |r| r.status == "dead").await;
    assert_eq!(dead.attempts, 1);
    assert!(
        dead.last_error.as_deref().unwrap_or("").contains("550"),
        "{dead:?}"
    );
    assert!(dead.lease_until.is_none() && dead.sent_at.is_none());

    // The tenth temporary failure is the last.
    let (row, _) = verified_org_mail(&app, None).await;
    smtp.busy.store(true, Ordering::SeqCst);
    {
        let mut conn = app.state.pool.get().unwrap();
        diesel::update(outbox::table.find(row.id))
            .set(outbox::attempts.eq(worker::MAX_ATTEMPTS - 1))
            .execute(&mut conn)
            .unwrap();
    }
    drain(&app).await;
    let dead = wait_row(&app, row.id, "dead", |r| r.status == "dead").await;
    assert_eq!(dead.attempts, worker::MAX_ATTEMPTS);
    assert!(
        dead.last_error.as_deref().unwrap_or("").contains("451"),
        "{dead:?}"
    );
    assert!(smtp.copies(&row.message_id).is_empty());
}

/// Two transactions queueing the same mail at once: one row, and neither fails.
#[tokio::test]
async fn the_same_mail_queued_twice_at_once_is_queued_once() {
    let app = TestApp::spawn().await;
    let (_, reg) = app.register("sme", Some(1)).await;
    let user_id = reg["user"]["id"].as_i64().unwrap();
    let barrier = Arc::new(std::sync::Barrier::new(2));
    let threads: Vec<_> = (0..2)
        .map(|_| {
            let (state, barrier) = (app.state.clone(), barrier.clone());
            std::thread::spawn(move || {
                let mut conn = state.pool.get().unwrap();
                barrier.wait();
                parkbridge::db::transaction(&mut conn, |c| {
                    let mail = Mail::PostingApproved(PostingMail {
                        posting_id: 1,
                        kind: PostingKind::Need,
                        title: "x".into(),
                    });
                    let queued = queue(
                        c,
                        user_id,
                        "race:test",
                        &mail,
                        chrono::Utc::now().naive_utc(),
                    )?;
                    // Hold the transaction open a moment so the two overlap.
                    std::thread::sleep(Duration::from_millis(50));
                    Ok(queued)
                })
            })
        })
        .collect();
    let results: Vec<bool> = threads
        .into_iter()
        .map(|t| t.join().unwrap().expect("neither transaction fails"))
        .collect();
    assert_eq!(results.iter().filter(|q| **q).count(), 1, "{results:?}");
    let mut conn = app.state.pool.get().unwrap();
    let n: i64 = outbox::table
        .filter(outbox::dedupe_key.eq("race:test"))
        .count()
        .get_result(&mut conn)
        .unwrap();
    assert_eq!(n, 1);
}
