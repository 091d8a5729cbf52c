//! Exporting a backpack: one ZIP archive with each award's signed
//! credential and baked images, the originals of imported badges, a
//! README, and a CLR 2.0 transcript of the person's Cairn awards signed by
//! the platform.
//!
//! The platform's transcript key is derived from the configured key secret
//! under its own label, so it needs no storage and is the same on every
//! server sharing the configuration; its issuer Profile and Multikey
//! document are published at permanent URLs (`/issuers/platform` and
//! `/issuers/platform/keys/1`).

use crate::accounts::Principal;
use crate::{App, AppError, AppResult};
use cairn_credentials::clr::{Association, AssociationType, ClrCredential};
use cairn_credentials::fast;
use cairn_credentials::keys::{self, SigningKey};
use cairn_credentials::ob3::{self, IdentityObject};
use cairn_credentials::proof::{self, ProofOptions};
use cairn_domain::AchievementId;
use cairn_store::Repos;
use cairn_store::awards::Award;
use cairn_store::backpack::ImportedBadge;
use chrono::{DateTime, Datelike, Timelike, Utc};
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::collections::{BTreeSet, HashSet};
use std::fmt::Write as _;
use std::io::Write as _;

/// What the platform's transcript key is derived under:
/// `SHA-256(label ‖ key secret)` is its Ed25519 seed.
pub const TRANSCRIPT_KEY_LABEL: &str = "cairn platform transcript key v1";

/// A finished export.
#[derive(Clone, Debug)]
pub struct Export {
    /// `cairn-backpack-YYYY-MM-DD.zip`.
    pub file_name: String,
    pub bytes: Vec<u8>,
}

/// One award with what the archive and transcript need about it.
struct AwardFiles {
    award: Award,
    title: String,
    slug: String,
    organization: String,
}

impl App {
    /// The permanent URL of the platform as the issuer of transcripts.
    pub fn platform_issuer_url(&self) -> String {
        self.url("/issuers/platform")
    }

    /// The permanent URL of the platform's transcript key.
    pub fn platform_key_url(&self) -> String {
        self.url("/issuers/platform/keys/1")
    }

    fn platform_key(&self) -> SigningKey {
        let mut hasher = Sha256::new();
        hasher.update(TRANSCRIPT_KEY_LABEL.as_bytes());
        hasher.update(self.settings().key_secret.as_bytes());
        let mut seed: [u8; 32] = hasher.finalize().into();
        let key = SigningKey::from_seed(&seed);
        seed.fill(0);
        key
    }

    fn platform_profile(&self) -> ob3::Profile {
        let host = self
            .settings()
            .public_url
            .host_str()
            .unwrap_or("this server")
            .to_owned();
        let mut profile = ob3::Profile::new(self.platform_issuer_url(), format!("Cairn ({host})"));
        profile.url = Some(self.url("/"));
        profile.description = Some(
            "The Cairn server that signs transcripts (CLR 2.0) of the badges its organizations issued."
                .into(),
        );
        profile
    }

    /// The platform's issuer Profile, listing its transcript key.
    pub fn platform_issuer_document(&self) -> AppResult<Value> {
        let mut doc = serde_json::to_value(self.platform_profile())
            .map_err(|e| AppError::Internal(e.into()))?;
        keys::set_profile_keys(&mut doc, &[&self.platform_key_url()])
            .map_err(|e| AppError::Internal(anyhow::anyhow!("platform profile: {e}")))?;
        Ok(doc)
    }

    /// The Multikey document of the platform's transcript key.
    pub fn platform_key_document(&self) -> Value {
        keys::multikey_document(
            &self.platform_key_url(),
            &self.platform_issuer_url(),
            &self.platform_key().public_key_multibase(),
            None,
        )
    }

    /// The person's awards that stand (revoked ones left out), newest
    /// first, with their titles.
    async fn award_files(&self, principal: &Principal) -> AppResult<Vec<AwardFiles>> {
        let store = self.store();
        let mut out = Vec::new();
        for award in store.awards().of_user(principal.user.id).await? {
            let achievement = store.achievements().get(award.achievement_id).await?;
            let version = store.achievements().version(award.version_id).await?;
            let organization = store
                .organizations()
                .get(award.organization_id)
                .await?
                .map(|o| o.name)
                .unwrap_or_default();
            out.push(AwardFiles {
                title: version
                    .map(|v| v.fields.title)
                    .or_else(|| achievement.as_ref().map(|a| a.title.clone()))
                    .unwrap_or_default(),
                slug: achievement.map(|a| a.slug).unwrap_or_default(),
                organization,
                award,
            });
        }
        Ok(out)
    }

    /// A CLR 2.0 transcript of the person's Cairn awards that stand (each
    /// signed credential nested whole), with the micro-credentials they are
    /// about and the stacks those belong to, signed by the platform.
    pub async fn transcript(&self, principal: &Principal) -> AppResult<Value> {
        let awards: Vec<AwardFiles> = self
            .award_files(principal)
            .await?
            .into_iter()
            .filter(|a| a.award.revoked_at.is_none())
            .collect();
        self.signed_transcript(principal, &awards).await
    }

    async fn signed_transcript(
        &self,
        principal: &Principal,
        awards: &[AwardFiles],
    ) -> AppResult<Value> {
        let store = self.store();
        let mut credentials = Vec::new();
        let mut achievements = Vec::new();
        let mut earned = HashSet::new();
        for a in awards {
            let credential: Value = serde_json::from_str(&a.award.credential)
                .map_err(|e| AppError::Internal(anyhow::anyhow!("award {}: {e}", a.award.id)))?;
            credentials.push(credential);
            if earned.insert(a.award.achievement_id) {
                achievements.push(self.clr_achievement(a.award.achievement_id).await?);
            }
        }
        // Stacks: each earned step is part of the stack's capstone.
        let mut associations = Vec::new();
        let mut related: BTreeSet<AchievementId> = BTreeSet::new();
        let mut seen_stacks = HashSet::new();
        for id in &earned {
            for stack in store.stacks().containing(*id).await? {
                if !stack.published || !seen_stacks.insert(stack.id) {
                    continue;
                }
                let Some(capstone) = stack.capstone_id else {
                    continue;
                };
                for step in stack.steps.iter().filter(|s| earned.contains(s)) {
                    associations.push(Association::new(
                        AssociationType::IsPartOf,
                        self.achievement_url(*step),
                        self.achievement_url(capstone),
                    ));
                }
                if !earned.contains(&capstone) {
                    related.insert(capstone);
                }
            }
        }
        for id in related {
            achievements.push(self.clr_achievement(id).await?);
        }
        let email = principal
            .primary_email
            .as_ref()
            .map(|e| e.email.clone())
            .unwrap_or_default();
        let now = self.now();
        let clr = ClrCredential {
            id: format!("urn:uuid:{}", uuid::Uuid::new_v4()),
            issuer: self.platform_profile(),
            valid_from: now,
            name: format!("Transcript of {}", principal.user.display_name),
            description: Some(format!(
                "The micro-credentials {} earned through Cairn, each with its issuer's signed credential.",
                principal.user.display_name
            )),
            subject_id: None,
            identifier: if email.is_empty() {
                Vec::new()
            } else {
                vec![IdentityObject::hashed_email(
                    &email,
                    &cairn_credentials::ob2::random_salt(),
                )]
            },
            credentials,
            achievements,
            associations,
            partial: false,
        };
        let unsigned = clr.to_json();
        let key = self.platform_key();
        let method = self.platform_key_url();
        tokio::task::spawn_blocking(move || {
            proof::sign(
                &unsigned,
                &key,
                &ProofOptions::assertion(method, now),
                &fast::Auto,
            )
        })
        .await
        .map_err(|e| AppError::Internal(e.into()))?
        .map_err(|e| AppError::Internal(anyhow::anyhow!("signing the transcript: {e}")))
    }

    /// A micro-credential as the transcript's catalogue lists it (its
    /// current version).
    async fn clr_achievement(&self, id: AchievementId) -> AppResult<ob3::Achievement> {
        let store = self.store();
        let a = store
            .achievements()
            .get(id)
            .await?
            .ok_or_else(|| AppError::not_found("The micro-credential"))?;
        let version = store
            .achievements()
            .version(a.current_version_id)
            .await?
            .ok_or_else(|| AppError::not_found("The version"))?;
        let fields = version.fields;
        let description = if fields.summary.is_empty() {
            fields.competency.clone()
        } else {
            fields.summary.clone()
        };
        let mut out = ob3::Achievement::new(
            self.achievement_url(id),
            fields.title,
            description,
            fields.criteria,
        );
        out.achievement_type = Some("MicroCredential".into());
        if fields.credit_hundredths > 0 {
            out.credits_available = Some(f64::from(fields.credit_hundredths) / 100.0);
        }
        Ok(out)
    }

    /// Everything in the person's backpack as one ZIP archive.
    pub async fn export_backpack(&self, principal: &Principal) -> AppResult<Export> {
        let awards = self.award_files(principal).await?;
        let standing: Vec<AwardFiles> = awards
            .iter()
            .filter(|a| a.award.revoked_at.is_none())
            .map(|a| AwardFiles {
                award: a.award.clone(),
                title: a.title.clone(),
                slug: a.slug.clone(),
                organization: a.organization.clone(),
            })
            .collect();
        let transcript = self.signed_transcript(principal, &standing).await?;
        let imports = self
            .store()
            .backpack()
            .imports_of(principal.user.id)
            .await?;

        let mut files: Vec<(String, Vec<u8>)> = Vec::new();
        let mut readme = readme_head(&principal.user.display_name, self.now(), &awards, &imports);
        for a in &awards {
            let folder = format!("awards/{}", award_folder(a));
            files.push((
                format!("{folder}/credential.json"),
                a.award.credential.clone().into_bytes(),
            ));
            if let Some(key) = &a.award.png_key {
                files.push((format!("{folder}/badge.png"), self.blobs().get(key).await?));
            }
            if let Some(key) = &a.award.svg_key {
                files.push((format!("{folder}/badge.svg"), self.blobs().get(key).await?));
            }
            let _ = writeln!(
                readme,
                "  {folder}/\n    {} — {}, issued {}{}",
                a.title,
                a.organization,
                a.award.issued_at.format("%Y-%m-%d"),
                if a.award.revoked_at.is_some() {
                    " (revoked: not in the transcript)"
                } else {
                    ""
                }
            );
        }
        if !imports.is_empty() {
            readme.push_str("\nImported badges (imported/):\n");
        }
        for (n, b) in imports.iter().enumerate() {
            let folder = format!("imported/{:02}-{}", n + 1, file_safe(&b.achievement_name));
            files.push((
                format!("{folder}/credential.json"),
                b.credential.clone().into_bytes(),
            ));
            if let Some(key) = &b.original_key {
                files.push((
                    format!("{folder}/original.{}", b.format.as_str()),
                    self.blobs().get(key).await?,
                ));
            }
            let _ = writeln!(
                readme,
                "  {folder}/\n    {} — {}; {}{}",
                b.achievement_name,
                b.issuer_name,
                if b.verified {
                    "verified when imported"
                } else {
                    "NOT verified when imported"
                },
                b.source_url
                    .as_deref()
                    .map(|u| format!("; imported from {u}"))
                    .unwrap_or_default()
            );
        }
        readme.push_str(README_TAIL);
        files.push(("README.txt".into(), readme.into_bytes()));
        files.push((
            "transcript.json".into(),
            serde_json::to_vec_pretty(&transcript).map_err(|e| AppError::Internal(e.into()))?,
        ));

        let now = self.now();
        let bytes = tokio::task::spawn_blocking(move || zip_files(&files, now))
            .await
            .map_err(|e| AppError::Internal(e.into()))?
            .map_err(|e| AppError::Internal(anyhow::anyhow!("writing the archive: {e}")))?;
        Ok(Export {
            file_name: format!("cairn-backpack-{}.zip", now.format("%Y-%m-%d")),
            bytes,
        })
    }
}

/// `awards/{slug}-{first part of the id}`: readable and unique.
fn award_folder(a: &AwardFiles) -> String {
    let id = a.award.id.to_string();
    let short = id.rsplit('-').next().unwrap_or(&id);
    if a.slug.is_empty() {
        short.to_owned()
    } else {
        format!("{}-{short}", a.slug)
    }
}

/// A name made safe for a folder: lower-case letters, digits and hyphens.
fn file_safe(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
        if out.len() >= 40 {
            break;
        }
    }
    let out = out.trim_end_matches('-').to_owned();
    if out.is_empty() {
        "badge".to_owned()
    } else {
        out
    }
}

fn readme_head(
    name: &str,
    at: DateTime<Utc>,
    awards: &[AwardFiles],
    imports: &[ImportedBadge],
) -> String {
    format!(
        "Your Cairn backpack\n\
         ===================\n\n\
         Exported for {name} on {} (UTC): {} badge(s) from Cairn and {} imported badge(s).\n\n\
         What the files are\n\
         ------------------\n\n\
         awards/<badge>/credential.json\n  \
           The signed Open Badges 3.0 credential, exactly as it was issued. Any Open\n  \
           Badges 3.0 verifier checks it; keep it as it is (one changed character breaks\n  \
           the signature).\n\
         awards/<badge>/badge.png, badge.svg\n  \
           The badge image with the same credential baked in. Upload either to a\n  \
           backpack, a wallet or a verifier instead of the JSON.\n\
         imported/<badge>/credential.json, original.*\n  \
           Badges you imported from elsewhere: the credential Cairn read and the file\n  \
           (or address) you gave, unchanged.\n\
         transcript.json\n  \
           A Comprehensive Learner Record (1EdTech CLR 2.0) of your Cairn badges that\n  \
           were not revoked, each nested with its own signature, signed by this Cairn\n  \
           server (its key is published at the issuer address inside). Send it where a\n  \
           transcript is asked for: licence renewal, graduate credit.\n\n\
         Your badges ({})\n\
         ---------------\n\n",
        at.format("%Y-%m-%d %H:%M"),
        awards.len(),
        imports.len(),
        awards.len()
    )
}

const README_TAIL: &str = "\nPrivacy\n-------\n\n\
    This archive holds every badge in your backpack, private ones included, and\n\
    the transcript lists every badge that stands. Share the files you choose.\n";

/// Writes `files` into a ZIP archive (deflate), dated `at`.
fn zip_files(files: &[(String, Vec<u8>)], at: DateTime<Utc>) -> zip::result::ZipResult<Vec<u8>> {
    let mut archive = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let stamp = zip::DateTime::from_date_and_time(
        u16::try_from(at.year()).unwrap_or(1980),
        u8::try_from(at.month()).unwrap_or(1),
        u8::try_from(at.day()).unwrap_or(1),
        u8::try_from(at.hour()).unwrap_or(0),
        u8::try_from(at.minute()).unwrap_or(0),
        u8::try_from(at.second()).unwrap_or(0),
    )
    .unwrap_or_default();
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(stamp)
        .unix_permissions(0o644);
    for (name, bytes) in files {
        archive.start_file(name.as_str(), options)?;
        archive.write_all(bytes)?;
    }
    Ok(archive.finish()?.into_inner())
}

#[cfg(test)]
mod tests {
    use super::file_safe;

    #[test]
    fn folder_names_are_plain() {
        assert_eq!(
            file_safe("Data Literacy: Level 2!"),
            "data-literacy-level-2"
        );
        assert_eq!(file_safe("¿?"), "badge");
        assert!(file_safe(&"word ".repeat(30)).len() <= 40);
    }
}
