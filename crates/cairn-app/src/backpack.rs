//! The earner's backpack: the badges a person holds (Cairn's awards and
//! the ones they imported), the privacy of each, their opt-in public
//! profile with their progress along stacks, importing badges earned
//! elsewhere (`import`), and exporting everything with a signed CLR 2.0
//! transcript (`export`).
//!
//! Everything here is the person's own: each use case reads and writes
//! only rows of the signed-in account, and answers "not found" for anyone
//! else's, so nobody learns what another person holds. The public profile
//! is the one exception, and shows only what its owner made public.

mod export;
mod import;

pub use export::{Export, TRANSCRIPT_KEY_LABEL};
pub use import::{IMPORT_MAX_BYTES, ImportSource};

use crate::accounts::Principal;
use crate::awards::HeldAward;
use crate::{App, AppError, AppResult, RequestMeta};
use cairn_domain::account::DisplayName;
use cairn_domain::achievement::ladder::{Stack, StepState};
use cairn_domain::award::{AwardVisibility, Standing};
use cairn_domain::{AchievementId, AwardId, FieldErrors, ImportedBadgeId, StackId, UserId};
use cairn_store::Repos;
use cairn_store::awards::Award;
use cairn_store::backpack::{ImportedBadge, Profile};
use chrono::{DateTime, Utc};
use std::collections::{BTreeMap, HashSet};

/// Handles no one may take: words that name pages, roles or the service.
const RESERVED_HANDLES: &[&str] = &[
    "about",
    "abuse",
    "account",
    "achievements",
    "admin",
    "administrator",
    "anonymous",
    "api",
    "backpack",
    "badges",
    "cairn",
    "catalog",
    "coaching",
    "edit",
    "email",
    "everyone",
    "export",
    "help",
    "hostmaster",
    "import",
    "issuers",
    "learning",
    "login",
    "logout",
    "mail",
    "me",
    "moderator",
    "new",
    "no-reply",
    "noreply",
    "notifications",
    "null",
    "official",
    "organizations",
    "orgs",
    "people",
    "platform",
    "postmaster",
    "private",
    "profile",
    "profiles",
    "public",
    "root",
    "security",
    "settings",
    "signup",
    "staff",
    "static",
    "status",
    "support",
    "system",
    "undefined",
    "unlisted",
    "verify",
    "webmaster",
    "www",
];

/// A public profile's handle, as `/people/{handle}` shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Handle(String);

impl Handle {
    /// Checks a handle as typed: trimmed and lower-cased, then 3 to 40
    /// lower-case letters, digits and hyphens, not starting or ending with
    /// a hyphen, and not a reserved word.
    pub fn parse(input: &str) -> Result<Self, &'static str> {
        let handle = input.trim().to_ascii_lowercase();
        if handle.is_empty() {
            return Err("Choose a handle for your profile's address.");
        }
        if !handle
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        {
            return Err("Use only lower-case letters (a–z), digits and hyphens.");
        }
        if handle.len() < 3 || handle.len() > 40 {
            return Err("A handle is 3 to 40 characters long.");
        }
        if handle.starts_with('-') || handle.ends_with('-') {
            return Err("A handle cannot start or end with a hyphen.");
        }
        if RESERVED_HANDLES.contains(&handle.as_str()) {
            return Err("This word is reserved; choose another handle.");
        }
        Ok(Self(handle))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// What a person typed into the profile form.
#[derive(Clone, Copy, Debug, Default)]
pub struct ProfileForm<'a> {
    pub handle: &'a str,
    pub display_name: &'a str,
    pub public: bool,
}

/// One micro-credential on a stack's path, for a learner.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Star {
    pub achievement_id: AchievementId,
    pub title: String,
    /// The micro-credential's page.
    pub href: String,
    pub state: StepState,
}

/// A stack a person has started: its steps in order, each earned, next or
/// ahead, and the capstone they lead to ("constellation").
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Constellation {
    pub stack_id: StackId,
    pub name: String,
    /// The stack's page.
    pub href: String,
    pub organization: String,
    pub steps: Vec<Star>,
    /// Earned, next once every step is earned, ahead before that.
    pub capstone: Option<Star>,
}

impl Constellation {
    /// How many steps are earned.
    pub fn earned(&self) -> usize {
        self.steps
            .iter()
            .filter(|s| s.state == StepState::Earned)
            .count()
    }
}

/// The signed-in person's backpack.
#[derive(Clone, Debug)]
pub struct BackpackView {
    /// Cairn's awards, newest first.
    pub awards: Vec<HeldAward>,
    /// Badges imported from elsewhere, newest first.
    pub imports: Vec<ImportedBadge>,
    /// The public profile settings, once saved.
    pub profile: Option<Profile>,
    /// Stacks started, counting every award that stands (private ones too:
    /// this is the owner's view).
    pub stacks: Vec<Constellation>,
    /// The name the profile form proposes when there is no profile yet.
    pub account_name: String,
}

/// A badge on a public profile.
#[derive(Clone, Debug)]
pub struct PublicBadge {
    pub award_id: AwardId,
    pub title: String,
    pub issued_at: DateTime<Utc>,
    pub standing: Standing,
}

/// An organization's badges on a public profile.
#[derive(Clone, Debug)]
pub struct IssuerGroup {
    pub name: String,
    pub slug: String,
    pub badges: Vec<PublicBadge>,
}

/// A public profile as anyone sees it.
#[derive(Clone, Debug)]
pub struct PublicProfile {
    pub handle: String,
    pub display_name: String,
    /// Public, unrevoked awards, by organization (by name), newest first.
    pub issuers: Vec<IssuerGroup>,
    /// Stacks started with public badges only: a private or unlisted badge
    /// never shows, not even as a lit step.
    pub stacks: Vec<Constellation>,
    /// Verified imported badges the person chose to show.
    pub imports: Vec<ImportedBadge>,
}

fn standing_of(award: &Award, now: DateTime<Utc>) -> Standing {
    Standing::of(
        award.expires_at,
        award
            .revoked_at
            .map(|_| award.revocation_reason.as_deref().unwrap_or("Revoked")),
        now,
    )
}

impl App {
    /// The signed-in person's badges, imports, profile settings and stacks.
    pub async fn backpack(&self, principal: &Principal) -> AppResult<BackpackView> {
        let awards = self.my_awards(principal).await?;
        let earned: HashSet<AchievementId> = awards
            .iter()
            .filter(|a| a.award.revoked_at.is_none())
            .map(|a| a.award.achievement_id)
            .collect();
        let store = self.store();
        Ok(BackpackView {
            imports: store.backpack().imports_of(principal.user.id).await?,
            profile: store.backpack().profile(principal.user.id).await?,
            stacks: self.constellations(&earned).await?,
            awards,
            account_name: principal.user.display_name.clone(),
        })
    }

    /// The earner sets who sees one of their badges (public, unlisted or
    /// private), keeping their choice about rubric results.
    pub async fn set_badge_visibility(
        &self,
        principal: &Principal,
        id: AwardId,
        visibility: AwardVisibility,
        meta: &RequestMeta,
    ) -> AppResult<()> {
        let award = self
            .store()
            .awards()
            .get(id)
            .await?
            .filter(|a| a.user_id == Some(principal.user.id))
            .ok_or_else(|| AppError::not_found("The badge"))?;
        self.set_award_privacy(principal, id, visibility, award.share_results, meta)
            .await
    }

    /// Saves the person's public profile settings: a unique handle, the
    /// name it shows, and whether it is published.
    pub async fn save_profile(
        &self,
        principal: &Principal,
        form: ProfileForm<'_>,
        meta: &RequestMeta,
    ) -> AppResult<Profile> {
        let mut errors = FieldErrors::new();
        let handle = match Handle::parse(form.handle) {
            Ok(h) => Some(h),
            Err(message) => {
                errors.add("handle", message);
                None
            }
        };
        let name = errors.check("display_name", DisplayName::parse(form.display_name));
        let (Some(handle), Some(name)) = (handle, name) else {
            return Err(AppError::Invalid(errors));
        };
        let tx = self.store().begin().await?;
        let saved = tx
            .backpack()
            .save_profile(
                principal.user.id,
                handle.as_str(),
                name.as_str(),
                form.public,
                self.now(),
            )
            .await
            .map_err(|e| match e {
                cairn_store::StoreError::Conflict { constraint }
                    if constraint == "ux_profiles_handle" =>
                {
                    AppError::conflict("handle", "Someone else has this handle; choose another.")
                }
                other => other.into(),
            })?;
        self.audit(
            &tx,
            meta,
            Some(principal.user.id),
            None,
            "profile.saved",
            serde_json::json!({"handle": saved.handle, "public": saved.public}),
        )
        .await?;
        tx.commit().await?;
        Ok(saved)
    }

    /// A published profile: "not found" when there is none under this
    /// handle or its owner turned it off.
    pub async fn public_profile(&self, handle: &str) -> AppResult<PublicProfile> {
        let store = self.store();
        let profile = store
            .backpack()
            .profile_by_handle(&handle.to_ascii_lowercase())
            .await?
            .filter(|p| p.public)
            .ok_or_else(|| AppError::not_found("The profile"))?;
        let now = self.now();
        let awards: Vec<Award> = store
            .awards()
            .of_user(profile.user_id)
            .await?
            .into_iter()
            .filter(|a| a.visibility == AwardVisibility::Public && a.revoked_at.is_none())
            .collect();
        let earned: HashSet<AchievementId> = awards.iter().map(|a| a.achievement_id).collect();
        let mut by_org: BTreeMap<(String, String), Vec<PublicBadge>> = BTreeMap::new();
        for award in &awards {
            let Some(org) = store.organizations().get(award.organization_id).await? else {
                continue;
            };
            let title = store
                .achievements()
                .version(award.version_id)
                .await?
                .map(|v| v.fields.title)
                .unwrap_or_default();
            by_org
                .entry((org.name, org.slug))
                .or_default()
                .push(PublicBadge {
                    award_id: award.id,
                    title,
                    issued_at: award.issued_at,
                    standing: standing_of(award, now),
                });
        }
        let imports = store
            .backpack()
            .imports_of(profile.user_id)
            .await?
            .into_iter()
            .filter(|b| b.shown && b.verified)
            .collect();
        Ok(PublicProfile {
            handle: profile.handle,
            display_name: profile.display_name,
            issuers: by_org
                .into_iter()
                .map(|((name, slug), badges)| IssuerGroup { name, slug, badges })
                .collect(),
            stacks: self.constellations(&earned).await?,
            imports,
        })
    }

    /// The published stacks with at least one of `earned` (a step or the
    /// capstone), each step marked earned, next or ahead; by organization,
    /// then stack name.
    async fn constellations(
        &self,
        earned: &HashSet<AchievementId>,
    ) -> AppResult<Vec<Constellation>> {
        let store = self.store();
        let mut seen = HashSet::new();
        let mut stacks = Vec::new();
        for id in earned {
            for s in store.stacks().containing(*id).await? {
                if s.published && seen.insert(s.id) {
                    stacks.push(s);
                }
            }
        }
        let mut out = Vec::new();
        for s in stacks {
            let Some(org) = store.organizations().get(s.organization_id).await? else {
                continue;
            };
            let path = Stack {
                name: s.name.clone(),
                steps: s.steps.clone(),
                capstone: s.capstone_id,
            };
            let mut steps = Vec::new();
            for (id, state) in path.progress(earned) {
                steps.push(self.star(&org.slug, id, state).await?);
            }
            let capstone = match s.capstone_id {
                Some(id) => {
                    let state = if earned.contains(&id) {
                        StepState::Earned
                    } else if path.complete(earned) {
                        StepState::Next
                    } else {
                        StepState::Ahead
                    };
                    Some(self.star(&org.slug, id, state).await?)
                }
                None => None,
            };
            out.push(Constellation {
                stack_id: s.id,
                href: format!("/orgs/{}/stacks/{}", org.slug, s.slug),
                name: s.name,
                organization: org.name,
                steps,
                capstone,
            });
        }
        out.sort_by(|a, b| (&a.organization, &a.name).cmp(&(&b.organization, &b.name)));
        Ok(out)
    }

    async fn star(&self, org_slug: &str, id: AchievementId, state: StepState) -> AppResult<Star> {
        let a = self
            .store()
            .achievements()
            .get(id)
            .await?
            .ok_or_else(|| AppError::not_found("A micro-credential of the stack"))?;
        Ok(Star {
            achievement_id: id,
            href: format!("/orgs/{org_slug}/achievements/{}", a.slug),
            title: a.title,
            state,
        })
    }

    /// Shows one of the person's imported badges on their public profile,
    /// or hides it. Only a verified badge may show.
    pub async fn set_imported_badge_shown(
        &self,
        principal: &Principal,
        id: ImportedBadgeId,
        shown: bool,
        meta: &RequestMeta,
    ) -> AppResult<ImportedBadge> {
        let badge = self.my_import(principal.user.id, id).await?;
        if shown && !badge.verified {
            return Err(AppError::Conflict {
                field: None,
                message: "Only a verified badge can show on your public profile.".into(),
            });
        }
        let tx = self.store().begin().await?;
        tx.backpack()
            .set_import_shown(id, principal.user.id, shown)
            .await?;
        self.audit(
            &tx,
            meta,
            Some(principal.user.id),
            None,
            "import.shown",
            serde_json::json!({"import": id, "shown": shown}),
        )
        .await?;
        tx.commit().await?;
        Ok(ImportedBadge { shown, ..badge })
    }

    /// Removes one of the person's imported badges and its original file.
    pub async fn remove_imported_badge(
        &self,
        principal: &Principal,
        id: ImportedBadgeId,
        meta: &RequestMeta,
    ) -> AppResult<()> {
        let badge = self.my_import(principal.user.id, id).await?;
        let tx = self.store().begin().await?;
        if !tx.backpack().delete_import(id, principal.user.id).await? {
            return Err(AppError::not_found("The imported badge"));
        }
        self.audit(
            &tx,
            meta,
            Some(principal.user.id),
            None,
            "import.removed",
            serde_json::json!({"import": id, "achievement": badge.achievement_name}),
        )
        .await?;
        tx.commit().await?;
        if let Some(key) = &badge.original_key
            && let Err(e) = self.blobs().delete(key).await
        {
            tracing::warn!(import = %id, error = %e, "the imported badge's file stays behind");
        }
        Ok(())
    }

    /// The person's imported badges, newest first.
    pub async fn imported_badges(&self, principal: &Principal) -> AppResult<Vec<ImportedBadge>> {
        Ok(self
            .store()
            .backpack()
            .imports_of(principal.user.id)
            .await?)
    }

    /// One of `user`'s imported badges, or "not found".
    async fn my_import(&self, user: UserId, id: ImportedBadgeId) -> AppResult<ImportedBadge> {
        self.store()
            .backpack()
            .import(id)
            .await?
            .filter(|b| b.user_id == user)
            .ok_or_else(|| AppError::not_found("The imported badge"))
    }

    /// The person's profile settings, if saved.
    pub async fn my_profile(&self, principal: &Principal) -> AppResult<Option<Profile>> {
        Ok(self.store().backpack().profile(principal.user.id).await?)
    }
}

#[cfg(test)]
mod tests {
    use super::Handle;

    #[test]
    fn handles_are_short_lower_case_words_that_name_no_page() {
        assert_eq!(
            Handle::parse(" Ana-Lopez2 ").map(|h| h.as_str().to_owned()),
            Ok("ana-lopez2".to_owned()),
            "trimmed and lower-cased"
        );
        assert!(Handle::parse("abc").is_ok());
        assert!(Handle::parse(&"a".repeat(40)).is_ok());
        for bad in [
            "",
            "ab",
            &"a".repeat(41),
            "ana_lopez",
            "ana lopez",
            "ana.lopez",
            "anä",
            "-ana",
            "ana-",
            "admin",
            "Backpack",
            "people",
            "api",
        ] {
            assert!(Handle::parse(bad).is_err(), "{bad:?} is refused");
        }
        assert_eq!(
            Handle::parse("admin"),
            Err("This word is reserved; choose another handle.")
        );
    }
}
