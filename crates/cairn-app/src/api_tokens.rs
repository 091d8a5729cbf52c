//! Personal API tokens: created and revoked by their owner, shown once.

use crate::accounts::Principal;
use crate::secrets::{hash_token, new_token};
use crate::{App, AppError, AppResult, RequestMeta};
use cairn_domain::ApiTokenId;
use cairn_domain::organization::parse_name;
use cairn_domain::policy::{Action, authorize};
use cairn_store::Repos;
use cairn_store::api_tokens::{ApiToken, NewApiToken};
use chrono::Duration;

/// Every token starts with this, so secret scanners can recognise one.
pub const TOKEN_PREFIX: &str = "cairn_";

/// A token just created: `secret` is shown this once.
#[derive(Clone, Debug)]
pub struct CreatedApiToken {
    pub token: ApiToken,
    pub secret: String,
}

impl App {
    /// Creates a token; `expires_in_days` of `None` means it never expires.
    pub async fn create_api_token(
        &self,
        principal: &Principal,
        name: &str,
        expires_in_days: Option<i64>,
        meta: &RequestMeta,
    ) -> AppResult<CreatedApiToken> {
        authorize(
            &principal.actor,
            Action::ManageAccount {
                owner: principal.user.id,
            },
        )?;
        let name = parse_name(name, 100).map_err(|e| AppError::invalid("name", e.to_string()))?;
        if let Some(days) = expires_in_days
            && !(1..=3650).contains(&days)
        {
            return Err(AppError::invalid(
                "expires_in_days",
                "Choose between 1 and 3650 days, or no expiry.",
            ));
        }
        let secret = format!("{TOKEN_PREFIX}{}", new_token());
        let now = self.now();
        let tx = self.store().begin().await?;
        let token = tx
            .api_tokens()
            .insert(NewApiToken {
                id: ApiTokenId(App::new_id()),
                user_id: principal.user.id,
                name: &name,
                token_hash: &hash_token(&secret),
                token_prefix: &secret[..TOKEN_PREFIX.len() + 4],
                now,
                expires_at: expires_in_days.map(|d| now + Duration::days(d)),
            })
            .await?;
        self.audit(
            &tx,
            meta,
            Some(principal.user.id),
            None,
            "api_token.created",
            serde_json::json!({"name": name}),
        )
        .await?;
        tx.commit().await?;
        Ok(CreatedApiToken { token, secret })
    }

    /// The account's tokens.
    pub async fn api_tokens(&self, principal: &Principal) -> AppResult<Vec<ApiToken>> {
        authorize(
            &principal.actor,
            Action::ManageAccount {
                owner: principal.user.id,
            },
        )?;
        Ok(self
            .store()
            .api_tokens()
            .list_for_user(principal.user.id)
            .await?)
    }

    /// Revokes one of the account's tokens.
    pub async fn revoke_api_token(
        &self,
        principal: &Principal,
        id: ApiTokenId,
        meta: &RequestMeta,
    ) -> AppResult<()> {
        authorize(
            &principal.actor,
            Action::ManageAccount {
                owner: principal.user.id,
            },
        )?;
        let tx = self.store().begin().await?;
        if !tx
            .api_tokens()
            .revoke(principal.user.id, id, self.now())
            .await?
        {
            return Err(AppError::not_found("The token"));
        }
        self.audit(
            &tx,
            meta,
            Some(principal.user.id),
            None,
            "api_token.revoked",
            serde_json::json!({}),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The person behind a bearer token.
    pub async fn authenticate_api_token(&self, secret: &str) -> AppResult<Option<Principal>> {
        if !secret.starts_with(TOKEN_PREFIX) {
            return Ok(None);
        }
        let now = self.now();
        let Some(token) = self
            .store()
            .api_tokens()
            .find_active(&hash_token(secret), now)
            .await?
        else {
            return Ok(None);
        };
        if token
            .last_used_at
            .is_none_or(|at| now - at > Duration::minutes(5))
        {
            self.store().api_tokens().touch(token.id, now).await?;
        }
        self.principal(token.user_id, None, Some(token.id)).await
    }
}
