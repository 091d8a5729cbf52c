//! The addresses of an account: several can be attached, each proven by
//! a link, and any verified one can be primary — so an account (and its
//! badges) travels with its owner from employer to employer.

use crate::accounts::Principal;
use crate::mail::texts;
use crate::rate_limit::EMAILS_PER_ADDRESS;
use crate::{App, AppError, AppResult, RequestMeta};
use cairn_domain::EmailId;
use cairn_domain::account::EmailAddress;
use cairn_domain::policy::{Action, authorize};
use cairn_domain::token::TokenPurpose;
use cairn_store::Repos;
use cairn_store::users::UserEmail;

impl App {
    /// The account's addresses, primary first.
    pub async fn emails(&self, principal: &Principal) -> AppResult<Vec<UserEmail>> {
        authorize(
            &principal.actor,
            Action::ManageAccount {
                owner: principal.user.id,
            },
        )?;
        Ok(self.store().users().emails_of(principal.user.id).await?)
    }

    /// Sends a confirmation link to an address the person wants to add.
    /// The address is attached only once the link is opened.
    pub async fn add_email(
        &self,
        principal: &Principal,
        email: &str,
        meta: &RequestMeta,
    ) -> AppResult<()> {
        authorize(
            &principal.actor,
            Action::ManageAccount {
                owner: principal.user.id,
            },
        )?;
        let email =
            EmailAddress::parse(email).map_err(|e| AppError::invalid("email", e.to_string()))?;
        let own = self.store().users().emails_of(principal.user.id).await?;
        if own.iter().any(|e| e.email == email.as_str()) {
            return Err(AppError::invalid(
                "email",
                "This address is already on your account.",
            ));
        }
        if own.len() >= 10 {
            return Err(AppError::invalid(
                "email",
                "An account can have at most 10 addresses; remove one first.",
            ));
        }
        self.check_limit(EMAILS_PER_ADDRESS, email.as_str()).await?;
        let tx = self.store().begin().await?;
        let token = self
            .new_email_token(
                &tx,
                TokenPurpose::AddEmail,
                Some(principal.user.id),
                email.as_str(),
            )
            .await?;
        let (subject, text) = texts::add_email(
            &principal.user.display_name,
            &self.url(&format!("/account/emails/confirm?token={token}")),
        );
        self.enqueue_email(&tx, email.as_str(), &subject, text, None)
            .await?;
        self.audit(
            &tx,
            meta,
            Some(principal.user.id),
            None,
            "email.add_requested",
            serde_json::json!({}),
        )
        .await?;
        tx.commit().await?;
        self.hit_limit(EMAILS_PER_ADDRESS, email.as_str()).await?;
        self.wake_worker();
        Ok(())
    }

    /// Attaches an address from its confirmation link (to the account that
    /// asked for it, whoever opens the link).
    pub async fn confirm_added_email(
        &self,
        token: &str,
        meta: &RequestMeta,
    ) -> AppResult<UserEmail> {
        let tx = self.store().begin().await?;
        let record = self
            .consume_token(&tx, token, TokenPurpose::AddEmail)
            .await?;
        let user_id = record
            .user_id
            .ok_or_else(|| AppError::not_found("The account"))?;
        let email = EmailAddress::parse(&record.email).map_err(|e| AppError::Internal(e.into()))?;
        if let Some(existing) = tx.users().find_email(&email).await? {
            if existing.user_id == user_id {
                return Ok(existing);
            }
            return Err(AppError::conflict(
                "email",
                "This address belongs to another Cairn account. Log in to that account and remove it there first.",
            ));
        }
        let now = self.now();
        let added = tx
            .users()
            .add_email(
                EmailId(App::new_id()),
                user_id,
                &email,
                Some(now),
                false,
                now,
            )
            .await?;
        self.audit(
            &tx,
            meta,
            Some(user_id),
            None,
            "email.added",
            serde_json::json!({}),
        )
        .await?;
        tx.commit().await?;
        Ok(added)
    }

    /// Makes a verified address the primary one (where email goes).
    pub async fn make_primary_email(
        &self,
        principal: &Principal,
        id: EmailId,
        meta: &RequestMeta,
    ) -> AppResult<()> {
        authorize(
            &principal.actor,
            Action::ManageAccount {
                owner: principal.user.id,
            },
        )?;
        let tx = self.store().begin().await?;
        let emails = tx.users().emails_of(principal.user.id).await?;
        let target = emails
            .iter()
            .find(|e| e.id == id)
            .ok_or_else(|| AppError::not_found("The address"))?;
        if target.verified_at.is_none() {
            return Err(AppError::invalid(
                "email",
                "Verify this address before making it primary.",
            ));
        }
        tx.users().set_primary_email(principal.user.id, id).await?;
        self.audit(
            &tx,
            meta,
            Some(principal.user.id),
            None,
            "email.primary_changed",
            serde_json::json!({}),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Detaches an address; the primary one stays until another is primary.
    pub async fn remove_email(
        &self,
        principal: &Principal,
        id: EmailId,
        meta: &RequestMeta,
    ) -> AppResult<()> {
        authorize(
            &principal.actor,
            Action::ManageAccount {
                owner: principal.user.id,
            },
        )?;
        let tx = self.store().begin().await?;
        let emails = tx.users().emails_of(principal.user.id).await?;
        let target = emails
            .iter()
            .find(|e| e.id == id)
            .ok_or_else(|| AppError::not_found("The address"))?;
        if target.is_primary {
            return Err(AppError::invalid(
                "email",
                "This is your primary address. Make another address primary first.",
            ));
        }
        tx.users().remove_email(principal.user.id, id).await?;
        self.audit(
            &tx,
            meta,
            Some(principal.user.id),
            None,
            "email.removed",
            serde_json::json!({}),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
