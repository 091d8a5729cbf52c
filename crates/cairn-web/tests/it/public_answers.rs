//! What anonymous visitors get of a badge is remembered for up to a minute
//! and shared between them, so it must hold nothing of one visitor, and
//! every change of the badge must show on the next request: privacy,
//! revocation, renewal and expiry.

use crate::on_each_backend;
use cairn_app::RequestMeta;
use cairn_app::store::Repos;
use cairn_domain::award::AwardVisibility;
use cairn_test_support::earning::{demo_award, demo_browser};
use cairn_test_support::{TestApp, TestClient};

async fn get_as(client: &TestClient, path: &str, accept: &str) -> reqwest::Response {
    client
        .http()
        .get(client.url(path))
        .header("Accept", accept)
        .send()
        .await
        .expect("request")
}

async fn page(app: &TestApp, path: &str) -> (u16, String) {
    // A new visitor each time, with a CSRF cookie of its own.
    let r = get_as(&app.client(), path, "text/html").await;
    (r.status().as_u16(), r.text().await.expect("body"))
}

#[tokio::test]
async fn anonymous_visitors_share_answers_that_follow_every_change() {
    on_each_backend(|app| async move {
        let issued = demo_award(&app.app).await;
        let id = issued.award;
        let path = format!("/badges/{id}");
        let meta = RequestMeta::default();

        // Two visitors get the same bytes, and a render for the second
        // alone (a query is never shared) is the same page: nothing of the
        // first visitor is kept in what the second gets.
        let (status, first) = page(&app, &path).await;
        assert_eq!(status, 200);
        assert!(first.contains("Valid"), "{first}");
        let remembered = get_as(&app.client(), &path, "text/html").await;
        let headers = remembered.headers().clone();
        let second = remembered.text().await.expect("body");
        assert_eq!(first, second);
        // Answered from memory before the rest of the stack, it still
        // carries every header the stack gives a page.
        assert_eq!(headers["content-type"], "text/html; charset=utf-8");
        assert!(
            headers["content-security-policy"]
                .to_str()
                .is_ok_and(|v| v.contains("default-src 'self'"))
        );
        assert_eq!(headers["x-content-type-options"], "nosniff");
        assert_eq!(headers["x-frame-options"], "DENY");
        assert_eq!(
            headers["referrer-policy"],
            "strict-origin-when-cross-origin"
        );
        assert!(headers["vary"].to_str().is_ok_and(|v| v.contains("accept")));
        // The earner, signed in, gets her own page (with her privacy
        // form), never the shared one.
        let lena = demo_browser(&app, "lena.learner").await;
        let own = lena.get(&path).await;
        assert!(own.text.contains("/privacy"), "the earner's own page");
        assert!(!first.contains("/privacy"), "not on the shared page");
        let (_, fresh) = page(&app, &format!("{path}?from=share")).await;
        assert_eq!(first, fresh, "the shared page is what anyone gets");

        let visitor = app.client();
        let json = get_as(&visitor, &path, "application/ld+json").await;
        assert_eq!(json.status(), 200);
        assert_eq!(json.headers()["content-type"], "application/ld+json");
        assert_eq!(json.headers()["access-control-allow-origin"], "*");
        assert!(
            json.headers()["vary"]
                .to_str()
                .is_ok_and(|v| v.contains("accept"))
        );
        let credential: serde_json::Value = json.json().await.expect("JSON");
        assert_eq!(credential["id"], app.app.badge_url(id).as_str());
        let again = get_as(&app.client(), &path, "application/vc+ld+json").await;
        assert_eq!(again.headers()["content-type"], "application/vc+ld+json");
        let again: serde_json::Value = again.json().await.expect("JSON");
        assert_eq!(again, credential);

        // Private: gone for strangers at once, in both forms.
        app.app
            .set_award_privacy(&issued.earner, id, AwardVisibility::Private, false, &meta)
            .await
            .expect("private");
        assert_eq!(page(&app, &path).await.0, 404);
        assert_eq!(
            get_as(&app.client(), &path, "application/ld+json")
                .await
                .status(),
            404
        );
        app.app
            .set_award_privacy(&issued.earner, id, AwardVisibility::Public, false, &meta)
            .await
            .expect("public again");
        assert_eq!(page(&app, &path).await.0, 200);

        // Renewed: the old page links to the renewal at once.
        let renewal = app
            .app
            .renew_award(&issued.admin, id, &meta)
            .await
            .expect("renew");
        let (_, renewed) = page(&app, &path).await;
        assert!(
            renewed.contains(&format!(
                "This badge was renewed. <a href=\"/badges/{renewal}\">Open the current badge</a>"
            )),
            "the old page links its renewal"
        );
        let (_, new_page) = page(&app, &format!("/badges/{renewal}")).await;
        assert!(
            new_page.contains(&format!("<a href=\"/badges/{id}\">an earlier badge</a>")),
            "the renewal links the badge it renews"
        );

        // Revoked: the reason shows at once.
        app.app
            .revoke_award(&issued.admin, id, "Evidence was copied.", &meta)
            .await
            .expect("revoke");
        let (_, revoked) = page(&app, &path).await;
        assert!(
            revoked.contains("Revoked") && revoked.contains("Evidence was copied."),
            "{revoked}"
        );

        // Expired: a page remembered as valid is not shown past expiry.
        let award = app
            .app
            .store()
            .awards()
            .get(renewal)
            .await
            .expect("get")
            .expect("the renewal");
        let renewal_path = format!("/badges/{renewal}");
        let (_, valid) = page(&app, &renewal_path).await;
        assert!(valid.contains("Valid"), "{valid}");
        if let Some(expires) = award.expires_at {
            let wait = (expires - app.app.now()) + chrono::Duration::days(1);
            app.clock.advance(wait);
            let (_, expired) = page(&app, &renewal_path).await;
            assert!(expired.contains("This badge expired on"), "{expired}");
        } else {
            panic!("the demo micro-credential is valid for a time, so its badges expire");
        }
        app
    })
    .await;
}
