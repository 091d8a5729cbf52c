//! What every browser journey needs: a fresh Chromium driven through
//! chromedriver against a fresh app, screenshots, and helpers that wait for
//! what a person would look for on a page.

use cairn_test_support::TestApp;
use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use futures::FutureExt;
use futures::future::BoxFuture;
use std::io::Write;
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const CHROMIUM: &str = "/usr/bin/chromium";

/// How long to wait for a page element before failing.
const WAIT: Duration = Duration::from_secs(20);

pub(crate) type Journey = for<'a> fn(&'a Client, &'a TestApp, &'a Screenshots) -> BoxFuture<'a, ()>;

/// Runs a journey in a fresh Chromium against a fresh app, or skips it
/// (with a note) when the browser is not installed.
pub(crate) async fn in_browser(name: &str, run: Journey) {
    if !Path::new(CHROMEDRIVER).exists() || !Path::new(CHROMIUM).exists() {
        let why = format!(
            "{CHROMEDRIVER} or {CHROMIUM} is missing: install chromium and chromium-driver (apt-get install chromium chromium-driver)"
        );
        if std::env::var("CAIRN_REQUIRE_BROWSER").is_ok_and(|v| v == "1") {
            panic!("CAIRN_REQUIRE_BROWSER=1 but {why}");
        }
        // Written straight to stderr so the note shows past the harness's capture.
        writeln!(
            std::io::stderr(),
            "note: the browser test was skipped: {why}"
        )
        .ok();
        return;
    }

    let shots = Screenshots::new(name);
    let profile = tempfile::tempdir().expect("a temporary browser profile folder");
    let driver = Chromedriver::start().await;
    let client = connect(&driver, profile.path()).await;
    let app = TestApp::builder()
        .open_organization_creation()
        .start()
        .await;

    let outcome = AssertUnwindSafe(run(&client, &app, &shots))
        .catch_unwind()
        .await;
    if outcome.is_err() {
        // What the browser showed when it went wrong.
        if let Ok(png) = client.screenshot().await {
            shots.save("failed.png", &png);
        }
        if let Ok(url) = client.current_url().await {
            writeln!(
                std::io::stderr(),
                "the browser was at {url} when the test failed"
            )
            .ok();
        }
    }
    // Ends the session so chromedriver closes Chromium, whatever happened.
    client.close().await.ok();
    drop(driver);
    drop(profile);
    app.finish().await;
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
}

/// Chromedriver on a free local port, killed when dropped.
struct Chromedriver {
    child: Child,
    url: String,
}

impl Chromedriver {
    async fn start() -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free local port")
            .port();
        let child = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("start {CHROMEDRIVER}: {e}"));
        let mut driver = Self {
            child,
            url: format!("http://127.0.0.1:{port}"),
        };
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(2))
            .build()
            .expect("an HTTP client");
        let status = format!("{}/status", driver.url);
        for _ in 0..100 {
            if let Ok(response) = http.get(&status).send().await {
                let ready = response
                    .json::<serde_json::Value>()
                    .await
                    .ok()
                    .and_then(|v| v["value"]["ready"].as_bool());
                if ready == Some(true) {
                    return driver;
                }
            }
            if let Ok(Some(exit)) = driver.child.try_wait() {
                panic!("chromedriver exited before it was ready: {exit}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("chromedriver did not answer {status} within 10 seconds");
    }
}

impl Drop for Chromedriver {
    fn drop(&mut self) {
        self.child.kill().ok();
        self.child.wait().ok();
    }
}

async fn connect(driver: &Chromedriver, profile: &Path) -> Client {
    let mut capabilities = serde_json::Map::new();
    capabilities.insert(
        "goog:chromeOptions".to_owned(),
        serde_json::json!({
            "binary": CHROMIUM,
            "args": [
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--disable-dev-shm-usage",
                format!("--user-data-dir={}", profile.display()),
                "--window-size=1280,900",
            ],
        }),
    );
    // The build enables both of rustls's crypto back-ends (ring through
    // lettre and reqwest, aws-lc-rs through fantoccini), so name one.
    let _ = rustls::crypto::ring::default_provider().install_default();
    ClientBuilder::rustls()
        .expect("a TLS configuration for the WebDriver client")
        .capabilities(capabilities)
        .connect(&driver.url)
        .await
        .unwrap_or_else(|e| panic!("start a Chromium session through chromedriver: {e}"))
}

/// Where screenshots go.
pub(crate) struct Screenshots {
    dir: PathBuf,
}

impl Screenshots {
    fn new(journey: &str) -> Self {
        let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let target = match std::env::var_os("CARGO_TARGET_DIR") {
            Some(dir) if !dir.is_empty() => workspace.join(dir),
            _ => workspace.join("target"),
        };
        let dir = target.join("browser-screenshots").join(journey);
        std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("create {}: {e}", dir.display()));
        // A failure picture from an earlier run would mislead.
        std::fs::remove_file(dir.join("failed.png")).ok();
        Self { dir }
    }

    pub(crate) async fn take(&self, b: &Client, name: &str) {
        let png = b.screenshot().await.expect("take a screenshot");
        self.save(name, &png);
    }

    fn save(&self, name: &str, png: &[u8]) {
        let file = self.dir.join(name);
        std::fs::write(&file, png).unwrap_or_else(|e| panic!("write {}: {e}", file.display()));
    }
}

/// Waits for an element (bounded), failing with the page's address and text.
pub(crate) async fn find(b: &Client, xpath: &str) -> Element {
    match b
        .wait()
        .at_most(WAIT)
        .for_element(Locator::XPath(xpath))
        .await
    {
        Ok(element) => element,
        Err(e) => {
            let url = b
                .current_url()
                .await
                .map(|u| u.to_string())
                .unwrap_or_default();
            let body = match b.find(Locator::Css("body")).await {
                Ok(body) => body.text().await.unwrap_or_default(),
                Err(_) => String::new(),
            };
            panic!("{xpath} did not appear on {url} ({e}); the page says:\n{body}");
        }
    }
}

pub(crate) async fn text(b: &Client, xpath: &str) -> String {
    find(b, xpath)
        .await
        .text()
        .await
        .expect("read an element's text")
}

/// Waits for the page's `<h1>` to read `title`.
pub(crate) async fn heading(b: &Client, title: &str) {
    find(b, &format!(r#"//h1[normalize-space()="{title}"]"#)).await;
}

/// Waits for a flash banner containing `needle`; returns its text.
pub(crate) async fn banner(b: &Client, needle: &str) -> String {
    text(
        b,
        &format!(
            r#"//main/div[contains(@class,"banner")][@role="status"][contains(., "{needle}")]"#
        ),
    )
    .await
}

/// Types into the field with this id, as a user would.
pub(crate) async fn fill(b: &Client, id: &str, value: &str) {
    let field = find(b, &format!(r#"//*[@id="{id}"]"#)).await;
    field
        .clear()
        .await
        .unwrap_or_else(|e| panic!("clear #{id}: {e}"));
    field
        .send_keys(value)
        .await
        .unwrap_or_else(|e| panic!("type into #{id}: {e}"));
}

pub(crate) async fn click(b: &Client, xpath: &str) {
    find(b, xpath)
        .await
        .click()
        .await
        .unwrap_or_else(|e| panic!("click {xpath}: {e}"));
}

pub(crate) async fn path(b: &Client) -> String {
    b.current_url()
        .await
        .expect("the current URL")
        .path()
        .to_owned()
}

/// The id of the focused element. `autofocus` applies once the page is
/// rendered, so the script waits for it, briefly.
pub(crate) async fn focused_id(b: &Client) -> String {
    let now = b
        .execute(
            "return document.activeElement ? document.activeElement.id : '';",
            vec![],
        )
        .await
        .expect("read the focused element");
    if now.as_str().is_some_and(|id| !id.is_empty()) {
        return now.as_str().unwrap_or_default().to_owned();
    }
    let script = r"
        const done = arguments[arguments.length - 1];
        let tries = 0;
        (function check() {
            const id = document.activeElement ? document.activeElement.id : '';
            if (id || tries++ >= 100) { done(id); } else { setTimeout(check, 20); }
        })();
    ";
    let id = b
        .execute_async(script, vec![])
        .await
        .expect("wait for the focused element");
    id.as_str().unwrap_or_default().to_owned()
}

/// Scrolls the page so the element starts at the top of the window, for a
/// screenshot of that part.
pub(crate) async fn scroll_to(b: &Client, xpath: &str) {
    let element = find(b, xpath).await;
    b.execute(
        "arguments[0].scrollIntoView({ block: 'start' });",
        vec![serde_json::to_value(&element).expect("an element reference")],
    )
    .await
    .unwrap_or_else(|e| panic!("scroll to {xpath}: {e}"));
}
