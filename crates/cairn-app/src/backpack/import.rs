//! Importing a badge earned elsewhere: a baked PNG or SVG, a credential's
//! JSON, a JWT, or the address of one. The badge is verified as it comes in
//! (by [`App::verify_credential`], which fetches what the credential names
//! within its limits) and kept with what verification found; anything that
//! is not a credential is refused with the reason.

use crate::accounts::Principal;
use crate::rate_limit::Limit;
use crate::verifier::VerifyInput;
use crate::{App, AppError, AppResult, RequestMeta};
use cairn_credentials::bake::{self, ImageFormat};
use cairn_credentials::verify::{Outcome, Report, issuer_id};
use cairn_domain::ImportedBadgeId;
use cairn_store::backpack::{ImportFormat, ImportedBadge, StoredCheck};
use cairn_store::{Repos, StoreError};
use chrono::{DateTime, Utc};
use serde_json::Value;
use sha2::{Digest, Sha256};

/// The largest file accepted: 5 MiB.
pub const IMPORT_MAX_BYTES: usize = 5 * 1024 * 1024;

/// Imports one person may make in an hour (each may fetch documents).
const IMPORTS_PER_USER: Limit = Limit {
    bucket: "import_user",
    max: 30,
    window_minutes: 60,
};

/// What a person hands over.
#[derive(Clone, Copy, Debug)]
pub enum ImportSource<'a> {
    /// An uploaded file, with the name it had.
    File {
        name: Option<&'a str>,
        bytes: &'a [u8],
    },
    /// The address of a credential or baked image.
    Url(&'a str),
}

/// What kind of file `bytes` is, or why it is no badge at all.
fn sniff(bytes: &[u8]) -> Result<ImportFormat, &'static str> {
    match bake::detect_format(bytes) {
        Some(ImageFormat::Png) => return Ok(ImportFormat::Png),
        Some(ImageFormat::Svg) => return Ok(ImportFormat::Svg),
        None => {}
    }
    let text = std::str::from_utf8(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes))
        .map_err(|_| NOT_A_BADGE)?
        .trim();
    if text.starts_with('{') {
        Ok(ImportFormat::Json)
    } else if is_compact_jws(text) {
        Ok(ImportFormat::Jwt)
    } else {
        Err(NOT_A_BADGE)
    }
}

const NOT_A_BADGE: &str = "This file is not a badge: upload a badge image with its credential baked in (PNG or SVG), a credential's JSON, or a JWT.";

fn is_compact_jws(text: &str) -> bool {
    let parts: Vec<&str> = text.split('.').collect();
    parts.len() == 3
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
}

/// The format of a credential fetched from an address, from what the
/// verifier found.
fn format_of(kind: &str) -> ImportFormat {
    if kind.contains("PNG") {
        ImportFormat::Png
    } else if kind.contains("SVG") {
        ImportFormat::Svg
    } else if kind.contains("JWT") || kind.contains("signed assertion") {
        ImportFormat::Jwt
    } else {
        ImportFormat::Json
    }
}

fn outcome_word(o: Outcome) -> &'static str {
    match o {
        Outcome::Passed => "passed",
        Outcome::Failed => "failed",
        Outcome::Skipped => "skipped",
    }
}

/// At most `max` characters.
fn clip(text: &str, max: usize) -> String {
    text.trim().chars().take(max).collect()
}

fn string_at<'a>(doc: &'a Value, pointer: &str) -> Option<&'a str> {
    doc.pointer(pointer)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

/// The achievement's (or badge class's) name, else the credential's.
fn achievement_name(credential: &Value) -> String {
    let name = string_at(credential, "/credentialSubject/achievement/name")
        .or_else(|| string_at(credential, "/badge/name"))
        .or_else(|| string_at(credential, "/name"))
        .unwrap_or("Untitled badge");
    clip(name, 200)
}

/// The issuer's name, else its id (a URL or DID).
fn issuer_name(credential: &Value) -> String {
    let name = string_at(credential, "/issuer/name")
        .or_else(|| string_at(credential, "/badge/issuer/name"))
        .or_else(|| issuer_id(credential))
        .or_else(|| string_at(credential, "/badge/issuer/id"))
        .or_else(|| string_at(credential, "/badge/issuer"))
        .unwrap_or("Unknown issuer");
    clip(name, 200)
}

/// When it was issued: `validFrom`, `issuanceDate`, `awardedDate`, or an
/// Open Badges 2.0 `issuedOn` (a date and time, or seconds since 1970).
fn issued_at(credential: &Value) -> Option<DateTime<Utc>> {
    for field in ["validFrom", "issuanceDate", "awardedDate", "issuedOn"] {
        match credential.get(field) {
            Some(Value::String(text)) => {
                if let Ok(t) = DateTime::parse_from_rfc3339(text.trim()) {
                    return Some(cairn_store::truncate_to_micros(t.with_timezone(&Utc)));
                }
            }
            Some(Value::Number(n)) => {
                if let Some(t) = n.as_i64().and_then(|s| DateTime::from_timestamp(s, 0)) {
                    return Some(t);
                }
            }
            _ => {}
        }
    }
    None
}

/// Whether a document is a credential: a Verifiable Credential, or an
/// Open Badges 2.0 assertion (a recipient and a badge). The library reads
/// any JWT's payload as a credential; this refuses one that is not.
fn is_credential(doc: &Value) -> bool {
    let vc = match doc.get("type") {
        Some(Value::String(t)) => t == "VerifiableCredential",
        Some(Value::Array(types)) => types
            .iter()
            .any(|t| t.as_str() == Some("VerifiableCredential")),
        _ => false,
    };
    vc || (doc.get("recipient").is_some() && doc.get("badge").is_some())
}

/// The reasons of the checks that failed, for a refusal.
fn failed_reasons(report: &Report) -> String {
    let reasons: Vec<&str> = report
        .checks
        .iter()
        .filter(|c| c.outcome == Outcome::Failed)
        .map(|c| c.reason.as_str())
        .collect();
    if reasons.is_empty() {
        "no credential was found in it".to_owned()
    } else {
        reasons.join("; ")
    }
}

impl App {
    /// Imports a badge earned elsewhere into the person's backpack: it is
    /// verified now and kept with the outcome of every check, verified or
    /// not. Anything that is not a credential is refused; so is a badge
    /// already in the backpack. A verified badge shows on the public
    /// profile when `show` is set; one that failed verification never does.
    pub async fn import_badge(
        &self,
        principal: &Principal,
        source: ImportSource<'_>,
        show: bool,
        meta: &RequestMeta,
    ) -> AppResult<ImportedBadge> {
        let user = principal.user.id;
        let key = user.to_string();
        self.check_limit(IMPORTS_PER_USER, &key).await?;
        let (field, input, original) = match source {
            ImportSource::File { name, bytes } => {
                if bytes.iter().all(u8::is_ascii_whitespace) {
                    return Err(AppError::invalid("file", "Choose a badge file."));
                }
                if bytes.len() > IMPORT_MAX_BYTES {
                    return Err(AppError::invalid(
                        "file",
                        "The file is larger than 5 MB; no badge is that large.",
                    ));
                }
                let format = sniff(bytes).map_err(|m| AppError::invalid("file", m))?;
                let name = name
                    .map(|n| clip(n.rsplit(['/', '\\']).next().unwrap_or(n), 200))
                    .filter(|n| !n.is_empty());
                (
                    "file",
                    VerifyInput::Bytes(bytes.to_vec()),
                    Some((format, name, bytes)),
                )
            }
            ImportSource::Url(url) => {
                let url = url.trim();
                let parsed = url::Url::parse(url)
                    .ok()
                    .filter(|u| matches!(u.scheme(), "https" | "http") && u.host_str().is_some());
                if parsed.is_none() {
                    return Err(AppError::invalid(
                        "url",
                        "Give the badge's web address, starting with https://.",
                    ));
                }
                ("url", VerifyInput::Url(url.to_owned()), None)
            }
        };
        self.hit_limit(IMPORTS_PER_USER, &key).await?;
        let report = self.verify_credential(input).await.map_err(|e| match e {
            AppError::Invalid(_) if field == "file" => AppError::invalid(field, NOT_A_BADGE),
            AppError::Invalid(_) => AppError::invalid(
                field,
                "Give the badge's web address, starting with https://.",
            ),
            other => other,
        })?;
        let read = report
            .check("format")
            .is_some_and(|c| c.outcome == Outcome::Passed);
        let credential = match &report.credential {
            Some(c) if read && is_credential(c) => c.clone(),
            Some(_) if read => {
                return Err(AppError::invalid(
                    field,
                    "This is not a badge Cairn can read: what it holds is not a credential.",
                ));
            }
            _ => {
                return Err(AppError::invalid(
                    field,
                    format!(
                        "This is not a badge Cairn can read: {}.",
                        failed_reasons(&report)
                    ),
                ));
            }
        };
        let text = serde_json::to_string(&credential).map_err(|e| AppError::Internal(e.into()))?;
        let fingerprint = hex::encode(Sha256::digest(text.as_bytes()));
        let verified = report.verified();
        let id = ImportedBadgeId(App::new_id());
        let (format, file_name, source_url, original_key) = match original {
            Some((format, name, bytes)) => {
                let key = format!("imports/{user}/{id}.{}", format.as_str());
                self.blobs().put(&key, bytes).await?;
                (format, name, None, Some(key))
            }
            None => (
                format_of(&report.kind),
                None,
                match source {
                    ImportSource::Url(url) => Some(clip(url, 2000)),
                    ImportSource::File { .. } => None,
                },
                None,
            ),
        };
        let badge = ImportedBadge {
            id,
            user_id: user,
            format,
            original_key: original_key.clone(),
            file_name,
            source_url,
            fingerprint,
            verified,
            kind: clip(&report.kind, 200),
            checks: report
                .checks
                .iter()
                .map(|c| StoredCheck {
                    id: c.id.to_owned(),
                    title: c.title.to_owned(),
                    outcome: outcome_word(c.outcome).to_owned(),
                    reason: clip(&c.reason, 2000),
                })
                .collect(),
            issuer_name: issuer_name(&credential),
            achievement_name: achievement_name(&credential),
            issued_at: issued_at(&credential),
            shown: show && verified,
            imported_at: self.now(),
            credential: text,
        };
        let saved = self.store_import(&badge, meta).await;
        if saved.is_err()
            && let Some(key) = &original_key
        {
            let _ = self.blobs().delete(key).await;
        }
        saved.map(|()| badge)
    }

    async fn store_import(&self, badge: &ImportedBadge, meta: &RequestMeta) -> AppResult<()> {
        let tx = self.store().begin().await?;
        tx.backpack()
            .insert_import(badge)
            .await
            .map_err(|e| match e {
                StoreError::Conflict { constraint }
                    if constraint == "ux_imported_badges_user_fingerprint" =>
                {
                    AppError::Conflict {
                        field: None,
                        message: "This badge is in your backpack already.".into(),
                    }
                }
                other => other.into(),
            })?;
        self.audit(
            &tx,
            meta,
            Some(badge.user_id),
            None,
            "import.added",
            serde_json::json!({
                "import": badge.id,
                "format": badge.format.as_str(),
                "verified": badge.verified,
                "url": badge.source_url,
            }),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn only_credentials_count() {
        assert!(is_credential(
            &json!({"type": ["VerifiableCredential", "OpenBadgeCredential"]})
        ));
        assert!(is_credential(&json!({"type": "VerifiableCredential"})));
        assert!(is_credential(
            &json!({"recipient": {}, "badge": "https://b.example"})
        ));
        assert!(!is_credential(&json!({"hello": "world"})));
        assert!(!is_credential(&json!({"type": ["OpenBadgeCredential"]})));
    }

    #[test]
    fn files_are_told_apart_by_content() {
        assert_eq!(sniff(b" {\"type\": []}"), Ok(ImportFormat::Json));
        assert_eq!(sniff(b"\xEF\xBB\xBF{}"), Ok(ImportFormat::Json));
        assert_eq!(
            sniff(b"eyJhbGciOiJFUzI1NiJ9.eyJ2YyI6e319.c2ln\n"),
            Ok(ImportFormat::Jwt)
        );
        assert_eq!(sniff(b"hello, world"), Err(NOT_A_BADGE));
        assert_eq!(sniff(b"\xff\xfe\x00"), Err(NOT_A_BADGE));
        assert_eq!(sniff(b"a.b"), Err(NOT_A_BADGE));
    }

    #[test]
    fn names_and_dates_come_from_either_version() {
        let ob3 = json!({
            "issuer": {"id": "did:key:z6Mk", "name": " Elsewhere University "},
            "validFrom": "2025-06-01T12:00:00Z",
            "name": "Credential",
            "credentialSubject": {"achievement": {"name": "Data Literacy"}}
        });
        assert_eq!(achievement_name(&ob3), "Data Literacy");
        assert_eq!(issuer_name(&ob3), "Elsewhere University");
        assert_eq!(
            issued_at(&ob3).map(|t| t.to_rfc3339()),
            Some("2025-06-01T12:00:00+00:00".to_owned())
        );
        let bare = json!({"issuer": "https://issuer.example", "issuanceDate": "nonsense"});
        assert_eq!(issuer_name(&bare), "https://issuer.example");
        assert_eq!(achievement_name(&bare), "Untitled badge");
        assert_eq!(issued_at(&bare), None);
        let ob2 = json!({
            "badge": {"name": "Mentor", "issuer": {"id": "https://o.example/i", "name": "Org"}},
            "issuedOn": 1_700_000_000
        });
        assert_eq!(
            (achievement_name(&ob2), issuer_name(&ob2)),
            ("Mentor".to_owned(), "Org".to_owned())
        );
        assert!(issued_at(&ob2).is_some());
    }
}
