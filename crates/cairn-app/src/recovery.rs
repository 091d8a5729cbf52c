//! Getting back in: password reset and one-time login links. Requests
//! answer the same whether or not the address is registered.

use crate::accounts::NewSessionToken;
use crate::mail::texts;
use crate::rate_limit::EMAILS_PER_ADDRESS;
use crate::{App, AppError, AppResult, RequestMeta, passwords};
use cairn_domain::account::{EmailAddress, Password};
use cairn_domain::token::TokenPurpose;
use cairn_store::Repos;

impl App {
    /// Emails a password-reset link when the address belongs to an account.
    pub async fn request_password_reset(&self, email: &str, meta: &RequestMeta) -> AppResult<()> {
        self.send_recovery_link(email, TokenPurpose::PasswordReset, meta)
            .await
    }

    /// Emails a one-time login link when the address belongs to an account.
    pub async fn request_magic_link(&self, email: &str, meta: &RequestMeta) -> AppResult<()> {
        self.send_recovery_link(email, TokenPurpose::MagicLogin, meta)
            .await
    }

    async fn send_recovery_link(
        &self,
        email: &str,
        purpose: TokenPurpose,
        meta: &RequestMeta,
    ) -> AppResult<()> {
        let email =
            EmailAddress::parse(email).map_err(|e| AppError::invalid("email", e.to_string()))?;
        // Over the limit, nothing is sent, but the answer does not change.
        if self.over_limit(EMAILS_PER_ADDRESS, email.as_str()).await? {
            tracing::info!("recovery email suppressed by the rate limit");
            return Ok(());
        }
        let Some(record) = self.store().users().find_email(&email).await? else {
            return Ok(());
        };
        let user = self.store().users().require(record.user_id).await?;
        let tx = self.store().begin().await?;
        tx.email_tokens()
            .void_for_user(user.id, purpose, self.now())
            .await?;
        let token = self
            .new_email_token(&tx, purpose, Some(user.id), email.as_str())
            .await?;
        let (subject, text) = match purpose {
            TokenPurpose::PasswordReset => texts::password_reset(
                &user.display_name,
                &self.url(&format!("/password/reset?token={token}")),
            ),
            _ => texts::magic_link(
                &user.display_name,
                &self.url(&format!("/login/link?token={token}")),
            ),
        };
        self.enqueue_email(&tx, email.as_str(), &subject, text, None)
            .await?;
        self.audit(
            &tx,
            meta,
            Some(user.id),
            None,
            "recovery.requested",
            serde_json::json!({"purpose": purpose.as_str()}),
        )
        .await?;
        tx.commit().await?;
        self.hit_limit(EMAILS_PER_ADDRESS, email.as_str()).await?;
        self.wake_worker();
        Ok(())
    }

    /// Sets a new password from a reset link, ends every session, verifies
    /// the address the link went to, and signs the person in.
    pub async fn reset_password(
        &self,
        token: &str,
        new_password: &str,
        meta: &RequestMeta,
    ) -> AppResult<NewSessionToken> {
        let password = Password::new(new_password, None)
            .map_err(|e| AppError::invalid("password", e.to_string()))?;
        let hash = passwords::hash(&password).await?;
        let tx = self.store().begin().await?;
        let record = self
            .consume_token(&tx, token, TokenPurpose::PasswordReset)
            .await?;
        let user_id = record
            .user_id
            .ok_or_else(|| AppError::not_found("The account"))?;
        if new_password.trim().eq_ignore_ascii_case(&record.email) {
            return Err(AppError::invalid(
                "password",
                "Choose a password that is not your email address.",
            ));
        }
        tx.users()
            .set_password_hash(user_id, &hash, self.now())
            .await?;
        self.verify_address_of(&tx, user_id, &record.email).await?;
        tx.sessions().delete_all_for_user(user_id, None).await?;
        let session = self.start_session(&tx, user_id, meta).await?;
        self.audit(
            &tx,
            meta,
            Some(user_id),
            None,
            "password.reset",
            serde_json::json!({}),
        )
        .await?;
        tx.commit().await?;
        Ok(session)
    }

    /// Signs in with a one-time link, which also verifies the address.
    pub async fn magic_login(&self, token: &str, meta: &RequestMeta) -> AppResult<NewSessionToken> {
        let tx = self.store().begin().await?;
        let record = self
            .consume_token(&tx, token, TokenPurpose::MagicLogin)
            .await?;
        let user_id = record
            .user_id
            .ok_or_else(|| AppError::not_found("The account"))?;
        self.verify_address_of(&tx, user_id, &record.email).await?;
        let session = self.start_session(&tx, user_id, meta).await?;
        self.audit(
            &tx,
            meta,
            Some(user_id),
            None,
            "session.created",
            serde_json::json!({"method": "email_link"}),
        )
        .await?;
        tx.commit().await?;
        Ok(session)
    }

    /// Marks an address verified when it (still) belongs to the account.
    async fn verify_address_of<R: Repos>(
        &self,
        repos: &R,
        user_id: cairn_domain::UserId,
        email: &str,
    ) -> AppResult<()> {
        if let Ok(address) = EmailAddress::parse(email)
            && let Some(stored) = repos
                .users()
                .find_email(&address)
                .await?
                .filter(|e| e.user_id == user_id)
        {
            repos
                .users()
                .mark_email_verified(stored.id, self.now())
                .await?;
        }
        Ok(())
    }
}
