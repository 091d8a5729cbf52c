//! Cairn's use cases. Each public function is one thing a person does:
//! it loads what it needs, asks the domain policy, applies the domain rule,
//! writes in one transaction and enqueues follow-up jobs. The web server and
//! the CLI both call these; nothing else writes.

pub mod accounts;
pub mod achievements;
pub mod admin;
pub mod api_tokens;
mod audit;
pub mod awards;
pub mod backpack;
pub mod bulk;
pub mod catalog;
pub mod clock;
pub mod coaching;
pub mod demo;
pub mod earning;
pub mod emails;
mod error;
pub mod images;
pub mod import;
pub mod issuing;
pub mod jobs;
pub mod library;
pub mod mail;
pub mod members;
pub mod organizations;
mod passwords;
pub mod payments;
pub mod public_cache;
mod rate_limit;
pub mod recovery;
pub mod reviewing;
mod secrets;
pub mod sponsorships;
pub mod verifier;

pub use cairn_credentials as credentials;
pub use cairn_domain as domain;
pub use cairn_store as store;
pub use error::{AppError, AppResult};

use cairn_store::Store;
use cairn_store::blobs::LocalBlobs;
use clock::Clock;
use std::sync::Arc;
use tokio::sync::Notify;
use url::Url;

/// Settings the use cases need (a part of the configuration).
#[derive(Clone, Debug)]
pub struct AppSettings {
    /// The address people reach Cairn at; links in emails start with it.
    pub public_url: Url,
    /// How long a session lasts without activity.
    pub session_days: i64,
    /// Whether anyone may sign up (otherwise only by invitation).
    pub signups_open: bool,
    /// Whether every verified account may create organizations (otherwise
    /// only accounts a platform administrator approved).
    pub open_organization_creation: bool,
    /// The secret issuer signing keys are sealed under (high-entropy; the
    /// key-encryption key is derived from it). Changing it makes sealed
    /// keys unreadable.
    pub key_secret: String,
    /// Whether credentials name their issuer by `did:web` (derived from the
    /// issuer URL, so `public_url` must be `https://`) rather than by the
    /// issuer URL. Credentials keep the identifier they were issued with.
    pub did_web: bool,
}

/// What is known about the request behind a use case, for audit and
/// rate limits.
#[derive(Clone, Debug, Default)]
pub struct RequestMeta {
    pub ip: Option<String>,
    pub user_agent: Option<String>,
}

/// The application: the store, the clock, the settings and the mailer.
#[derive(Clone)]
pub struct App {
    inner: Arc<Inner>,
}

struct Inner {
    store: Store,
    blobs: LocalBlobs,
    clock: Arc<dyn Clock>,
    settings: AppSettings,
    mailer: mail::Mailer,
    jobs_waiting: Notify,
    public_cache: public_cache::PublicCache,
}

impl std::fmt::Debug for App {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("App")
            .field("settings", &self.inner.settings)
            .finish_non_exhaustive()
    }
}

impl App {
    /// Wires an application.
    pub fn new(
        store: Store,
        blobs: LocalBlobs,
        clock: Arc<dyn Clock>,
        settings: AppSettings,
        mailer: mail::Mailer,
    ) -> Self {
        Self {
            inner: Arc::new(Inner {
                store,
                blobs,
                clock,
                settings,
                mailer,
                jobs_waiting: Notify::new(),
                public_cache: public_cache::PublicCache::new(),
            }),
        }
    }

    /// The store, for reads that need no permission (public pages, health).
    pub fn store(&self) -> &Store {
        &self.inner.store
    }

    /// What anonymous visitors were recently answered about badges; the
    /// use cases that change a badge forget its entries.
    pub fn public_cache(&self) -> &public_cache::PublicCache {
        &self.inner.public_cache
    }

    /// The settings.
    pub fn settings(&self) -> &AppSettings {
        &self.inner.settings
    }

    /// The current time, truncated to what every database stores.
    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        cairn_store::truncate_to_micros(self.inner.clock.now())
    }

    /// A new time-ordered identifier.
    pub(crate) fn new_id() -> uuid::Uuid {
        uuid::Uuid::now_v7()
    }

    /// An absolute URL for a path on this server.
    pub fn url(&self, path_and_query: &str) -> String {
        let base = self
            .inner
            .settings
            .public_url
            .as_str()
            .trim_end_matches('/');
        format!("{base}{path_and_query}")
    }

    pub fn blobs(&self) -> &LocalBlobs {
        &self.inner.blobs
    }

    /// Checks that the database answers and is migrated.
    pub async fn ready(&self) -> AppResult<()> {
        self.inner.store.ping().await?;
        let pending = self.inner.store.pending_migrations().await?;
        if pending > 0 {
            return Err(AppError::Unavailable(format!(
                "{pending} database migrations are pending"
            )));
        }
        Ok(())
    }
}
