//! Issuing: a decided award request becomes a signed Open Badges 3.0
//! credential, through the job queue, exactly once.
//!
//! The job names the request. Running it twice, or again after the server
//! stopped half-way, finds the award under its idempotency key
//! (`request:<id>`) and does nothing more: the award row, the request's
//! status, the enrollment's move to "awarded", the notification and the
//! email are written in one transaction, and the baked images are stored
//! under keys named by the award before it commits.

use crate::{App, AppError, AppResult};
use cairn_credentials::bake::{self, BadgeVersion, Payload};
use cairn_credentials::fast;
use cairn_credentials::jwt::{JwksEntry, JwtKey, jwks};
use cairn_credentials::keys::{self, SigningKey};
use cairn_credentials::ob3::{
    self, AchievementSubject, CredentialStatus, OpenBadgeCredential, ResultAchieved,
    ResultDescription, RubricCriterionLevel,
};
use cairn_credentials::proof::{self, ProofOptions};
use cairn_credentials::status::{self, IndexAllocator, StatusList};
use cairn_domain::award::{AwardSource, AwardVisibility};
use cairn_domain::enrollment::{Decision, State, StateName};
use cairn_domain::{AwardId, AwardRequestId, IssuerKeyId, JobId, OrganizationId, StatusListId};
use cairn_store::awards::{Award, IssuerKey, StatusListRow};
use cairn_store::enrollments::EvidenceContent;
use cairn_store::jobs::{Job, NewJob};
use cairn_store::organizations::Organization;
use cairn_store::reviews::AwardStatus;
use cairn_store::{Repos, Tx};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::HashSet;

/// The job that issues one award request.
pub const ISSUE_JOB: &str = "award.issue";

/// The algorithm of the keys Data Integrity proofs are made with.
pub const ED25519: &str = "Ed25519";

#[derive(Debug, Serialize, Deserialize)]
struct IssueJob {
    request: AwardRequestId,
}

/// Everything a credential is built from, gathered before signing.
struct Issue<'a> {
    award_id: AwardId,
    org: &'a Organization,
    achievement: &'a cairn_store::achievements::Achievement,
    version: &'a cairn_store::achievements::AchievementVersion,
    recipient_email: &'a str,
    salt: &'a str,
    issued_at: DateTime<Utc>,
    expires_at: Option<DateTime<Utc>>,
    results: Vec<(String, String)>,
    evidence: Vec<ob3::Evidence>,
}

/// An award to issue: who, for what, and where it comes from.
#[derive(Clone, Debug)]
pub struct NewAward {
    /// Makes issuing idempotent: the same key never issues twice.
    pub issue_key: String,
    pub organization: Organization,
    pub achievement: cairn_store::achievements::Achievement,
    /// The version awarded.
    pub version: cairn_store::achievements::AchievementVersion,
    /// The earner's account, when they have one.
    pub user_id: Option<cairn_domain::UserId>,
    pub recipient_email: String,
    pub earner_name: String,
    /// When it was earned (now when `None`).
    pub issued_at: Option<DateTime<Utc>>,
    /// (criterion, level) names of the rubric results.
    pub results: Vec<(String, String)>,
    pub evidence: Vec<ob3::Evidence>,
    pub source: AwardSource,
    pub origin: Origin,
}

/// What an award settles when it is issued.
#[derive(Clone, Copy, Debug)]
pub enum Origin {
    /// A decided award request: the request is marked issued and the
    /// enrollment moves to "awarded" (if nobody moved it since `lock`).
    Request {
        request: AwardRequestId,
        enrollment: cairn_domain::EnrollmentId,
        lock: u32,
        next: State,
    },
    /// A row of a bulk award: the row is marked issued with the award.
    Bulk { row: cairn_domain::BulkRowId },
    /// The renewal of an earlier award, which is linked to the new one.
    Renewal { of: AwardId },
}

/// What every award of one micro-credential version shares — the
/// organization's signing key and the badge artwork to bake — read once
/// and reused for each award of a bulk award.
#[derive(Clone)]
pub(crate) struct Prepared {
    key_row: IssuerKey,
    key: SigningKey,
    image: std::sync::Arc<(Vec<u8>, String)>,
}

impl App {
    /// Reads the signing key and the artwork for awards of `version`.
    pub(crate) async fn prepare_issue(
        &self,
        org: OrganizationId,
        achievement: &cairn_store::achievements::Achievement,
        version: &cairn_store::achievements::AchievementVersion,
    ) -> AppResult<Prepared> {
        let (key_row, key) = self.signing_key(org).await?;
        let image = self.badge_artwork(achievement, version).await?;
        Ok(Prepared {
            key_row,
            key,
            image: std::sync::Arc::new(image),
        })
    }

    /// The permanent URL of an organization as an issuer (its Profile).
    pub fn issuer_url(&self, org: OrganizationId) -> String {
        self.url(&format!("/issuers/{org}"))
    }

    /// The organization's `did:web` (`did:web:<host>:issuers:<id>`, whose
    /// DID document is `<issuer URL>/did.json`) when the server identifies
    /// issuers by did:web; `None` otherwise.
    pub fn issuer_did(&self, org: OrganizationId) -> Option<String> {
        if !self.settings().did_web {
            return None;
        }
        keys::url_to_did_web(&self.issuer_url(org)).ok()
    }

    /// The id new credentials give their issuer: its `did:web` where the
    /// server is configured for it, else the issuer URL.
    pub fn issuer_id(&self, org: OrganizationId) -> String {
        self.issuer_did(org).unwrap_or_else(|| self.issuer_url(org))
    }

    /// The verification method new proofs name for one of the
    /// organization's keys: `<did>#<key>` under did:web, else the key's URL.
    pub fn key_method(&self, org: OrganizationId, key: IssuerKeyId) -> String {
        match self.issuer_did(org) {
            Some(did) => format!("{did}#{key}"),
            None => self.key_url(org, key),
        }
    }

    /// The permanent URL of one of an organization's keys.
    pub fn key_url(&self, org: OrganizationId, key: IssuerKeyId) -> String {
        self.url(&format!("/issuers/{org}/keys/{key}"))
    }

    /// The permanent URL of a status list credential.
    pub fn status_list_url(&self, list: StatusListId) -> String {
        self.url(&format!("/status/{list}"))
    }

    /// The permanent URL of an award: its page, and its credential's id.
    pub fn badge_url(&self, award: AwardId) -> String {
        self.url(&format!("/badges/{award}"))
    }

    /// The permanent URL of a micro-credential as an achievement.
    pub fn achievement_url(&self, id: cairn_domain::AchievementId) -> String {
        self.url(&format!("/achievements/{id}"))
    }

    fn kek(&self) -> [u8; 32] {
        keys::derive_kek(&self.settings().key_secret)
    }

    /// The organization's current Ed25519 signing key, made the first time
    /// it is needed and kept sealed.
    pub(crate) async fn signing_key(
        &self,
        org: OrganizationId,
    ) -> AppResult<(IssuerKey, SigningKey)> {
        let existing = self
            .store()
            .awards()
            .keys_of(org)
            .await?
            .into_iter()
            .rfind(|k| k.algorithm == ED25519 && k.retired_at.is_none());
        let stored = match existing {
            Some(k) => k,
            None => {
                let key = SigningKey::generate();
                let id = IssuerKeyId(App::new_id());
                let row = IssuerKey {
                    id,
                    organization_id: org,
                    algorithm: ED25519.to_owned(),
                    public_key: key.public_key_multibase(),
                    sealed_secret: keys::seal(&key, &self.kek(), &id.to_string()),
                    created_at: self.now(),
                    retired_at: None,
                };
                self.store().awards().insert_key(&row).await?;
                return Ok((row, key));
            }
        };
        let key = keys::open(&stored.sealed_secret, &self.kek(), &stored.id.to_string()).map_err(
            |e| {
                AppError::Internal(anyhow::anyhow!(
                    "the issuer key {} cannot be opened (was the secret key changed?): {e}",
                    stored.id
                ))
            },
        )?;
        Ok((stored, key))
    }

    /// The ES256 key an organization signs VC-JWTs with: derived from the
    /// server's key-encryption key and the id of its Ed25519 key (so it
    /// needs no storage of its own and rotates with it), named by its URL
    /// in the organization's JSON Web Key Set.
    pub(crate) fn jwt_key(&self, org: OrganizationId, ed25519: IssuerKeyId) -> AppResult<JwtKey> {
        let kek = self.kek();
        for counter in 0u8..=255 {
            let mut hasher = Sha256::new();
            hasher.update(b"cairn es256 issuer key v1\0");
            hasher.update(kek);
            hasher.update(ed25519.0.as_bytes());
            hasher.update([counter]);
            let bytes: [u8; 32] = hasher.finalize().into();
            if let Ok(key) = JwtKey::es256_from_bytes(&bytes) {
                let kid = format!("{}#{}", self.jwks_url(org), key.thumbprint());
                return Ok(key.with_kid(kid));
            }
        }
        Err(AppError::Internal(anyhow::anyhow!(
            "no ES256 key could be derived"
        )))
    }

    /// The permanent URL of an organization's JSON Web Key Set.
    pub fn jwks_url(&self, org: OrganizationId) -> String {
        self.url(&format!("/issuers/{org}/jwks.json"))
    }

    /// The organization's JSON Web Key Set: the ES256 key of each of its
    /// signing keys, old ones included.
    pub async fn issuer_jwks(&self, org: OrganizationId) -> AppResult<serde_json::Value> {
        let mut keys = Vec::new();
        for k in self.store().awards().keys_of(org).await? {
            if k.algorithm == ED25519 {
                keys.push(self.jwt_key(org, k.id)?);
            }
        }
        let entries: Vec<JwksEntry<'_>> = keys.iter().map(JwksEntry::Key).collect();
        Ok(jwks(&entries))
    }

    /// Takes the next free index of the organization's status list (a new
    /// list when the current one is full).
    async fn allocate_status(
        &self,
        tx: &Tx,
        org: OrganizationId,
    ) -> AppResult<(StatusListId, u32)> {
        for _ in 0..8 {
            let now = self.now();
            let list = match tx.awards().current_list(org).await? {
                Some(l) if l.next_counter < u64::from(l.size) => l,
                _ => {
                    let size = status::MIN_BITS;
                    let allocator = IndexAllocator::new(size)
                        .map_err(|e| AppError::Internal(anyhow::anyhow!("status list: {e}")))?;
                    let bits = StatusList::new(size)
                        .map_err(|e| AppError::Internal(anyhow::anyhow!("status list: {e}")))?
                        .encode();
                    let row = StatusListRow {
                        id: StatusListId(App::new_id()),
                        organization_id: org,
                        size: u32::try_from(size).unwrap_or(u32::MAX),
                        bits,
                        allocator_key: hex::encode(allocator.key()),
                        next_counter: 0,
                        created_at: now,
                        updated_at: now,
                    };
                    tx.awards().insert_list(&row).await?;
                    row
                }
            };
            let key: [u8; 32] = hex::decode(&list.allocator_key)
                .ok()
                .and_then(|k| k.try_into().ok())
                .ok_or_else(|| AppError::Internal(anyhow::anyhow!("status list key")))?;
            let index = IndexAllocator::from_key(key, list.size as usize)
                .and_then(|a| a.index_for(list.next_counter))
                .map_err(|e| AppError::Internal(anyhow::anyhow!("status list: {e}")))?;
            if tx
                .awards()
                .take_counter(list.id, list.next_counter, now)
                .await?
            {
                return Ok((list.id, u32::try_from(index).unwrap_or(u32::MAX)));
            }
        }
        Err(AppError::Internal(anyhow::anyhow!(
            "the status list stayed busy; the job retries"
        )))
    }

    /// Queues the issuing of a request that is ready, in the caller's
    /// transaction (so a decision and its issuing job commit together).
    pub(crate) async fn enqueue_issue(&self, tx: &Tx, request: AwardRequestId) -> AppResult<()> {
        let payload =
            serde_json::to_value(IssueJob { request }).map_err(|e| AppError::Internal(e.into()))?;
        let now = self.now();
        let dedupe = format!("issue:{request}");
        tx.jobs()
            .enqueue(NewJob {
                id: JobId(App::new_id()),
                kind: ISSUE_JOB,
                payload,
                dedupe_key: Some(&dedupe),
                run_at: now,
                max_attempts: 10,
                now,
            })
            .await?;
        Ok(())
    }

    pub(crate) async fn run_issue_job(&self, job: &Job) -> anyhow::Result<serde_json::Value> {
        let IssueJob { request } = serde_json::from_value(job.payload.clone())?;
        let award = self.issue_request(request).await?;
        Ok(serde_json::json!({ "award": award }))
    }

    /// Issues one award request, once: `None` when it is not ready (its
    /// prerequisites are not all earned), the award otherwise — the one
    /// issued before, if it was.
    pub async fn issue_request(&self, id: AwardRequestId) -> AppResult<Option<AwardId>> {
        let store = self.store();
        let request = store
            .reviews()
            .award_request_by_id(id)
            .await?
            .ok_or_else(|| AppError::not_found("The award request"))?;
        let issue_key = format!("request:{id}");
        if let Some(done) = store.awards().by_issue_key(&issue_key).await? {
            return Ok(Some(done.id));
        }
        if request.status != AwardStatus::Ready {
            return Ok(None);
        }
        let e = store
            .enrollments()
            .get(request.enrollment_id)
            .await?
            .ok_or_else(|| AppError::not_found("The enrollment"))?;
        let State::AwardPending(pending) = e.state else {
            return Err(AppError::Conflict {
                field: None,
                message: format!(
                    "The enrollment is “{}”, not waiting for its award.",
                    e.state.name().label()
                ),
            });
        };
        let achievement = store
            .achievements()
            .get(e.achievement_id)
            .await?
            .ok_or_else(|| AppError::not_found("The micro-credential"))?;
        let version = store
            .achievements()
            .version(e.version_id)
            .await?
            .ok_or_else(|| AppError::not_found("The version"))?;
        let org = store
            .organizations()
            .get(e.organization_id)
            .await?
            .ok_or_else(|| AppError::not_found("The organization"))?;
        let learner = store
            .users()
            .get(e.user_id)
            .await?
            .ok_or_else(|| AppError::not_found("The learner"))?;
        let email = store
            .users()
            .primary_email(e.user_id)
            .await?
            .ok_or_else(|| AppError::not_found("The learner's email address"))?
            .email;
        let submission = store
            .enrollments()
            .submission(request.submission_id)
            .await?
            .ok_or_else(|| AppError::not_found("The submission"))?;
        // The rubric results: the last "meets" review of the deciding
        // submission.
        let results = match &version.rubric {
            Some(rubric) => store
                .reviews()
                .of_submission(submission.id)
                .await?
                .into_iter()
                .filter(|r| r.decision == Some(Decision::Meets))
                .max_by_key(|r| r.completed_at)
                .map(|r| {
                    r.scores
                        .iter()
                        .zip(rubric.criteria())
                        .filter_map(|(s, c)| {
                            rubric
                                .levels()
                                .get(s.level)
                                .map(|l| (c.name.clone(), l.name.clone()))
                        })
                        .collect()
                })
                .unwrap_or_default(),
            None => Vec::new(),
        };
        let evidence = submission
            .snapshot
            .evidence
            .iter()
            .filter(|item| item.visibility == "public")
            .map(|item| {
                let mut ev = ob3::Evidence::named(item.title.clone());
                match &item.content {
                    EvidenceContent::File { .. } => {
                        ev.id = Some(self.url(&format!("/evidence/{}/file", item.id)));
                    }
                    EvidenceContent::Link { url } => ev.id = Some(url.clone()),
                    EvidenceContent::Reflection { markdown } => {
                        ev.narrative = Some(markdown.clone());
                    }
                    EvidenceContent::Badge { enrollment_id } => {
                        ev.description =
                            Some(format!("An earned badge: /enrollments/{enrollment_id}"));
                    }
                }
                ev
            })
            .collect();
        self.issue_new(NewAward {
            issue_key,
            organization: org,
            achievement,
            version,
            user_id: Some(learner.id),
            recipient_email: email,
            earner_name: learner.display_name,
            issued_at: None,
            results,
            evidence,
            source: AwardSource::Review,
            origin: Origin::Request {
                request: id,
                enrollment: e.id,
                lock: e.lock_version,
                next: pending.issued(),
            },
        })
        .await
        .map(Some)
    }

    /// Issues one award, once per `issue_key`: signs the credential, bakes
    /// the images, stores the award with its status index, counts it,
    /// tells the earner (in the app when they have an account, and by
    /// email with the badge attached), all in one transaction. Returns the
    /// award issued under that key before, if there is one.
    pub(crate) async fn issue_new(&self, n: NewAward) -> AppResult<AwardId> {
        if let Some(done) = self.store().awards().by_issue_key(&n.issue_key).await? {
            return Ok(done.id);
        }
        let prepared = self
            .prepare_issue(n.organization.id, &n.achievement, &n.version)
            .await?;
        self.issue_prepared(n, &prepared).await
    }

    /// [`App::issue_new`] with the key and artwork read beforehand (they
    /// must be those of the award's organization and version).
    pub(crate) async fn issue_prepared(
        &self,
        n: NewAward,
        prepared: &Prepared,
    ) -> AppResult<AwardId> {
        let store = self.store();
        if let Some(done) = store.awards().by_issue_key(&n.issue_key).await? {
            return Ok(done.id);
        }
        let (org, achievement, version) = (&n.organization, &n.achievement, &n.version);
        let award_id = AwardId(App::new_id());
        let issued_at = cairn_store::truncate_to_micros(n.issued_at.unwrap_or_else(|| self.now()));
        let expires_at = version
            .fields
            .valid_months
            .and_then(|m| issued_at.checked_add_months(chrono::Months::new(m)));
        let salt = cairn_credentials::ob2::random_salt();
        let (key_row, key) = (&prepared.key_row, prepared.key.clone());
        let image = std::sync::Arc::clone(&prepared.image);

        let tx = store.begin().await?;
        let (list_id, index) = self.allocate_status(&tx, org.id).await?;
        let issue = Issue {
            award_id,
            org,
            achievement,
            version,
            recipient_email: &n.recipient_email,
            salt: &salt,
            issued_at,
            expires_at,
            results: n.results.clone(),
            evidence: n.evidence.clone(),
        };
        let unsigned = self.credential(&issue, list_id, index).to_json();
        let method = self.key_method(org.id, key_row.id);
        let (signed, png, svg) = tokio::task::spawn_blocking(move || {
            let signed = proof::sign(
                &unsigned,
                &key,
                &ProofOptions::assertion(method, issued_at),
                &fast::Auto,
            )?;
            let text = serde_json::to_string(&signed)?;
            let payload = Payload::Json(text.clone());
            let png = bake::bake_png(&image.0, BadgeVersion::V3, &payload)?;
            let svg = bake::bake_svg(&image.1, BadgeVersion::V3, &payload)?;
            Ok::<_, anyhow::Error>((text, png, svg))
        })
        .await
        .map_err(|e| AppError::Internal(e.into()))?
        .map_err(AppError::Internal)?;
        let png_key = format!("awards/{award_id}/badge.png");
        let svg_key = format!("awards/{award_id}/badge.svg");
        self.blobs().put(&png_key, &png).await?;
        self.blobs().put(&svg_key, svg.as_bytes()).await?;
        let (enrollment_id, renews_id) = match &n.origin {
            Origin::Request { enrollment, .. } => (Some(*enrollment), None),
            Origin::Renewal { of } => (None, Some(*of)),
            Origin::Bulk { .. } => (None, None),
        };
        let award = Award {
            id: award_id,
            issue_key: n.issue_key.clone(),
            organization_id: org.id,
            achievement_id: achievement.id,
            version_id: version.id,
            user_id: n.user_id,
            enrollment_id,
            recipient_email: n.recipient_email.clone(),
            recipient_salt: salt,
            earner_name: n.earner_name.clone(),
            source: n.source,
            issued_at,
            expires_at,
            status_list_id: list_id,
            status_index: index,
            credential: signed,
            png_key: Some(png_key.clone()),
            svg_key: Some(svg_key),
            visibility: AwardVisibility::Public,
            share_results: false,
            revoked_at: None,
            revocation_reason: None,
            renews_id,
            renewed_by_id: None,
        };
        tx.awards().insert(&award).await?;
        match n.origin {
            Origin::Request {
                request,
                enrollment,
                lock,
                next,
            } => {
                tx.reviews()
                    .set_award_status(request, AwardStatus::Issued, issued_at)
                    .await?;
                tx.enrollments()
                    .transition(enrollment, lock, next, issued_at)
                    .await?;
            }
            Origin::Renewal { of } => tx.awards().set_renewed_by(of, award_id).await?,
            Origin::Bulk { row } => {
                let settled = tx
                    .bulk()
                    .settle(
                        row,
                        cairn_store::bulk::RowStatus::Issued,
                        Some(award_id),
                        None,
                        self.now(),
                    )
                    .await?;
                if !settled {
                    return Err(AppError::Conflict {
                        field: None,
                        message: "This row of the bulk award was settled meanwhile.".into(),
                    });
                }
            }
        }
        tx.achievements().count_award(achievement.id, 1).await?;
        if let Some(user) = n.user_id {
            self.notify(
                &tx,
                user,
                "awarded",
                &format!(
                    "You earned “{}”. Your badge is ready to share.",
                    achievement.title
                ),
                &format!("/badges/{award_id}"),
            )
            .await?;
            self.release_waiting_awards(&tx, user, achievement.id)
                .await?;
        }
        let account = match n.user_id {
            Some(_) => String::new(),
            None if self.settings().signups_open => format!(
                "Keep your badges together: create a free Cairn account with this address ({}) and this badge is in it as soon as you confirm the address:\n\n{}\n\n",
                n.recipient_email,
                self.url("/signup")
            ),
            None => format!(
                "If you get a Cairn account with this address ({}), this badge will be in it as soon as you confirm the address.\n\n",
                n.recipient_email
            ),
        };
        let text = format!(
            "Hello {},\n\nCongratulations: {} awards you “{}”.\n\nYour badge, with its verification and sharing links:\n\n{}\n\nThe badge image attached here carries your signed credential inside it; any Open Badges verifier can read it.\n\n{account}—\nCairn · micro-credentials with evidence behind them\n",
            n.earner_name,
            org.name,
            achievement.title,
            self.badge_url(award_id)
        );
        self.enqueue_email_with_attachment(
            &tx,
            &n.recipient_email,
            &format!("You earned “{}”", achievement.title),
            text,
            Some(crate::mail::Attachment {
                file_name: format!("{}.png", achievement.slug),
                content_type: "image/png".to_owned(),
                blob_key: png_key,
            }),
        )
        .await?;
        self.audit(
            &tx,
            &crate::RequestMeta::default(),
            None,
            Some(org.id),
            "award.issued",
            serde_json::json!({"award": award_id, "key": n.issue_key, "source": n.source.as_str()}),
        )
        .await?;
        tx.commit().await?;
        self.wake_worker();
        Ok(award_id)
    }

    /// After an award, the learner's requests that waited for prerequisites
    /// are checked again; those now satisfied are queued.
    async fn release_waiting_awards(
        &self,
        tx: &Tx,
        learner: cairn_domain::UserId,
        just_earned: cairn_domain::AchievementId,
    ) -> AppResult<()> {
        let mut earned: HashSet<_> = tx.awards().earned_by(learner).await?.into_iter().collect();
        earned.insert(just_earned);
        for other in tx.enrollments().for_learner(learner).await? {
            if other.state.name() != StateName::AwardPending {
                continue;
            }
            let Some(request) = tx.reviews().award_request(other.id).await? else {
                continue;
            };
            if request.status != AwardStatus::WaitingForPrerequisites {
                continue;
            }
            let ready = tx
                .achievements()
                .prerequisites(other.achievement_id)
                .await?
                .is_none_or(|rule| rule.satisfied_by(&earned));
            if ready {
                tx.reviews()
                    .set_award_status(request.id, AwardStatus::Ready, self.now())
                    .await?;
                self.enqueue_issue(tx, request.id).await?;
            }
        }
        Ok(())
    }

    /// The badge artwork to bake: the micro-credential's PNG and SVG, or a
    /// drawn badge with its title when it has none.
    async fn badge_artwork(
        &self,
        a: &cairn_store::achievements::Achievement,
        version: &cairn_store::achievements::AchievementVersion,
    ) -> AppResult<(Vec<u8>, String)> {
        let svg = match &a.image.svg_key {
            Some(k) => String::from_utf8(self.blobs().get(k).await?).ok(),
            None => None,
        };
        let png = match &a.image.png_key {
            Some(k) => Some(self.blobs().get(k).await?),
            None => None,
        };
        let svg = match svg {
            Some(s) => s,
            None => {
                let title: String = version.fields.title.chars().take(40).collect();
                cairn_media::design::Design {
                    title,
                    ..cairn_media::design::Design::default()
                }
                .to_svg()
            }
        };
        let png = match png {
            Some(p) => p,
            None => {
                let source = svg.clone();
                tokio::task::spawn_blocking(move || {
                    cairn_media::render::render_png(&source, crate::images::RENDER_WIDTH)
                })
                .await
                .map_err(|e| AppError::Internal(e.into()))?
                .map_err(|e| AppError::Internal(anyhow::anyhow!("drawing the badge: {e}")))?
            }
        };
        Ok((png, svg))
    }

    /// The unsigned credential.
    fn credential(&self, i: &Issue<'_>, list: StatusListId, index: u32) -> OpenBadgeCredential {
        let fields = &i.version.fields;
        let achievement_url = self.achievement_url(i.achievement.id);
        let mut achievement = ob3::Achievement::new(
            achievement_url.clone(),
            fields.title.clone(),
            if fields.summary.is_empty() {
                fields.competency.clone()
            } else {
                fields.summary.clone()
            },
            fields.criteria.clone(),
        );
        achievement.criteria.id = Some(self.url(&format!(
            "/orgs/{}/achievements/{}?version={}",
            i.org.slug, i.achievement.slug, i.version.number
        )));
        achievement.achievement_type = Some("MicroCredential".into());
        achievement.image = Some(ob3::Image::new(
            self.url(&format!("/achievements/{}/image.png", i.achievement.id)),
            Some(fields.title.clone()),
        ));
        achievement.tag.clone_from(&fields.tags);
        achievement.version = Some(i.version.number.to_string());
        achievement.alignment = fields
            .alignments
            .iter()
            .map(|al| {
                let mut out = ob3::Alignment::new(al.name.clone(), al.url.clone());
                out.target_framework.clone_from(&al.framework);
                out.target_code.clone_from(&al.code);
                out
            })
            .collect();
        let credits = f64::from(fields.credit_hundredths) / 100.0;
        if fields.credit_hundredths > 0 {
            achievement.credits_available = Some(credits);
        }
        if let Some(rubric) = &i.version.rubric {
            achievement.result_description = rubric
                .criteria()
                .iter()
                .enumerate()
                .map(|(n, c)| {
                    let levels = rubric
                        .levels()
                        .iter()
                        .enumerate()
                        .map(|(l, level)| {
                            let mut out = RubricCriterionLevel::new(
                                format!("{achievement_url}#criterion-{n}-level-{l}"),
                                level.name.clone(),
                            );
                            out.description = c.descriptors.get(l).cloned();
                            out
                        })
                        .collect();
                    ResultDescription::rubric_criterion(
                        format!("{achievement_url}#criterion-{n}"),
                        c.name.clone(),
                        levels,
                    )
                })
                .collect();
        }
        let mut issuer = ob3::Profile::new(self.issuer_id(i.org.id), i.org.name.clone());
        issuer.url = Some(
            i.org
                .website
                .clone()
                .unwrap_or_else(|| self.url(&format!("/orgs/{}", i.org.slug))),
        );
        issuer.email.clone_from(&i.org.contact_email);
        let mut subject = AchievementSubject::hashed_email(i.recipient_email, i.salt, achievement);
        if let Some(rubric) = &i.version.rubric {
            subject.result = i
                .results
                .iter()
                .filter_map(|(criterion, level)| {
                    let n = rubric
                        .criteria()
                        .iter()
                        .position(|c| &c.name == criterion)?;
                    let l = rubric.levels().iter().position(|x| &x.name == level)?;
                    Some(ResultAchieved::new(
                        format!("{achievement_url}#criterion-{n}"),
                        format!("{achievement_url}#criterion-{n}-level-{l}"),
                    ))
                })
                .collect();
        }
        if fields.credit_hundredths > 0 {
            subject.credits_earned = Some(credits);
        }
        OpenBadgeCredential {
            id: self.badge_url(i.award_id),
            issuer,
            valid_from: i.issued_at,
            valid_until: i.expires_at,
            awarded_date: Some(i.issued_at),
            name: fields.title.clone(),
            description: Some(fields.summary.clone()).filter(|s| !s.is_empty()),
            image: Some(ob3::Image::new(
                self.url(&format!("/badges/{}/badge.png", i.award_id)),
                Some(fields.title.clone()),
            )),
            subject,
            evidence: i.evidence.clone(),
            credential_status: Some(CredentialStatus::revocation(
                &self.status_list_url(list),
                u64::from(index),
            )),
            endorsement: Vec::new(),
        }
    }
}
