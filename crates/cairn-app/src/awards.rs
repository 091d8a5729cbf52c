//! Awards once issued: the documents that make them verifiable (issuer
//! Profile, keys, status lists), the public badge page's view, the
//! verification report, and who may see what.

use crate::accounts::Principal;
use crate::{App, AppError, AppResult};
use cairn_credentials::fast;
use cairn_credentials::keys::{self, ChainResolver, DidKeyResolver, DocumentResolver};
use cairn_credentials::proof::{self, ProofOptions};
use cairn_credentials::status::{self, StatusList};
use cairn_credentials::verify::{self, Report};
use cairn_domain::award::{AwardVisibility, Standing};
use cairn_domain::policy::{Action, can};
use cairn_domain::{AwardId, IssuerKeyId, OrganizationId, StatusListId};
use cairn_store::Repos;
use cairn_store::achievements::{Achievement, AchievementVersion};
use cairn_store::awards::Award;
use cairn_store::enrollments::SnapshotItem;
use cairn_store::organizations::Organization;
use serde_json::Value;
use std::collections::BTreeMap;

/// An award as its public page shows it.
#[derive(Clone, Debug)]
pub struct AwardView {
    pub award: Award,
    pub organization: Organization,
    pub achievement: Achievement,
    /// The version it was awarded under.
    pub version: AchievementVersion,
    pub standing: Standing,
    /// The signed credential.
    pub credential: Value,
    /// (criterion, level) when the earner shares the results, or to the
    /// earner themself.
    pub results: Vec<(String, String)>,
    /// The evidence the earner made public.
    pub evidence: Vec<SnapshotItem>,
    /// Whether the viewer is the earner.
    pub is_earner: bool,
    /// Whether the viewer administers the issuing organization (may revoke).
    pub can_revoke: bool,
}

impl App {
    /// The issuer Profile of an organization, listing every key it ever
    /// signed with.
    pub async fn issuer_profile(&self, org: OrganizationId) -> AppResult<Value> {
        let organization = self
            .store()
            .organizations()
            .get(org)
            .await?
            .ok_or_else(|| AppError::not_found("The issuer"))?;
        let mut profile =
            cairn_credentials::ob3::Profile::new(self.issuer_url(org), organization.name.clone());
        profile.url = Some(
            organization
                .website
                .clone()
                .unwrap_or_else(|| self.url(&format!("/orgs/{}", organization.slug))),
        );
        profile.email.clone_from(&organization.contact_email);
        if !organization.description.is_empty() {
            profile.description = Some(organization.description.clone());
        }
        let mut doc = serde_json::to_value(&profile).map_err(|e| AppError::Internal(e.into()))?;
        let urls: Vec<String> = self
            .store()
            .awards()
            .keys_of(org)
            .await?
            .iter()
            .filter(|k| k.algorithm == crate::issuing::ED25519)
            .map(|k| self.key_url(org, k.id))
            .collect();
        let refs: Vec<&str> = urls.iter().map(String::as_str).collect();
        keys::set_profile_keys(&mut doc, &refs)
            .map_err(|e| AppError::Internal(anyhow::anyhow!("issuer profile: {e}")))?;
        Ok(doc)
    }

    /// The organization's DID document (`<issuer URL>/did.json`) when the
    /// server identifies issuers by did:web: every Ed25519 key it ever
    /// signed with, as `<did>#<key id>`, so badges signed before a key
    /// change keep verifying.
    pub async fn issuer_did_document(&self, org: OrganizationId) -> AppResult<Value> {
        let did = self.issuer_did(org).ok_or_else(|| {
            AppError::not_found(
                "This server does not identify its issuers by did:web, so the DID document",
            )
        })?;
        self.store()
            .organizations()
            .get(org)
            .await?
            .ok_or_else(|| AppError::not_found("The issuer"))?;
        let entries: Vec<keys::KeyEntry> = self
            .store()
            .awards()
            .keys_of(org)
            .await?
            .into_iter()
            .filter(|k| k.algorithm == crate::issuing::ED25519)
            .map(|k| keys::KeyEntry {
                fragment: k.id.to_string(),
                public_key_multibase: k.public_key,
                revoked: None,
            })
            .collect();
        Ok(keys::did_web_document(&did, &entries))
    }

    /// Where a person reading an issuer's URL in a browser is sent: the
    /// organization's page.
    pub async fn issuer_page(&self, org: OrganizationId) -> AppResult<String> {
        let o = self
            .store()
            .organizations()
            .get(org)
            .await?
            .ok_or_else(|| AppError::not_found("The issuer"))?;
        Ok(format!("/orgs/{}", o.slug))
    }

    /// The Multikey document of one of an organization's keys.
    pub async fn issuer_key_document(
        &self,
        org: OrganizationId,
        key: IssuerKeyId,
    ) -> AppResult<Value> {
        let k = self
            .store()
            .awards()
            .key(key)
            .await?
            .filter(|k| k.organization_id == org && k.algorithm == crate::issuing::ED25519)
            .ok_or_else(|| AppError::not_found("The key"))?;
        Ok(keys::multikey_document(
            &self.key_url(org, k.id),
            &self.issuer_url(org),
            &k.public_key,
            None,
        ))
    }

    /// A status list as a signed `BitstringStatusListCredential`.
    pub async fn status_list_credential(&self, id: StatusListId) -> AppResult<Value> {
        let list = self
            .store()
            .awards()
            .list(id)
            .await?
            .ok_or_else(|| AppError::not_found("The status list"))?;
        let bits = StatusList::decode(&list.bits)
            .map_err(|e| AppError::Internal(anyhow::anyhow!("status list {id}: {e}")))?;
        let unsigned = status::list_credential_unsigned(
            &self.status_list_url(id),
            &self.issuer_id(list.organization_id),
            list.updated_at,
            &bits,
        );
        let (key_row, key) = self.signing_key(list.organization_id).await?;
        let method = self.key_method(list.organization_id, key_row.id);
        let created = list.updated_at;
        tokio::task::spawn_blocking(move || {
            proof::sign(
                &unsigned,
                &key,
                &ProofOptions::assertion(method, created),
                &fast::Auto,
            )
        })
        .await
        .map_err(|e| AppError::Internal(e.into()))?
        .map_err(|e| AppError::Internal(anyhow::anyhow!("signing the status list: {e}")))
    }

    /// An award as `viewer` may see it: "not found" when it is private and
    /// the viewer is neither the earner nor an administrator of the issuer.
    pub async fn award_view(
        &self,
        id: AwardId,
        viewer: Option<&Principal>,
    ) -> AppResult<AwardView> {
        let store = self.store();
        let award = store
            .awards()
            .get(id)
            .await?
            .ok_or_else(|| AppError::not_found("The badge"))?;
        let is_earner = viewer.is_some_and(|p| Some(p.user.id) == award.user_id);
        let roles = self.roles_in(award.organization_id, viewer).await?;
        let can_revoke = viewer.is_some_and(|p| can(&p.actor, Action::ManageReviews { roles }));
        if award.visibility == AwardVisibility::Private && !is_earner && !can_revoke {
            return Err(AppError::not_found("The badge"));
        }
        let organization = store
            .organizations()
            .get(award.organization_id)
            .await?
            .ok_or_else(|| AppError::not_found("The issuer"))?;
        let achievement = store
            .achievements()
            .get(award.achievement_id)
            .await?
            .ok_or_else(|| AppError::not_found("The micro-credential"))?;
        let version = store
            .achievements()
            .version(award.version_id)
            .await?
            .ok_or_else(|| AppError::not_found("The version"))?;
        let credential: Value = serde_json::from_str(&award.credential)
            .map_err(|e| AppError::Internal(anyhow::anyhow!("award {id}: {e}")))?;
        let results = if award.share_results || is_earner {
            results_of(&credential, &version)
        } else {
            Vec::new()
        };
        let mut evidence = Vec::new();
        if let Some(enrollment) = award.enrollment_id {
            let request = store.reviews().award_request(enrollment).await?;
            if let Some(r) = request
                && let Some(s) = store.enrollments().submission(r.submission_id).await?
            {
                evidence = s
                    .snapshot
                    .evidence
                    .into_iter()
                    .filter(|i| i.visibility == "public")
                    .collect();
            }
        }
        let standing = Standing::of(
            award.expires_at,
            award
                .revoked_at
                .map(|_| award.revocation_reason.as_deref().unwrap_or("Revoked")),
            self.now(),
        );
        Ok(AwardView {
            award,
            organization,
            achievement,
            version,
            standing,
            credential,
            results,
            evidence,
            is_earner,
            can_revoke,
        })
    }

    /// An award's credential as a VC-JWT signed with the organization's
    /// ES256 key (the JWT is its proof, so the Data Integrity proof is left
    /// out). Private badges are for the earner and the issuer only.
    pub async fn award_vc_jwt(&self, id: AwardId, viewer: Option<&Principal>) -> AppResult<String> {
        let view = self.award_view(id, viewer).await?;
        self.vc_jwt_of(&view).await
    }

    /// [`App::award_vc_jwt`] of a view [`App::award_view`] gave (so the
    /// viewer's right to it was checked there).
    pub async fn vc_jwt_of(&self, view: &AwardView) -> AppResult<String> {
        let mut credential = view.credential.clone();
        if let Some(object) = credential.as_object_mut() {
            object.remove("proof");
        }
        let (key_row, _) = self.signing_key(view.award.organization_id).await?;
        let key = self.jwt_key(view.award.organization_id, key_row.id)?;
        cairn_credentials::jwt::sign_vc_jwt(&credential, &key)
            .map_err(|e| AppError::Internal(anyhow::anyhow!("VC-JWT of {}: {e}", view.award.id)))
    }

    /// Verifies an award's credential the way any verifier would, with the
    /// issuer documents this server publishes (no network).
    pub async fn verify_award(&self, id: AwardId) -> AppResult<Report> {
        let store = self.store();
        let award = store
            .awards()
            .get(id)
            .await?
            .ok_or_else(|| AppError::not_found("The badge"))?;
        let mut documents = BTreeMap::new();
        let profile = self.issuer_profile(award.organization_id).await?;
        documents.insert(self.issuer_url(award.organization_id), profile);
        if let Some(did) = self.issuer_did(award.organization_id) {
            documents.insert(did, self.issuer_did_document(award.organization_id).await?);
        }
        for k in store.awards().keys_of(award.organization_id).await? {
            if k.algorithm == crate::issuing::ED25519 {
                documents.insert(
                    self.key_url(award.organization_id, k.id),
                    self.issuer_key_document(award.organization_id, k.id)
                        .await?,
                );
            }
        }
        let key_documents: Vec<Value> = documents.values().cloned().collect();
        documents.insert(
            self.jwks_url(award.organization_id),
            self.issuer_jwks(award.organization_id).await?,
        );
        documents.insert(
            self.status_list_url(award.status_list_id),
            self.status_list_credential(award.status_list_id).await?,
        );
        let now = self.now();
        let bytes = award.credential.into_bytes();
        tokio::task::spawn_blocking(move || {
            let resolver = DocumentResolver::from_documents(key_documents)
                .map_err(|e| anyhow::anyhow!("issuer documents: {e}"))?;
            let keys = ChainResolver::new().with(DidKeyResolver).with(resolver);
            let lookup = |url: &str| documents.get(url).cloned();
            Ok::<_, anyhow::Error>(verify::verify(
                &bytes,
                &verify::Context {
                    now,
                    keys: &keys,
                    documents: &lookup,
                    canon: &fast::Auto,
                },
            ))
        })
        .await
        .map_err(|e| AppError::Internal(e.into()))?
        .map_err(AppError::Internal)
    }
}

/// The (criterion, level) names a credential's results name.
fn results_of(credential: &Value, version: &AchievementVersion) -> Vec<(String, String)> {
    let Some(rubric) = &version.rubric else {
        return Vec::new();
    };
    let results = credential
        .pointer("/credentialSubject/result")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    results
        .iter()
        .filter_map(|r| {
            let criterion = r.get("resultDescription")?.as_str()?;
            let level = r.get("achievedLevel")?.as_str()?;
            let n: usize = criterion.rsplit("criterion-").next()?.parse().ok()?;
            let l: usize = level.rsplit("-level-").next()?.parse().ok()?;
            Some((
                rubric.criteria().get(n)?.name.clone(),
                rubric.levels().get(l)?.name.clone(),
            ))
        })
        .collect()
}

/// One of a person's awards, for their list.
#[derive(Clone, Debug)]
pub struct HeldAward {
    pub award: Award,
    pub title: String,
    pub organization: String,
    pub standing: Standing,
}

impl App {
    /// The signed-in person's awards, newest first.
    pub async fn my_awards(&self, principal: &Principal) -> AppResult<Vec<HeldAward>> {
        let store = self.store();
        let mut out = Vec::new();
        for award in store.awards().of_user(principal.user.id).await? {
            let title = store
                .achievements()
                .get(award.achievement_id)
                .await?
                .map(|a| a.title)
                .unwrap_or_default();
            let organization = store
                .organizations()
                .get(award.organization_id)
                .await?
                .map(|o| o.name)
                .unwrap_or_default();
            let standing = Standing::of(
                award.expires_at,
                award
                    .revoked_at
                    .map(|_| award.revocation_reason.as_deref().unwrap_or("Revoked")),
                self.now(),
            );
            out.push(HeldAward {
                award,
                title,
                organization,
                standing,
            });
        }
        Ok(out)
    }

    /// The earner chooses who sees their badge and whether its rubric
    /// results show.
    pub async fn set_award_privacy(
        &self,
        principal: &Principal,
        id: AwardId,
        visibility: AwardVisibility,
        share_results: bool,
        meta: &crate::RequestMeta,
    ) -> AppResult<()> {
        let award = self
            .store()
            .awards()
            .get(id)
            .await?
            .filter(|a| a.user_id == Some(principal.user.id))
            .ok_or_else(|| AppError::not_found("The badge"))?;
        let tx = self.store().begin().await?;
        tx.awards()
            .set_privacy(award.id, visibility, share_results)
            .await?;
        self.audit(
            &tx,
            meta,
            Some(principal.user.id),
            None,
            "award.privacy",
            serde_json::json!({"award": id, "visibility": visibility.as_str(), "share_results": share_results}),
        )
        .await?;
        tx.commit().await?;
        self.public_cache().forget(id);
        Ok(())
    }

    /// An administrator of the issuing organization revokes an award with
    /// a reason: the status list bit is set, the hosted Open Badges 2.0
    /// assertion answers as revoked, and the earner is told.
    pub async fn revoke_award(
        &self,
        principal: &Principal,
        id: AwardId,
        reason: &str,
        meta: &crate::RequestMeta,
    ) -> AppResult<()> {
        let store = self.store();
        let award = store
            .awards()
            .get(id)
            .await?
            .ok_or_else(|| AppError::not_found("The badge"))?;
        let roles = self
            .roles_in(award.organization_id, Some(principal))
            .await?;
        cairn_domain::policy::authorize(&principal.actor, Action::ManageReviews { roles })?;
        let reason = cairn_domain::award::revocation_reason(reason)
            .map_err(|m| AppError::invalid("reason", m))?;
        let tx = store.begin().await?;
        let now = self.now();
        if !tx.awards().revoke(award.id, &reason, now).await? {
            return Err(AppError::Conflict {
                field: None,
                message: "This badge is revoked already.".into(),
            });
        }
        let mut done = false;
        for _ in 0..8 {
            let list = tx
                .awards()
                .list(award.status_list_id)
                .await?
                .ok_or_else(|| AppError::not_found("The status list"))?;
            let mut bits = StatusList::decode(&list.bits)
                .map_err(|e| AppError::Internal(anyhow::anyhow!("status list: {e}")))?;
            bits.set(award.status_index as usize, true)
                .map_err(|e| AppError::Internal(anyhow::anyhow!("status list: {e}")))?;
            if tx
                .awards()
                .set_bits(list.id, &bits.encode(), list.updated_at, self.now())
                .await?
            {
                done = true;
                break;
            }
        }
        if !done {
            return Err(AppError::Conflict {
                field: None,
                message: "The status list is busy; try again in a moment.".into(),
            });
        }
        tx.achievements()
            .count_award(award.achievement_id, -1)
            .await?;
        if let Some(earner) = award.user_id {
            self.notify(
                &tx,
                earner,
                "award_revoked",
                &format!("Your badge was revoked: {reason}"),
                &format!("/badges/{}", award.id),
            )
            .await?;
        }
        self.audit(
            &tx,
            meta,
            Some(principal.user.id),
            Some(award.organization_id),
            "award.revoked",
            serde_json::json!({"award": award.id, "reason": reason}),
        )
        .await?;
        tx.commit().await?;
        self.public_cache().forget(award.id);
        self.wake_worker();
        Ok(())
    }

    /// The hosted Open Badges 2.0 assertion of an award (revoked ones say
    /// so, with the reason).
    pub async fn ob2_assertion(&self, id: AwardId) -> AppResult<Value> {
        let award = self
            .store()
            .awards()
            .get(id)
            .await?
            .ok_or_else(|| AppError::not_found("The assertion"))?;
        if award.visibility == AwardVisibility::Private && award.revoked_at.is_none() {
            return Err(AppError::not_found("The assertion"));
        }
        let mut a = cairn_credentials::ob2::Assertion::hosted(
            self.url(&format!("/ob2/assertions/{id}")),
            self.url(&format!("/ob2/badges/{}", award.achievement_id)),
            self.url(&format!("/ob2/issuers/{}", award.organization_id)),
            cairn_credentials::ob2::IdentityObject::hashed_email(
                &award.recipient_email,
                &award.recipient_salt,
            ),
            award.issued_at,
        );
        a.image = Some(self.url(&format!("/badges/{id}/badge.png")));
        a.expires = award.expires_at;
        a.revoked = award.revoked_at.is_some();
        a.revocation_reason.clone_from(&award.revocation_reason);
        a.to_json()
            .map_err(|e| AppError::Internal(anyhow::anyhow!("assertion {id}: {e}")))
    }

    /// A micro-credential as an Open Badges 2.0 BadgeClass (its current
    /// version), once published.
    pub async fn ob2_badge_class(&self, id: cairn_domain::AchievementId) -> AppResult<Value> {
        let store = self.store();
        let a = store
            .achievements()
            .get(id)
            .await?
            .filter(|a| a.status != cairn_domain::achievement::AchievementStatus::Draft)
            .ok_or_else(|| AppError::not_found("The badge class"))?;
        let version = store
            .achievements()
            .version(a.current_version_id)
            .await?
            .ok_or_else(|| AppError::not_found("The version"))?;
        let org = store
            .organizations()
            .get(a.organization_id)
            .await?
            .ok_or_else(|| AppError::not_found("The issuer"))?;
        let mut class = cairn_credentials::ob2::BadgeClass::new(
            self.url(&format!("/ob2/badges/{id}")),
            version.fields.title.clone(),
            if version.fields.summary.is_empty() {
                version.fields.competency.clone()
            } else {
                version.fields.summary.clone()
            },
            self.url(&format!("/achievements/{id}/image.png")),
            version.fields.criteria.clone(),
            self.url(&format!("/ob2/issuers/{}", org.id)),
        );
        class.criteria.id = Some(self.url(&format!("/orgs/{}/achievements/{}", org.slug, a.slug)));
        class.tags.clone_from(&version.fields.tags);
        Ok(class.to_json())
    }

    /// An organization as an Open Badges 2.0 Issuer.
    pub async fn ob2_issuer(&self, org: OrganizationId) -> AppResult<Value> {
        let o = self
            .store()
            .organizations()
            .get(org)
            .await?
            .ok_or_else(|| AppError::not_found("The issuer"))?;
        let mut issuer = cairn_credentials::ob2::Issuer::new(
            self.url(&format!("/ob2/issuers/{org}")),
            o.name.clone(),
            o.website
                .clone()
                .unwrap_or_else(|| self.url(&format!("/orgs/{}", o.slug))),
            o.contact_email.clone().unwrap_or_default(),
        );
        if !o.description.is_empty() {
            issuer.description = Some(o.description.clone());
        }
        Ok(issuer.to_json())
    }
}

impl App {
    /// An administrator of the issuing organization renews an award: a new
    /// credential under the micro-credential's current version, with the
    /// same earner and public evidence, linked from the old one (which
    /// stays as it was). Renewing twice gives the same renewal.
    pub async fn renew_award(
        &self,
        principal: &Principal,
        id: AwardId,
        meta: &crate::RequestMeta,
    ) -> AppResult<AwardId> {
        let store = self.store();
        let old = store
            .awards()
            .get(id)
            .await?
            .ok_or_else(|| AppError::not_found("The badge"))?;
        let roles = self.roles_in(old.organization_id, Some(principal)).await?;
        cairn_domain::policy::authorize(&principal.actor, Action::ManageReviews { roles })?;
        if let Some(newer) = old.renewed_by_id {
            return Ok(newer);
        }
        if old.revoked_at.is_some() {
            return Err(AppError::Conflict {
                field: None,
                message: "A revoked badge cannot be renewed.".into(),
            });
        }
        let achievement = store
            .achievements()
            .get(old.achievement_id)
            .await?
            .ok_or_else(|| AppError::not_found("The micro-credential"))?;
        let version = store
            .achievements()
            .version(achievement.current_version_id)
            .await?
            .ok_or_else(|| AppError::not_found("The version"))?;
        let organization = store
            .organizations()
            .get(old.organization_id)
            .await?
            .ok_or_else(|| AppError::not_found("The issuer"))?;
        let credential: Value = serde_json::from_str(&old.credential)
            .map_err(|e| AppError::Internal(anyhow::anyhow!("award {id}: {e}")))?;
        let evidence = credential
            .get("evidence")
            .and_then(Value::as_array)
            .map(|items| {
                items
                    .iter()
                    .map(|e| {
                        let text = |k: &str| e.get(k).and_then(Value::as_str).map(str::to_owned);
                        let mut out = cairn_credentials::ob3::Evidence::named(
                            text("name").unwrap_or_else(|| "Evidence".to_owned()),
                        );
                        out.id = text("id");
                        out.narrative = text("narrative");
                        out.description = text("description");
                        out
                    })
                    .collect()
            })
            .unwrap_or_default();
        let renewed = self
            .issue_new(crate::issuing::NewAward {
                issue_key: format!("renewal:{id}"),
                organization,
                achievement,
                version,
                user_id: old.user_id,
                recipient_email: old.recipient_email.clone(),
                earner_name: old.earner_name.clone(),
                issued_at: None,
                results: Vec::new(),
                evidence,
                source: cairn_domain::award::AwardSource::Renewal,
                origin: crate::issuing::Origin::Renewal { of: id },
            })
            .await?;
        let tx = store.begin().await?;
        self.audit(
            &tx,
            meta,
            Some(principal.user.id),
            Some(old.organization_id),
            "award.renewed",
            serde_json::json!({"award": id, "renewal": renewed}),
        )
        .await?;
        tx.commit().await?;
        // The old badge's page now links to its renewal.
        self.public_cache().forget(id);
        Ok(renewed)
    }
}
