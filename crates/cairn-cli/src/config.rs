//! One typed configuration: defaults, then a TOML file, then `CAIRN_*`
//! environment variables, validated at start-up and passed down.

use anyhow::{Context, bail};
use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// A value that must not appear in logs or `Debug` output.
#[derive(Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("<redacted>")
    }
}

/// Every setting. Field names are the TOML keys; the environment variable
/// is `CAIRN_` + the name in capitals (e.g. `CAIRN_DATABASE_URL`).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    pub listen: String,
    pub public_url: Option<String>,
    pub data_dir: PathBuf,
    pub database_url: Option<Secret>,
    pub database_max_connections: u32,
    pub uploads_dir: Option<PathBuf>,
    pub secret_key: Option<Secret>,
    pub smtp_url: Option<Secret>,
    pub mail_from: String,
    pub outbox_dir: Option<PathBuf>,
    pub session_days: i64,
    pub signups_open: bool,
    pub open_organization_creation: bool,
    pub did_web: bool,
    pub trust_proxy_headers: bool,
    pub max_body_bytes: usize,
    pub log_format: String,
    pub log_level: String,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            listen: "127.0.0.1:8080".into(),
            public_url: None,
            data_dir: PathBuf::from("./cairn-data"),
            database_url: None,
            database_max_connections: 10,
            uploads_dir: None,
            secret_key: None,
            smtp_url: None,
            mail_from: "Cairn <cairn@localhost>".into(),
            outbox_dir: None,
            session_days: 30,
            signups_open: true,
            open_organization_creation: false,
            did_web: false,
            trust_proxy_headers: false,
            max_body_bytes: 2 * 1024 * 1024,
            log_format: "pretty".into(),
            log_level: "info".into(),
        }
    }
}

/// What each setting means, in the order `config example` prints them.
const DOCS: &[(&str, &str)] = &[
    ("listen", "Address and port the web server listens on."),
    (
        "public_url",
        "The address people use to reach Cairn; links in emails start with it. Default: http://<listen>.",
    ),
    (
        "data_dir",
        "Folder for the SQLite database, uploads, the outbox and the generated secret key.",
    ),
    (
        "database_url",
        "sqlite://path/to/file.db or postgres://user:password@host/db. Default: SQLite in <data_dir>/cairn.db.",
    ),
    (
        "database_max_connections",
        "Largest number of database connections.",
    ),
    (
        "uploads_dir",
        "Folder for uploaded files. Default: <data_dir>/uploads.",
    ),
    (
        "secret_key",
        "Key (at least 32 characters) that signs CSRF tokens and messages. Default: generated once into <data_dir>/secret.key.",
    ),
    (
        "smtp_url",
        "SMTP server, e.g. smtps://user:password@smtp.example.org:465. Unset: emails are written to the outbox folder.",
    ),
    ("mail_from", "Sender of Cairn's emails."),
    (
        "outbox_dir",
        "Where emails go as .eml files when no SMTP server is set. Default: <data_dir>/outbox.",
    ),
    ("session_days", "Days a login lasts without activity."),
    (
        "signups_open",
        "Whether anyone may create an account (otherwise by invitation only).",
    ),
    (
        "open_organization_creation",
        "Whether every verified account may create organizations (otherwise only accounts a platform administrator approves).",
    ),
    (
        "did_web",
        "Name each organization in the badges it issues from now on by did:web (did:web:<host>:issuers:<id>, its DID document at <public_url>/issuers/<id>/did.json) instead of by its issuer URL. Needs an https:// public_url; keep it on once badges are issued with it.",
    ),
    (
        "trust_proxy_headers",
        "Take the client's IP address from X-Forwarded-For (only behind a reverse proxy you run).",
    ),
    (
        "max_body_bytes",
        "Largest request body accepted outside upload routes, in bytes.",
    ),
    (
        "log_format",
        "pretty (for people) or json (for log collectors).",
    ),
    (
        "log_level",
        "error, warn, info, debug or trace; or a tracing filter such as cairn=debug,info.",
    ),
];

/// The example configuration: every setting, its meaning and its default.
pub fn example() -> String {
    let defaults = toml::Table::try_from(Config::default()).unwrap_or_default();
    let mut out = String::from(
        "# Cairn configuration. Put it in ./cairn.toml (or pass --config FILE).\n# Every setting can also be set by an environment variable: CAIRN_<NAME>,\n# e.g. CAIRN_DATABASE_URL=postgres://cairn@localhost/cairn.\n",
    );
    for (key, doc) in DOCS {
        out.push_str(&format!("\n# {doc}\n"));
        match defaults.get(*key) {
            Some(value) => out.push_str(&format!("{key} = {value}\n")),
            None => out.push_str(&format!("# {key} =\n")),
        }
    }
    out
}

impl Config {
    /// Loads defaults, then the file, then the environment, and validates.
    pub fn load(path: Option<&Path>) -> anyhow::Result<Self> {
        let mut figment = Figment::from(Serialized::defaults(Config::default()));
        match path {
            Some(p) => {
                if !p.exists() {
                    bail!("the configuration file {} does not exist", p.display());
                }
                figment = figment.merge(Toml::file(p));
            }
            None => figment = figment.merge(Toml::file("cairn.toml")),
        }
        let config: Config = figment
            .merge(Env::prefixed("CAIRN_").ignore(&["config", "test_postgres_url"]))
            .extract()
            .context("the configuration is not valid")?;
        config.validate()?;
        Ok(config)
    }

    fn validate(&self) -> anyhow::Result<()> {
        self.listen
            .parse::<std::net::SocketAddr>()
            .with_context(|| {
                format!(
                    "listen = {:?} is not an address like 127.0.0.1:8080",
                    self.listen
                )
            })?;
        let url = url::Url::parse(&self.public_url())
            .with_context(|| "public_url is not a URL".to_owned())?;
        if !matches!(url.scheme(), "http" | "https") {
            bail!("public_url must start with http:// or https://");
        }
        if self.did_web && url.scheme() != "https" {
            bail!(
                "did_web needs an https:// public_url (a did:web is resolved over HTTPS); public_url is {url}"
            );
        }
        if self.session_days < 1 {
            bail!("session_days must be at least 1");
        }
        if self.max_body_bytes < 1024 {
            bail!("max_body_bytes must be at least 1024");
        }
        if !matches!(self.log_format.as_str(), "pretty" | "json") {
            bail!("log_format must be pretty or json");
        }
        if self
            .secret_key
            .as_ref()
            .is_some_and(|k| k.expose().len() < 32)
        {
            bail!("secret_key must be at least 32 characters long");
        }
        Ok(())
    }

    pub fn public_url(&self) -> String {
        self.public_url
            .clone()
            .unwrap_or_else(|| format!("http://{}", self.listen))
    }

    pub fn database_url(&self) -> String {
        match &self.database_url {
            Some(url) => url.expose().to_owned(),
            None => format!(
                "sqlite://{}?mode=rwc",
                self.data_dir.join("cairn.db").display()
            ),
        }
    }

    pub fn uploads_dir(&self) -> PathBuf {
        self.uploads_dir
            .clone()
            .unwrap_or_else(|| self.data_dir.join("uploads"))
    }

    pub fn outbox_dir(&self) -> PathBuf {
        self.outbox_dir
            .clone()
            .unwrap_or_else(|| self.data_dir.join("outbox"))
    }

    /// The configured secret key, or the one generated into the data
    /// folder on first start.
    pub fn secret_key(&self) -> anyhow::Result<Vec<u8>> {
        if let Some(key) = &self.secret_key {
            return Ok(key.expose().as_bytes().to_vec());
        }
        let path = self.data_dir.join("secret.key");
        if let Ok(existing) = std::fs::read_to_string(&path) {
            let key = existing.trim();
            if key.len() >= 32 {
                return Ok(key.as_bytes().to_vec());
            }
        }
        std::fs::create_dir_all(&self.data_dir)
            .with_context(|| format!("creating {}", self.data_dir.display()))?;
        let mut bytes = [0u8; 32];
        rand::RngCore::fill_bytes(&mut rand::rng(), &mut bytes);
        let key = hex::encode(bytes);
        write_private(&path, &key).with_context(|| format!("writing {}", path.display()))?;
        Ok(key.into_bytes())
    }

    /// The configuration in effect, with secrets hidden.
    pub fn show(&self) -> String {
        let mut shown = self.clone();
        for secret in [
            &mut shown.database_url,
            &mut shown.secret_key,
            &mut shown.smtp_url,
        ] {
            if secret.is_some() {
                *secret = Some(Secret("<hidden>".into()));
            }
        }
        toml::to_string(&shown).unwrap_or_default()
    }
}

#[cfg(unix)]
fn write_private(path: &Path, contents: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)?;
    file.write_all(contents.as_bytes())
}

#[cfg(not(unix))]
fn write_private(path: &Path, contents: &str) -> std::io::Result<()> {
    std::fs::write(path, contents)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_example_documents_every_setting_with_its_default() {
        let example = example();
        let fields = toml::Table::try_from(Config {
            public_url: Some(String::new()),
            database_url: Some(Secret(String::new())),
            uploads_dir: Some(PathBuf::new()),
            secret_key: Some(Secret(String::new())),
            smtp_url: Some(Secret(String::new())),
            outbox_dir: Some(PathBuf::new()),
            ..Config::default()
        })
        .expect("serializable");
        for key in fields.keys() {
            assert!(DOCS.iter().any(|(k, _)| k == key), "{key} is documented");
            assert!(
                example.contains(&format!("{key} =")),
                "{key} is in the example"
            );
        }
        assert_eq!(fields.len(), DOCS.len());
        assert!(example.contains("listen = \"127.0.0.1:8080\""));
        assert!(example.contains("session_days = 30"));
    }

    #[test]
    fn the_example_is_a_valid_configuration() {
        let config: Config = Figment::from(Toml::string(&example()))
            .extract()
            .expect("the example parses");
        config.validate().expect("the example is valid");
        assert_eq!(config.listen, "127.0.0.1:8080");
    }

    #[test]
    fn secrets_never_show() {
        let config = Config {
            smtp_url: Some(Secret("smtps://u:hunter2@x".into())),
            ..Config::default()
        };
        assert!(!format!("{config:?}").contains("hunter2"));
        assert!(!config.show().contains("hunter2"));
    }

    #[test]
    fn bad_settings_are_named() {
        let bad = Config {
            listen: "nope".into(),
            ..Config::default()
        };
        assert!(
            bad.validate()
                .expect_err("invalid")
                .to_string()
                .contains("listen")
        );
        let bad = Config {
            log_format: "xml".into(),
            ..Config::default()
        };
        assert!(
            bad.validate()
                .expect_err("invalid")
                .to_string()
                .contains("log_format")
        );
        let plain_http = Config {
            did_web: true,
            ..Config::default()
        };
        let error = plain_http.validate().expect_err("did:web over http");
        assert!(
            error
                .to_string()
                .contains("did_web needs an https:// public_url"),
            "{error}"
        );
        let https = Config {
            did_web: true,
            public_url: Some("https://badges.example.org".into()),
            ..Config::default()
        };
        https.validate().expect("did:web with an https public_url");
    }

    #[test]
    fn a_secret_key_is_generated_once_and_kept() {
        let dir = tempfile::tempdir().expect("temp dir");
        let config = Config {
            data_dir: dir.path().to_path_buf(),
            ..Config::default()
        };
        let first = config.secret_key().expect("generated");
        assert_eq!(first.len(), 64);
        assert_eq!(config.secret_key().expect("read back"), first);
    }
}
