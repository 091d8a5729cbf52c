//! Signing up, verifying an address, logging in and out, sessions, and
//! changing one's name or password.

use crate::mail::texts;
use crate::rate_limit::{LOGIN_PER_EMAIL, LOGIN_PER_IP, SIGNUPS_PER_IP};
use crate::secrets::{hash_token, new_token};
use crate::{App, AppError, AppResult, RequestMeta, passwords};
use cairn_domain::account::{Actor, DisplayName, EmailAddress, Password};
use cairn_domain::policy::{Action, authorize};
use cairn_domain::token::TokenPurpose;
use cairn_domain::{EmailId, EmailTokenId, FieldErrors, SessionId, UserId};
use cairn_store::Repos;
use cairn_store::email_tokens::NewEmailToken;
use cairn_store::sessions::{NewSession, Session};
use cairn_store::users::{NewUser, User, UserEmail};
use chrono::Duration;

/// Who is making a request, once authenticated.
#[derive(Clone, Debug)]
pub struct Principal {
    pub user: User,
    pub primary_email: Option<UserEmail>,
    pub actor: Actor,
    /// The browser session, when signed in by cookie.
    pub session_id: Option<SessionId>,
    /// The API token, when signed in by token.
    pub api_token_id: Option<cairn_domain::ApiTokenId>,
}

/// A new browser session: the cookie value is shown once.
#[derive(Clone, Debug)]
pub struct NewSessionToken {
    pub token: String,
    pub user_id: UserId,
    pub expires_at: chrono::DateTime<chrono::Utc>,
}

/// What a person typed into the sign-up form.
#[derive(Clone, Debug, Default)]
pub struct SignUp<'a> {
    pub display_name: &'a str,
    pub email: &'a str,
    pub password: &'a str,
}

/// A checked sign-up form.
pub(crate) struct ValidSignUp {
    pub name: DisplayName,
    pub email: EmailAddress,
    pub password: Password,
}

pub(crate) fn parse_sign_up(input: &SignUp<'_>) -> Result<ValidSignUp, FieldErrors> {
    let mut errors = FieldErrors::new();
    let name = errors.check("display_name", DisplayName::parse(input.display_name));
    let email = errors.check("email", EmailAddress::parse(input.email));
    let password = errors.check("password", Password::new(input.password, email.as_ref()));
    match (name, email, password) {
        (Some(name), Some(email), Some(password)) => Ok(ValidSignUp {
            name,
            email,
            password,
        }),
        _ => Err(errors),
    }
}

impl App {
    pub(crate) async fn new_email_token<R: Repos>(
        &self,
        repos: &R,
        purpose: TokenPurpose,
        user_id: Option<UserId>,
        email: &str,
    ) -> AppResult<String> {
        let token = new_token();
        let now = self.now();
        repos
            .email_tokens()
            .insert(NewEmailToken {
                id: EmailTokenId(App::new_id()),
                token_hash: &hash_token(&token),
                purpose,
                user_id,
                email,
                now,
                expires_at: now + purpose.lifetime(),
            })
            .await?;
        Ok(token)
    }

    /// Creates an account and emails a verification link. The answer is
    /// the same whether or not the address is already registered: when it
    /// is, its owner gets an email saying so instead.
    pub async fn sign_up(&self, input: SignUp<'_>, meta: &RequestMeta) -> AppResult<()> {
        if !self.settings().signups_open {
            return Err(AppError::Forbidden(
                "Sign-up is by invitation only on this server.".into(),
            ));
        }
        let valid = parse_sign_up(&input)?;
        if let Some(ip) = &meta.ip {
            self.check_limit(SIGNUPS_PER_IP, ip).await?;
            self.hit_limit(SIGNUPS_PER_IP, ip).await?;
        }
        // Hash before looking the address up, so both answers take as long.
        let hash = passwords::hash(&valid.password).await?;
        if self
            .store()
            .users()
            .find_email(&valid.email)
            .await?
            .is_some()
        {
            return self.tell_owner_account_exists(&valid.email).await;
        }
        let tx = self.store().begin().await?;
        let now = self.now();
        let user = tx
            .users()
            .insert(NewUser {
                id: UserId(App::new_id()),
                display_name: valid.name.as_str(),
                password_hash: Some(&hash),
                platform_admin: false,
                may_create_organizations: self.settings().open_organization_creation,
                now,
            })
            .await?;
        match tx
            .users()
            .add_email(
                EmailId(App::new_id()),
                user.id,
                &valid.email,
                None,
                true,
                now,
            )
            .await
        {
            Ok(_) => {}
            // Someone signed up with the same address a moment earlier.
            Err(cairn_store::StoreError::Conflict { .. }) => {
                drop(tx);
                return self.tell_owner_account_exists(&valid.email).await;
            }
            Err(err) => return Err(err.into()),
        }
        self.send_verification(&tx, &user, valid.email.as_str())
            .await?;
        self.audit(
            &tx,
            meta,
            Some(user.id),
            None,
            "account.created",
            serde_json::json!({}),
        )
        .await?;
        tx.commit().await?;
        self.wake_worker();
        Ok(())
    }

    /// Emails the owner of an address that someone tried to sign up with.
    async fn tell_owner_account_exists(&self, email: &EmailAddress) -> AppResult<()> {
        use crate::rate_limit::EMAILS_PER_ADDRESS;
        if self.over_limit(EMAILS_PER_ADDRESS, email.as_str()).await? {
            return Ok(());
        }
        let tx = self.store().begin().await?;
        let (subject, text) = texts::account_exists(&self.url("/password/forgot"));
        self.enqueue_email(&tx, email.as_str(), &subject, text, None)
            .await?;
        tx.commit().await?;
        self.hit_limit(EMAILS_PER_ADDRESS, email.as_str()).await?;
        self.wake_worker();
        Ok(())
    }

    async fn send_verification<R: Repos>(
        &self,
        repos: &R,
        user: &User,
        email: &str,
    ) -> AppResult<()> {
        let token = self
            .new_email_token(repos, TokenPurpose::VerifyEmail, Some(user.id), email)
            .await?;
        let (subject, text) = texts::verify_email(
            &user.display_name,
            &self.url(&format!("/verify-email?token={token}")),
        );
        self.enqueue_email(repos, email, &subject, text, None).await
    }

    /// Sends a new verification link for the account's primary address.
    pub async fn resend_verification(&self, principal: &Principal) -> AppResult<()> {
        let Some(primary) = &principal.primary_email else {
            return Err(AppError::invalid(
                "email",
                "Your account has no email address.",
            ));
        };
        if primary.verified_at.is_some() {
            return Err(AppError::invalid(
                "email",
                "This address is already verified.",
            ));
        }
        self.check_limit(crate::rate_limit::EMAILS_PER_ADDRESS, &primary.email)
            .await?;
        let tx = self.store().begin().await?;
        self.send_verification(&tx, &principal.user, &primary.email)
            .await?;
        tx.commit().await?;
        self.hit_limit(crate::rate_limit::EMAILS_PER_ADDRESS, &primary.email)
            .await?;
        self.wake_worker();
        Ok(())
    }

    /// Confirms an address from the emailed link and signs its owner in.
    pub async fn verify_email(
        &self,
        token: &str,
        meta: &RequestMeta,
    ) -> AppResult<NewSessionToken> {
        let tx = self.store().begin().await?;
        let record = self
            .consume_token(&tx, token, TokenPurpose::VerifyEmail)
            .await?;
        let user_id = record
            .user_id
            .ok_or_else(|| AppError::not_found("The link"))?;
        let email = EmailAddress::parse(&record.email).map_err(|e| AppError::Internal(e.into()))?;
        let stored = tx
            .users()
            .find_email(&email)
            .await?
            .filter(|e| e.user_id == user_id)
            .ok_or_else(|| {
                AppError::NotFound("This address is no longer on the account.".into())
            })?;
        tx.users()
            .mark_email_verified(stored.id, self.now())
            .await?;
        self.attach_awards_to(&tx, user_id, &email).await?;
        let session = self.start_session(&tx, user_id, meta).await?;
        self.audit(
            &tx,
            meta,
            Some(user_id),
            None,
            "email.verified",
            serde_json::json!({}),
        )
        .await?;
        tx.commit().await?;
        Ok(session)
    }

    /// Checks and uses up a one-time token.
    pub(crate) async fn consume_token<R: Repos>(
        &self,
        repos: &R,
        token: &str,
        purpose: TokenPurpose,
    ) -> AppResult<cairn_store::email_tokens::EmailToken> {
        let invalid = || {
            AppError::NotFound("This link is not valid. It may have expired or been used already; ask for a new one.".into())
        };
        let record = repos
            .email_tokens()
            .find(&hash_token(token), purpose)
            .await?
            .ok_or_else(invalid)?;
        if !repos.email_tokens().consume(record.id, self.now()).await? {
            return Err(invalid());
        }
        Ok(record)
    }

    /// Whether a one-time link is still usable (for the page that asks to
    /// confirm it), without using it up.
    pub async fn check_token(&self, token: &str, purpose: TokenPurpose) -> AppResult<()> {
        let record = self
            .store()
            .email_tokens()
            .find(&hash_token(token), purpose)
            .await?;
        match record {
            Some(r) if r.used_at.is_none() && r.expires_at > self.now() => Ok(()),
            _ => Err(AppError::NotFound("This link is not valid. It may have expired or been used already; ask for a new one.".into())),
        }
    }

    pub(crate) async fn start_session<R: Repos>(
        &self,
        repos: &R,
        user_id: UserId,
        meta: &RequestMeta,
    ) -> AppResult<NewSessionToken> {
        let token = new_token();
        let now = self.now();
        let expires_at = now + Duration::days(self.settings().session_days);
        repos
            .sessions()
            .insert(NewSession {
                id: SessionId(App::new_id()),
                token_hash: &hash_token(&token),
                user_id,
                now,
                expires_at,
                user_agent: meta.user_agent.as_deref(),
                ip: meta.ip.as_deref(),
            })
            .await?;
        Ok(NewSessionToken {
            token,
            user_id,
            expires_at,
        })
    }

    /// Logs in with an address and password. Failures are counted per
    /// address and per IP; the message never says which part was wrong.
    pub async fn log_in(
        &self,
        email: &str,
        password: &str,
        meta: &RequestMeta,
    ) -> AppResult<NewSessionToken> {
        let email =
            EmailAddress::parse(email).map_err(|e| AppError::invalid("email", e.to_string()))?;
        if password.is_empty() {
            return Err(AppError::invalid("password", "Enter your password."));
        }
        self.check_limit(LOGIN_PER_EMAIL, email.as_str()).await?;
        if let Some(ip) = &meta.ip {
            self.check_limit(LOGIN_PER_IP, ip).await?;
        }
        let record = self.store().users().find_email(&email).await?;
        let user = match &record {
            Some(e) => self.store().users().get(e.user_id).await?,
            None => None,
        };
        let stored_hash = user.as_ref().and_then(|u| u.password_hash.as_deref());
        let ok = passwords::verify(password, stored_hash).await?;
        let Some(user) = user.filter(|_| ok) else {
            self.hit_limit(LOGIN_PER_EMAIL, email.as_str()).await?;
            if let Some(ip) = &meta.ip {
                self.hit_limit(LOGIN_PER_IP, ip).await?;
            }
            metrics::counter!("cairn_logins_total", "outcome" => "failed").increment(1);
            return Err(AppError::Unauthenticated(
                "The email address or password is not right.".into(),
            ));
        };
        self.clear_limit(LOGIN_PER_EMAIL, email.as_str()).await?;
        let tx = self.store().begin().await?;
        let session = self.start_session(&tx, user.id, meta).await?;
        self.audit(
            &tx,
            meta,
            Some(user.id),
            None,
            "session.created",
            serde_json::json!({"method": "password"}),
        )
        .await?;
        tx.commit().await?;
        metrics::counter!("cairn_logins_total", "outcome" => "ok").increment(1);
        Ok(session)
    }

    /// The person behind a session cookie, sliding the session's expiry.
    pub async fn authenticate_session(&self, token: &str) -> AppResult<Option<Principal>> {
        let now = self.now();
        let Some(session) = self
            .store()
            .sessions()
            .find_live(&hash_token(token), now)
            .await?
        else {
            return Ok(None);
        };
        if now - session.last_seen_at > Duration::minutes(5) {
            let expires = now + Duration::days(self.settings().session_days);
            self.store()
                .sessions()
                .touch(session.id, now, expires)
                .await?;
        }
        self.principal(session.user_id, Some(session.id), None)
            .await
    }

    pub(crate) async fn principal(
        &self,
        user_id: UserId,
        session_id: Option<SessionId>,
        api_token_id: Option<cairn_domain::ApiTokenId>,
    ) -> AppResult<Option<Principal>> {
        let Some(user) = self.store().users().get(user_id).await? else {
            return Ok(None);
        };
        let primary_email = self.store().users().primary_email(user.id).await?;
        let actor = user.actor(
            primary_email
                .as_ref()
                .is_some_and(|e| e.verified_at.is_some()),
        );
        Ok(Some(Principal {
            user,
            primary_email,
            actor,
            session_id,
            api_token_id,
        }))
    }

    /// Ends the current session.
    pub async fn log_out(&self, principal: &Principal) -> AppResult<()> {
        if let Some(id) = principal.session_id {
            self.store()
                .sessions()
                .delete(principal.user.id, id)
                .await?;
        }
        Ok(())
    }

    /// The account's live sessions.
    pub async fn sessions(&self, principal: &Principal) -> AppResult<Vec<Session>> {
        authorize(
            &principal.actor,
            Action::ManageAccount {
                owner: principal.user.id,
            },
        )?;
        Ok(self
            .store()
            .sessions()
            .list_for_user(principal.user.id, self.now())
            .await?)
    }

    /// Ends one of the account's sessions (say, a browser left signed in elsewhere).
    pub async fn end_session(&self, principal: &Principal, id: SessionId) -> AppResult<()> {
        authorize(
            &principal.actor,
            Action::ManageAccount {
                owner: principal.user.id,
            },
        )?;
        if self
            .store()
            .sessions()
            .delete(principal.user.id, id)
            .await?
        {
            Ok(())
        } else {
            Err(AppError::not_found("The session"))
        }
    }

    /// Ends every other session of the account.
    pub async fn end_other_sessions(&self, principal: &Principal) -> AppResult<u64> {
        authorize(
            &principal.actor,
            Action::ManageAccount {
                owner: principal.user.id,
            },
        )?;
        Ok(self
            .store()
            .sessions()
            .delete_all_for_user(principal.user.id, principal.session_id)
            .await?)
    }

    /// Changes the name the account shows.
    pub async fn rename(&self, principal: &Principal, name: &str) -> AppResult<()> {
        authorize(
            &principal.actor,
            Action::ManageAccount {
                owner: principal.user.id,
            },
        )?;
        let name = DisplayName::parse(name)
            .map_err(|e| AppError::invalid("display_name", e.to_string()))?;
        self.store()
            .users()
            .set_display_name(principal.user.id, name.as_str(), self.now())
            .await?;
        Ok(())
    }

    /// Changes the password, after checking the current one, and ends
    /// every other session.
    pub async fn change_password(
        &self,
        principal: &Principal,
        current: &str,
        new: &str,
        meta: &RequestMeta,
    ) -> AppResult<()> {
        authorize(
            &principal.actor,
            Action::ManageAccount {
                owner: principal.user.id,
            },
        )?;
        let key = format!("user:{}", principal.user.id);
        self.check_limit(LOGIN_PER_EMAIL, &key).await?;
        if principal.user.password_hash.is_some()
            && !passwords::verify(current, principal.user.password_hash.as_deref()).await?
        {
            self.hit_limit(LOGIN_PER_EMAIL, &key).await?;
            return Err(AppError::invalid(
                "current_password",
                "This is not your current password.",
            ));
        }
        let email = principal
            .primary_email
            .as_ref()
            .and_then(|e| EmailAddress::parse(&e.email).ok());
        let password = Password::new(new, email.as_ref())
            .map_err(|e| AppError::invalid("new_password", e.to_string()))?;
        let hash = passwords::hash(&password).await?;
        let tx = self.store().begin().await?;
        tx.users()
            .set_password_hash(principal.user.id, &hash, self.now())
            .await?;
        tx.sessions()
            .delete_all_for_user(principal.user.id, principal.session_id)
            .await?;
        self.audit(
            &tx,
            meta,
            Some(principal.user.id),
            None,
            "password.changed",
            serde_json::json!({}),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
