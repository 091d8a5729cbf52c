//! Rate limits on login attempts and on emails sent on request.

use crate::secrets::limit_key;
use crate::{App, AppError, AppResult};
use cairn_store::Repos;
use chrono::Duration;

/// A limit: at most `max` events per `window` for one key.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Limit {
    pub bucket: &'static str,
    pub max: u64,
    pub window_minutes: i64,
}

/// Failed logins for one email address.
pub(crate) const LOGIN_PER_EMAIL: Limit = Limit {
    bucket: "login_email",
    max: 5,
    window_minutes: 15,
};
/// Failed logins from one IP address.
pub(crate) const LOGIN_PER_IP: Limit = Limit {
    bucket: "login_ip",
    max: 30,
    window_minutes: 15,
};
/// Emails sent to one address on request (links, resets).
pub(crate) const EMAILS_PER_ADDRESS: Limit = Limit {
    bucket: "email_sent",
    max: 5,
    window_minutes: 60,
};
/// Sign-ups from one IP address.
pub(crate) const SIGNUPS_PER_IP: Limit = Limit {
    bucket: "signup_ip",
    max: 10,
    window_minutes: 60,
};

impl App {
    /// Whether `key` is over the limit.
    pub(crate) async fn over_limit(&self, limit: Limit, key: &str) -> AppResult<bool> {
        let since = self.now() - Duration::minutes(limit.window_minutes);
        let count = self
            .store()
            .rate_limits()
            .count_since(limit.bucket, &limit_key(key), since)
            .await?;
        Ok(count >= limit.max)
    }

    /// Refuses with `RateLimited` when `key` is over the limit.
    pub(crate) async fn check_limit(&self, limit: Limit, key: &str) -> AppResult<()> {
        if self.over_limit(limit, key).await? {
            Err(AppError::RateLimited {
                retry_after_secs: u64::try_from(limit.window_minutes * 60).unwrap_or(900),
            })
        } else {
            Ok(())
        }
    }

    /// Counts one event.
    pub(crate) async fn hit_limit(&self, limit: Limit, key: &str) -> AppResult<()> {
        self.store()
            .rate_limits()
            .hit(App::new_id(), limit.bucket, &limit_key(key), self.now())
            .await?;
        Ok(())
    }

    /// Forgets the events of `key`.
    pub(crate) async fn clear_limit(&self, limit: Limit, key: &str) -> AppResult<()> {
        self.store()
            .rate_limits()
            .clear(limit.bucket, &limit_key(key))
            .await?;
        Ok(())
    }
}
