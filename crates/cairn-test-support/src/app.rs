use crate::database::TestDatabase;
use cairn_app::clock::ManualClock;
use cairn_app::mail::Mailer;
use cairn_app::store::Store;
use cairn_app::store::blobs::LocalBlobs;
use cairn_app::{App, AppSettings};
use cairn_web::WebSettings;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Options for a [`TestApp`].
#[derive(Debug)]
pub struct TestAppBuilder {
    database_url: Option<String>,
    signups_open: bool,
    open_organization_creation: bool,
    smtp_url: Option<String>,
    did_web_at: Option<String>,
}

/// A running Cairn on a free local port, with its own database and folders.
pub struct TestApp {
    /// `http://127.0.0.1:<port>`.
    pub address: String,
    pub app: App,
    pub clock: Arc<ManualClock>,
    pub store: Store,
    data: tempfile::TempDir,
    database: Option<TestDatabase>,
    server: tokio::task::JoinHandle<()>,
}

impl std::fmt::Debug for TestApp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TestApp")
            .field("address", &self.address)
            .finish_non_exhaustive()
    }
}

/// An email found in the outbox.
#[derive(Clone, Debug)]
pub struct Email {
    pub to: String,
    pub subject: String,
    pub body: String,
}

impl Email {
    /// The path (and query) of the first link in the body that points at this server.
    pub fn link(&self) -> Option<String> {
        self.body
            .lines()
            .map(str::trim)
            .find(|l| l.starts_with("http://") || l.starts_with("https://"))
            .and_then(|l| url::Url::parse(l).ok())
            .map(|u| match u.query() {
                Some(q) => format!("{}?{q}", u.path()),
                None => u.path().to_owned(),
            })
    }
}

impl TestApp {
    /// Options.
    pub fn builder() -> TestAppBuilder {
        TestAppBuilder {
            database_url: None,
            signups_open: true,
            open_organization_creation: false,
            smtp_url: None,
            did_web_at: None,
        }
    }

    /// A TestApp on SQLite with default settings.
    pub async fn spawn() -> Self {
        Self::builder().start().await
    }

    /// The folder emails are written to.
    pub fn outbox(&self) -> PathBuf {
        self.data.path().join("outbox")
    }

    /// Delivers queued email, then returns every email in the outbox,
    /// oldest first.
    pub async fn emails(&self) -> Vec<Email> {
        self.app.run_pending_jobs().await.expect("run queued jobs");
        read_outbox(&self.outbox())
    }

    /// The newest email sent to `to`.
    pub async fn last_email_to(&self, to: &str) -> Email {
        self.emails()
            .await
            .into_iter()
            .rev()
            .find(|e| e.to == to)
            .unwrap_or_else(|| panic!("no email was sent to {to}"))
    }

    /// A new browser-like client with its own cookies.
    pub fn client(&self) -> TestClient {
        TestClient::new(&self.address)
    }

    /// Stops the server and drops the database.
    pub async fn finish(self) {
        self.server.abort();
        if let Some(db) = self.database {
            self.store.close().await.ok();
            db.drop_database().await;
        }
    }
}

/// Reads every `.eml` file of an outbox folder, oldest first.
pub fn read_outbox(dir: &Path) -> Vec<Email> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .map(|d| {
            d.filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "eml"))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
        .iter()
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .map(|raw| parse_eml(&raw))
        .collect()
}

fn parse_eml(raw: &str) -> Email {
    let raw = raw.replace("\r\n", "\n");
    let (head, body) = raw.split_once("\n\n").unwrap_or((&raw, ""));
    let header = |name: &str| {
        head.lines()
            .find(|l| {
                l.to_lowercase()
                    .starts_with(&format!("{}:", name.to_lowercase()))
            })
            .map(|l| l[name.len() + 1..].trim().to_owned())
            .unwrap_or_default()
    };
    let body = if header("Content-Transfer-Encoding").eq_ignore_ascii_case("quoted-printable") {
        decode_quoted_printable(body)
    } else {
        body.to_owned()
    };
    Email {
        to: header("To"),
        subject: header("Subject"),
        body,
    }
}

fn decode_quoted_printable(text: &str) -> String {
    let mut bytes = Vec::new();
    let mut lines = text.split('\n').peekable();
    while let Some(line) = lines.next() {
        let (content, soft) = match line.strip_suffix('=') {
            Some(c) => (c, true),
            None => (line, false),
        };
        let mut chars = content.as_bytes().iter().copied();
        while let Some(c) = chars.next() {
            if c == b'=' {
                let hi = chars.next().unwrap_or(b'0');
                let lo = chars.next().unwrap_or(b'0');
                let hex = [hi, lo];
                let value = std::str::from_utf8(&hex)
                    .ok()
                    .and_then(|h| u8::from_str_radix(h, 16).ok())
                    .unwrap_or(b'?');
                bytes.push(value);
            } else {
                bytes.push(c);
            }
        }
        if !soft && lines.peek().is_some() {
            bytes.push(b'\n');
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

impl TestAppBuilder {
    /// Uses this database instead of a fresh SQLite file.
    pub fn database_url(mut self, url: &str) -> Self {
        self.database_url = Some(url.to_owned());
        self
    }

    /// Sign-up by invitation only.
    pub fn signups_closed(mut self) -> Self {
        self.signups_open = false;
        self
    }

    /// Every verified account may create organizations.
    pub fn open_organization_creation(mut self) -> Self {
        self.open_organization_creation = true;
        self
    }

    /// Sends email through this SMTP server instead of the outbox.
    pub fn smtp(mut self, url: &str) -> Self {
        self.smtp_url = Some(url.to_owned());
        self
    }

    /// Identifies issuers by `did:web`, with `public_url` (an `https://`
    /// address the DIDs are derived from) as the server's public address;
    /// the test still reaches the server at [`TestApp::address`].
    pub fn did_web(mut self, public_url: &str) -> Self {
        self.did_web_at = Some(public_url.to_owned());
        self
    }

    /// Migrates the database, binds a free port and serves the real router.
    pub async fn start(self) -> TestApp {
        let data = tempfile::tempdir().expect("temporary data folder");
        let (url, database) = match self.database_url {
            Some(url) => (url, None),
            None => {
                let db = TestDatabase::sqlite();
                (db.url.clone(), Some(db))
            }
        };
        let store = Store::connect(&url, 5)
            .await
            .expect("connect to the test database");
        store.migrate().await.expect("migrate");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind a free port");
        let addr = listener.local_addr().expect("local address");
        let address = format!("http://{addr}");
        let clock = Arc::new(ManualClock::new(chrono::Utc::now()));
        let settings = AppSettings {
            public_url: url::Url::parse(self.did_web_at.as_deref().unwrap_or(&address))
                .expect("the public address is a URL"),
            session_days: 30,
            signups_open: self.signups_open,
            open_organization_creation: self.open_organization_creation,
            key_secret: "test key-encryption secret, not for production use".to_owned(),
            did_web: self.did_web_at.is_some(),
        };
        let blobs = LocalBlobs::open(data.path().join("uploads")).expect("uploads folder");
        let mailer = match &self.smtp_url {
            Some(url) => Mailer::smtp(url, "Cairn <cairn@example.org>").expect("SMTP mailer"),
            None => Mailer::outbox(data.path().join("outbox"), "Cairn <cairn@example.org>")
                .expect("outbox"),
        };
        let app = App::new(store.clone(), blobs, clock.clone(), settings, mailer);
        let web = WebSettings {
            secure_cookies: false,
            secret_key: b"test-secret-key-of-at-least-32-bytes".to_vec(),
            trust_proxy_headers: false,
            max_body_bytes: 64 * 1024,
        };
        let router = cairn_web::router(app.clone(), web);
        let server = tokio::spawn(async move {
            axum::serve(
                listener,
                router.into_make_service_with_connect_info::<SocketAddr>(),
            )
            .await
            .expect("serve");
        });
        TestApp {
            address,
            app,
            clock,
            store,
            data,
            database,
            server,
        }
    }
}

/// A browser-like client: keeps cookies, follows redirects, and fills in
/// the CSRF token the way a page's forms do.
#[derive(Debug, Clone)]
pub struct TestClient {
    base: String,
    http: reqwest::Client,
}

/// What came back.
#[derive(Debug)]
pub struct TestResponse {
    pub status: u16,
    /// The path of the final URL after redirects.
    pub path: String,
    pub headers: reqwest::header::HeaderMap,
    pub text: String,
}

impl TestResponse {
    /// Panics with the page when the status differs.
    pub fn assert_status(&self, status: u16) -> &Self {
        assert_eq!(
            self.status, status,
            "unexpected status for {}; body:\n{}",
            self.path, self.text
        );
        self
    }

    /// Panics with the page when `needle` is not in it.
    pub fn assert_contains(&self, needle: &str) -> &Self {
        assert!(
            self.text.contains(needle),
            "{needle:?} not found on {}:\n{}",
            self.path,
            self.text
        );
        self
    }

    /// The value of `<input name="csrf" value="…">` on the page.
    pub fn csrf(&self) -> Option<String> {
        let marker = "name=\"csrf\" value=\"";
        let start = self.text.find(marker)? + marker.len();
        let end = self.text[start..].find('"')?;
        Some(self.text[start..start + end].to_owned())
    }

    /// The JSON body.
    pub fn json(&self) -> serde_json_value::Value {
        serde_json_value::from_str(&self.text)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text))
    }
}

/// Re-exported so tests need no JSON dependency of their own.
pub use reqwest::Response as RawResponse;

mod serde_json_value {
    pub use serde_json::{Value, from_str};
}

impl TestClient {
    fn new(base: &str) -> Self {
        let http = reqwest::Client::builder()
            .cookie_store(true)
            .build()
            .expect("HTTP client");
        Self {
            base: base.to_owned(),
            http,
        }
    }

    /// A client without redirects, to look at a redirect itself.
    pub fn no_redirects(&self) -> Self {
        let http = reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("HTTP client");
        Self {
            base: self.base.clone(),
            http,
        }
    }

    /// The underlying HTTP client, for requests the helpers do not cover.
    pub fn http(&self) -> &reqwest::Client {
        &self.http
    }

    /// The absolute URL of a path.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    async fn read(response: reqwest::Response) -> TestResponse {
        let status = response.status().as_u16();
        let path = match response.url().query() {
            Some(q) => format!("{}?{q}", response.url().path()),
            None => response.url().path().to_owned(),
        };
        let headers = response.headers().clone();
        let text = response.text().await.expect("response body");
        TestResponse {
            status,
            path,
            headers,
            text,
        }
    }

    /// GET a path.
    pub async fn get(&self, path: &str) -> TestResponse {
        Self::read(self.http.get(self.url(path)).send().await.expect("GET")).await
    }

    /// The CSRF token this client's forms carry.
    pub async fn csrf(&self) -> String {
        self.get("/login")
            .await
            .csrf()
            .expect("a CSRF token on the login page")
    }

    /// Submits a form as a browser would (with the CSRF token).
    pub async fn submit(&self, path: &str, fields: &[(&str, &str)]) -> TestResponse {
        let token = self.csrf().await;
        let mut all: Vec<(&str, &str)> = vec![("csrf", token.as_str())];
        all.extend_from_slice(fields);
        self.post_form(path, &all).await
    }

    /// POSTs a form exactly as given (no CSRF token added).
    pub async fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> TestResponse {
        Self::read(
            self.http
                .post(self.url(path))
                .form(fields)
                .send()
                .await
                .expect("POST"),
        )
        .await
    }

    /// Sends a JSON request with an optional bearer token.
    pub async fn api(
        &self,
        method: reqwest::Method,
        path: &str,
        token: Option<&str>,
        body: Option<&str>,
    ) -> TestResponse {
        let mut req = self.http.request(method, self.url(path));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req
                .header("content-type", "application/json")
                .body(b.to_owned());
        }
        Self::read(req.send().await.expect("API request")).await
    }
}
