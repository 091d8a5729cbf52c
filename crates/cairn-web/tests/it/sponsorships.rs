//! Sponsorships and payments through the pages and the API, as an
//! organization's administrators use them, and who else may not.

use crate::{create_org, on_each_backend, verified_user};
use cairn_app::payments::PaymentRequest;
use cairn_domain::account::EmailAddress;
use cairn_domain::enrollment::{State, StateName};
use cairn_domain::sponsorship::normalize_code;
use cairn_domain::{AchievementId, EnrollmentId, PaymentId, UserId};
use cairn_store::Repos;
use cairn_store::enrollments::{Enrollment, Funding, NewEnrollment};
use cairn_store::sponsorships::Redemption;
use cairn_test_support::{TestApp, TestClient, TestResponse};
use chrono::Duration;
use reqwest::Method;
use serde_json::{Value, json};

/// Creates a draft through the editor; returns its id.
async fn draft(ana: &TestClient, org: &str, title: &str, sponsorable: bool) -> String {
    let mut fields = vec![
        ("title", title),
        ("summary", "Teach the routine step by step."),
        ("competency", "Explicit instruction"),
        ("criteria", "Teaches all stages with fidelity."),
        ("credit_hours", "2"),
        ("price", "49.00"),
    ];
    if sponsorable {
        fields.push(("sponsorable", "1"));
    }
    let page = ana
        .submit(&format!("/orgs/{org}/author/new"), &fields)
        .await;
    page.assert_status(200)
        .assert_contains("The draft is created");
    page.path
        .trim_start_matches("/achievements/")
        .split('/')
        .next()
        .unwrap_or_default()
        .to_owned()
}

/// A date a year from the test clock, as the form takes it.
fn next_year(app: &TestApp) -> String {
    (app.app.now() + Duration::days(365))
        .format("%Y-%m-%d")
        .to_string()
}

async fn user_id(app: &TestApp, email: &str) -> UserId {
    app.store
        .users()
        .find_email(&EmailAddress::parse(email).expect("address"))
        .await
        .expect("lookup")
        .expect("an account")
        .user_id
}

/// Enrolls someone directly in the store (joining is another part's page).
async fn enroll(app: &TestApp, user: UserId, achievement: &str, paid: bool) -> Enrollment {
    let achievement = app
        .store
        .achievements()
        .get(AchievementId(achievement.parse().expect("id")))
        .await
        .expect("load")
        .expect("the micro-credential");
    app.store
        .enrollments()
        .insert(NewEnrollment {
            id: EnrollmentId(uuid::Uuid::now_v7()),
            user_id: user,
            achievement_id: achievement.id,
            version_id: achievement.current_version_id,
            organization_id: achievement.organization_id,
            state: State::joined(paid),
            funding: if paid {
                Funding::Sponsor
            } else {
                Funding::Payment
            },
            now: app.app.now(),
        })
        .await
        .expect("enroll")
}

/// The sponsorship id in a detail page's path.
fn id_in(page: &TestResponse) -> String {
    page.path.rsplit('/').next().unwrap_or_default().to_owned()
}

/// The codes shown on a sponsorship page, in order.
fn codes_on(page: &TestResponse) -> Vec<String> {
    page.text
        .split("<code>")
        .skip(1)
        .filter_map(|s| s.split("</code>").next())
        .map(str::to_owned)
        .collect()
}

/// Invites a verified account with `roles` and accepts for them.
async fn join(
    app: &TestApp,
    admin: &TestClient,
    org: &str,
    who: &TestClient,
    email: &str,
    roles: &[&str],
) {
    let mut fields = vec![("email", email)];
    fields.extend(roles.iter().map(|r| ("roles", *r)));
    admin
        .submit(&format!("/orgs/{org}/invitations"), &fields)
        .await
        .assert_status(200);
    let link = app.last_email_to(email).await.link().expect("link");
    who.submit(&link, &[]).await.assert_status(200);
}

#[tokio::test]
async fn an_administrator_runs_a_sponsorship_from_codes_and_seats_to_the_report() {
    on_each_backend(|app| async move {
        let ana = verified_user(&app, "Ana", "ana@example.org").await;
        let org = create_org(&ana, "Center for Learning", "ccl").await;
        let cico = draft(&ana, &org, "Check-In/Check-Out", true).await;
        draft(&ana, &org, "Not For Sponsors", false).await;
        ana.get(&format!("/orgs/{org}/settings"))
            .await
            .assert_contains(&format!("/orgs/{org}/sponsorships"))
            .assert_contains(&format!("/orgs/{org}/payments"));

        let list = ana.get(&format!("/orgs/{org}/sponsorships")).await;
        list.assert_status(200)
            .assert_contains("No sponsorships yet")
            .assert_contains("Check-In/Check-Out");
        assert!(
            !list.text.contains("Not For Sponsors"),
            "only sponsorable ones"
        );

        ana.submit(
            &format!("/orgs/{org}/sponsorships"),
            &[("name", ""), ("seats", "0"), ("expires_on", "June")],
        )
        .await
        .assert_status(422)
        .assert_contains("There is a problem")
        .assert_contains("Enter a number of seats from 1 to 100000")
        .assert_contains("Enter a date like 2027-06-30");
        ana.submit(
            &format!("/orgs/{org}/sponsorships"),
            &[("name", "Sneaky"), ("seats", "2"), ("covers", "not-an-id")],
        )
        .await
        .assert_status(422)
        .assert_contains("Choose among this organization");

        let until = next_year(&app);
        let created = ana
            .submit(
                &format!("/orgs/{org}/sponsorships"),
                &[
                    ("name", "Title II grant"),
                    ("seats", "2"),
                    ("expires_on", &until),
                    ("covers", &cico),
                ],
            )
            .await;
        created
            .assert_status(200)
            .assert_contains("Title II grant is created")
            .assert_contains("0 of 2")
            .assert_contains("Check-In/Check-Out");
        let id = id_in(&created);
        let base = format!("/orgs/{org}/sponsorships/{id}");
        ana.get(&format!("/orgs/{org}/sponsorships"))
            .await
            .assert_contains("Title II grant")
            .assert_contains("1 micro-credential")
            .assert_contains("Active");

        // Codes.
        ana.submit(&format!("{base}/codes"), &[("count", "lots")])
            .await
            .assert_status(422)
            .assert_contains("Enter a number of codes from 1 to 1000");
        ana.submit(&format!("{base}/codes"), &[("count", "1001")])
            .await
            .assert_status(422);
        let page = ana
            .submit(&format!("{base}/codes"), &[("count", "3")])
            .await;
        page.assert_status(200).assert_contains("3 codes are ready");
        let codes = codes_on(&page);
        assert_eq!(codes.len(), 3, "{codes:?}");
        for code in &codes {
            assert_eq!(code.len(), 14, "{code}");
            assert!(normalize_code(code).is_some(), "{code}");
        }
        let csv = ana.get(&format!("{base}/codes.csv")).await;
        csv.assert_status(200);
        assert!(
            csv.headers["content-type"]
                .to_str()
                .expect("type")
                .starts_with("text/csv")
        );
        assert!(
            csv.headers["content-disposition"]
                .to_str()
                .expect("disposition")
                .starts_with("attachment")
        );
        let lines: Vec<&str> = csv.text.lines().collect();
        assert_eq!(lines.len(), 4);
        assert!(lines[0].starts_with("code,status"));
        assert!(lines[1].starts_with(&format!("{},unused", codes[0])));

        // Seats go to accounts with a verified address.
        ana.submit(&format!("{base}/seats"), &[("email", "nobody@example.org")])
            .await
            .assert_status(422)
            .assert_contains("No account uses this address");
        let _ben = verified_user(&app, "Ben Baker", "ben@example.org").await;
        let _cleo = verified_user(&app, "Cleo Cruz", "cleo@example.org").await;
        ana.submit(&format!("{base}/seats"), &[("email", "Ben@Example.org")])
            .await
            .assert_status(200)
            .assert_contains("The seat is assigned")
            .assert_contains("Ben Baker");
        ana.submit(&format!("{base}/seats"), &[("email", "ben@example.org")])
            .await
            .assert_status(409)
            .assert_contains("already has a seat");
        ana.submit(&format!("{base}/seats"), &[("email", "cleo@example.org")])
            .await
            .assert_status(200);
        let _dan = verified_user(&app, "Dan", "dan@example.org").await;
        ana.submit(&format!("{base}/seats"), &[("email", "dan@example.org")])
            .await
            .assert_status(409)
            .assert_contains("All 2 seats are assigned");

        // Ben joins with his seat and Dan with a code (the joining pages
        // are another part; the store records what they record).
        let ben_id = user_id(&app, "ben@example.org").await;
        let dan_id = user_id(&app, "dan@example.org").await;
        let sponsorship = cairn_domain::SponsorshipId(id.parse().expect("id"));
        let now = app.app.now();
        let (seat, _) = app
            .store
            .sponsorships()
            .open_seats_of(ben_id, now)
            .await
            .expect("open seats")
            .pop()
            .expect("Ben's seat");
        let ben_e = enroll(&app, ben_id, &cico, true).await;
        let dan_e = enroll(&app, dan_id, &cico, true).await;
        let tx = app.store.begin().await.expect("begin");
        assert!(tx.sponsorships().use_seat(seat.id, now).await.expect("use"));
        tx.sponsorships()
            .record_redemption(&Redemption {
                id: uuid::Uuid::now_v7(),
                sponsorship_id: sponsorship,
                enrollment_id: ben_e.id,
                user_id: ben_id,
                achievement_id: ben_e.achievement_id,
                code_id: None,
                seat_id: Some(seat.id),
                created_at: now,
            })
            .await
            .expect("record");
        let (code, _) = tx
            .sponsorships()
            .code(&normalize_code(&codes[1]).expect("code"))
            .await
            .expect("lookup")
            .expect("found");
        assert!(
            tx.sponsorships()
                .redeem_code(code.id, dan_id, now)
                .await
                .expect("redeem")
        );
        tx.sponsorships()
            .record_redemption(&Redemption {
                id: uuid::Uuid::now_v7(),
                sponsorship_id: sponsorship,
                enrollment_id: dan_e.id,
                user_id: dan_id,
                achievement_id: dan_e.achievement_id,
                code_id: Some(code.id),
                seat_id: None,
                created_at: now + Duration::seconds(1),
            })
            .await
            .expect("record");
        tx.commit().await.expect("commit");

        let page = ana.get(&base).await;
        page.assert_status(200)
            .assert_contains("2 of 2")
            .assert_contains(&format!("Code {}", codes[1]))
            .assert_contains("<td>Seat</td>")
            .assert_contains("dan@example.org")
            .assert_contains("2 of 3 codes are unused");
        let csv = ana.get(&format!("{base}/codes.csv")).await;
        assert!(
            csv.text.contains(&format!("{},redeemed,", codes[1])),
            "{}",
            csv.text
        );
        assert!(csv.text.contains(",Dan,dan@example.org"), "{}", csv.text);

        // A used seat stays; an unused one can go.
        let seats = app
            .store
            .sponsorships()
            .seats(sponsorship)
            .await
            .expect("seats");
        let cleo_id = user_id(&app, "cleo@example.org").await;
        let cleo_seat = seats
            .iter()
            .find(|s| s.user_id == cleo_id)
            .expect("Cleo's seat");
        ana.submit(&format!("{base}/seats/{}/remove", seat.id), &[])
            .await
            .assert_status(409)
            .assert_contains("it stays in the report");
        ana.submit(&format!("{base}/seats/{}/remove", cleo_seat.id), &[])
            .await
            .assert_status(200)
            .assert_contains("The seat is removed");
        ana.submit(
            &format!("{base}/seats/{}/remove", uuid::Uuid::now_v7()),
            &[],
        )
        .await
        .assert_status(404);

        // Ending stops new codes and seats; the report stays.
        let ended = ana.submit(&format!("{base}/end"), &[]).await;
        ended
            .assert_status(200)
            .assert_contains("Title II grant has ended")
            .assert_contains("Ended")
            .assert_contains("dan@example.org");
        assert!(!ended.text.contains("Make codes"));
        ana.submit(&format!("{base}/codes"), &[("count", "1")])
            .await
            .assert_status(409);
        ana.submit(&format!("{base}/seats"), &[("email", "cleo@example.org")])
            .await
            .assert_status(409);

        let org_id = app
            .store
            .organizations()
            .by_slug(&org)
            .await
            .expect("load")
            .expect("org")
            .id;
        let actions: Vec<String> = app
            .store
            .audit()
            .for_organization(org_id, 50)
            .await
            .expect("audit")
            .into_iter()
            .map(|e| e.action)
            .collect();
        for action in [
            "sponsorship.created",
            "sponsorship.codes_generated",
            "sponsorship.seat_assigned",
            "sponsorship.seat_removed",
            "sponsorship.ended",
        ] {
            assert!(
                actions.iter().any(|a| a == action),
                "{action} in {actions:?}"
            );
        }
        app
    })
    .await;
}

#[tokio::test]
async fn only_the_organizations_administrators_manage_its_sponsorships_and_payments() {
    on_each_backend(|app| async move {
        let ana = verified_user(&app, "Ana", "ana@example.org").await;
        let org = create_org(&ana, "Center for Learning", "ccl").await;
        let created = ana
            .submit(
                &format!("/orgs/{org}/sponsorships"),
                &[("name", "District fund"), ("seats", "5")],
            )
            .await;
        created.assert_status(200);
        let id = id_in(&created);
        let base = format!("/orgs/{org}/sponsorships/{id}");

        // A visitor is sent to log in.
        let visitor = app.client().no_redirects();
        for path in [
            format!("/orgs/{org}/sponsorships"),
            base.clone(),
            format!("{base}/codes.csv"),
            format!("/orgs/{org}/payments"),
        ] {
            let page = visitor.get(&path).await;
            assert_eq!(page.status, 303, "{path}");
            let location = page.headers["location"].to_str().expect("location");
            assert!(location.starts_with("/login?next="), "{location}");
        }
        app.client()
            .get(&format!("/orgs/{org}/sponsorships"))
            .await
            .assert_status(200)
            .assert_contains("Log in");

        // Members without the administrator role are refused.
        let ben = verified_user(&app, "Ben", "ben@example.org").await;
        join(
            &app,
            &ana,
            &org,
            &ben,
            "ben@example.org",
            &["author", "reviewer", "coach"],
        )
        .await;
        for path in [
            format!("/orgs/{org}/sponsorships"),
            base.clone(),
            format!("{base}/codes.csv"),
            format!("/orgs/{org}/payments"),
        ] {
            ben.get(&path).await.assert_status(403);
        }
        ben.submit(
            &format!("/orgs/{org}/sponsorships"),
            &[("name", "Mine"), ("seats", "1")],
        )
        .await
        .assert_status(403);
        ben.submit(&format!("{base}/codes"), &[("count", "5")])
            .await
            .assert_status(403);
        ben.submit(&format!("{base}/seats"), &[("email", "ben@example.org")])
            .await
            .assert_status(403);
        ben.submit(&format!("{base}/end"), &[])
            .await
            .assert_status(403);

        // Another organization's administrator reaches neither this
        // organization's pages nor its sponsorship through their own.
        let cleo = verified_user(&app, "Cleo", "cleo@example.org").await;
        let other = create_org(&cleo, "Other District", "other").await;
        cleo.get(&format!("/orgs/{org}/sponsorships"))
            .await
            .assert_status(403);
        cleo.get(&base).await.assert_status(403);
        cleo.get(&format!("/orgs/{other}/sponsorships"))
            .await
            .assert_status(200)
            .assert_contains("No sponsorships yet");
        let through_own = format!("/orgs/{other}/sponsorships/{id}");
        cleo.get(&through_own).await.assert_status(404);
        cleo.get(&format!("{through_own}/codes.csv"))
            .await
            .assert_status(404);
        cleo.submit(&format!("{through_own}/end"), &[])
            .await
            .assert_status(404);
        cleo.submit(&format!("{through_own}/codes"), &[("count", "5")])
            .await
            .assert_status(404);
        cleo.get(&format!("/orgs/{other}/sponsorships/not-an-id"))
            .await
            .assert_status(404);
        ana.get(&base)
            .await
            .assert_contains("Active")
            .assert_contains("0 of 0 codes are unused");

        // The same through the API.
        let anonymous = app.client();
        anonymous
            .api(
                Method::GET,
                &format!("/api/v1/organizations/{org}/sponsorships"),
                None,
                None,
            )
            .await
            .assert_status(401);
        let ben_token = token(&ben).await;
        let refused = anonymous
            .api(
                Method::GET,
                &format!("/api/v1/organizations/{org}/sponsorships"),
                Some(&ben_token),
                None,
            )
            .await;
        refused.assert_status(403);
        assert_eq!(refused.json()["error"]["code"], "forbidden");
        let cleo_token = token(&cleo).await;
        anonymous
            .api(
                Method::GET,
                &format!("/api/v1/organizations/{other}/sponsorships/{id}/codes"),
                Some(&cleo_token),
                None,
            )
            .await
            .assert_status(404);
        anonymous
            .api(
                Method::GET,
                &format!("/api/v1/organizations/{org}/payments"),
                Some(&cleo_token),
                None,
            )
            .await
            .assert_status(403);
        app
    })
    .await;
}

/// Creates an API token for a logged-in browser.
async fn token(client: &TestClient) -> String {
    let created = client
        .api(
            Method::POST,
            "/api/v1/me/tokens",
            None,
            Some(r#"{"name": "Sponsorships"}"#),
        )
        .await;
    created.assert_status(201);
    created.json()["secret"]
        .as_str()
        .expect("a secret")
        .to_owned()
}

#[tokio::test]
async fn payments_are_recorded_and_marking_one_paid_opens_the_enrollment() {
    on_each_backend(|app| async move {
        let ana = verified_user(&app, "Ana", "ana@example.org").await;
        let org = create_org(&ana, "Center for Learning", "ccl").await;
        let cico = draft(&ana, &org, "Check-In/Check-Out", false).await;
        let _lena = verified_user(&app, "Lena", "lena@example.org").await;
        let _omar = verified_user(&app, "Omar", "omar@example.org").await;
        let lena = user_id(&app, "lena@example.org").await;
        let omar = user_id(&app, "omar@example.org").await;
        let lena_e = enroll(&app, lena, &cico, false).await;
        let omar_e = enroll(&app, omar, &cico, false).await;

        // Omar's payment was started with the provider when he joined.
        let request = PaymentRequest {
            payment_id: PaymentId(uuid::Uuid::now_v7()),
            organization_id: omar_e.organization_id,
            enrollment_id: omar_e.id,
            learner_id: omar,
            description: "Check-In/Check-Out".into(),
            amount_cents: 4900,
            currency: "USD".into(),
        };
        let (started, next_step) = app.app.start_payment(&request).await.expect("start");
        assert_eq!(next_step, None, "manual payments have nothing to do online");
        assert_eq!(started.provider, "manual");
        assert!(started.reference.starts_with("M-"), "{}", started.reference);
        app.store.payments().insert(&started).await.expect("store");

        let page = ana.get(&format!("/orgs/{org}/payments")).await;
        page.assert_status(200)
            .assert_contains("Waiting for payment")
            .assert_contains("lena@example.org")
            .assert_contains("$49.00")
            .assert_contains(&started.reference);

        ana.submit(
            &format!("/orgs/{org}/payments"),
            &[
                ("enrollment", &lena_e.id.to_string()),
                ("status", "owed"),
                ("reference", ""),
            ],
        )
        .await
        .assert_status(422)
        .assert_contains("Choose pending, paid, failed or refunded");
        let recorded = ana
            .submit(
                &format!("/orgs/{org}/payments"),
                &[
                    ("enrollment", &lena_e.id.to_string()),
                    ("status", "pending"),
                    ("reference", "PO-7781"),
                ],
            )
            .await;
        recorded
            .assert_status(200)
            .assert_contains("The payment PO-7781 is recorded as pending");
        assert!(
            !recorded.text.contains("id=\"awaiting\""),
            "every enrollment waiting for payment has one recorded"
        );
        ana.submit(
            &format!("/orgs/{org}/payments"),
            &[("enrollment", &lena_e.id.to_string()), ("status", "paid")],
        )
        .await
        .assert_status(409)
        .assert_contains("already recorded");

        let lena_payment = app
            .store
            .payments()
            .for_enrollment(lena_e.id)
            .await
            .expect("payments")
            .pop()
            .expect("Lena's payment");
        assert_eq!(lena_payment.amount_cents, 4900);
        let status_path = format!("/orgs/{org}/payments/{}/status", lena_payment.id);
        ana.submit(&status_path, &[("status", "")])
            .await
            .assert_status(422);
        ana.submit(&status_path, &[("status", "paid")])
            .await
            .assert_status(200)
            .assert_contains("The payment PO-7781 is now paid")
            .assert_contains("In progress");
        let opened = app
            .store
            .enrollments()
            .get(lena_e.id)
            .await
            .expect("load")
            .expect("enrollment");
        assert_eq!(opened.state.name(), StateName::InProgress);
        ana.submit(&status_path, &[("status", "refunded")])
            .await
            .assert_status(200);
        assert_eq!(
            app.store
                .enrollments()
                .get(lena_e.id)
                .await
                .expect("load")
                .expect("enrollment")
                .state
                .name(),
            StateName::InProgress,
            "a refund does not close the enrollment"
        );

        ana.get(&format!("/orgs/{org}/payments?status=paid"))
            .await
            .assert_contains("No payments with this status");
        let refunded = ana
            .get(&format!("/orgs/{org}/payments?status=refunded"))
            .await;
        refunded.assert_contains("PO-7781");
        assert!(!refunded.text.contains(&started.reference));

        // Another organization cannot touch these payments.
        let cleo = verified_user(&app, "Cleo", "cleo@example.org").await;
        let other = create_org(&cleo, "Other District", "other").await;
        cleo.submit(
            &format!("/orgs/{other}/payments/{}/status", lena_payment.id),
            &[("status", "paid")],
        )
        .await
        .assert_status(404);
        cleo.submit(
            &format!("/orgs/{other}/payments"),
            &[("enrollment", &omar_e.id.to_string()), ("status", "paid")],
        )
        .await
        .assert_status(404);
        assert_eq!(
            app.store
                .enrollments()
                .get(omar_e.id)
                .await
                .expect("load")
                .expect("enrollment")
                .state
                .name(),
            StateName::PendingPayment
        );
        app
    })
    .await;
}

#[tokio::test]
async fn the_api_manages_sponsorships_and_payments() {
    on_each_backend(|app| async move {
        let ana = verified_user(&app, "Ana", "ana@example.org").await;
        let org = create_org(&ana, "Center for Learning", "ccl").await;
        let cico = draft(&ana, &org, "Check-In/Check-Out", true).await;
        let _ben = verified_user(&app, "Ben", "ben@example.org").await;
        let secret = token(&ana).await;
        let api = app.client();
        let call = |method: Method, path: String, body: Option<Value>| {
            let api = api.clone();
            let secret = secret.clone();
            async move {
                let text = body.map(|b| b.to_string());
                api.api(method, &path, Some(&secret), text.as_deref()).await
            }
        };
        let root = format!("/api/v1/organizations/{org}/sponsorships");

        let bad = call(Method::POST, root.clone(), Some(json!({"name": "", "seats": 0}))).await;
        bad.assert_status(422);
        assert_eq!(bad.json()["error"]["code"], "invalid");
        let fields: Vec<String> = bad.json()["error"]["fields"]
            .as_array()
            .expect("fields")
            .iter()
            .map(|f| f["field"].as_str().unwrap_or_default().to_owned())
            .collect();
        assert!(fields.contains(&"name".to_owned()) && fields.contains(&"seats".to_owned()), "{fields:?}");

        let created = call(
            Method::POST,
            root.clone(),
            Some(json!({"name": "Title II grant", "seats": 3, "expires_on": next_year(&app), "covers": [cico]})),
        )
        .await;
        created.assert_status(201);
        let s = created.json();
        assert_eq!(s["name"], "Title II grant");
        assert_eq!(s["covers"], json!([cico]));
        assert_eq!(s["live"], true);
        let id = s["id"].as_str().expect("id").to_owned();
        let list = call(Method::GET, root.clone(), None).await;
        assert_eq!(list.json()[0]["id"], id.as_str());
        assert_eq!(call(Method::GET, format!("{root}/{id}"), None).await.json()["seats"], 3);

        let codes = call(Method::POST, format!("{root}/{id}/codes"), Some(json!({"count": 2}))).await;
        codes.assert_status(201);
        assert_eq!(codes.json().as_array().map(Vec::len), Some(2));
        let code = codes.json()[0]["code"].as_str().expect("code").to_owned();
        assert!(normalize_code(&code).is_some(), "{code}");
        call(Method::POST, format!("{root}/{id}/codes"), Some(json!({"count": 0})))
            .await
            .assert_status(422);
        let listed = call(Method::GET, format!("{root}/{id}/codes"), None).await;
        assert_eq!(listed.json().as_array().map(Vec::len), Some(2));
        assert_eq!(listed.json()[0]["redeemed_at"], Value::Null);

        let seat = call(Method::POST, format!("{root}/{id}/seats"), Some(json!({"email": "ben@example.org"}))).await;
        seat.assert_status(201);
        assert_eq!(seat.json()["holder"]["display_name"], "Ben");
        assert_eq!(seat.json()["holder"]["email"], "ben@example.org");
        let again = call(Method::POST, format!("{root}/{id}/seats"), Some(json!({"email": "ben@example.org"}))).await;
        again.assert_status(409);
        assert_eq!(again.json()["error"]["fields"][0]["field"], "email");
        let seat_id = seat.json()["id"].as_str().expect("seat").to_owned();
        assert_eq!(call(Method::GET, format!("{root}/{id}/seats"), None).await.json()[0]["id"], seat_id.as_str());
        call(Method::DELETE, format!("{root}/{id}/seats/{seat_id}"), None)
            .await
            .assert_status(204);
        call(Method::DELETE, format!("{root}/{id}/seats/{seat_id}"), None)
            .await
            .assert_status(404);
        assert_eq!(call(Method::GET, format!("{root}/{id}/redemptions"), None).await.json(), json!([]));

        let ended = call(Method::POST, format!("{root}/{id}/end"), None).await;
        ended.assert_status(200);
        assert_eq!(ended.json()["live"], false);
        assert!(ended.json()["ended_at"].is_string());
        call(Method::POST, format!("{root}/{id}/codes"), Some(json!({"count": 1})))
            .await
            .assert_status(409);

        // Payments.
        let ben = user_id(&app, "ben@example.org").await;
        let e = enroll(&app, ben, &cico, false).await;
        let payments = format!("/api/v1/organizations/{org}/payments");
        let waiting = call(Method::GET, payments.clone(), None).await;
        waiting.assert_status(200);
        assert_eq!(waiting.json()["awaiting"][0]["enrollment_id"], e.id.to_string());
        assert_eq!(waiting.json()["awaiting"][0]["price_cents"], 4900);
        let recorded = call(
            Method::POST,
            payments.clone(),
            Some(json!({"enrollment_id": e.id, "status": "pending"})),
        )
        .await;
        recorded.assert_status(201);
        assert_eq!(recorded.json()["status"], "pending");
        assert_eq!(recorded.json()["provider"], "manual");
        let payment = recorded.json()["id"].as_str().expect("id").to_owned();
        call(Method::PUT, format!("{payments}/{payment}"), Some(json!({"status": "owed"})))
            .await
            .assert_status(422);
        let paid = call(Method::PUT, format!("{payments}/{payment}"), Some(json!({"status": "paid"}))).await;
        paid.assert_status(200);
        assert_eq!(paid.json()["status"], "paid");
        let listed = call(Method::GET, format!("{payments}?status=paid"), None).await;
        assert_eq!(listed.json()["payments"][0]["payment"]["id"], payment.as_str());
        assert_eq!(listed.json()["payments"][0]["enrollment_state"], "in_progress");
        assert_eq!(listed.json()["awaiting"], json!([]));
        call(Method::GET, format!("{payments}?status=owed"), None)
            .await
            .assert_status(400);

        let doc = app.client().get("/api/openapi.json").await.json();
        for path in [
            "/api/v1/organizations/{slug}/sponsorships",
            "/api/v1/organizations/{slug}/sponsorships/{id}",
            "/api/v1/organizations/{slug}/sponsorships/{id}/end",
            "/api/v1/organizations/{slug}/sponsorships/{id}/codes",
            "/api/v1/organizations/{slug}/sponsorships/{id}/seats",
            "/api/v1/organizations/{slug}/sponsorships/{id}/seats/{seat}",
            "/api/v1/organizations/{slug}/sponsorships/{id}/redemptions",
            "/api/v1/organizations/{slug}/payments",
            "/api/v1/organizations/{slug}/payments/{id}",
        ] {
            assert!(doc["paths"].get(path).is_some(), "{path} is documented");
        }
        app
    })
    .await;
}
