//! A real browser for the page tests: Debian's headless Chromium driven through its own
//! chromedriver (WebDriver over plain http on loopback) with fantoccini.
//!
//! Every [`Browser`] starts its own chromedriver on a free port, which starts its own Chromium
//! with a fresh profile, so tests run in parallel without sharing anything. Both run in a
//! process group of their own that is killed when the `Browser` is dropped, also when a test
//! panics. Install what this needs with `.ci/deps` (chromium, chromium-driver, fonts-noto-cjk,
//! axe-core).
//!
//! ```ignore
//! let app = TestApp::spawn().await;
//! let b = Browser::start(&app.base, Size::Phone, "zh-CN").await;
//! b.goto("/login").await;
//! b.fill("邮箱", "a@example.com").await;
//! b.fill("password", PASSWORD).await;
//! b.click_button("登录").await;
//! assert_eq!(b.current_path().await, "/dashboard");
//! b.screenshot("dashboard-zh").await;
//! b.axe("dashboard").await;
//! ```

mod answering;
mod each_side;
mod journeys;
mod organization;
mod smoke;

use std::future::Future;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use base64::Engine;
use fantoccini::cookies::Cookie;
use fantoccini::elements::Element;
use fantoccini::wd::{Capabilities, WebDriverCompatibleCommand};
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{json, Value};

pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
pub const CHROMIUM: &str = "/usr/bin/chromium";
/// How long a condition may take before a test fails (page loads, navigation, startup).
pub const TIMEOUT: Duration = Duration::from_secs(20);

/// The window sizes the pages are checked at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Size {
    /// 375 × 812 CSS pixels (a common phone).
    Phone,
    /// 1280 × 900.
    Desktop,
}

impl Size {
    pub fn dimensions(self) -> (u32, u32) {
        match self {
            Size::Phone => (375, 812),
            Size::Desktop => (1280, 900),
        }
    }
}

/// Polls `probe` until it yields `Some`, or panics after `timeout` saying what was awaited.
pub async fn wait_for<T, F, Fut>(what: &str, timeout: Duration, mut probe: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let deadline = Instant::now() + timeout;
    let mut pause = Duration::from_millis(10);
    loop {
        if let Some(v) = probe().await {
            return v;
        }
        if Instant::now() > deadline {
            panic!("timed out after {timeout:?} waiting for {what}");
        }
        tokio::time::sleep(pause).await;
        pause = (pause * 2).min(Duration::from_millis(200));
    }
}

/// The cargo target folder of this build (respects CARGO_TARGET_DIR).
pub fn target_dir() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .expect("CARGO_TARGET_TMPDIR has a parent")
        .to_path_buf()
}

/// Where [`Browser::screenshot`] writes its PNG files.
pub fn screenshot_dir() -> PathBuf {
    target_dir().join("screenshots")
}

/// axe-core as `.ci/deps` installs it.
pub fn axe_path() -> PathBuf {
    target_dir().join("axe/node_modules/axe-core/axe.min.js")
}

/// An XPath string literal for any text (XPath 1.0 has no escapes).
fn xpath_literal(s: &str) -> String {
    if !s.contains('\'') {
        format!("'{s}'")
    } else if !s.contains('"') {
        format!("\"{s}\"")
    } else {
        let parts: Vec<String> = s.split('\'').map(|p| format!("'{p}'")).collect();
        format!("concat({})", parts.join(", \"'\", "))
    }
}

/// One accessibility violation reported by axe-core.
#[derive(Debug, Clone)]
pub struct AxeViolation {
    pub id: String,
    pub impact: String,
    pub help: String,
    pub help_url: String,
    /// The CSS selectors of the offending elements.
    pub targets: Vec<String>,
}

/// What one axe-core run found.
#[derive(Debug, Clone)]
pub struct AxeReport {
    pub violations: Vec<AxeViolation>,
    /// How many rules passed: > 0 proves axe really ran on the page.
    pub passes: usize,
}

impl std::fmt::Display for AxeViolation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "[{}] {}: {} ({})\n    at {}",
            self.impact,
            self.id,
            self.help,
            self.help_url,
            self.targets.join("\n    at ")
        )
    }
}

/// chromedriver and the Chromium it starts, in one process group killed on drop.
struct Driver {
    child: Child,
    killed: bool,
    port: u16,
    log: PathBuf,
}

impl Driver {
    fn kill(&mut self) {
        if std::mem::replace(&mut self.killed, true) {
            return;
        }
        // The group id is chromedriver's pid (process_group(0)); Chromium and its helpers
        // inherit the group.
        let pgid = self.child.id() as libc::pid_t;
        unsafe {
            libc::kill(-pgid, libc::SIGKILL);
        }
        let _ = self.child.wait();
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        self.kill();
    }
}

/// A headless Chromium session on the application at `base`.
pub struct Browser {
    client: Client,
    base: String,
    driver: Driver,
    // Dropped after `driver` (fields drop in order): the profile outlives the browser using it.
    _profile: tempfile::TempDir,
    last_field: std::sync::Mutex<Option<Element>>,
}

/// `url::ParseError`, named through reqwest's re-export of `Url`.
type UrlError = <reqwest::Url as std::str::FromStr>::Err;

/// A chromedriver-specific command: a Chrome DevTools Protocol call through WebDriver.
#[derive(Debug)]
struct Cdp {
    cmd: &'static str,
    params: Value,
}

impl WebDriverCompatibleCommand for Cdp {
    fn endpoint(
        &self,
        base_url: &reqwest::Url,
        session_id: Option<&str>,
    ) -> Result<reqwest::Url, UrlError> {
        base_url.join(&format!(
            "session/{}/goog/cdp/execute",
            session_id.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _: &reqwest::Url) -> (reqwest::Method, Option<String>) {
        let body = json!({ "cmd": self.cmd, "params": self.params });
        (reqwest::Method::POST, Some(body.to_string()))
    }
}

/// Fails, saying how to install them, when any of these (path, Debian package) is missing.
pub fn require_installed(programs: &[(&str, &str)]) {
    for (path, package) in programs {
        assert!(
            Path::new(path).exists(),
            "{path} is missing: the browser tests need Debian's chromium, chromium-driver and \
             fonts-noto-cjk, and axe-core from npm. Run `.ci/deps` (as root) to install them \
             (here: package {package})."
        );
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

fn start_driver(log: &Path) -> Driver {
    use std::os::unix::process::CommandExt;
    let port = free_port();
    let child = Command::new(CHROMEDRIVER)
        .arg(format!("--port={port}"))
        .arg(format!("--log-path={}", log.display()))
        .arg("--log-level=WARNING")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .process_group(0)
        .spawn()
        .unwrap_or_else(|e| panic!("could not start {CHROMEDRIVER}: {e}"));
    Driver {
        child,
        killed: false,
        port,
        log: log.to_path_buf(),
    }
}

/// Waits until chromedriver answers `/status` with `ready: true`; false if it exited (the
/// port was taken after all).
async fn driver_ready(driver: &mut Driver) -> bool {
    let url = format!("http://127.0.0.1:{}/status", driver.port);
    let http = reqwest::Client::new();
    let port = driver.port;
    wait_for(
        &format!("chromedriver on port {port} to answer"),
        TIMEOUT,
        || {
            let exited = matches!(driver.child.try_wait(), Ok(Some(_)));
            let req = http.get(&url).timeout(Duration::from_secs(2)).send();
            async move {
                if exited {
                    return Some(false);
                }
                let body: Value = req.await.ok()?.json().await.ok()?;
                body["value"]["ready"]
                    .as_bool()
                    .filter(|r| *r)
                    .map(|_| true)
            }
        },
    )
    .await
}

impl Browser {
    /// Starts chromedriver and headless Chromium with the window `size` and the UI and
    /// Accept-Language `lang` (e.g. "zh-CN", "en"). Panics, saying to run `.ci/deps`, when
    /// chromedriver or Chromium is not installed.
    pub async fn start(base: &str, size: Size, lang: &str) -> Browser {
        require_installed(&[(CHROMEDRIVER, "chromium-driver"), (CHROMIUM, "chromium")]);
        let profile = tempfile::Builder::new()
            .prefix("pb-chromium-")
            .tempdir()
            .expect("temp dir for the Chromium profile");
        let log = profile.path().join("chromedriver.log");
        let (w, h) = size.dimensions();
        let args = vec![
            "--headless".to_string(),
            "--no-sandbox".into(),
            "--disable-gpu".into(),
            "--disable-quic".into(),
            "--no-first-run".into(),
            "--disable-background-networking".into(),
            "--disable-component-update".into(),
            "--disable-sync".into(),
            "--disable-dev-shm-usage".into(),
            "--hide-scrollbars".into(),
            format!(
                "--user-data-dir={}",
                profile.path().join("profile").display()
            ),
            format!("--lang={lang}"),
            format!("--window-size={w},{h}"),
        ];
        let mut options = json!({
            "binary": CHROMIUM,
            "args": args,
            "prefs": { "intl.accept_languages": lang },
        });
        if size == Size::Phone {
            // Headless windows cannot be narrower than ~500 px: emulate the phone instead
            // (viewport meta honoured, touch events, device pixel ratio 2).
            options["mobileEmulation"] = json!({
                "deviceMetrics": { "width": w, "height": h, "pixelRatio": 2.0, "mobile": true, "touch": true },
            });
        }
        let mut caps = Capabilities::new();
        caps.insert("browserName".into(), json!("chrome"));
        caps.insert("goog:chromeOptions".into(), options);

        // A port found free may be taken before chromedriver binds it: then try another.
        let mut attempt = 0;
        let mut driver = loop {
            attempt += 1;
            let mut driver = start_driver(&log);
            if driver_ready(&mut driver).await {
                break driver;
            }
            assert!(attempt < 3, "chromedriver exited at start three times");
        };
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        let client = match ClientBuilder::new(connector)
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{}", driver.port))
            .await
        {
            Ok(c) => c,
            Err(e) => {
                driver.kill();
                let log = std::fs::read_to_string(&driver.log).unwrap_or_default();
                panic!("could not open a Chromium session: {e}\nchromedriver log:\n{log}");
            }
        };
        let b = Browser {
            client,
            base: base.trim_end_matches('/').to_string(),
            driver,
            _profile: profile,
            last_field: std::sync::Mutex::new(None),
        };
        // The window size flag sets the outer window; make the viewport exactly the size.
        if size == Size::Desktop {
            let inner: Value = b
                .js("return [window.innerWidth, window.innerHeight]", vec![])
                .await;
            let (iw, ih) = (
                inner[0].as_u64().unwrap_or(0),
                inner[1].as_u64().unwrap_or(0),
            );
            if (iw, ih) != (w as u64, h as u64) {
                let (ww, wh) = (
                    (2 * w as u64).saturating_sub(iw),
                    (2 * h as u64).saturating_sub(ih),
                );
                b.client
                    .set_window_size(ww as u32, wh as u32)
                    .await
                    .expect("resize window");
            }
        }
        b
    }

    /// The fantoccini client, for anything the helpers do not cover.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// The chromedriver process id (its process group holds Chromium too).
    pub fn driver_pid(&self) -> u32 {
        self.driver.child.id()
    }

    /// Runs `script` (a function body; `arguments` holds `args`) in the page.
    pub async fn js(&self, script: &str, args: Vec<Value>) -> Value {
        self.client
            .execute(script, args)
            .await
            .unwrap_or_else(|e| panic!("script failed: {e}\n{script}"))
    }

    /// Opens `path` (e.g. "/unsubscribe?token=x") of the application and waits for it to load.
    pub async fn goto(&self, path: &str) {
        let url = if path.starts_with("http://") || path.starts_with("https://") {
            path.to_string()
        } else {
            format!("{}{}", self.base, path)
        };
        self.client
            .goto(&url)
            .await
            .unwrap_or_else(|e| panic!("could not open {url}: {e}"));
        self.wait_loaded().await;
        *self.last_field.lock().unwrap() = None;
    }

    async fn wait_loaded(&self) {
        wait_for("the page to load", TIMEOUT, || async {
            let state = self
                .client
                .execute("return document.readyState", vec![])
                .await
                .ok()?;
            (state == "complete").then_some(())
        })
        .await
    }

    /// The form control whose `name` or `id` is `field`, or whose label's text is (or else
    /// contains) `field`.
    pub async fn field(&self, field: &str) -> Element {
        let l = xpath_literal(field);
        let control = "(self::input or self::textarea or self::select)";
        let candidates = [
            format!("//*[{control} and (@name={l} or @id={l})]"),
            format!("//*[{control} and @id=//label[normalize-space(.)={l}]/@for]"),
            format!("//label[normalize-space(.)={l}]//*[{control}]"),
            format!("//*[{control} and @id=//label[contains(normalize-space(.),{l})]/@for]"),
            format!("//label[contains(normalize-space(.),{l})]//*[{control}]"),
            format!("//*[{control} and @aria-label={l}]"),
        ];
        for xpath in &candidates {
            if let Ok(e) = self.client.find(Locator::XPath(xpath)).await {
                return e;
            }
        }
        panic!(
            "no form field named or labelled {field:?} on {}\npage text:\n{}",
            self.current_path().await,
            self.text().await
        );
    }

    /// Types `value` into the field named or labelled `field` (replacing what was there).
    pub async fn fill(&self, field: &str, value: &str) {
        let e = self.field(field).await;
        e.clear()
            .await
            .unwrap_or_else(|err| panic!("clear {field:?}: {err}"));
        e.send_keys(value)
            .await
            .unwrap_or_else(|err| panic!("type into {field:?}: {err}"));
        let got = e.prop("value").await.ok().flatten().unwrap_or_default();
        assert_eq!(got, value, "field {field:?} did not take the typed text");
        *self.last_field.lock().unwrap() = Some(e);
    }

    /// Chooses the option of the select named or labelled `field` whose value, or else whose
    /// visible text, is `value`.
    pub async fn select(&self, field: &str, value: &str) {
        let e = self.field(field).await;
        if e.select_by_value(value).await.is_err() {
            e.select_by_label(value).await.unwrap_or_else(|err| {
                panic!("select {field:?} has no option with value or text {value:?}: {err}")
            });
        }
        *self.last_field.lock().unwrap() = Some(e);
    }

    /// Ticks (or unticks) the checkbox or radio button named or labelled `field`.
    pub async fn check(&self, field: &str, on: bool) {
        let e = self.field(field).await;
        if e.is_selected().await.unwrap_or(false) != on {
            e.click().await.expect("click checkbox");
        }
        *self.last_field.lock().unwrap() = Some(e);
    }

    /// The first visible element the `exact` XPath finds, or else the `contains` one.
    async fn find_by_text(&self, what: &str, exact: String, contains: String) -> Element {
        for xpath in [exact, contains] {
            for e in self
                .client
                .find_all(Locator::XPath(&xpath))
                .await
                .unwrap_or_default()
            {
                if e.is_displayed().await.unwrap_or(false) {
                    return e;
                }
            }
        }
        panic!(
            "no visible {what} on {}\npage text:\n{}",
            self.current_path().await,
            self.text().await
        );
    }

    /// Clicks the button whose visible text (or value) is `text` and waits for the page it
    /// leads to. Buttons of a page without JavaScript always submit a form.
    pub async fn click_button(&self, text: &str) {
        let l = xpath_literal(text);
        let button = "(self::button or (self::input and (@type='submit' or @type='button')))";
        let e = self
            .find_by_text(
                &format!("button {text:?}"),
                format!(
                    "//*[{button} and (normalize-space(.)={l} or @value={l} or @aria-label={l})]"
                ),
                format!(
                    "//*[{button} and (contains(normalize-space(.),{l}) or contains(@value,{l}))]"
                ),
            )
            .await;
        self.navigating(&format!("button {text:?}"), || async {
            e.click().await.map(|_| ())
        })
        .await;
    }

    /// Follows the link whose visible text is `text` (exact, or else containing it).
    pub async fn click_link(&self, text: &str) {
        let l = xpath_literal(text);
        let e = self
            .find_by_text(
                &format!("link {text:?}"),
                format!("//a[normalize-space(.)={l} or @aria-label={l}]"),
                format!("//a[contains(normalize-space(.),{l})]"),
            )
            .await;
        self.navigating(&format!("link {text:?}"), || async {
            e.click().await.map(|_| ())
        })
        .await;
    }

    /// Submits the form of the field filled last (or the page's only form), as pressing Enter
    /// would: the browser's own validation runs, and the page it leads to is awaited.
    pub async fn submit(&self) {
        let last = self.last_field.lock().unwrap().clone();
        let form = match last {
            Some(e) => serde_json::to_value(&e).expect("element as json"),
            None => {
                let forms = self
                    .client
                    .find_all(Locator::Css("form"))
                    .await
                    .unwrap_or_default();
                assert_eq!(
                    forms.len(),
                    1,
                    "submit() without a filled field needs exactly one form on {}",
                    self.current_path().await
                );
                serde_json::to_value(&forms[0]).expect("element as json")
            }
        };
        self.navigating("form submission", || async {
            self.client
                .execute(
                    "const el = arguments[0]; const f = el.form || el; f.requestSubmit();",
                    vec![form.clone()],
                )
                .await
                .map(|_| ())
        })
        .await;
    }

    /// Runs `act` and waits until it has replaced the document and the new one has loaded.
    async fn navigating<F, Fut>(&self, what: &str, act: F)
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<(), fantoccini::error::CmdError>>,
    {
        self.js("window.__pbOldPage = true;", vec![]).await;
        act()
            .await
            .unwrap_or_else(|e| panic!("{what} could not be used: {e}"));
        let deadline = Instant::now() + TIMEOUT;
        loop {
            // A script may fail while the old page is being replaced: just try again.
            if let Ok(v) = self
                .client
                .execute(
                    "return window.__pbOldPage === true ? 'old' : document.readyState",
                    vec![],
                )
                .await
            {
                if v == "complete" {
                    break;
                }
            }
            if Instant::now() > deadline {
                let invalid = self
                    .client
                    .execute(
                        "return [...document.querySelectorAll(':invalid')]\
                         .filter(e => e.name).map(e => e.name + ': ' + e.validationMessage)",
                        vec![],
                    )
                    .await
                    .unwrap_or_default();
                panic!("{what} did not lead to a new page within {TIMEOUT:?}; fields the browser finds invalid: {invalid}");
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        *self.last_field.lock().unwrap() = None;
    }

    /// The visible text of the page body.
    pub async fn text(&self) -> String {
        match self.client.find(Locator::Css("body")).await {
            Ok(body) => body.text().await.unwrap_or_default(),
            Err(_) => String::new(),
        }
    }

    /// Waits until the page body shows `text`.
    pub async fn wait_for_text(&self, text: &str) {
        wait_for(&format!("the page to show {text:?}"), TIMEOUT, || async {
            self.text().await.contains(text).then_some(())
        })
        .await
    }

    /// The path of the current page, without query or fragment (e.g. "/unsubscribe").
    pub async fn current_path(&self) -> String {
        self.client
            .current_url()
            .await
            .map(|u| u.path().to_string())
            .unwrap_or_default()
    }

    /// The full URL of the current page.
    pub async fn current_url(&self) -> reqwest::Url {
        self.client.current_url().await.expect("current url")
    }

    /// The value of the (hidden or other) input named `name`, e.g. the CSRF token of a form.
    pub async fn input_value(&self, name: &str) -> Option<String> {
        let l = xpath_literal(name);
        let e = self
            .client
            .find(Locator::XPath(&format!("//input[@name={l}]")))
            .await
            .ok()?;
        e.attr("value").await.ok().flatten()
    }

    /// All cookies the browser holds for the current page, HttpOnly ones included.
    pub async fn cookies(&self) -> Vec<Cookie<'static>> {
        self.client.get_all_cookies().await.expect("cookies")
    }

    /// The cookie called `name`, if the browser holds one for the current page.
    pub async fn cookie(&self, name: &str) -> Option<Cookie<'static>> {
        self.cookies().await.into_iter().find(|c| c.name() == name)
    }

    /// The session cookie: `__Host-pb_session` (https deployments) or `pb_session`.
    pub async fn session_cookie(&self) -> Option<Cookie<'static>> {
        let all = self.cookies().await;
        all.into_iter()
            .find(|c| c.name() == "__Host-pb_session" || c.name() == "pb_session")
    }

    /// Saves a PNG of the whole page (not only the window) as `<target>/screenshots/<name>.png`
    /// and returns its path.
    pub async fn screenshot(&self, name: &str) -> PathBuf {
        let png = match self.full_page_png().await {
            Some(png) => png,
            None => self.client.screenshot().await.expect("screenshot"),
        };
        assert!(
            png.starts_with(b"\x89PNG"),
            "screenshot {name} is not a PNG"
        );
        let dir = screenshot_dir();
        std::fs::create_dir_all(&dir).expect("create the screenshot folder");
        let path = dir.join(format!("{name}.png"));
        std::fs::write(&path, png).expect("write screenshot");
        path
    }

    async fn full_page_png(&self) -> Option<Vec<u8>> {
        let metrics = self
            .client
            .issue_cmd(Cdp {
                cmd: "Page.getLayoutMetrics",
                params: json!({}),
            })
            .await
            .ok()?;
        let size = &metrics["cssContentSize"];
        let (w, h) = (size["width"].as_f64()?, size["height"].as_f64()?);
        let shot = self
            .client
            .issue_cmd(Cdp {
                cmd: "Page.captureScreenshot",
                params: json!({
                    "format": "png",
                    "captureBeyondViewport": true,
                    "clip": { "x": 0, "y": 0, "width": w, "height": h, "scale": 1 },
                }),
            })
            .await
            .ok()?;
        base64::engine::general_purpose::STANDARD
            .decode(shot["data"].as_str()?)
            .ok()
    }

    /// Runs axe-core (WCAG 2.0/2.1 A and AA rules) on the current page and returns what it
    /// found. The script is injected through WebDriver, to which the page's
    /// Content-Security-Policy does not apply.
    pub async fn axe_report(&self) -> AxeReport {
        let path = axe_path();
        let source = std::fs::read_to_string(&path).unwrap_or_else(|e| {
            panic!(
                "{} is missing ({e}): run `.ci/deps` to install axe-core",
                path.display()
            )
        });
        let loaded = self
            .js(&format!("{source}\n;return typeof window.axe;"), vec![])
            .await;
        assert_eq!(loaded, "object", "axe-core did not load into the page");
        let result = self
            .client
            .execute_async(
                r#"const done = arguments[arguments.length - 1];
                axe.run(document, { runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] })
                  .then(r => done({
                    passes: r.passes.length,
                    violations: r.violations.map(v => ({
                      id: v.id, impact: v.impact || '', help: v.help, helpUrl: v.helpUrl,
                      targets: v.nodes.map(n => n.target.join(' ')),
                    })),
                  }))
                  .catch(e => done({ error: String(e) }));"#,
                vec![],
            )
            .await
            .expect("run axe-core");
        if let Some(err) = result["error"].as_str() {
            panic!("axe-core failed: {err}");
        }
        let s = |v: &Value| v.as_str().unwrap_or_default().to_string();
        AxeReport {
            passes: result["passes"].as_u64().unwrap_or(0) as usize,
            violations: result["violations"]
                .as_array()
                .expect("axe violations")
                .iter()
                .map(|v| AxeViolation {
                    id: s(&v["id"]),
                    impact: s(&v["impact"]),
                    help: s(&v["help"]),
                    help_url: s(&v["helpUrl"]),
                    targets: v["targets"]
                        .as_array()
                        .map(|t| t.iter().map(s).collect())
                        .unwrap_or_default(),
                })
                .collect(),
        }
    }

    /// Asserts that axe-core finds no WCAG 2.1 A/AA violation on the current page (`name`
    /// says which page in the failure message) and returns the report.
    pub async fn axe(&self, name: &str) -> AxeReport {
        let report = self.axe_report().await;
        if !report.violations.is_empty() {
            let list: Vec<String> = report.violations.iter().map(|v| v.to_string()).collect();
            panic!(
                "axe-core: {} accessibility violation(s) on {name} ({}):\n{}",
                report.violations.len(),
                self.current_url().await,
                list.join("\n")
            );
        }
        assert!(report.passes > 0, "axe-core ran no rule on {name}");
        report
    }

    /// Asserts that Chinese text renders with a real CJK font, not as "tofu" boxes: distinct
    /// characters drawn in the page's own font must give distinct, non-empty glyphs (a missing
    /// font draws every one of them as the same box). Checked by hiding the CJK fonts from
    /// Chromium: then all five glyphs are one. (`document.fonts.check` is no test: it answers
    /// true for any installed-or-not local font.)
    pub async fn assert_cjk_renders(&self) {
        let result = self
            .js(
                r#"const font = '32px ' + getComputedStyle(document.body).fontFamily;
                const glyph = ch => {
                  const c = document.createElement('canvas');
                  c.width = 40; c.height = 40;
                  const g = c.getContext('2d');
                  g.fillStyle = '#fff'; g.fillRect(0, 0, 40, 40);
                  g.fillStyle = '#000'; g.font = font; g.textBaseline = 'top';
                  g.fillText(ch, 2, 2);
                  const d = g.getImageData(0, 0, 40, 40).data;
                  let ink = 0, sig = '';
                  for (let i = 0; i < d.length; i += 4) {
                    if (d[i] < 128) { ink++; sig += '1'; } else { sig += '0'; }
                  }
                  return { ink, sig };
                };
                const gs = ['园', '企', '通', '订', '阅'].map(glyph);
                const sigs = new Set(gs.map(g => g.sig));
                return { font, minInk: Math.min(...gs.map(g => g.ink)), distinct: sigs.size };"#,
                vec![],
            )
            .await;
        let distinct = result["distinct"].as_u64().unwrap_or(0);
        let ink = result["minInk"].as_u64().unwrap_or(0);
        assert!(
            distinct == 5 && ink > 20,
            "Chinese renders as boxes or blanks ({result}): install fonts-noto-cjk (`.ci/deps`)"
        );
    }

    /// Ends the WebDriver session cleanly, then stops chromedriver and Chromium (dropping the
    /// browser does the latter too).
    pub async fn close(self) {
        let _ = self.client.clone().close().await;
    }
}
