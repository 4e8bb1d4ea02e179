//! Where mail goes: an SMTP server (`PARKBRIDGE_SMTP_URL`) or, when none is configured, one
//! `.eml` file per message in `PARKBRIDGE_MAIL_DIR`.
//!
//! Failures are sorted into the two kinds the worker needs: `Transient` (the server is away, slow,
//! or answers 4xx: try again later) and `Permanent` (5xx, an address the server refuses: never
//! try again).
//!
//! SMTP goes through lettre's blocking `SmtpTransport` on the blocking thread pool, not its async
//! transport: the blocking one puts the timeout on every read and write of the socket and throws
//! away a connection that failed, while the async one times out only the connect, so a server
//! that stops answering would hang a send, and a send cut short by an outer timeout would put a
//! half-used connection back into the pool (the next message then lands inside the previous
//! one's DATA).

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use lettre::transport::smtp::{PoolConfig, SmtpTransportBuilder};
use lettre::{Message, SmtpTransport, Transport};

use crate::config::Settings;

/// How long connecting, and each read or write of an SMTP exchange, may take.
pub const SMTP_TIMEOUT: Duration = Duration::from_secs(10);
/// An upper bound for a whole delivery, whatever the server does; below the worker's lease.
pub const SEND_DEADLINE: Duration = Duration::from_secs(90);
/// Messages in flight at once (SMTP connections, at most); the worker claims as many rows at a
/// time.
pub const SEND_CONCURRENCY: usize = 8;

#[derive(Clone)]
pub enum Mailer {
    Smtp(Box<SmtpMailer>),
    File(PathBuf),
}

/// The SMTP transport (with its connection pool) is built on first use, so that the
/// command-line tools, which build the state too, start no pool for nothing.
#[derive(Clone)]
pub struct SmtpMailer {
    builder: SmtpTransportBuilder,
    transport: Arc<OnceLock<SmtpTransport>>,
    /// The URL without credentials, for logs.
    pub display: String,
}

impl SmtpMailer {
    fn transport(&self) -> SmtpTransport {
        self.transport
            .get_or_init(|| self.builder.clone().build())
            .clone()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SendError {
    /// Worth another try later: connection refused or reset, a timeout, a 4xx answer.
    #[error("temporary failure: {0}")]
    Transient(String),
    /// Another try would fail the same way: a 5xx answer, a refused or malformed address.
    #[error("permanent failure: {0}")]
    Permanent(String),
}

impl SendError {
    pub fn is_permanent(&self) -> bool {
        matches!(self, SendError::Permanent(_))
    }
}

impl Mailer {
    /// SMTP when `smtp_url` is set (a malformed URL is an error here, at start-up), else files
    /// in `mail_dir`. Nothing is connected or created until the first message.
    pub fn from_settings(settings: &Settings) -> anyhow::Result<Mailer> {
        match settings.smtp_url.as_deref().map(str::trim) {
            Some(url) if !url.is_empty() => {
                let display = crate::logging::redact_url(url);
                let builder = SmtpTransport::from_url(url)
                    .map_err(|e| anyhow::anyhow!("PARKBRIDGE_SMTP_URL {display:?}: {e}"))?
                    .timeout(Some(SMTP_TIMEOUT))
                    .pool_config(
                        PoolConfig::new()
                            .max_size(SEND_CONCURRENCY as u32)
                            .idle_timeout(Duration::from_secs(30)),
                    );
                Ok(Mailer::Smtp(Box::new(SmtpMailer {
                    builder,
                    transport: Arc::new(OnceLock::new()),
                    display,
                })))
            }
            _ => Ok(Mailer::File(settings.mail_dir.clone())),
        }
    }

    /// Where mail goes, for logs (no credentials).
    pub fn describe(&self) -> String {
        match self {
            Mailer::Smtp(s) => format!("SMTP {}", s.display),
            Mailer::File(dir) => format!(".eml files in {}", dir.display()),
        }
    }

    /// Delivers one message. `file_stem` names the file in file mode (`<row id>-<kind>`): the
    /// same row always writes the same file, so a repeated delivery replaces it.
    pub async fn send(&self, file_stem: &str, msg: Message) -> Result<(), SendError> {
        match self {
            Mailer::Smtp(smtp) => {
                let transport = smtp.transport();
                let sending = tokio::task::spawn_blocking(move || transport.send(&msg));
                match tokio::time::timeout(SEND_DEADLINE, sending).await {
                    Ok(Ok(Ok(_))) => Ok(()),
                    Ok(Ok(Err(e))) => Err(classify(&e)),
                    Ok(Err(e)) => Err(SendError::Transient(format!("SMTP sender stopped: {e}"))),
                    Err(_) => Err(SendError::Transient(format!(
                        "the SMTP exchange took more than {} s",
                        SEND_DEADLINE.as_secs()
                    ))),
                }
            }
            Mailer::File(dir) => {
                let dir = dir.clone();
                let name = format!("{}.eml", sanitize_stem(file_stem));
                let bytes = msg.formatted();
                tokio::task::spawn_blocking(move || write_atomically(&dir, &name, &bytes))
                    .await
                    .map_err(|e| SendError::Transient(format!("file writer stopped: {e}")))?
                    .map_err(|e| SendError::Transient(format!("cannot write the mail file: {e}")))
            }
        }
    }
}

fn classify(e: &lettre::transport::smtp::Error) -> SendError {
    let text = truncate(&e.to_string(), 300);
    if e.is_permanent() {
        SendError::Permanent(text)
    } else {
        // 4xx answers, refused or broken connections, timeouts, TLS trouble: the server (or
        // the network) may be back later; the attempt limit ends hopeless cases.
        SendError::Transient(text)
    }
}

/// Cuts `s` to at most `max` bytes on a character boundary.
pub fn truncate(s: &str, max: usize) -> String {
    if s.len() <= max {
        return s.to_string();
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &s[..end])
}

fn sanitize_stem(stem: &str) -> String {
    stem.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// Writes `<dir>/<name>` so that a reader never sees half a file: a temporary file in the same
/// folder, flushed, then renamed over the final name.
fn write_atomically(dir: &Path, name: &str, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    std::fs::create_dir_all(dir)?;
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, dir.join(name))
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncation_respects_characters() {
        assert_eq!(truncate("abc", 5), "abc");
        assert_eq!(truncate("园企通园企通", 4), "园…");
    }

    #[test]
    fn stems_cannot_leave_the_folder() {
        assert_eq!(sanitize_stem("12-new_matches"), "12-new_matches");
        assert_eq!(sanitize_stem("../etc/passwd"), "___etc_passwd");
    }

    #[test]
    fn a_bad_smtp_url_is_refused_at_start() {
        let mut s = Settings::for_paths("sqlite://x", Path::new("/tmp"));
        s.smtp_url = Some("gopher://nowhere".into());
        assert!(Mailer::from_settings(&s).is_err());
        s.smtp_url = Some("smtp://127.0.0.1:2525".into());
        assert!(matches!(Mailer::from_settings(&s), Ok(Mailer::Smtp(_))));
        s.smtp_url = None;
        assert!(matches!(Mailer::from_settings(&s), Ok(Mailer::File(_))));
    }
}
