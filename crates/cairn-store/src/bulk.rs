//! Bulk awards: an administrator's file of people to award one
//! micro-credential, stored as an import and one row per person. Each row
//! moves once from `pending` to `issued` (with its award), `skipped` (the
//! person held the badge already) or `failed` (with the reason); the moves
//! are conditional updates, so a worker that runs a row twice changes it
//! once. Also the look-ups a check of the file needs: who holds the badge
//! already, and which addresses are verified addresses of an account.

use crate::entities::{award, bulk_import, bulk_import_row, user_email};
use crate::{StoreError, StoreResult};
use cairn_domain::{
    AchievementId, AchievementVersionId, AwardId, BulkImportId, BulkRowId, OrganizationId, UserId,
};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use std::collections::{BTreeMap, HashMap, HashSet};

/// How many values one `IN (…)` list or one multi-row insert carries
/// (well under SQLite's and PostgreSQL's limits on bound parameters).
const CHUNK: usize = 500;

/// Where an import stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImportStatus {
    /// Rows are being issued.
    Running,
    /// Every row is issued, skipped or failed.
    Done,
}

impl ImportStatus {
    pub const fn as_str(self) -> &'static str {
        match self {
            ImportStatus::Running => "running",
            ImportStatus::Done => "done",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        [ImportStatus::Running, ImportStatus::Done]
            .into_iter()
            .find(|v| v.as_str() == s)
    }
}

/// Where an import came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Channel {
    /// The upload form.
    Web,
    /// The JSON API.
    Api,
    /// `cairn award import`, run by the platform's operator.
    Cli,
}

impl Channel {
    pub const fn as_str(self) -> &'static str {
        match self {
            Channel::Web => "web",
            Channel::Api => "api",
            Channel::Cli => "cli",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        [Channel::Web, Channel::Api, Channel::Cli]
            .into_iter()
            .find(|v| v.as_str() == s)
    }
}

/// Where one row stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RowStatus {
    /// Waiting to be issued.
    Pending,
    /// Awarded by this import.
    Issued,
    /// The person held the badge already; nothing was issued.
    Skipped,
    /// Could not be issued; the message says why.
    Failed,
}

impl RowStatus {
    pub const ALL: [RowStatus; 4] = [
        RowStatus::Pending,
        RowStatus::Issued,
        RowStatus::Skipped,
        RowStatus::Failed,
    ];
    pub const fn as_str(self) -> &'static str {
        match self {
            RowStatus::Pending => "pending",
            RowStatus::Issued => "issued",
            RowStatus::Skipped => "skipped",
            RowStatus::Failed => "failed",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.as_str() == s)
    }
}

/// A bulk award: one micro-credential (at one version) for the people of a
/// file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BulkImport {
    pub id: BulkImportId,
    pub organization_id: OrganizationId,
    pub achievement_id: AchievementId,
    /// The version awarded (the current one when the import started).
    pub version_id: AchievementVersionId,
    /// Who started it; `None` for the platform's operator (the CLI) or an
    /// account deleted since.
    pub created_by: Option<UserId>,
    pub channel: Channel,
    pub file_name: Option<String>,
    pub total_rows: u32,
    pub status: ImportStatus,
    pub created_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
}

impl TryFrom<bulk_import::Model> for BulkImport {
    type Error = StoreError;
    fn try_from(m: bulk_import::Model) -> StoreResult<Self> {
        Ok(Self {
            id: BulkImportId(m.id),
            organization_id: OrganizationId(m.organization_id),
            achievement_id: AchievementId(m.achievement_id),
            version_id: AchievementVersionId(m.version_id),
            created_by: m.created_by.map(UserId),
            channel: Channel::parse(&m.channel)
                .ok_or_else(|| StoreError::Corrupt(format!("import channel {}", m.channel)))?,
            file_name: m.file_name,
            total_rows: u32::try_from(m.total_rows)
                .map_err(|_| StoreError::Corrupt(format!("total rows {}", m.total_rows)))?,
            status: ImportStatus::parse(&m.status)
                .ok_or_else(|| StoreError::Corrupt(format!("import status {}", m.status)))?,
            created_at: m.created_at,
            finished_at: m.finished_at,
        })
    }
}

/// One person of a bulk award, as the file gave them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BulkRow {
    pub id: BulkRowId,
    pub import_id: BulkImportId,
    /// The row's number in the file (the header is row 1).
    pub line: u32,
    /// Lower-cased.
    pub email: String,
    pub name: String,
    /// When it was earned (the day, at midnight UTC).
    pub earned_at: DateTime<Utc>,
    pub evidence_url: Option<String>,
    pub narrative: Option<String>,
    pub status: RowStatus,
    /// Why it was skipped or failed.
    pub message: Option<String>,
    pub award_id: Option<AwardId>,
    pub updated_at: DateTime<Utc>,
}

impl TryFrom<bulk_import_row::Model> for BulkRow {
    type Error = StoreError;
    fn try_from(m: bulk_import_row::Model) -> StoreResult<Self> {
        Ok(Self {
            id: BulkRowId(m.id),
            import_id: BulkImportId(m.import_id),
            line: u32::try_from(m.line)
                .map_err(|_| StoreError::Corrupt(format!("row line {}", m.line)))?,
            email: m.email,
            name: m.name,
            earned_at: m.earned_at,
            evidence_url: m.evidence_url,
            narrative: m.narrative,
            status: RowStatus::parse(&m.status)
                .ok_or_else(|| StoreError::Corrupt(format!("row status {}", m.status)))?,
            message: m.message,
            award_id: m.award_id.map(AwardId),
            updated_at: m.updated_at,
        })
    }
}

/// How many rows of an import stand where.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RowCounts {
    pub pending: u64,
    pub issued: u64,
    pub skipped: u64,
    pub failed: u64,
}

impl RowCounts {
    /// Every row.
    pub fn total(&self) -> u64 {
        self.pending + self.issued + self.skipped + self.failed
    }
    /// Rows no longer waiting.
    pub fn done(&self) -> u64 {
        self.issued + self.skipped + self.failed
    }
    fn add(&mut self, status: RowStatus, n: u64) {
        match status {
            RowStatus::Pending => self.pending += n,
            RowStatus::Issued => self.issued += n,
            RowStatus::Skipped => self.skipped += n,
            RowStatus::Failed => self.failed += n,
        }
    }
}

/// Bulk imports and their rows.
#[derive(Debug)]
pub struct Bulk<'a, C>(pub(crate) &'a C);

fn i32_of(n: u32, what: &str) -> StoreResult<i32> {
    i32::try_from(n).map_err(|_| StoreError::Corrupt(format!("{what} {n}")))
}

impl<C: ConnectionTrait> Bulk<'_, C> {
    /// Stores a new import (its rows follow with [`Bulk::insert_rows`], in
    /// the same transaction).
    pub async fn insert_import(&self, i: &BulkImport) -> StoreResult<()> {
        bulk_import::ActiveModel {
            id: Set(i.id.0),
            organization_id: Set(i.organization_id.0),
            achievement_id: Set(i.achievement_id.0),
            version_id: Set(i.version_id.0),
            created_by: Set(i.created_by.map(|u| u.0)),
            channel: Set(i.channel.as_str().to_owned()),
            file_name: Set(i.file_name.clone()),
            total_rows: Set(i32_of(i.total_rows, "total rows")?),
            status: Set(i.status.as_str().to_owned()),
            created_at: Set(i.created_at),
            finished_at: Set(i.finished_at),
        }
        .insert(self.0)
        .await?;
        Ok(())
    }

    /// Stores rows, several hundred per statement.
    pub async fn insert_rows(&self, rows: &[BulkRow]) -> StoreResult<()> {
        for chunk in rows.chunks(CHUNK) {
            let models = chunk
                .iter()
                .map(|r| {
                    Ok(bulk_import_row::ActiveModel {
                        id: Set(r.id.0),
                        import_id: Set(r.import_id.0),
                        line: Set(i32_of(r.line, "row line")?),
                        email: Set(r.email.clone()),
                        name: Set(r.name.clone()),
                        earned_at: Set(r.earned_at),
                        evidence_url: Set(r.evidence_url.clone()),
                        narrative: Set(r.narrative.clone()),
                        status: Set(r.status.as_str().to_owned()),
                        message: Set(r.message.clone()),
                        award_id: Set(r.award_id.map(|a| a.0)),
                        updated_at: Set(r.updated_at),
                    })
                })
                .collect::<StoreResult<Vec<_>>>()?;
            bulk_import_row::Entity::insert_many(models)
                .exec_without_returning(self.0)
                .await?;
        }
        Ok(())
    }

    /// One import.
    pub async fn import(&self, id: BulkImportId) -> StoreResult<Option<BulkImport>> {
        bulk_import::Entity::find_by_id(id.0)
            .one(self.0)
            .await?
            .map(TryInto::try_into)
            .transpose()
    }

    /// An organization's imports, newest first, at most `limit`.
    pub async fn imports_of(
        &self,
        org: OrganizationId,
        limit: u64,
    ) -> StoreResult<Vec<BulkImport>> {
        bulk_import::Entity::find()
            .filter(bulk_import::Column::OrganizationId.eq(org.0))
            .order_by_desc(bulk_import::Column::CreatedAt)
            .order_by_desc(bulk_import::Column::Id)
            .limit(limit)
            .all(self.0)
            .await?
            .into_iter()
            .map(TryInto::try_into)
            .collect()
    }

    /// How many rows of each import stand where (imports without rows
    /// are absent).
    pub async fn counts(
        &self,
        imports: &[BulkImportId],
    ) -> StoreResult<HashMap<BulkImportId, RowCounts>> {
        let mut out: HashMap<BulkImportId, RowCounts> = HashMap::new();
        for chunk in imports.chunks(CHUNK) {
            let rows: Vec<(uuid::Uuid, String, i64)> = bulk_import_row::Entity::find()
                .select_only()
                .column(bulk_import_row::Column::ImportId)
                .column(bulk_import_row::Column::Status)
                .column_as(bulk_import_row::Column::Id.count(), "n")
                .filter(bulk_import_row::Column::ImportId.is_in(chunk.iter().map(|i| i.0)))
                .group_by(bulk_import_row::Column::ImportId)
                .group_by(bulk_import_row::Column::Status)
                .into_tuple()
                .all(self.0)
                .await?;
            for (import, status, n) in rows {
                let status = RowStatus::parse(&status)
                    .ok_or_else(|| StoreError::Corrupt(format!("row status {status}")))?;
                out.entry(BulkImportId(import))
                    .or_default()
                    .add(status, u64::try_from(n).unwrap_or(0));
            }
        }
        Ok(out)
    }

    /// The rows of an import in a status, in file order, from row
    /// `after_line` on (exclusive), at most `limit`.
    pub async fn rows(
        &self,
        import: BulkImportId,
        status: RowStatus,
        after_line: u32,
        limit: u64,
    ) -> StoreResult<Vec<BulkRow>> {
        bulk_import_row::Entity::find()
            .filter(bulk_import_row::Column::ImportId.eq(import.0))
            .filter(bulk_import_row::Column::Status.eq(status.as_str()))
            .filter(bulk_import_row::Column::Line.gt(i32_of(after_line, "row line")?))
            .order_by_asc(bulk_import_row::Column::Line)
            .limit(limit)
            .all(self.0)
            .await?
            .into_iter()
            .map(TryInto::try_into)
            .collect()
    }

    /// One row.
    pub async fn row(&self, id: BulkRowId) -> StoreResult<Option<BulkRow>> {
        bulk_import_row::Entity::find_by_id(id.0)
            .one(self.0)
            .await?
            .map(TryInto::try_into)
            .transpose()
    }

    /// Moves a pending row to `status`, once: `false` when it was not
    /// pending any more (another run of the job moved it).
    pub async fn settle(
        &self,
        id: BulkRowId,
        status: RowStatus,
        award: Option<AwardId>,
        message: Option<&str>,
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let result = bulk_import_row::Entity::update_many()
            .col_expr(
                bulk_import_row::Column::Status,
                Expr::value(status.as_str().to_owned()),
            )
            .col_expr(
                bulk_import_row::Column::AwardId,
                Expr::value(award.map(|a| a.0)),
            )
            .col_expr(
                bulk_import_row::Column::Message,
                Expr::value(message.map(|m| m.chars().take(2000).collect::<String>())),
            )
            .col_expr(bulk_import_row::Column::UpdatedAt, Expr::value(now))
            .filter(bulk_import_row::Column::Id.eq(id.0))
            .filter(bulk_import_row::Column::Status.eq(RowStatus::Pending.as_str()))
            .exec(self.0)
            .await?;
        Ok(result.rows_affected == 1)
    }

    /// Marks an import done, once: `false` when it was done already.
    pub async fn finish(&self, id: BulkImportId, now: DateTime<Utc>) -> StoreResult<bool> {
        let result = bulk_import::Entity::update_many()
            .col_expr(
                bulk_import::Column::Status,
                Expr::value(ImportStatus::Done.as_str()),
            )
            .col_expr(bulk_import::Column::FinishedAt, Expr::value(Some(now)))
            .filter(bulk_import::Column::Id.eq(id.0))
            .filter(bulk_import::Column::Status.eq(ImportStatus::Running.as_str()))
            .exec(self.0)
            .await?;
        Ok(result.rows_affected == 1)
    }

    /// Of these (lower-cased) addresses, those whose person holds a
    /// standing award of `achievement`: sent to the address, or held by
    /// the account the address is a verified address of.
    pub async fn holders(
        &self,
        achievement: AchievementId,
        emails: &[String],
    ) -> StoreResult<HashSet<String>> {
        let mut out = HashSet::new();
        for chunk in emails.chunks(CHUNK) {
            let by_address: Vec<String> = award::Entity::find()
                .select_only()
                .column(award::Column::RecipientEmail)
                .filter(award::Column::AchievementId.eq(achievement.0))
                .filter(award::Column::RevokedAt.is_null())
                .filter(award::Column::RecipientEmail.is_in(chunk.iter().cloned()))
                .into_tuple()
                .all(self.0)
                .await?;
            out.extend(by_address);
            let owners = self.verified_owners(chunk).await?;
            if owners.is_empty() {
                continue;
            }
            let holding: HashSet<uuid::Uuid> = award::Entity::find()
                .select_only()
                .column(award::Column::UserId)
                .filter(award::Column::AchievementId.eq(achievement.0))
                .filter(award::Column::RevokedAt.is_null())
                .filter(award::Column::UserId.is_in(owners.values().map(|u| u.0)))
                .into_tuple::<Option<uuid::Uuid>>()
                .all(self.0)
                .await?
                .into_iter()
                .flatten()
                .collect();
            out.extend(
                owners
                    .into_iter()
                    .filter(|(_, user)| holding.contains(&user.0))
                    .map(|(email, _)| email),
            );
        }
        Ok(out)
    }

    /// Of these issue keys, those an award was issued under (revoked ones
    /// included).
    pub async fn keys_used(&self, keys: &[String]) -> StoreResult<HashSet<String>> {
        let mut out = HashSet::new();
        for chunk in keys.chunks(CHUNK) {
            let found: Vec<String> = award::Entity::find()
                .select_only()
                .column(award::Column::IssueKey)
                .filter(award::Column::IssueKey.is_in(chunk.iter().cloned()))
                .into_tuple()
                .all(self.0)
                .await?;
            out.extend(found);
        }
        Ok(out)
    }

    /// Of these (lower-cased) addresses, the verified ones, with the
    /// account each belongs to.
    pub async fn verified_owners(
        &self,
        emails: &[String],
    ) -> StoreResult<BTreeMap<String, UserId>> {
        let mut out = BTreeMap::new();
        for chunk in emails.chunks(CHUNK) {
            let found: Vec<(String, uuid::Uuid)> = user_email::Entity::find()
                .select_only()
                .column(user_email::Column::Email)
                .column(user_email::Column::UserId)
                .filter(user_email::Column::Email.is_in(chunk.iter().cloned()))
                .filter(user_email::Column::VerifiedAt.is_not_null())
                .into_tuple()
                .all(self.0)
                .await?;
            out.extend(found.into_iter().map(|(e, u)| (e, UserId(u))));
        }
        Ok(out)
    }

    /// Gives `user` the awards sent to `email` (lower-cased) that belong to
    /// no account yet; returns how many.
    pub async fn attach_awards(&self, email: &str, user: UserId) -> StoreResult<u64> {
        let result = award::Entity::update_many()
            .col_expr(award::Column::UserId, Expr::value(Some(user.0)))
            .filter(award::Column::RecipientEmail.eq(email))
            .filter(award::Column::UserId.is_null())
            .exec(self.0)
            .await?;
        Ok(result.rows_affected)
    }
}
