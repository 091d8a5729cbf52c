//! Paying for micro-credentials: sponsorships (a school, district or grant
//! with seats, the micro-credentials it covers and an expiry), their codes,
//! and payments the organization records.

use crate::organization::parse_name;
use crate::{AchievementId, FieldErrors};
use chrono::{DateTime, NaiveDate, Utc};
use thiserror::Error;

/// The most seats one sponsorship may hold.
pub const MAX_SEATS: u32 = 100_000;

/// A sponsorship's terms, checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SponsorshipTerms {
    pub name: String,
    pub seats: u32,
    /// The end of the last day it can be used.
    pub expires_at: Option<DateTime<Utc>>,
    /// The micro-credentials it pays for; empty means all of the
    /// organization's.
    pub covers: Vec<AchievementId>,
}

impl SponsorshipTerms {
    /// Checks a sponsorship as an administrator typed it; `expires_on` is a
    /// date (`2027-06-30`) or empty for none.
    pub fn parse(
        name: &str,
        seats: &str,
        expires_on: &str,
        covers: Vec<AchievementId>,
        now: DateTime<Utc>,
    ) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let name = errors.check("name", parse_name(name, 200));
        let seats = match seats.trim().parse::<u32>() {
            Ok(n) if (1..=MAX_SEATS).contains(&n) => Some(n),
            _ => {
                errors.add(
                    "seats",
                    format!("Enter a number of seats from 1 to {MAX_SEATS}."),
                );
                None
            }
        };
        let expires_at = match expires_on.trim() {
            "" => None,
            text => match NaiveDate::parse_from_str(text, "%Y-%m-%d") {
                Ok(day) => {
                    let end = day
                        .and_hms_opt(23, 59, 59)
                        .map(|t| t.and_utc())
                        .unwrap_or(now);
                    if end < now {
                        errors.add("expires_on", "Choose a date that has not passed.");
                    }
                    Some(end)
                }
                Err(_) => {
                    errors.add("expires_on", "Enter a date like 2027-06-30.");
                    None
                }
            },
        };
        let mut unique = covers.clone();
        unique.sort();
        unique.dedup();
        match (name, seats) {
            (Some(name), Some(seats)) if errors.is_empty() => Ok(Self {
                name,
                seats,
                expires_at,
                covers: unique,
            }),
            _ => Err(errors),
        }
    }

    /// Whether a seat can pay for `achievement` now, with `used` seats taken.
    pub fn can_cover(
        &self,
        achievement: AchievementId,
        used: u32,
        now: DateTime<Utc>,
    ) -> Result<(), NotCovered> {
        if self.expires_at.is_some_and(|end| end < now) {
            return Err(NotCovered::Expired);
        }
        if !self.covers.is_empty() && !self.covers.contains(&achievement) {
            return Err(NotCovered::OtherMicroCredential);
        }
        if used >= self.seats {
            return Err(NotCovered::NoSeatsLeft);
        }
        Ok(())
    }
}

/// Why a sponsorship cannot pay.
#[derive(Clone, Copy, Debug, Error, PartialEq, Eq)]
pub enum NotCovered {
    #[error("This sponsorship has expired.")]
    Expired,
    #[error("This sponsorship does not cover this micro-credential.")]
    OtherMicroCredential,
    #[error("This sponsorship has no seats left.")]
    NoSeatsLeft,
    #[error("This code was already used.")]
    CodeUsed,
    #[error("This code is not valid. Check it and try again.")]
    UnknownCode,
}

/// The characters codes are made of: no 0/O, 1/I/L or U, so a code read
/// aloud or copied by hand survives.
pub const CODE_ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTVWXYZ";
/// Characters in a code (shown in groups of four).
pub const CODE_LENGTH: usize = 12;

/// A code from `CODE_LENGTH` random bytes, shown as `XXXX-XXXX-XXXX`.
pub fn code_from_bytes(bytes: &[u8; CODE_LENGTH]) -> String {
    let chars: Vec<char> = bytes
        .iter()
        .map(|b| char::from(CODE_ALPHABET[usize::from(*b) % CODE_ALPHABET.len()]))
        .collect();
    chars
        .chunks(4)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join("-")
}

/// A typed code in its stored form: upper case, without spaces or dashes;
/// `None` when it cannot be a code.
pub fn normalize_code(typed: &str) -> Option<String> {
    let code: String = typed
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .flat_map(char::to_uppercase)
        .collect();
    (code.len() == CODE_LENGTH && code.bytes().all(|b| CODE_ALPHABET.contains(&b))).then_some(code)
}

/// Where a recorded payment stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PaymentStatus {
    Pending,
    Paid,
    Failed,
    Refunded,
}

impl PaymentStatus {
    pub const ALL: [PaymentStatus; 4] = [
        PaymentStatus::Pending,
        PaymentStatus::Paid,
        PaymentStatus::Failed,
        PaymentStatus::Refunded,
    ];
    pub const fn as_str(self) -> &'static str {
        match self {
            PaymentStatus::Pending => "pending",
            PaymentStatus::Paid => "paid",
            PaymentStatus::Failed => "failed",
            PaymentStatus::Refunded => "refunded",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        PaymentStatus::ALL.into_iter().find(|p| p.as_str() == s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use uuid::Uuid;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 25, 12, 0, 0)
            .single()
            .expect("date")
    }

    #[test]
    fn terms_are_checked_and_seats_run_out() {
        let a = AchievementId(Uuid::from_u128(1));
        let b = AchievementId(Uuid::from_u128(2));
        let terms = SponsorshipTerms::parse("Title I grant", "2", "2027-06-30", vec![a, a], now())
            .expect("valid");
        assert_eq!(terms.covers, vec![a]);
        assert_eq!(terms.can_cover(a, 1, now()), Ok(()));
        assert_eq!(terms.can_cover(a, 2, now()), Err(NotCovered::NoSeatsLeft));
        assert_eq!(
            terms.can_cover(b, 0, now()),
            Err(NotCovered::OtherMicroCredential)
        );
        let later = Utc
            .with_ymd_and_hms(2027, 7, 1, 0, 0, 0)
            .single()
            .expect("date");
        assert_eq!(terms.can_cover(a, 0, later), Err(NotCovered::Expired));
        let errors = SponsorshipTerms::parse("", "0", "June", vec![], now()).expect_err("bad");
        for field in ["name", "seats", "expires_on"] {
            assert!(errors.for_field(field).is_some(), "{field}: {errors}");
        }
        let past =
            SponsorshipTerms::parse("Old", "1", "2020-01-01", vec![], now()).expect_err("past");
        assert!(past.for_field("expires_on").is_some());
    }

    #[test]
    fn codes_read_aloud_survive() {
        let code = code_from_bytes(&[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 250, 255]);
        assert_eq!(code.len(), 14);
        assert_eq!(
            normalize_code(&code.to_lowercase()).map(|c| c.len()),
            Some(12)
        );
        assert_eq!(
            normalize_code(" abcd efgh jkmn "),
            Some("ABCDEFGHJKMN".into())
        );
        assert_eq!(
            normalize_code("ABCD-EFGH-IJKL"),
            None,
            "I and L are never used"
        );
        assert_eq!(normalize_code("short"), None);
        for s in PaymentStatus::ALL {
            assert_eq!(PaymentStatus::parse(s.as_str()), Some(s));
        }
    }
}
