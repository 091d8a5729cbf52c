use crate::{id, t0};
use cairn_domain::achievement::fields::{AchievementFields, AchievementInput};
use cairn_domain::enrollment::State;
use cairn_domain::organization::{OrganizationProfile, OrganizationProfileInput};
use cairn_domain::sponsorship::{PaymentStatus, SponsorshipTerms};
use cairn_domain::{
    AchievementId, AchievementVersionId, EnrollmentId, OrganizationId, PaymentId, SeatId,
    SponsorCodeId, SponsorshipId, UserId,
};
use cairn_store::achievements::{NewAchievement, VersionContent};
use cairn_store::enrollments::{Enrollment, Funding, NewEnrollment};
use cairn_store::payments::Payment;
use cairn_store::sponsorships::Redemption;
use cairn_store::users::NewUser;
use cairn_store::{Repos, Store, StoreError};
use cairn_test_support::each_backend;
use chrono::Duration;

struct World {
    admin: UserId,
    lena: UserId,
    omar: UserId,
    org: OrganizationId,
    achievement: AchievementId,
    version: AchievementVersionId,
}

async fn user(store: &Store, name: &str) -> UserId {
    store
        .users()
        .insert(NewUser {
            id: UserId(id()),
            display_name: name,
            password_hash: None,
            platform_admin: false,
            may_create_organizations: true,
            now: t0(),
        })
        .await
        .expect("user")
        .id
}

async fn world(store: &Store) -> World {
    let admin = user(store, "Ada Admin").await;
    let lena = user(store, "Lena Learner").await;
    let omar = user(store, "Omar Learner").await;
    let profile = OrganizationProfile::parse(&OrganizationProfileInput {
        name: "District",
        website: "",
        contact_email: "",
        description: "",
    })
    .expect("profile");
    let org = store
        .organizations()
        .insert(OrganizationId(id()), "district", &profile, admin, t0())
        .await
        .expect("org")
        .id;
    let fields = AchievementFields::parse(&AchievementInput {
        title: "Check-In/Check-Out",
        summary: "s",
        competency: "c",
        criteria: "k",
        price: "49.00",
        sponsorable: true,
        ..AchievementInput::default()
    })
    .expect("fields");
    let version = AchievementVersionId(id());
    let tx = store.begin().await.expect("begin");
    let achievement = tx
        .achievements()
        .insert(NewAchievement {
            id: AchievementId(id()),
            version_id: version,
            organization_id: org,
            department_id: None,
            level_id: None,
            slug: "cico",
            content: VersionContent {
                fields: &fields,
                rubric: None,
                rubric_template_id: None,
                requirements: &[],
            },
            created_by: admin,
            now: t0(),
        })
        .await
        .expect("achievement")
        .id;
    tx.commit().await.expect("commit");
    World {
        admin,
        lena,
        omar,
        org,
        achievement,
        version,
    }
}

async fn enroll(store: &Store, w: &World, learner: UserId, paid: bool) -> Enrollment {
    store
        .enrollments()
        .insert(NewEnrollment {
            id: EnrollmentId(id()),
            user_id: learner,
            achievement_id: w.achievement,
            version_id: w.version,
            organization_id: w.org,
            state: State::joined(paid),
            funding: if paid {
                Funding::Sponsor
            } else {
                Funding::Payment
            },
            now: t0(),
        })
        .await
        .expect("enroll")
}

fn terms(name: &str, seats: u32, covers: Vec<AchievementId>) -> SponsorshipTerms {
    SponsorshipTerms {
        name: name.to_owned(),
        seats,
        expires_at: Some(t0() + Duration::days(30)),
        covers,
    }
}

fn conflict_on(err: &StoreError, index: &str) -> bool {
    matches!(err, StoreError::Conflict { constraint } if constraint == index)
}

#[tokio::test]
async fn a_sponsorship_keeps_its_terms_and_each_code_is_redeemed_once() {
    each_backend(|store| async move {
        let w = world(&store).await;
        let tx = store.begin().await.expect("begin");
        let grant = tx
            .sponsorships()
            .insert(
                SponsorshipId(id()),
                w.org,
                &terms("Title II grant", 2, vec![w.achievement, w.achievement]),
                w.admin,
                t0(),
            )
            .await
            .expect("insert");
        tx.commit().await.expect("commit");
        assert_eq!(grant.terms.covers, vec![w.achievement]);
        assert_eq!(grant.created_by, Some(w.admin));
        let loaded = store
            .sponsorships()
            .get(grant.id)
            .await
            .expect("get")
            .expect("found");
        assert_eq!(loaded, grant, "round trip, timestamps exact");
        assert!(loaded.is_live(t0()));
        let all_of_them = store
            .sponsorships()
            .insert(
                SponsorshipId(id()),
                w.org,
                &SponsorshipTerms {
                    expires_at: None,
                    ..terms("District fund", 100, vec![])
                },
                w.admin,
                t0() + Duration::seconds(1),
            )
            .await
            .expect("insert without covers");
        let listed = store.sponsorships().list(w.org).await.expect("list");
        assert_eq!(
            listed.iter().map(|s| s.id).collect::<Vec<_>>(),
            vec![all_of_them.id, grant.id],
            "newest first"
        );
        assert!(listed[0].terms.covers.is_empty());
        assert_eq!(listed[0].terms.expires_at, None);

        let codes = vec![
            (SponsorCodeId(id()), "ABCDEFGHJKMN".to_owned()),
            (SponsorCodeId(id()), "23456789ABCD".to_owned()),
        ];
        store
            .sponsorships()
            .add_codes(grant.id, &codes, t0())
            .await
            .expect("codes");
        let again = store
            .sponsorships()
            .add_codes(
                all_of_them.id,
                &[(SponsorCodeId(id()), "ABCDEFGHJKMN".to_owned())],
                t0(),
            )
            .await
            .expect_err("codes are unique everywhere");
        assert!(conflict_on(&again, "ux_sponsor_codes_code"), "{again:?}");
        assert_eq!(
            store
                .sponsorships()
                .existing_codes(&["ABCDEFGHJKMN".to_owned(), "XXXXXXXXXXXX".to_owned()])
                .await
                .expect("existing"),
            vec!["ABCDEFGHJKMN".to_owned()]
        );
        let (code, sponsorship) = store
            .sponsorships()
            .code("ABCDEFGHJKMN")
            .await
            .expect("lookup")
            .expect("found");
        assert_eq!((code.id, sponsorship.id), (codes[0].0, grant.id));
        assert_eq!(code.redeemed_at, None);
        assert!(
            store
                .sponsorships()
                .code("ABCD-EFGH-JKMN")
                .await
                .expect("lookup")
                .is_none(),
            "only normalized codes are found"
        );

        // Two people try the same code at once: one gets it.
        let (first, second) = (store.sponsorships(), store.sponsorships());
        let (a, b) = tokio::join!(
            first.redeem_code(code.id, w.lena, t0() + Duration::minutes(1)),
            second.redeem_code(code.id, w.omar, t0() + Duration::minutes(1)),
        );
        let (a, b) = (a.expect("redeem"), b.expect("redeem"));
        assert!(a ^ b, "exactly one wins: {a} {b}");
        let winner = if a { w.lena } else { w.omar };
        assert!(
            !store
                .sponsorships()
                .redeem_code(code.id, w.lena, t0() + Duration::minutes(2))
                .await
                .expect("redeem again"),
            "a used code stays used"
        );
        // Inside transactions, the second one sees the first one's write.
        let tx1 = store.begin().await.expect("begin");
        assert!(
            tx1.sponsorships()
                .redeem_code(codes[1].0, w.lena, t0())
                .await
                .expect("first")
        );
        tx1.commit().await.expect("commit");
        let tx2 = store.begin().await.expect("begin");
        assert!(
            !tx2.sponsorships()
                .redeem_code(codes[1].0, w.omar, t0())
                .await
                .expect("second")
        );
        drop(tx2);

        let listed = store.sponsorships().codes(grant.id).await.expect("codes");
        assert_eq!(listed.len(), 2);
        assert_eq!(listed[0].redeemed_by, Some(winner));
        assert_eq!(
            listed[0].redeemed_at,
            Some(t0() + Duration::minutes(1)),
            "the loser's write did not land"
        );
        assert_eq!(listed[1].redeemed_by, Some(w.lena));
        assert!(
            store
                .sponsorships()
                .codes(all_of_them.id)
                .await
                .expect("codes")
                .is_empty()
        );

        store
            .sponsorships()
            .end(grant.id, t0() + Duration::days(1))
            .await
            .expect("end");
        store
            .sponsorships()
            .end(grant.id, t0() + Duration::days(2))
            .await
            .expect("end twice");
        let ended = store
            .sponsorships()
            .get(grant.id)
            .await
            .expect("get")
            .expect("found");
        assert_eq!(ended.ended_at, Some(t0() + Duration::days(1)));
        assert!(!ended.is_live(t0() + Duration::days(1)));
        let missing = store
            .sponsorships()
            .end(SponsorshipId(id()), t0())
            .await
            .expect_err("no such sponsorship");
        assert!(matches!(missing, StoreError::NotFound), "{missing:?}");
    })
    .await;
}

#[tokio::test]
async fn seats_are_one_per_person_and_open_only_while_unused_and_live() {
    each_backend(|store| async move {
        let w = world(&store).await;
        let insert = |t: SponsorshipTerms| {
            let store = store.clone();
            let admin = w.admin;
            let org = w.org;
            async move {
                store
                    .sponsorships()
                    .insert(SponsorshipId(id()), org, &t, admin, t0())
                    .await
                    .expect("insert")
            }
        };
        let live = insert(terms("Live", 5, vec![])).await;
        let ended = insert(terms("Ended", 5, vec![])).await;
        let expired = insert(SponsorshipTerms {
            expires_at: Some(t0() + Duration::hours(1)),
            ..terms("Expires soon", 5, vec![])
        })
        .await;
        let other = insert(terms("Other", 5, vec![])).await;

        let seat = store
            .sponsorships()
            .assign_seat(SeatId(id()), live.id, w.lena, t0())
            .await
            .expect("seat");
        let dup = store
            .sponsorships()
            .assign_seat(SeatId(id()), live.id, w.lena, t0())
            .await
            .expect_err("one seat per person");
        assert!(
            conflict_on(&dup, "ux_sponsor_seats_sponsorship_user"),
            "{dup:?}"
        );
        for s in [&ended, &expired, &other] {
            store
                .sponsorships()
                .assign_seat(SeatId(id()), s.id, w.lena, t0())
                .await
                .expect("a seat in another sponsorship");
        }
        store
            .sponsorships()
            .assign_seat(SeatId(id()), live.id, w.omar, t0() + Duration::seconds(1))
            .await
            .expect("omar's seat");
        store.sponsorships().end(ended.id, t0()).await.expect("end");

        let open = |at| {
            let store = store.clone();
            let lena = w.lena;
            async move {
                store
                    .sponsorships()
                    .open_seats_of(lena, at)
                    .await
                    .expect("open seats")
                    .into_iter()
                    .map(|(seat, s)| {
                        assert_eq!(seat.sponsorship_id, s.id);
                        s.id
                    })
                    .collect::<Vec<_>>()
            }
        };
        assert_eq!(
            open(t0()).await,
            vec![live.id, expired.id, other.id],
            "the ended sponsorship's seat is not open"
        );
        assert_eq!(
            open(t0() + Duration::hours(2)).await,
            vec![live.id, other.id],
            "nor the expired one's"
        );

        let used_seat = store
            .sponsorships()
            .open_seats_of(w.lena, t0())
            .await
            .expect("open")
            .into_iter()
            .find(|(_, s)| s.id == other.id)
            .expect("other's seat")
            .0;
        assert!(
            store
                .sponsorships()
                .use_seat(used_seat.id, t0() + Duration::minutes(5))
                .await
                .expect("use")
        );
        assert!(
            !store
                .sponsorships()
                .use_seat(used_seat.id, t0() + Duration::minutes(6))
                .await
                .expect("use twice"),
            "a seat is used once"
        );
        assert_eq!(open(t0()).await, vec![live.id, expired.id]);
        assert!(
            !store
                .sponsorships()
                .remove_seat(used_seat.id)
                .await
                .expect("remove used"),
            "a used seat stays"
        );
        assert_eq!(
            store
                .sponsorships()
                .seat(used_seat.id)
                .await
                .expect("seat")
                .and_then(|s| s.used_at),
            Some(t0() + Duration::minutes(5))
        );

        let seats = store.sponsorships().seats(live.id).await.expect("seats");
        assert_eq!(
            seats.iter().map(|s| s.user_id).collect::<Vec<_>>(),
            vec![w.lena, w.omar]
        );
        assert_eq!(seats[0], seat);
        assert!(
            store
                .sponsorships()
                .remove_seat(seat.id)
                .await
                .expect("remove")
        );
        assert!(
            !store
                .sponsorships()
                .remove_seat(seat.id)
                .await
                .expect("remove again")
        );
        assert_eq!(open(t0()).await, vec![expired.id]);
        store
            .sponsorships()
            .assign_seat(SeatId(id()), live.id, w.lena, t0())
            .await
            .expect("a removed seat can be assigned again");
    })
    .await;
}

#[tokio::test]
async fn redemptions_count_against_the_sponsorship_and_name_people() {
    each_backend(|store| async move {
        let w = world(&store).await;
        let grant = store
            .sponsorships()
            .insert(
                SponsorshipId(id()),
                w.org,
                &terms("Grant", 2, vec![w.achievement]),
                w.admin,
                t0(),
            )
            .await
            .expect("insert");
        store
            .sponsorships()
            .add_codes(
                grant.id,
                &[(SponsorCodeId(id()), "ABCDEFGHJKMN".to_owned())],
                t0(),
            )
            .await
            .expect("code");
        let code = store.sponsorships().codes(grant.id).await.expect("codes")[0].clone();
        let seat = store
            .sponsorships()
            .assign_seat(SeatId(id()), grant.id, w.omar, t0())
            .await
            .expect("seat");
        assert_eq!(store.sponsorships().used(grant.id).await.expect("used"), 0);

        let lena_e = enroll(&store, &w, w.lena, true).await;
        let omar_e = enroll(&store, &w, w.omar, true).await;
        let by_code = Redemption {
            id: id(),
            sponsorship_id: grant.id,
            enrollment_id: lena_e.id,
            user_id: w.lena,
            achievement_id: w.achievement,
            code_id: Some(code.id),
            seat_id: None,
            created_at: t0(),
        };
        let by_seat = Redemption {
            id: id(),
            enrollment_id: omar_e.id,
            user_id: w.omar,
            code_id: None,
            seat_id: Some(seat.id),
            created_at: t0() + Duration::minutes(1),
            ..by_code.clone()
        };
        let tx = store.begin().await.expect("begin");
        assert!(
            tx.sponsorships()
                .redeem_code(code.id, w.lena, t0())
                .await
                .expect("redeem")
        );
        tx.sponsorships()
            .record_redemption(&by_code)
            .await
            .expect("record");
        tx.commit().await.expect("commit");
        store
            .sponsorships()
            .record_redemption(&by_seat)
            .await
            .expect("record");
        let twice = store
            .sponsorships()
            .record_redemption(&Redemption {
                id: id(),
                ..by_code.clone()
            })
            .await
            .expect_err("one redemption per enrollment");
        assert!(
            conflict_on(&twice, "ux_redemptions_enrollment"),
            "{twice:?}"
        );

        assert_eq!(store.sponsorships().used(grant.id).await.expect("used"), 2);
        assert_eq!(
            store
                .sponsorships()
                .redemptions(grant.id)
                .await
                .expect("report"),
            vec![by_seat.clone(), by_code.clone()],
            "newest first"
        );
        assert_eq!(
            store
                .sponsorships()
                .redemption_of(lena_e.id)
                .await
                .expect("of"),
            Some(by_code)
        );
        let people = store
            .sponsorships()
            .people(&[w.lena, w.omar, w.lena, UserId(id())])
            .await
            .expect("people");
        assert_eq!(people.len(), 2);
        assert_eq!(people[&w.lena].display_name, "Lena Learner");
        assert_eq!(people[&w.lena].primary_email, None);
    })
    .await;
}

#[tokio::test]
async fn payments_round_trip_and_filter_by_status() {
    each_backend(|store| async move {
        let w = world(&store).await;
        let lena_e = enroll(&store, &w, w.lena, false).await;
        let omar_e = enroll(&store, &w, w.omar, false).await;
        let first = Payment {
            id: PaymentId(id()),
            organization_id: w.org,
            enrollment_id: lena_e.id,
            provider: "manual".into(),
            reference: "M-0001".into(),
            amount_cents: 4900,
            currency: "USD".into(),
            status: PaymentStatus::Pending,
            recorded_by: None,
            created_at: t0(),
            updated_at: t0(),
        };
        let second = Payment {
            id: PaymentId(id()),
            enrollment_id: omar_e.id,
            reference: "M-0002".into(),
            created_at: t0() + Duration::minutes(1),
            updated_at: t0() + Duration::minutes(1),
            ..first.clone()
        };
        store.payments().insert(&first).await.expect("insert");
        store.payments().insert(&second).await.expect("insert");
        assert_eq!(
            store.payments().get(first.id).await.expect("get"),
            Some(first.clone())
        );
        assert_eq!(
            store
                .payments()
                .for_enrollment(lena_e.id)
                .await
                .expect("for enrollment"),
            vec![first.clone()]
        );
        assert_eq!(
            store
                .payments()
                .awaiting(w.org)
                .await
                .expect("awaiting")
                .iter()
                .map(|e| e.id)
                .collect::<Vec<_>>(),
            vec![lena_e.id, omar_e.id]
        );

        let later = t0() + Duration::hours(3);
        store
            .payments()
            .set_status(first.id, PaymentStatus::Paid, Some(w.admin), later)
            .await
            .expect("paid");
        let paid = store
            .payments()
            .get(first.id)
            .await
            .expect("get")
            .expect("found");
        assert_eq!(
            (
                paid.status,
                paid.recorded_by,
                paid.updated_at,
                paid.created_at
            ),
            (PaymentStatus::Paid, Some(w.admin), later, t0())
        );
        let ids = |list: Vec<Payment>| list.into_iter().map(|p| p.id).collect::<Vec<_>>();
        assert_eq!(
            ids(store.payments().list(w.org, None).await.expect("list")),
            vec![second.id, first.id],
            "newest first"
        );
        assert_eq!(
            ids(store
                .payments()
                .list(w.org, Some(PaymentStatus::Paid))
                .await
                .expect("paid")),
            vec![first.id]
        );
        assert!(
            store
                .payments()
                .list(w.org, Some(PaymentStatus::Refunded))
                .await
                .expect("refunded")
                .is_empty()
        );
        assert!(
            store
                .payments()
                .list(OrganizationId(id()), None)
                .await
                .expect("other org")
                .is_empty()
        );
        let found = store
            .payments()
            .enrollments(&[omar_e.id, EnrollmentId(id())])
            .await
            .expect("enrollments");
        assert_eq!(found, vec![omar_e]);
        let missing = store
            .payments()
            .set_status(PaymentId(id()), PaymentStatus::Paid, None, later)
            .await
            .expect_err("no such payment");
        assert!(matches!(missing, StoreError::NotFound), "{missing:?}");
    })
    .await;
}
