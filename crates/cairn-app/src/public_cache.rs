//! A short-lived memory of what anonymous visitors were answered about a
//! badge (its page, its credential), so a badge shared widely is rendered
//! about once a minute rather than on every click.
//!
//! Entries are keyed by the award and a label of the representation the
//! web layer chooses. They live at most [`PublicCache::TTL`], the memory
//! holds at most [`PublicCache::CAPACITY_BYTES`] (least useful entries go
//! first), and every use case that changes what strangers see of an award
//! (privacy, revocation, renewal, a new owner) forgets its entries at
//! once, so on one server a change shows on the next request. With several
//! servers on one database, another server's memory may show the old
//! answer for up to [`PublicCache::TTL`] (a minute, as long as verifiers
//! may keep a status list).

use bytes::Bytes;
use cairn_domain::AwardId;
use chrono::{DateTime, Utc};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// One remembered answer.
#[derive(Debug)]
pub struct CachedResponse {
    /// Its `Content-Type`.
    pub content_type: &'static str,
    pub body: Bytes,
    until: Instant,
    true_until: Option<DateTime<Utc>>,
}

type Key = (AwardId, &'static str);

#[derive(Clone, Debug)]
struct BodyWeight;

impl quick_cache::Weighter<Key, Arc<CachedResponse>> for BodyWeight {
    fn weight(&self, _key: &Key, value: &Arc<CachedResponse>) -> u64 {
        // The body and a little for the entry itself.
        value.body.len() as u64 + 256
    }
}

/// Answers remembered for anonymous visitors.
pub struct PublicCache {
    entries: quick_cache::sync::Cache<Key, Arc<CachedResponse>, BodyWeight>,
}

impl std::fmt::Debug for PublicCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PublicCache")
            .field("entries", &self.entries.len())
            .field("bytes", &self.entries.weight())
            .finish()
    }
}

impl Default for PublicCache {
    fn default() -> Self {
        Self::new()
    }
}

impl PublicCache {
    /// The longest an answer is remembered: as long as verifiers may keep
    /// a status list, so another server's page is never staler than the
    /// revocation status itself.
    pub const TTL: Duration = Duration::from_secs(60);
    /// The most memory the answers take.
    pub const CAPACITY_BYTES: u64 = 64 * 1024 * 1024;

    /// An empty memory.
    pub fn new() -> Self {
        Self {
            entries: quick_cache::sync::Cache::with_weighter(
                8_192,
                Self::CAPACITY_BYTES,
                BodyWeight,
            ),
        }
    }

    /// The answer remembered for `award` as `representation`, if it is
    /// fresh and still true at `now` (the application's time).
    pub fn get(
        &self,
        award: AwardId,
        representation: &'static str,
        now: DateTime<Utc>,
    ) -> Option<Arc<CachedResponse>> {
        let key = (award, representation);
        let found = self.entries.get(&key)?;
        if Instant::now() < found.until && found.true_until.is_none_or(|t| now < t) {
            Some(found)
        } else {
            self.entries.remove(&key);
            None
        }
    }

    /// Remembers an answer for at most [`PublicCache::TTL`], and not at or
    /// after `true_until` (when the badge expires, say) by the
    /// application's clock.
    pub fn put(
        &self,
        award: AwardId,
        representation: &'static str,
        content_type: &'static str,
        body: Bytes,
        true_until: Option<DateTime<Utc>>,
    ) {
        self.entries.insert(
            (award, representation),
            Arc::new(CachedResponse {
                content_type,
                body,
                until: Instant::now() + Self::TTL,
                true_until,
            }),
        );
    }

    /// Forgets every answer about `award`.
    pub fn forget(&self, award: AwardId) {
        // Representations are few and fixed by the web layer; removing by
        // prefix would need a scan, so the known labels are tried.
        for representation in REPRESENTATIONS {
            self.entries.remove(&(award, *representation));
        }
    }
}

/// The representations the web layer remembers: the badge page and the
/// credential in each media type it is negotiated as.
pub const REPRESENTATIONS: &[&str] = &[
    "page",
    "credential:application/ld+json",
    "credential:application/vc+ld+json",
    "credential:application/json",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_are_fresh_forgotten_on_change_and_never_outlive_their_truth() {
        let cache = PublicCache::new();
        let now = Utc::now();
        let award = AwardId(uuid::Uuid::new_v4());
        let other = AwardId(uuid::Uuid::new_v4());
        let page = |text: &'static str| Bytes::from_static(text.as_bytes());
        cache.put(award, "page", "text/html", page("<p>valid</p>"), None);
        cache.put(other, "page", "text/html", page("<p>other</p>"), None);
        let hit = cache.get(award, "page", now).expect("remembered");
        assert_eq!(&hit.body[..], b"<p>valid</p>");
        assert!(
            cache
                .get(award, "credential:application/ld+json", now)
                .is_none()
        );

        cache.forget(award);
        assert!(
            cache.get(award, "page", now).is_none(),
            "a change forgets it"
        );
        assert!(cache.get(other, "page", now).is_some(), "others stay");

        // A page saying "valid" is not served once the badge has expired.
        let expires = now + chrono::Duration::minutes(5);
        cache.put(
            award,
            "page",
            "text/html",
            page("<p>valid</p>"),
            Some(expires),
        );
        assert!(cache.get(award, "page", now).is_some());
        assert!(
            cache.get(award, "page", expires).is_none(),
            "not true any more at expiry"
        );
        assert!(
            cache.get(award, "page", now).is_none(),
            "and dropped when found untrue"
        );
    }
}
