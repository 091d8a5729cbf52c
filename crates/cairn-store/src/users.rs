//! Accounts and their email addresses.

use crate::entities::{user, user_email};
use crate::{StoreError, StoreResult};
use cairn_domain::account::{Actor, EmailAddress};
use cairn_domain::{EmailId, UserId};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};

/// An account.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct User {
    pub id: UserId,
    pub display_name: String,
    pub password_hash: Option<String>,
    pub platform_admin: bool,
    pub may_create_organizations: bool,
    pub created_at: DateTime<Utc>,
}

/// One email address of an account.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UserEmail {
    pub id: EmailId,
    pub user_id: UserId,
    pub email: String,
    pub verified_at: Option<DateTime<Utc>>,
    pub is_primary: bool,
    pub created_at: DateTime<Utc>,
}

/// A new account.
#[derive(Clone, Debug)]
pub struct NewUser<'a> {
    pub id: UserId,
    pub display_name: &'a str,
    pub password_hash: Option<&'a str>,
    pub platform_admin: bool,
    pub may_create_organizations: bool,
    pub now: DateTime<Utc>,
}

/// An account with its primary address, for listings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UserSummary {
    pub user: User,
    pub primary_email: Option<String>,
}

impl From<user::Model> for User {
    fn from(m: user::Model) -> Self {
        Self {
            id: UserId(m.id),
            display_name: m.display_name,
            password_hash: m.password_hash,
            platform_admin: m.platform_admin,
            may_create_organizations: m.may_create_organizations,
            created_at: m.created_at,
        }
    }
}

impl From<user_email::Model> for UserEmail {
    fn from(m: user_email::Model) -> Self {
        Self {
            id: EmailId(m.id),
            user_id: UserId(m.user_id),
            email: m.email,
            verified_at: m.verified_at,
            is_primary: m.is_primary,
            created_at: m.created_at,
        }
    }
}

impl User {
    /// What the policy needs to know about this account.
    pub fn actor(&self, primary_verified: bool) -> Actor {
        Actor {
            user_id: self.id,
            platform_admin: self.platform_admin,
            may_create_organizations: self.may_create_organizations,
            email_verified: primary_verified,
        }
    }
}

/// Accounts.
#[derive(Debug)]
pub struct Users<'a, C>(pub(crate) &'a C);

impl<C: ConnectionTrait> Users<'_, C> {
    /// Creates an account (without email addresses).
    pub async fn insert(&self, new: NewUser<'_>) -> StoreResult<User> {
        let model = user::ActiveModel {
            id: Set(new.id.0),
            display_name: Set(new.display_name.to_owned()),
            password_hash: Set(new.password_hash.map(str::to_owned)),
            platform_admin: Set(new.platform_admin),
            may_create_organizations: Set(new.may_create_organizations),
            created_at: Set(new.now),
            updated_at: Set(new.now),
        }
        .insert(self.0)
        .await?;
        Ok(model.into())
    }

    /// The account, if it exists.
    pub async fn get(&self, id: UserId) -> StoreResult<Option<User>> {
        Ok(user::Entity::find_by_id(id.0)
            .one(self.0)
            .await?
            .map(Into::into))
    }

    /// The account, or `NotFound`.
    pub async fn require(&self, id: UserId) -> StoreResult<User> {
        self.get(id).await?.ok_or(StoreError::NotFound)
    }

    /// Changes the name an account shows.
    pub async fn set_display_name(
        &self,
        id: UserId,
        name: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        self.update(id, user::Column::DisplayName, name.into(), now)
            .await
    }

    /// Replaces the password hash.
    pub async fn set_password_hash(
        &self,
        id: UserId,
        hash: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        self.update(id, user::Column::PasswordHash, hash.into(), now)
            .await
    }

    /// Grants or removes the platform administrator flag.
    pub async fn set_platform_admin(
        &self,
        id: UserId,
        value: bool,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        self.update(id, user::Column::PlatformAdmin, value.into(), now)
            .await
    }

    /// Approves (or withdraws approval) to create organizations.
    pub async fn set_may_create_organizations(
        &self,
        id: UserId,
        value: bool,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        self.update(id, user::Column::MayCreateOrganizations, value.into(), now)
            .await
    }

    async fn update(
        &self,
        id: UserId,
        column: user::Column,
        value: sea_orm::Value,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let result = user::Entity::update_many()
            .col_expr(column, Expr::value(value))
            .col_expr(user::Column::UpdatedAt, Expr::value(now))
            .filter(user::Column::Id.eq(id.0))
            .exec(self.0)
            .await?;
        if result.rows_affected == 0 {
            Err(StoreError::NotFound)
        } else {
            Ok(())
        }
    }

    /// Whether any platform administrator exists yet.
    pub async fn any_platform_admin(&self) -> StoreResult<bool> {
        let count = user::Entity::find()
            .filter(user::Column::PlatformAdmin.eq(true))
            .count(self.0)
            .await?;
        Ok(count > 0)
    }

    /// Accounts, newest first, with their primary address.
    pub async fn list(&self, limit: u64, offset: u64) -> StoreResult<Vec<UserSummary>> {
        let users = user::Entity::find()
            .order_by_desc(user::Column::CreatedAt)
            .limit(limit)
            .offset(offset)
            .all(self.0)
            .await?;
        let ids: Vec<_> = users.iter().map(|u| u.id).collect();
        let primaries = user_email::Entity::find()
            .filter(user_email::Column::UserId.is_in(ids))
            .filter(user_email::Column::IsPrimary.eq(true))
            .all(self.0)
            .await?;
        Ok(users
            .into_iter()
            .map(|u| {
                let primary_email = primaries
                    .iter()
                    .find(|e| e.user_id == u.id)
                    .map(|e| e.email.clone());
                UserSummary {
                    user: u.into(),
                    primary_email,
                }
            })
            .collect())
    }

    /// How many accounts exist.
    pub async fn count(&self) -> StoreResult<u64> {
        Ok(user::Entity::find().count(self.0).await?)
    }

    /// Attaches an address to an account.
    pub async fn add_email(
        &self,
        id: EmailId,
        user_id: UserId,
        email: &EmailAddress,
        verified_at: Option<DateTime<Utc>>,
        is_primary: bool,
        now: DateTime<Utc>,
    ) -> StoreResult<UserEmail> {
        let model = user_email::ActiveModel {
            id: Set(id.0),
            user_id: Set(user_id.0),
            email: Set(email.as_str().to_owned()),
            verified_at: Set(verified_at),
            is_primary: Set(is_primary),
            created_at: Set(now),
        }
        .insert(self.0)
        .await?;
        Ok(model.into())
    }

    /// The record of an address, whoever it belongs to.
    pub async fn find_email(&self, email: &EmailAddress) -> StoreResult<Option<UserEmail>> {
        Ok(user_email::Entity::find()
            .filter(user_email::Column::Email.eq(email.as_str()))
            .one(self.0)
            .await?
            .map(Into::into))
    }

    /// An account's addresses, primary first.
    pub async fn emails_of(&self, user_id: UserId) -> StoreResult<Vec<UserEmail>> {
        let mut emails: Vec<UserEmail> = user_email::Entity::find()
            .filter(user_email::Column::UserId.eq(user_id.0))
            .order_by_asc(user_email::Column::CreatedAt)
            .all(self.0)
            .await?
            .into_iter()
            .map(Into::into)
            .collect();
        emails.sort_by_key(|e| !e.is_primary);
        Ok(emails)
    }

    /// An account's primary address.
    pub async fn primary_email(&self, user_id: UserId) -> StoreResult<Option<UserEmail>> {
        Ok(user_email::Entity::find()
            .filter(user_email::Column::UserId.eq(user_id.0))
            .filter(user_email::Column::IsPrimary.eq(true))
            .one(self.0)
            .await?
            .map(Into::into))
    }

    /// Records that the owner proved they read this address.
    pub async fn mark_email_verified(&self, id: EmailId, at: DateTime<Utc>) -> StoreResult<()> {
        user_email::Entity::update_many()
            .col_expr(user_email::Column::VerifiedAt, Expr::value(at))
            .filter(user_email::Column::Id.eq(id.0))
            .filter(user_email::Column::VerifiedAt.is_null())
            .exec(self.0)
            .await?;
        Ok(())
    }

    /// Makes one address the primary one and every other address of the
    /// account secondary. Run it in a transaction.
    pub async fn set_primary_email(&self, user_id: UserId, id: EmailId) -> StoreResult<()> {
        user_email::Entity::update_many()
            .col_expr(user_email::Column::IsPrimary, Expr::value(false))
            .filter(user_email::Column::UserId.eq(user_id.0))
            .exec(self.0)
            .await?;
        let result = user_email::Entity::update_many()
            .col_expr(user_email::Column::IsPrimary, Expr::value(true))
            .filter(user_email::Column::UserId.eq(user_id.0))
            .filter(user_email::Column::Id.eq(id.0))
            .exec(self.0)
            .await?;
        if result.rows_affected == 0 {
            Err(StoreError::NotFound)
        } else {
            Ok(())
        }
    }

    /// Detaches an address from its account.
    pub async fn remove_email(&self, user_id: UserId, id: EmailId) -> StoreResult<()> {
        let result = user_email::Entity::delete_many()
            .filter(user_email::Column::UserId.eq(user_id.0))
            .filter(user_email::Column::Id.eq(id.0))
            .exec(self.0)
            .await?;
        if result.rows_affected == 0 {
            Err(StoreError::NotFound)
        } else {
            Ok(())
        }
    }
}
