//! Sponsorships, for an organization's administrators: a school, district
//! or grant paying for a number of seats in some (or all) of the
//! organization's micro-credentials, until an expiry date. People use one
//! with a code the administrator hands out, or with a seat assigned to
//! their account; every use is a redemption, and the redemptions are the
//! grant report.

use crate::accounts::Principal;
use crate::payments::unknown_person;
use crate::{App, AppError, AppResult, RequestMeta};
use cairn_domain::account::EmailAddress;
use cairn_domain::achievement::AchievementStatus;
use cairn_domain::policy::Action;
use cairn_domain::sponsorship::{
    CODE_ALPHABET, CODE_LENGTH, SponsorshipTerms, code_from_bytes, normalize_code,
};
use cairn_domain::{AchievementId, FieldErrors, SeatId, SponsorCodeId, SponsorshipId, UserId};
use cairn_store::achievements::Achievement;
use cairn_store::organizations::Organization;
use cairn_store::sponsorships::{Person, Redemption, Seat, SponsorCode, Sponsorship};
use cairn_store::{Repos, StoreError};
use rand::Rng;
use std::collections::{HashMap, HashSet};

/// The most codes made at once.
pub const MAX_CODES_AT_ONCE: u32 = 1000;

/// What an administrator typed for a new sponsorship.
#[derive(Clone, Debug, Default)]
pub struct SponsorshipInput<'a> {
    pub name: &'a str,
    /// A whole number of seats.
    pub seats: &'a str,
    /// `2027-06-30`, or empty for no expiry.
    pub expires_on: &'a str,
    /// The micro-credentials it pays for; none means all of them.
    pub covers: Vec<AchievementId>,
}

/// A sponsorship in the organization's list.
#[derive(Clone, Debug)]
pub struct SponsorshipSummary {
    pub sponsorship: Sponsorship,
    /// Enrollments it paid for.
    pub used: u64,
    /// Whether it can still pay (not ended, not expired).
    pub live: bool,
}

/// The sponsorships page: the list and what a new one may cover.
#[derive(Clone, Debug)]
pub struct SponsorshipsView {
    pub organization: Organization,
    pub sponsorships: Vec<SponsorshipSummary>,
    /// The organization's micro-credentials a sponsor may pay for (drafts
    /// and published ones marked as sponsorable), by title.
    pub choices: Vec<Achievement>,
}

/// A code with who used it.
#[derive(Clone, Debug)]
pub struct CodeRow {
    pub code: SponsorCode,
    /// As people type it: `XXXX-XXXX-XXXX`.
    pub shown: String,
    pub redeemed_by: Option<Person>,
}

/// A seat with its holder.
#[derive(Clone, Debug)]
pub struct SeatRow {
    pub seat: Seat,
    pub holder: Person,
}

/// One line of the grant report: who joined what, when, and how.
#[derive(Clone, Debug)]
pub struct RedemptionRow {
    pub redemption: Redemption,
    pub learner: Person,
    pub achievement_title: String,
    /// The code used (`XXXX-XXXX-XXXX`), or `None` when a seat paid.
    pub code: Option<String>,
}

/// One sponsorship with its codes, seats and report.
#[derive(Clone, Debug)]
pub struct SponsorshipDetail {
    pub organization: Organization,
    pub sponsorship: Sponsorship,
    /// The micro-credentials it covers (empty: all of them).
    pub covered: Vec<Achievement>,
    pub used: u64,
    pub live: bool,
    pub codes: Vec<CodeRow>,
    pub seats: Vec<SeatRow>,
    pub redemptions: Vec<RedemptionRow>,
}

/// A stored code as people type it: groups of four joined by dashes.
pub fn show_code(code: &str) -> String {
    code.as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join("-")
}

/// `count` new codes in their stored form, all different. Each character
/// is drawn uniformly from the code alphabet.
fn new_codes(count: usize) -> Vec<String> {
    let mut rng = rand::rng();
    let alphabet = u8::try_from(CODE_ALPHABET.len()).unwrap_or(u8::MAX);
    let mut codes = HashSet::with_capacity(count);
    while codes.len() < count {
        let mut bytes = [0u8; CODE_LENGTH];
        for b in &mut bytes {
            *b = rng.random_range(0..alphabet);
        }
        if let Some(code) = normalize_code(&code_from_bytes(&bytes)) {
            codes.insert(code);
        }
    }
    codes.into_iter().collect()
}

fn ended() -> AppError {
    AppError::Conflict {
        field: None,
        message: "This sponsorship has ended or expired; it cannot take new codes or seats.".into(),
    }
}

fn person_of(people: &HashMap<UserId, Person>, id: UserId) -> Person {
    people.get(&id).cloned().unwrap_or_else(unknown_person)
}

impl App {
    async fn sponsoring_org(&self, principal: &Principal, slug: &str) -> AppResult<Organization> {
        Ok(self
            .org_for(principal, slug, |roles| Action::ManageSponsorships {
                roles,
            })
            .await?
            .0)
    }

    async fn sponsorship_in<R: Repos>(
        repos: &R,
        org: &Organization,
        id: SponsorshipId,
    ) -> AppResult<Sponsorship> {
        repos
            .sponsorships()
            .get(id)
            .await?
            .filter(|s| s.organization_id == org.id)
            .ok_or_else(|| AppError::not_found("The sponsorship"))
    }

    async fn sponsorable(&self, org: &Organization) -> AppResult<Vec<Achievement>> {
        Ok(self
            .store()
            .achievements()
            .list_for_organization(
                org.id,
                &[AchievementStatus::Draft, AchievementStatus::Published],
            )
            .await?
            .into_iter()
            .filter(|a| a.sponsorable)
            .collect())
    }

    /// An organization's sponsorships, newest first, and the
    /// micro-credentials a new one may cover (administrators).
    pub async fn sponsorships(
        &self,
        principal: &Principal,
        slug: &str,
    ) -> AppResult<SponsorshipsView> {
        let organization = self.sponsoring_org(principal, slug).await?;
        let now = self.now();
        let mut sponsorships = Vec::new();
        for s in self.store().sponsorships().list(organization.id).await? {
            sponsorships.push(SponsorshipSummary {
                used: self.store().sponsorships().used(s.id).await?,
                live: s.is_live(now),
                sponsorship: s,
            });
        }
        let choices = self.sponsorable(&organization).await?;
        Ok(SponsorshipsView {
            organization,
            sponsorships,
            choices,
        })
    }

    /// Creates a sponsorship (administrators). The micro-credentials it
    /// covers must be the organization's and open to sponsors.
    pub async fn create_sponsorship(
        &self,
        principal: &Principal,
        slug: &str,
        input: SponsorshipInput<'_>,
        meta: &RequestMeta,
    ) -> AppResult<Sponsorship> {
        let org = self.sponsoring_org(principal, slug).await?;
        let now = self.now();
        let choices: HashSet<AchievementId> = self
            .sponsorable(&org)
            .await?
            .into_iter()
            .map(|a| a.id)
            .collect();
        let terms = SponsorshipTerms::parse(
            input.name,
            input.seats,
            input.expires_on,
            input.covers.clone(),
            now,
        );
        let mut errors = match &terms {
            Ok(_) => FieldErrors::new(),
            Err(e) => e.clone(),
        };
        if input.covers.iter().any(|a| !choices.contains(a)) {
            errors.add(
                "covers",
                "Choose among this organization's micro-credentials that sponsors may pay for.",
            );
        }
        let terms = match terms {
            Ok(terms) if errors.is_empty() => terms,
            _ => return Err(AppError::Invalid(errors)),
        };
        let tx = self.store().begin().await?;
        let sponsorship = tx
            .sponsorships()
            .insert(
                SponsorshipId(App::new_id()),
                org.id,
                &terms,
                principal.user.id,
                now,
            )
            .await?;
        self.audit(
            &tx,
            meta,
            Some(principal.user.id),
            Some(org.id),
            "sponsorship.created",
            serde_json::json!({
                "sponsorship": sponsorship.id,
                "name": terms.name,
                "seats": terms.seats,
                "expires_at": terms.expires_at,
                "covers": terms.covers,
            }),
        )
        .await?;
        tx.commit().await?;
        Ok(sponsorship)
    }

    /// One sponsorship with its codes, seats and redemptions
    /// (administrators).
    pub async fn sponsorship(
        &self,
        principal: &Principal,
        slug: &str,
        id: SponsorshipId,
    ) -> AppResult<SponsorshipDetail> {
        let organization = self.sponsoring_org(principal, slug).await?;
        let store = self.store();
        let sponsorship = Self::sponsorship_in(store, &organization, id).await?;
        let codes = store.sponsorships().codes(id).await?;
        let seats = store.sponsorships().seats(id).await?;
        let redemptions = store.sponsorships().redemptions(id).await?;
        let mut ids: Vec<UserId> = codes.iter().filter_map(|c| c.redeemed_by).collect();
        ids.extend(seats.iter().map(|s| s.user_id));
        ids.extend(redemptions.iter().map(|r| r.user_id));
        let people = store.sponsorships().people(&ids).await?;
        let mut achievement_ids = sponsorship.terms.covers.clone();
        achievement_ids.extend(redemptions.iter().map(|r| r.achievement_id));
        achievement_ids.sort();
        achievement_ids.dedup();
        let achievements: HashMap<AchievementId, Achievement> = store
            .achievements()
            .get_many(&achievement_ids)
            .await?
            .into_iter()
            .map(|a| (a.id, a))
            .collect();
        let mut covered: Vec<Achievement> = sponsorship
            .terms
            .covers
            .iter()
            .filter_map(|a| achievements.get(a).cloned())
            .collect();
        covered.sort_by_key(|a| a.title.to_lowercase());
        let code_texts: HashMap<SponsorCodeId, String> =
            codes.iter().map(|c| (c.id, show_code(&c.code))).collect();
        let redemptions = redemptions
            .into_iter()
            .map(|r| RedemptionRow {
                learner: person_of(&people, r.user_id),
                achievement_title: achievements
                    .get(&r.achievement_id)
                    .map(|a| a.title.clone())
                    .unwrap_or_default(),
                code: r.code_id.and_then(|c| code_texts.get(&c).cloned()),
                redemption: r,
            })
            .collect();
        Ok(SponsorshipDetail {
            used: store.sponsorships().used(id).await?,
            live: sponsorship.is_live(self.now()),
            covered,
            codes: codes
                .into_iter()
                .map(|code| CodeRow {
                    shown: show_code(&code.code),
                    redeemed_by: code.redeemed_by.map(|u| person_of(&people, u)),
                    code,
                })
                .collect(),
            seats: seats
                .into_iter()
                .map(|seat| SeatRow {
                    holder: person_of(&people, seat.user_id),
                    seat,
                })
                .collect(),
            redemptions,
            organization,
            sponsorship,
        })
    }

    /// A sponsorship's codes, oldest first, with who used each
    /// (administrators).
    pub async fn sponsor_codes(
        &self,
        principal: &Principal,
        slug: &str,
        id: SponsorshipId,
    ) -> AppResult<(Sponsorship, Vec<CodeRow>)> {
        let detail = self.sponsorship(principal, slug, id).await?;
        Ok((detail.sponsorship, detail.codes))
    }

    /// The grant report: what a sponsorship paid for, newest first
    /// (administrators).
    pub async fn sponsorship_redemptions(
        &self,
        principal: &Principal,
        slug: &str,
        id: SponsorshipId,
    ) -> AppResult<Vec<RedemptionRow>> {
        Ok(self.sponsorship(principal, slug, id).await?.redemptions)
    }

    /// Makes `count` new codes (1–1000) for a live sponsorship
    /// (administrators).
    pub async fn generate_sponsor_codes(
        &self,
        principal: &Principal,
        slug: &str,
        id: SponsorshipId,
        count: u32,
        meta: &RequestMeta,
    ) -> AppResult<Vec<SponsorCode>> {
        let org = self.sponsoring_org(principal, slug).await?;
        if !(1..=MAX_CODES_AT_ONCE).contains(&count) {
            return Err(AppError::invalid(
                "count",
                format!("Enter a number of codes from 1 to {MAX_CODES_AT_ONCE}."),
            ));
        }
        let count = usize::try_from(count).unwrap_or(1);
        // A clash with an existing code is checked for first; one that
        // appears between that check and the insert (another request making
        // codes at the same moment) fails the transaction, which is retried.
        for _ in 0..3 {
            let tx = self.store().begin().await?;
            let sponsorship = Self::sponsorship_in(&tx, &org, id).await?;
            let now = self.now();
            if !sponsorship.is_live(now) {
                return Err(ended());
            }
            let mut codes = new_codes(count);
            loop {
                let taken: HashSet<String> = tx
                    .sponsorships()
                    .existing_codes(&codes)
                    .await?
                    .into_iter()
                    .collect();
                if taken.is_empty() {
                    break;
                }
                codes.retain(|c| !taken.contains(c));
                let mut fresh = new_codes(count - codes.len());
                fresh.retain(|c| !codes.contains(c));
                codes.extend(fresh);
            }
            let rows: Vec<(SponsorCodeId, String)> = codes
                .into_iter()
                .map(|c| (SponsorCodeId(App::new_id()), c))
                .collect();
            match tx.sponsorships().add_codes(id, &rows, now).await {
                Ok(()) => {}
                Err(StoreError::Conflict { constraint })
                    if constraint == "ux_sponsor_codes_code" =>
                {
                    continue;
                }
                Err(other) => return Err(other.into()),
            }
            self.audit(
                &tx,
                meta,
                Some(principal.user.id),
                Some(org.id),
                "sponsorship.codes_generated",
                serde_json::json!({"sponsorship": id, "count": rows.len()}),
            )
            .await?;
            tx.commit().await?;
            return Ok(rows
                .into_iter()
                .map(|(code_id, code)| SponsorCode {
                    id: code_id,
                    sponsorship_id: id,
                    code,
                    created_at: now,
                    redeemed_at: None,
                    redeemed_by: None,
                })
                .collect());
        }
        Err(AppError::Internal(anyhow::anyhow!(
            "sponsor codes kept clashing with existing ones"
        )))
    }

    /// Assigns a seat to the person with this (verified) address, while the
    /// sponsorship is live and has seats left to assign (administrators).
    pub async fn assign_seat(
        &self,
        principal: &Principal,
        slug: &str,
        id: SponsorshipId,
        email: &str,
        meta: &RequestMeta,
    ) -> AppResult<SeatRow> {
        let org = self.sponsoring_org(principal, slug).await?;
        let email =
            EmailAddress::parse(email).map_err(|e| AppError::invalid("email", e.to_string()))?;
        let tx = self.store().begin().await?;
        let sponsorship = Self::sponsorship_in(&tx, &org, id).await?;
        let now = self.now();
        if !sponsorship.is_live(now) {
            return Err(ended());
        }
        let Some(address) = tx.users().find_email(&email).await? else {
            return Err(AppError::invalid(
                "email",
                "No account uses this address. Ask them to sign up, then assign the seat.",
            ));
        };
        if address.verified_at.is_none() {
            return Err(AppError::invalid(
                "email",
                "This address is not verified yet. Ask them to verify it, then assign the seat.",
            ));
        }
        let assigned = tx.sponsorships().seats(id).await?.len();
        if u32::try_from(assigned).unwrap_or(u32::MAX) >= sponsorship.terms.seats {
            return Err(AppError::conflict(
                "email",
                format!(
                    "All {} seats are assigned. Remove an unused seat first.",
                    sponsorship.terms.seats
                ),
            ));
        }
        let seat = match tx
            .sponsorships()
            .assign_seat(SeatId(App::new_id()), id, address.user_id, now)
            .await
        {
            Ok(seat) => seat,
            Err(StoreError::Conflict { constraint })
                if constraint == "ux_sponsor_seats_sponsorship_user" =>
            {
                return Err(AppError::conflict(
                    "email",
                    "This person already has a seat in this sponsorship.",
                ));
            }
            Err(other) => return Err(other.into()),
        };
        self.audit(
            &tx,
            meta,
            Some(principal.user.id),
            Some(org.id),
            "sponsorship.seat_assigned",
            serde_json::json!({"sponsorship": id, "seat": seat.id, "user": seat.user_id}),
        )
        .await?;
        let holder = person_of(
            &tx.sponsorships().people(&[seat.user_id]).await?,
            seat.user_id,
        );
        tx.commit().await?;
        Ok(SeatRow { seat, holder })
    }

    /// Removes a seat nobody used yet (administrators).
    pub async fn remove_seat(
        &self,
        principal: &Principal,
        slug: &str,
        id: SponsorshipId,
        seat: SeatId,
        meta: &RequestMeta,
    ) -> AppResult<()> {
        let org = self.sponsoring_org(principal, slug).await?;
        let tx = self.store().begin().await?;
        Self::sponsorship_in(&tx, &org, id).await?;
        let found = tx
            .sponsorships()
            .seat(seat)
            .await?
            .filter(|s| s.sponsorship_id == id)
            .ok_or_else(|| AppError::not_found("The seat"))?;
        if !tx.sponsorships().remove_seat(seat).await? {
            return Err(AppError::Conflict {
                field: None,
                message: "This seat was used; it stays in the report.".into(),
            });
        }
        self.audit(
            &tx,
            meta,
            Some(principal.user.id),
            Some(org.id),
            "sponsorship.seat_removed",
            serde_json::json!({"sponsorship": id, "seat": seat, "user": found.user_id}),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Ends a sponsorship: its codes and seats stop working; what it paid
    /// for stays paid (administrators).
    pub async fn end_sponsorship(
        &self,
        principal: &Principal,
        slug: &str,
        id: SponsorshipId,
        meta: &RequestMeta,
    ) -> AppResult<Sponsorship> {
        let org = self.sponsoring_org(principal, slug).await?;
        let tx = self.store().begin().await?;
        let sponsorship = Self::sponsorship_in(&tx, &org, id).await?;
        if sponsorship.ended_at.is_some() {
            return Ok(sponsorship);
        }
        let now = self.now();
        tx.sponsorships().end(id, now).await?;
        self.audit(
            &tx,
            meta,
            Some(principal.user.id),
            Some(org.id),
            "sponsorship.ended",
            serde_json::json!({"sponsorship": id}),
        )
        .await?;
        tx.commit().await?;
        Ok(Sponsorship {
            ended_at: Some(now),
            ..sponsorship
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_valid_distinct_and_shown_in_groups() {
        let codes = new_codes(200);
        assert_eq!(codes.len(), 200);
        assert_eq!(codes.iter().collect::<HashSet<_>>().len(), 200);
        for code in &codes {
            assert_eq!(normalize_code(code).as_deref(), Some(code.as_str()));
            let shown = show_code(code);
            assert_eq!(shown.len(), 14);
            assert_eq!(normalize_code(&shown).as_deref(), Some(code.as_str()));
        }
    }
}
