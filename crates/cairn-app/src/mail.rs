//! Email: messages are enqueued as jobs in the same transaction as the
//! change that causes them, then delivered by the worker through SMTP or,
//! without SMTP, written to an outbox folder as `.eml` files.

use crate::{App, AppError, AppResult};
use anyhow::Context;
use cairn_domain::JobId;
use cairn_store::Repos;
use cairn_store::jobs::NewJob;
use lettre::message::{
    Attachment as LettreAttachment, Mailbox, MultiPart, SinglePart, header::ContentType,
};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// The job kind of an email.
pub const EMAIL_JOB: &str = "email";
const EMAIL_MAX_ATTEMPTS: i32 = 8;

/// How email leaves Cairn.
#[derive(Clone)]
pub enum Mailer {
    /// Through an SMTP server.
    Smtp {
        transport: AsyncSmtpTransport<Tokio1Executor>,
        from: Mailbox,
    },
    /// Into a folder of `.eml` files (no SMTP configured).
    Outbox { dir: PathBuf, from: Mailbox },
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Mailer::Smtp { from, .. } => write!(f, "Mailer::Smtp(from {from})"),
            Mailer::Outbox { dir, .. } => write!(f, "Mailer::Outbox({})", dir.display()),
        }
    }
}

impl Mailer {
    /// An SMTP mailer from a URL such as `smtps://user:pass@smtp.example.org:465`
    /// or `smtp://localhost:25?tls=required`.
    pub fn smtp(url: &str, from: &str) -> anyhow::Result<Self> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .context("the SMTP URL is not valid (expected smtp://… or smtps://…)")?
            .build();
        Ok(Mailer::Smtp {
            transport,
            from: parse_from(from)?,
        })
    }

    /// A mailer writing `.eml` files into `dir`.
    pub fn outbox(dir: impl Into<PathBuf>, from: &str) -> anyhow::Result<Self> {
        let dir = dir.into();
        std::fs::create_dir_all(&dir)
            .with_context(|| format!("creating the outbox folder {}", dir.display()))?;
        Ok(Mailer::Outbox {
            dir,
            from: parse_from(from)?,
        })
    }

    fn from(&self) -> &Mailbox {
        match self {
            Mailer::Smtp { from, .. } | Mailer::Outbox { from, .. } => from,
        }
    }

    async fn deliver(
        &self,
        job_id: JobId,
        file_stem: &str,
        email: &EmailJob,
        attachment: Option<Vec<u8>>,
    ) -> anyhow::Result<()> {
        let to: Mailbox = email
            .to
            .parse()
            .context("the recipient address is not valid")?;
        let builder = Message::builder()
            .from(self.from().clone())
            .to(to)
            .subject(&email.subject)
            .message_id(Some(format!("<{job_id}@cairn>")));
        let message = match (&email.attachment, attachment) {
            (Some(a), Some(bytes)) => {
                let content_type = ContentType::parse(&a.content_type)
                    .context("the attachment's content type is not valid")?;
                builder
                    .multipart(
                        MultiPart::mixed()
                            .singlepart(SinglePart::plain(email.text.clone()))
                            .singlepart(
                                LettreAttachment::new(a.file_name.clone())
                                    .body(bytes, content_type),
                            ),
                    )
                    .context("building the message")?
            }
            _ => builder
                .header(ContentType::TEXT_PLAIN)
                .body(email.text.clone())
                .context("building the message")?,
        };
        match self {
            Mailer::Smtp { transport, .. } => {
                transport
                    .send(message)
                    .await
                    .context("sending through SMTP")?;
                tracing::info!(%job_id, subject = %email.subject, "email sent");
            }
            Mailer::Outbox { dir, .. } => {
                let path = dir.join(format!("{file_stem}.eml"));
                tokio::fs::write(&path, message.formatted())
                    .await
                    .context("writing to the outbox")?;
                let link = email
                    .text
                    .lines()
                    .map(str::trim)
                    .find(|l| l.starts_with("http"))
                    .unwrap_or("");
                tracing::info!(
                    to = %email.to,
                    subject = %email.subject,
                    path = %path.display(),
                    link,
                    "no SMTP configured: email written to the outbox"
                );
            }
        }
        Ok(())
    }
}

fn parse_from(from: &str) -> anyhow::Result<Mailbox> {
    from.parse()
        .with_context(|| format!("the sender address {from:?} is not valid"))
}

/// The payload of an email job.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct EmailJob {
    pub to: String,
    pub subject: String,
    pub text: String,
    /// A stored file sent along (read when the email is delivered).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attachment: Option<Attachment>,
}

/// A stored file attached to an email.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct Attachment {
    pub file_name: String,
    pub content_type: String,
    pub blob_key: String,
}

impl App {
    /// Enqueues an email in the caller's transaction. A `dedupe_key` makes
    /// sure the same message is never queued twice.
    pub(crate) async fn enqueue_email<R: Repos>(
        &self,
        repos: &R,
        to: &str,
        subject: &str,
        text: String,
        dedupe_key: Option<&str>,
    ) -> AppResult<()> {
        self.enqueue_job_email(
            repos,
            EmailJob {
                to: to.to_owned(),
                subject: subject.to_owned(),
                text,
                attachment: None,
            },
            dedupe_key,
        )
        .await
    }

    /// Enqueues an email with a stored file attached.
    pub(crate) async fn enqueue_email_with_attachment<R: Repos>(
        &self,
        repos: &R,
        to: &str,
        subject: &str,
        text: String,
        attachment: Option<Attachment>,
    ) -> AppResult<()> {
        self.enqueue_job_email(
            repos,
            EmailJob {
                to: to.to_owned(),
                subject: subject.to_owned(),
                text,
                attachment,
            },
            None,
        )
        .await
    }

    async fn enqueue_job_email<R: Repos>(
        &self,
        repos: &R,
        email: EmailJob,
        dedupe_key: Option<&str>,
    ) -> AppResult<()> {
        let payload = serde_json::to_value(email).map_err(|e| AppError::Internal(e.into()))?;
        let now = self.now();
        repos
            .jobs()
            .enqueue(NewJob {
                id: JobId(App::new_id()),
                kind: EMAIL_JOB,
                payload,
                dedupe_key,
                run_at: now,
                max_attempts: EMAIL_MAX_ATTEMPTS,
                now,
            })
            .await?;
        Ok(())
    }

    /// Delivers one email job; returns the payload to keep (without the
    /// body, which may hold a one-time link).
    pub(crate) async fn deliver_email(
        &self,
        job: &cairn_store::jobs::Job,
    ) -> anyhow::Result<serde_json::Value> {
        let email: EmailJob =
            serde_json::from_value(job.payload.clone()).context("reading the email job")?;
        let stem = format!("{}-{}", job.created_at.format("%Y%m%dT%H%M%S%.6f"), job.id);
        let attachment = match &email.attachment {
            Some(a) => Some(
                self.blobs()
                    .get(&a.blob_key)
                    .await
                    .context("reading the attachment")?,
            ),
            None => None,
        };
        self.inner
            .mailer
            .deliver(job.id, &stem, &email, attachment)
            .await?;
        Ok(serde_json::json!({ "to": email.to, "subject": email.subject }))
    }
}

/// The texts of the emails Cairn sends.
pub(crate) mod texts {
    fn footer() -> &'static str {
        "\n\n—\nCairn · micro-credentials with evidence behind them\n"
    }

    pub fn verify_email(name: &str, link: &str) -> (String, String) {
        (
            "Verify your email address".into(),
            format!(
                "Hello {name},\n\nPlease confirm that this is your email address by opening this link:\n\n{link}\n\nThe link works for 48 hours. If you did not sign up for Cairn, ignore this message.{}",
                footer()
            ),
        )
    }

    pub fn add_email(name: &str, link: &str) -> (String, String) {
        (
            "Confirm the address you added".into(),
            format!(
                "Hello {name},\n\nYou asked to add this address to your Cairn account. Confirm it by opening this link:\n\n{link}\n\nThe link works for 48 hours. If this was not you, ignore this message.{}",
                footer()
            ),
        )
    }

    pub fn account_exists(link: &str) -> (String, String) {
        (
            "You already have a Cairn account".into(),
            format!(
                "Hello,\n\nSomeone (hopefully you) tried to sign up for Cairn with this address, but it already belongs to an account.\nIf you forgot your password, choose a new one here:\n\n{link}\n\nIf this was not you, you can ignore this message.{}",
                footer()
            ),
        )
    }

    pub fn password_reset(name: &str, link: &str) -> (String, String) {
        (
            "Choose a new password".into(),
            format!(
                "Hello {name},\n\nTo choose a new password for your Cairn account, open this link:\n\n{link}\n\nThe link works for one hour. If you did not ask for this, ignore this message; your password stays as it is.{}",
                footer()
            ),
        )
    }

    pub fn magic_link(name: &str, link: &str) -> (String, String) {
        (
            "Your sign-in link".into(),
            format!(
                "Hello {name},\n\nOpen this link to log in to Cairn:\n\n{link}\n\nThe link works once, for 15 minutes. If you did not ask for it, ignore this message.{}",
                footer()
            ),
        )
    }

    pub fn invitation(
        inviter: &str,
        organization: &str,
        roles: &str,
        link: &str,
    ) -> (String, String) {
        (
            format!("{inviter} invites you to {organization} on Cairn"),
            format!(
                "Hello,\n\n{inviter} invites you to join {organization} on Cairn as {roles}.\nAccept the invitation here (you can create an account on the way if you have none):\n\n{link}\n\nThe invitation is open for 14 days.{}",
                footer()
            ),
        )
    }
}
