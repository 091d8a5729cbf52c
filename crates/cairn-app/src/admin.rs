//! Running the platform: the one-time link that creates the first
//! administrator, and approving who may create organizations.

use crate::accounts::{NewSessionToken, Principal, SignUp, parse_sign_up};
use crate::{App, AppError, AppResult, RequestMeta, passwords};
use cairn_domain::policy::{Action, authorize};
use cairn_domain::token::TokenPurpose;
use cairn_domain::{EmailId, UserId};
use cairn_store::Repos;
use cairn_store::users::{NewUser, UserSummary};

impl App {
    /// When no platform administrator exists yet, makes a fresh one-time
    /// link that creates one (voiding older links) and returns it.
    pub async fn admin_setup_link(&self) -> AppResult<Option<String>> {
        if self.store().users().any_platform_admin().await? {
            return Ok(None);
        }
        let tx = self.store().begin().await?;
        tx.email_tokens()
            .void_purpose(TokenPurpose::AdminSetup, self.now())
            .await?;
        let token = self
            .new_email_token(&tx, TokenPurpose::AdminSetup, None, "")
            .await?;
        tx.commit().await?;
        Ok(Some(self.url(&format!("/admin/setup?token={token}"))))
    }

    /// Creates the platform administrator from the one-time link.
    pub async fn complete_admin_setup(
        &self,
        token: &str,
        input: SignUp<'_>,
        meta: &RequestMeta,
    ) -> AppResult<NewSessionToken> {
        let valid = parse_sign_up(&input)?;
        let hash = passwords::hash(&valid.password).await?;
        let tx = self.store().begin().await?;
        if tx.users().any_platform_admin().await? {
            return Err(AppError::NotFound(
                "This server already has an administrator.".into(),
            ));
        }
        if tx.users().find_email(&valid.email).await?.is_some() {
            return Err(AppError::conflict(
                "email",
                "An account already uses this address; choose another.",
            ));
        }
        self.consume_token(&tx, token, TokenPurpose::AdminSetup)
            .await?;
        let now = self.now();
        let user = tx
            .users()
            .insert(NewUser {
                id: UserId(App::new_id()),
                display_name: valid.name.as_str(),
                password_hash: Some(&hash),
                platform_admin: true,
                may_create_organizations: true,
                now,
            })
            .await?;
        // The link was printed on the server's console: whoever holds it
        // runs the server, so the address is taken as given.
        tx.users()
            .add_email(
                EmailId(App::new_id()),
                user.id,
                &valid.email,
                Some(now),
                true,
                now,
            )
            .await?;
        self.audit(
            &tx,
            meta,
            Some(user.id),
            None,
            "platform.admin_created",
            serde_json::json!({}),
        )
        .await?;
        let session = self.start_session(&tx, user.id, meta).await?;
        tx.commit().await?;
        Ok(session)
    }

    /// Accounts, newest first (platform administrators only).
    pub async fn users(
        &self,
        principal: &Principal,
        page: u64,
        per_page: u64,
    ) -> AppResult<(Vec<UserSummary>, u64)> {
        authorize(&principal.actor, Action::ManagePlatform)?;
        let per_page = per_page.clamp(1, 200);
        let list = self
            .store()
            .users()
            .list(per_page, page.saturating_sub(1) * per_page)
            .await?;
        Ok((list, self.store().users().count().await?))
    }

    /// Approves an account to create organizations, or withdraws approval.
    pub async fn set_organization_creator(
        &self,
        principal: &Principal,
        user: UserId,
        allowed: bool,
        meta: &RequestMeta,
    ) -> AppResult<()> {
        authorize(&principal.actor, Action::ManagePlatform)?;
        let tx = self.store().begin().await?;
        tx.users()
            .set_may_create_organizations(user, allowed, self.now())
            .await?;
        self.audit(
            &tx,
            meta,
            Some(principal.user.id),
            None,
            "platform.creator_changed",
            serde_json::json!({"user": user, "allowed": allowed}),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
