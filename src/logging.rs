//! Log output: every line goes through [`scrub`] before it is written, so an email address is
//! masked (`z***@example.com`) and a token or password is redacted wherever it comes from (a
//! field, an error message, a query string), not only where the code remembered to mask it.

use std::borrow::Cow;
use std::io::{self, IsTerminal, Write};

use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::EnvFilter;

/// Starts the process-wide subscriber: text lines on stdout, scrubbed, filtered by `filter`
/// (e.g. `info` or `parkbridge=debug`).
pub fn init(filter: &str) {
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_new(filter).unwrap_or_else(|_| EnvFilter::new("info")))
        .with_target(false)
        .with_ansi(io::stdout().is_terminal())
        .with_writer(Scrubbed(io::stdout))
        .init();
}

/// A `MakeWriter` whose writers pass each formatted line through [`scrub`].
#[derive(Clone, Copy)]
pub struct Scrubbed<M>(pub M);

impl<'a, M: MakeWriter<'a>> MakeWriter<'a> for Scrubbed<M> {
    type Writer = ScrubbedWriter<M::Writer>;

    fn make_writer(&'a self) -> Self::Writer {
        ScrubbedWriter(self.0.make_writer())
    }
}

pub struct ScrubbedWriter<W>(W);

impl<W: Write> Write for ScrubbedWriter<W> {
    // The formatter writes one whole event per call, so a secret is never split across calls.
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let text = String::from_utf8_lossy(buf);
        self.0.write_all(scrub(&text).as_bytes())?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.0.flush()
    }
}

/// Names whose value is a secret when they appear as `name=value` or `"name":"value"`.
const SECRET_KEYS: &[&str] = &["token", "password", "secret", "authorization"];

/// The line with email addresses masked and secrets (`token=…`, `password=…`, JSON web tokens)
/// replaced by `***`.
pub fn scrub(line: &str) -> Cow<'_, str> {
    let lower = line.to_ascii_lowercase();
    let suspicious =
        line.contains('@') || line.contains("eyJ") || SECRET_KEYS.iter().any(|k| lower.contains(k));
    if !suspicious {
        return Cow::Borrowed(line);
    }
    let out = redact_secret_values(line);
    let out = redact_jwts(&out);
    Cow::Owned(mask_emails(&out))
}

/// Masks any text that looks like `local@domain` (what `domain::Email::masked` shows); other text is
/// returned as it is.
pub fn mask_email(address: &str) -> String {
    match address.split_once('@') {
        Some((local, domain)) => {
            let first: String = local.chars().take(1).collect();
            format!("{first}***@{domain}")
        }
        None => "***".to_string(),
    }
}

/// The URL with any password replaced, for messages and logs.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}://{user}:***@{}", &url[..s], &url[at + 1..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

fn is_local_char(c: char) -> bool {
    c.is_alphanumeric() || "._%+-".contains(c)
}

fn is_domain_char(c: char) -> bool {
    c.is_alphanumeric() || c == '.' || c == '-'
}

/// Masks every `local@domain.tld` in `text`.
pub fn mask_emails(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    let mut copied = 0; // chars[..copied] are in `out` already
    while i < chars.len() {
        if chars[i] != '@' {
            i += 1;
            continue;
        }
        let mut start = i;
        while start > copied && is_local_char(chars[start - 1]) {
            start -= 1;
        }
        let mut end = i + 1;
        while end < chars.len() && is_domain_char(chars[end]) {
            end += 1;
        }
        // A trailing dot ends a sentence, not a domain.
        while end > i + 1 && chars[end - 1] == '.' {
            end -= 1;
        }
        let domain: String = chars[i + 1..end].iter().collect();
        if start < i && domain.contains('.') {
            out.extend(&chars[copied..start]);
            out.push(chars[start]);
            out.push_str("***@");
            out.push_str(&domain);
            copied = end;
        }
        i = end.max(i + 1);
    }
    out.extend(&chars[copied..]);
    out
}

/// `token=abc`, `password: abc`, `"token":"abc"` → the value replaced by `***`.
fn redact_secret_values(text: &str) -> String {
    let mut out = text.to_string();
    for key in SECRET_KEYS {
        let mut from = 0;
        loop {
            let lower = out.to_ascii_lowercase();
            let Some(pos) = lower[from..].find(key).map(|p| p + from) else {
                break;
            };
            let mut j = pos + key.len();
            let bytes = out.as_bytes();
            // Optional closing quote of a JSON key, then `=` or `:`, then optional space/quote.
            if j < bytes.len() && bytes[j] == b'"' {
                j += 1;
            }
            if j >= bytes.len() || !(bytes[j] == b'=' || bytes[j] == b':') {
                from = pos + key.len();
                continue;
            }
            j += 1;
            while j < bytes.len() && bytes[j] == b' ' {
                j += 1;
            }
            let quoted = j < bytes.len() && bytes[j] == b'"';
            if quoted {
                j += 1;
            }
            let value_start = j;
            let stop: &[u8] = if quoted { b"\"\n" } else { b" &\"',;\n\r\t}" };
            while j < bytes.len() && !stop.contains(&bytes[j]) {
                j += 1;
            }
            if j > value_start && &out[value_start..j] != "***" {
                out.replace_range(value_start..j, "***");
                from = value_start + 3;
            } else {
                from = j.max(pos + key.len());
            }
        }
    }
    out
}

/// Anything shaped like a JSON web token (`eyJ….….…`).
fn redact_jwts(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(pos) = rest.find("eyJ") {
        out.push_str(&rest[..pos]);
        let tail = &rest[pos..];
        let len = tail
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.'))
            .unwrap_or(tail.len());
        if tail[..len].matches('.').count() >= 2 {
            out.push_str("***");
        } else {
            out.push_str(&tail[..len]);
        }
        rest = &tail[len..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_masked_wherever_they_appear() {
        assert_eq!(
            scrub("550 5.1.1 <zhang.wei@example.com>: unknown user"),
            "550 5.1.1 <z***@example.com>: unknown user"
        );
        assert_eq!(scrub("to=张伟@例子.中国 sent."), "to=张***@例子.中国 sent.");
        assert_eq!(scrub("mail ends a@b.cn."), "mail ends a***@b.cn.");
        assert_eq!(scrub("no address @ here"), "no address @ here");
        assert_eq!(
            scrub("postgres://u@localhost/db"),
            "postgres://u@localhost/db"
        );
    }

    #[test]
    fn tokens_and_passwords_are_redacted() {
        assert_eq!(
            scrub("GET /unsubscribe?token=abc.def&lang=en"),
            "GET /unsubscribe?token=***&lang=en"
        );
        assert_eq!(
            scrub(r#"{"password":"园区 secret 2026","email":"x"}"#),
            r#"{"password":"***","email":"x"}"#
        );
        assert_eq!(scrub("password: hunter2 next"), "password: *** next");
    }

    #[test]
    fn json_web_tokens_are_redacted() {
        let jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOjQyfQ.c2lnbmF0dXJl";
        assert_eq!(scrub(&format!("bearer {jwt} used")), "bearer *** used");
        assert_eq!(scrub("eyJust a word"), "eyJust a word");
    }

    #[test]
    fn clean_lines_are_not_copied() {
        assert!(matches!(
            scrub("request status=200 ms=1.2"),
            Cow::Borrowed(_)
        ));
    }

    #[test]
    fn passwords_are_redacted() {
        assert_eq!(
            redact_url("postgres://app:s3cret@db:5432/pb"),
            "postgres://app:***@db:5432/pb"
        );
        assert_eq!(redact_url("postgres://app@db/pb"), "postgres://app@db/pb");
    }

    #[test]
    fn one_address_is_masked_to_its_first_character() {
        assert_eq!(mask_email("zhang.wei@example.com"), "z***@example.com");
        assert_eq!(mask_email("no-at-sign"), "***");
    }
}
