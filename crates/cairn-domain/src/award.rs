//! Awards: an issued credential's privacy, where it came from, and its
//! standing at a moment (valid, expired or revoked).

use chrono::{DateTime, Utc};

/// Who may open an award's public page.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum AwardVisibility {
    /// Anyone, and listed on the earner's public profile.
    #[default]
    Public,
    /// Anyone with the link; never listed.
    Unlisted,
    /// Only the earner (and the issuing organization's administrators).
    Private,
}

impl AwardVisibility {
    pub const ALL: [AwardVisibility; 3] = [
        AwardVisibility::Public,
        AwardVisibility::Unlisted,
        AwardVisibility::Private,
    ];
    pub const fn as_str(self) -> &'static str {
        match self {
            AwardVisibility::Public => "public",
            AwardVisibility::Unlisted => "unlisted",
            AwardVisibility::Private => "private",
        }
    }
    pub const fn label(self) -> &'static str {
        match self {
            AwardVisibility::Public => "Public: on your profile and to anyone with the link",
            AwardVisibility::Unlisted => "Unlisted: only to people you give the link",
            AwardVisibility::Private => "Private: only you",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.as_str() == s)
    }
    /// Whether someone other than the earner may open the page.
    pub const fn open_to_others(self) -> bool {
        !matches!(self, AwardVisibility::Private)
    }
}

/// How an award came to be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AwardSource {
    /// A final "meets" decision on reviewed evidence.
    Review,
    /// An administrator's bulk award from a file.
    Bulk,
    /// A renewal of an earlier award under the current version.
    Renewal,
}

impl AwardSource {
    pub const fn as_str(self) -> &'static str {
        match self {
            AwardSource::Review => "review",
            AwardSource::Bulk => "bulk",
            AwardSource::Renewal => "renewal",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        [AwardSource::Review, AwardSource::Bulk, AwardSource::Renewal]
            .into_iter()
            .find(|v| v.as_str() == s)
    }
}

/// An award's standing at a moment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Standing {
    Valid,
    Expired { on: DateTime<Utc> },
    Revoked { reason: String },
}

impl Standing {
    /// Revocation wins over expiry: a revoked badge says so even once it
    /// would have expired.
    pub fn of(
        expires_at: Option<DateTime<Utc>>,
        revoked: Option<&str>,
        now: DateTime<Utc>,
    ) -> Standing {
        if let Some(reason) = revoked {
            return Standing::Revoked {
                reason: reason.to_owned(),
            };
        }
        match expires_at {
            Some(on) if on <= now => Standing::Expired { on },
            _ => Standing::Valid,
        }
    }
    pub const fn label(&self) -> &'static str {
        match self {
            Standing::Valid => "Valid",
            Standing::Expired { .. } => "Expired",
            Standing::Revoked { .. } => "Revoked",
        }
    }
}

/// Checks a revocation reason as an administrator typed it.
pub fn revocation_reason(text: &str) -> Result<String, &'static str> {
    let text = text.trim();
    if text.is_empty() {
        return Err(
            "Say why the badge is revoked; the earner and anyone verifying it see the reason.",
        );
    }
    if text.chars().count() > 500 {
        return Err("Keep the reason under 500 characters.");
    }
    Ok(text.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    #[test]
    fn revocation_outranks_expiry_and_expiry_starts_at_the_instant() {
        let now = Utc::now();
        assert_eq!(Standing::of(None, None, now), Standing::Valid);
        assert_eq!(
            Standing::of(Some(now), None, now),
            Standing::Expired { on: now }
        );
        assert_eq!(
            Standing::of(Some(now + Duration::seconds(1)), None, now),
            Standing::Valid
        );
        assert_eq!(
            Standing::of(Some(now - Duration::days(1)), Some("Issued in error"), now),
            Standing::Revoked {
                reason: "Issued in error".into()
            }
        );
    }

    #[test]
    fn visibility_and_source_round_trip_and_reasons_are_required() {
        for v in AwardVisibility::ALL {
            assert_eq!(AwardVisibility::parse(v.as_str()), Some(v));
        }
        assert!(!AwardVisibility::Private.open_to_others());
        assert!(AwardVisibility::Unlisted.open_to_others());
        assert_eq!(AwardSource::parse("bulk"), Some(AwardSource::Bulk));
        assert!(revocation_reason("   ").is_err());
        assert!(revocation_reason(&"x".repeat(501)).is_err());
        assert_eq!(
            revocation_reason(" Issued in error ").as_deref(),
            Ok("Issued in error")
        );
    }
}
