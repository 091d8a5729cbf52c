//! The backpack: a person's public profile (opt-in, under a unique handle)
//! and the badges they imported from elsewhere with what verification
//! found. Cairn's own awards stay in [`crate::awards`].

use crate::entities::{imported_badge, profile};
use crate::{StoreError, StoreResult};
use cairn_domain::{ImportedBadgeId, UserId};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};
use serde::{Deserialize, Serialize};

/// A person's public profile settings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Profile {
    pub user_id: UserId,
    /// Lower-case letters, digits and hyphens: `/people/{handle}`.
    pub handle: String,
    /// The name the profile shows.
    pub display_name: String,
    /// Whether the profile is published; off, its address answers 404.
    pub public: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// How an imported badge reached Cairn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImportFormat {
    /// A PNG image with the credential baked in.
    Png,
    /// An SVG image with the credential baked in.
    Svg,
    /// The credential's JSON.
    Json,
    /// A compact JWS: a VC-JWT, or an Open Badges 2.0 signed assertion.
    Jwt,
}

impl ImportFormat {
    pub const ALL: [ImportFormat; 4] = [
        ImportFormat::Png,
        ImportFormat::Svg,
        ImportFormat::Json,
        ImportFormat::Jwt,
    ];
    pub const fn as_str(self) -> &'static str {
        match self {
            ImportFormat::Png => "png",
            ImportFormat::Svg => "svg",
            ImportFormat::Json => "json",
            ImportFormat::Jwt => "jwt",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.as_str() == s)
    }
    /// The media type of an original in this format.
    pub const fn media_type(self) -> &'static str {
        match self {
            ImportFormat::Png => "image/png",
            ImportFormat::Svg => "image/svg+xml",
            ImportFormat::Json => "application/json",
            ImportFormat::Jwt => "application/jwt",
        }
    }
}

/// One check verification made, as stored with an imported badge.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredCheck {
    /// `format`, `structure`, `issuer-key`, `proof`, `validity`, `revocation`.
    pub id: String,
    /// What was checked, for people.
    pub title: String,
    /// `passed`, `failed` or `skipped`.
    pub outcome: String,
    /// Why, for people.
    pub reason: String,
}

/// A badge earned elsewhere, imported into a person's backpack.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportedBadge {
    pub id: ImportedBadgeId,
    pub user_id: UserId,
    pub format: ImportFormat,
    /// The blob holding the file as it was uploaded or fetched.
    pub original_key: Option<String>,
    /// The uploaded file's name (as given, for the export's README only).
    pub file_name: Option<String>,
    /// The address it was imported from, when it came by URL.
    pub source_url: Option<String>,
    /// SHA-256 (hex) of the credential's text: one import per credential.
    pub fingerprint: String,
    /// The credential's JSON (a VC-JWT's or signed assertion's payload).
    pub credential: String,
    /// Whether every check passed when it was imported.
    pub verified: bool,
    /// What the file turned out to be, for people.
    pub kind: String,
    pub checks: Vec<StoredCheck>,
    pub issuer_name: String,
    pub achievement_name: String,
    pub issued_at: Option<DateTime<Utc>>,
    /// Whether it shows on the public profile.
    pub shown: bool,
    pub imported_at: DateTime<Utc>,
}

impl From<profile::Model> for Profile {
    fn from(m: profile::Model) -> Self {
        Self {
            user_id: UserId(m.user_id),
            handle: m.handle,
            display_name: m.display_name,
            public: m.public,
            created_at: m.created_at,
            updated_at: m.updated_at,
        }
    }
}

impl TryFrom<imported_badge::Model> for ImportedBadge {
    type Error = StoreError;
    fn try_from(m: imported_badge::Model) -> StoreResult<Self> {
        Ok(Self {
            id: ImportedBadgeId(m.id),
            user_id: UserId(m.user_id),
            format: ImportFormat::parse(&m.format)
                .ok_or_else(|| StoreError::Corrupt(format!("import format {}", m.format)))?,
            original_key: m.original_key,
            file_name: m.file_name,
            source_url: m.source_url,
            fingerprint: m.fingerprint,
            credential: m.credential,
            verified: m.verified,
            kind: m.kind,
            checks: serde_json::from_str(&m.report)
                .map_err(|e| StoreError::Corrupt(format!("import report: {e}")))?,
            issuer_name: m.issuer_name,
            achievement_name: m.achievement_name,
            issued_at: m.issued_at,
            shown: m.shown,
            imported_at: m.imported_at,
        })
    }
}

/// Profiles and imported badges.
#[derive(Debug)]
pub struct Backpack<'a, C>(pub(crate) &'a C);

impl<C: ConnectionTrait> Backpack<'_, C> {
    /// A person's profile settings, if they ever saved them.
    pub async fn profile(&self, user: UserId) -> StoreResult<Option<Profile>> {
        Ok(profile::Entity::find_by_id(user.0)
            .one(self.0)
            .await?
            .map(Into::into))
    }

    /// The profile under a handle (published or not: the caller decides).
    pub async fn profile_by_handle(&self, handle: &str) -> StoreResult<Option<Profile>> {
        Ok(profile::Entity::find()
            .filter(profile::Column::Handle.eq(handle))
            .one(self.0)
            .await?
            .map(Into::into))
    }

    /// Saves a person's profile settings, creating them the first time.
    /// A handle someone else has is `Conflict { "ux_profiles_handle" }`.
    /// Run it in a transaction.
    pub async fn save_profile(
        &self,
        user: UserId,
        handle: &str,
        display_name: &str,
        public: bool,
        now: DateTime<Utc>,
    ) -> StoreResult<Profile> {
        let updated = profile::Entity::update_many()
            .col_expr(profile::Column::Handle, Expr::value(handle.to_owned()))
            .col_expr(
                profile::Column::DisplayName,
                Expr::value(display_name.to_owned()),
            )
            .col_expr(profile::Column::Public, Expr::value(public))
            .col_expr(profile::Column::UpdatedAt, Expr::value(now))
            .filter(profile::Column::UserId.eq(user.0))
            .exec(self.0)
            .await?;
        if updated.rows_affected == 0 {
            profile::ActiveModel {
                user_id: Set(user.0),
                handle: Set(handle.to_owned()),
                display_name: Set(display_name.to_owned()),
                public: Set(public),
                created_at: Set(now),
                updated_at: Set(now),
            }
            .insert(self.0)
            .await?;
        }
        self.profile(user).await?.ok_or(StoreError::NotFound)
    }

    /// Stores an imported badge. The same credential imported twice by one
    /// person is `Conflict { "ux_imported_badges_user_fingerprint" }`.
    pub async fn insert_import(&self, b: &ImportedBadge) -> StoreResult<()> {
        imported_badge::ActiveModel {
            id: Set(b.id.0),
            user_id: Set(b.user_id.0),
            format: Set(b.format.as_str().to_owned()),
            original_key: Set(b.original_key.clone()),
            file_name: Set(b.file_name.clone()),
            source_url: Set(b.source_url.clone()),
            fingerprint: Set(b.fingerprint.clone()),
            credential: Set(b.credential.clone()),
            verified: Set(b.verified),
            kind: Set(b.kind.clone()),
            report: Set(serde_json::to_string(&b.checks)
                .map_err(|e| StoreError::Corrupt(format!("import report: {e}")))?),
            issuer_name: Set(b.issuer_name.clone()),
            achievement_name: Set(b.achievement_name.clone()),
            issued_at: Set(b.issued_at),
            shown: Set(b.shown),
            imported_at: Set(b.imported_at),
        }
        .insert(self.0)
        .await?;
        Ok(())
    }

    /// One imported badge.
    pub async fn import(&self, id: ImportedBadgeId) -> StoreResult<Option<ImportedBadge>> {
        imported_badge::Entity::find_by_id(id.0)
            .one(self.0)
            .await?
            .map(TryInto::try_into)
            .transpose()
    }

    /// A person's imported badges, newest first.
    pub async fn imports_of(&self, user: UserId) -> StoreResult<Vec<ImportedBadge>> {
        imported_badge::Entity::find()
            .filter(imported_badge::Column::UserId.eq(user.0))
            .order_by_desc(imported_badge::Column::ImportedAt)
            .order_by_desc(imported_badge::Column::Id)
            .all(self.0)
            .await?
            .into_iter()
            .map(TryInto::try_into)
            .collect()
    }

    /// Shows an imported badge on its owner's profile, or hides it:
    /// `false` when `user` has no such badge.
    pub async fn set_import_shown(
        &self,
        id: ImportedBadgeId,
        user: UserId,
        shown: bool,
    ) -> StoreResult<bool> {
        let result = imported_badge::Entity::update_many()
            .col_expr(imported_badge::Column::Shown, Expr::value(shown))
            .filter(imported_badge::Column::Id.eq(id.0))
            .filter(imported_badge::Column::UserId.eq(user.0))
            .exec(self.0)
            .await?;
        Ok(result.rows_affected == 1)
    }

    /// Removes an imported badge of `user`: `false` when there is none.
    pub async fn delete_import(&self, id: ImportedBadgeId, user: UserId) -> StoreResult<bool> {
        let result = imported_badge::Entity::delete_many()
            .filter(imported_badge::Column::Id.eq(id.0))
            .filter(imported_badge::Column::UserId.eq(user.0))
            .exec(self.0)
            .await?;
        Ok(result.rows_affected == 1)
    }
}
