//! The public badge page and what hangs off it, on an award earned end to
//! end on the demo district (Meadowlark Unified): Lena joins a free
//! micro-credential, answers both requirements with public and private
//! evidence (a reflection, a link, a video, an image, a PDF), submits;
//! Riley finds it meets the rubric and the job queue issues the award.
//! Then strangers, Lena, Leo (another learner), Riley (a reviewer) and Dana
//! (the district's administrator) look at the page, its credential, its
//! downloads, its verification, its sharing links, the earner's privacy
//! choice and the revocation form.

use crate::on_each_backend;
use base64::Engine;
use cairn_app::accounts::Principal;
use cairn_app::catalog::CatalogSearch;
use cairn_app::credentials::verify::Outcome;
use cairn_app::{App, RequestMeta};
use cairn_domain::achievement::requirement::EvidenceKind;
use cairn_domain::award::AwardVisibility;
use cairn_domain::enrollment::{Decision, StateName, Visibility};
use cairn_domain::{AwardId, EvidenceId};
use cairn_store::Repos;
use cairn_store::awards::Award;
use cairn_store::reviews::Score;
use cairn_test_support::earning::{demo_browser, demo_principal};
use cairn_test_support::{TestApp, TestClient, TestResponse};
use chrono::Datelike;
use serde_json::Value;

const REFLECTION: &str = "I tried *the routine* with two classes.";
const PRIVATE_REFLECTION: &str = "Only my coach should read about Period 3.";
const LINK: &str = "https://video.example.org/lesson-1";

/// What Lena earned, and the evidence behind it.
struct Earned {
    award: AwardId,
    title: String,
    earner: String,
    organization: String,
    org_slug: String,
    video: EvidenceId,
    image: EvidenceId,
    document: EvidenceId,
    private_image: EvidenceId,
}

fn mp4() -> Vec<u8> {
    let mut v = vec![0, 0, 0, 24];
    v.extend_from_slice(b"ftypmp42\x00\x00\x00\x00mp42isom");
    v.extend_from_slice(b"\x00\x00\x00\x08free");
    v.extend(std::iter::repeat_n(7u8, 2000));
    v
}

fn png(filler: u8) -> Vec<u8> {
    let mut v =
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR\x00\x00\x00\x02\x00\x00\x00\x02\x08\x06\x00\x00\x00"
            .to_vec();
    v.extend(std::iter::repeat_n(filler, 2000));
    v
}

fn pdf() -> Vec<u8> {
    b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
        .to_vec()
}

async fn file(
    app: &App,
    lena: &Principal,
    enrollment: cairn_domain::EnrollmentId,
    requirement: u32,
    (title, name): (&str, &str),
    visibility: Visibility,
    bytes: Vec<u8>,
) -> EvidenceId {
    let body = futures::stream::iter(vec![Ok::<_, std::io::Error>(bytes::Bytes::from(bytes))]);
    app.add_file_evidence(
        lena,
        enrollment,
        requirement,
        title,
        name,
        visibility,
        body,
        &RequestMeta::default(),
    )
    .await
    .expect("file evidence")
    .id
}

/// Lena earns a free district micro-credential; the award is issued.
async fn earn(test: &TestApp) -> Earned {
    let app = &test.app;
    app.load_demo().await.expect("demo");
    let meta = RequestMeta::default();
    let lena = demo_principal(app, "lena.learner").await;
    let riley = demo_principal(app, "riley.reviewer").await;
    let found = app
        .catalog(&CatalogSearch {
            organization: "meadowlark-usd",
            price: "free",
            ..CatalogSearch::default()
        })
        .await
        .expect("catalog");
    let entry = found
        .entries
        .first()
        .expect("a free district micro-credential");
    let e = app
        .join_free(&lena, entry.achievement.id, &meta)
        .await
        .expect("join");
    // The first requirement takes videos, links and reflections; the
    // second documents, images and files.
    for (kind, title, text, visibility) in [
        (
            EvidenceKind::Reflection,
            "What changed",
            REFLECTION,
            Visibility::Public,
        ),
        (
            EvidenceKind::Link,
            "The lesson online",
            LINK,
            Visibility::Public,
        ),
        (
            EvidenceKind::Reflection,
            "Notes for my coach",
            PRIVATE_REFLECTION,
            Visibility::Private,
        ),
    ] {
        app.add_evidence(&lena, e.id, 0, kind, title, text, visibility, &meta)
            .await
            .expect("evidence");
    }
    let video = file(
        app,
        &lena,
        e.id,
        0,
        ("Classroom video", "lesson.mp4"),
        Visibility::Public,
        mp4(),
    )
    .await;
    let image = file(
        app,
        &lena,
        e.id,
        1,
        ("Poster after", "poster.png"),
        Visibility::Public,
        png(1),
    )
    .await;
    let document = file(
        app,
        &lena,
        e.id,
        1,
        ("Analysis", "analysis.pdf"),
        Visibility::Public,
        pdf(),
    )
    .await;
    let private_image = file(
        app,
        &lena,
        e.id,
        1,
        ("Student names visible", "roster-photo.png"),
        Visibility::Private,
        png(2),
    )
    .await;
    let view = app.enrollment_view(&lena, e.id).await.expect("view");
    for (i, r) in view.version.requirements.iter().enumerate() {
        for item in 0..r.requirement.checklist.len() {
            app.tick(
                &lena,
                e.id,
                u32::try_from(i).expect("small"),
                u32::try_from(item).expect("small"),
                true,
            )
            .await
            .expect("tick");
        }
    }
    let view = app.enrollment_view(&lena, e.id).await.expect("view");
    assert!(view.complete(), "{:?}", view.progress);
    app.submit(&lena, e.id, view.enrollment.lock_version, &meta)
        .await
        .expect("submit");
    let review = app
        .enrollment_view(&riley, e.id)
        .await
        .expect("reviewer view")
        .my_open_review
        .expect("assigned to Riley");
    let rubric = view.version.rubric.as_ref().expect("a rubric");
    let scores = rubric
        .criteria()
        .iter()
        .map(|_| Score {
            level: rubric.levels().len() - 1,
            comment: "Seen in the video".into(),
        })
        .collect();
    app.complete_review(
        &riley,
        review.id,
        scores,
        "Strong work.",
        Decision::Meets,
        &meta,
    )
    .await
    .expect("meets");
    app.run_pending_jobs().await.expect("jobs");
    let done = app.enrollment_view(&lena, e.id).await.expect("view");
    assert_eq!(done.enrollment.state.name(), StateName::Awarded);
    let awards = app.my_awards(&lena).await.expect("awards");
    let [held] = awards.as_slice() else {
        panic!("one award: {awards:?}")
    };
    let org = app
        .store()
        .organizations()
        .get(held.award.organization_id)
        .await
        .expect("load")
        .expect("the district");
    Earned {
        award: held.award.id,
        title: held.title.clone(),
        earner: lena.user.display_name.clone(),
        organization: org.name,
        org_slug: org.slug,
        video,
        image,
        document,
        private_image,
    }
}

async fn stored(test: &TestApp, id: AwardId) -> Award {
    test.store
        .awards()
        .get(id)
        .await
        .expect("load")
        .expect("the award")
}

fn header<'a>(r: &'a TestResponse, name: &str) -> &'a str {
    r.headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
}

/// A GET with an `Accept` header.
async fn get_accepting(client: &TestClient, path: &str, accept: &str) -> TestResponse {
    let response = client
        .http()
        .get(client.url(path))
        .header("accept", accept)
        .send()
        .await
        .expect("GET");
    TestResponse {
        status: response.status().as_u16(),
        path: response.url().path().to_owned(),
        headers: response.headers().clone(),
        text: response.text().await.expect("body"),
    }
}

/// The bytes and headers of a GET.
async fn get_bytes(client: &TestClient, path: &str) -> (u16, reqwest::header::HeaderMap, Vec<u8>) {
    let response = client
        .http()
        .get(client.url(path))
        .send()
        .await
        .expect("GET");
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    (
        status,
        headers,
        response.bytes().await.expect("body").to_vec(),
    )
}

/// HTML text back to plain text: the named and numeric character
/// references askama writes.
fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let Some(end) = rest.find(';') else { break };
        let entity = &rest[1..end];
        let decoded = match entity {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => entity
                .strip_prefix('#')
                .and_then(|n| n.parse::<u32>().ok())
                .and_then(char::from_u32),
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The first link on a page that starts with `prefix`, parsed.
fn link_starting(page: &str, prefix: &str) -> url::Url {
    let marker = format!("href=\"{prefix}");
    let start = page
        .find(&marker)
        .unwrap_or_else(|| panic!("no link to {prefix} on the page:\n{page}"))
        + "href=\"".len();
    let end = start + page[start..].find('"').expect("a closing quote");
    url::Url::parse(&unescape(&page[start..end])).expect("a URL")
}

/// A URL's query, decoded.
fn query_of(url: &url::Url) -> std::collections::HashMap<String, String> {
    url.query_pairs().into_owned().collect()
}

/// The value of the first `attribute="…"` after `marker` on a page.
fn attribute_after(page: &str, marker: &str, attribute: &str) -> String {
    let at = page
        .find(marker)
        .unwrap_or_else(|| panic!("{marker:?} not on the page:\n{page}"));
    let rest = &page[at..];
    let start = rest
        .find(&format!("{attribute}=\""))
        .unwrap_or_else(|| panic!("no {attribute} after {marker:?}"))
        + attribute.len()
        + 2;
    let end = rest[start..].find('"').expect("a closing quote");
    unescape(&rest[start..start + end])
}

#[tokio::test]
async fn the_badge_page_shows_the_award_its_public_evidence_and_its_credential() {
    on_each_backend(|test| async move {
        let earned = earn(&test).await;
        let id = earned.award;
        let award = stored(&test, id).await;
        let credential: Value = serde_json::from_str(&award.credential).expect("JSON");
        let anonymous = test.client();
        let page = anonymous.get(&format!("/badges/{id}")).await;
        page.assert_status(200)
            .assert_contains(&earned.title)
            .assert_contains(&earned.earner)
            .assert_contains(&format!(
                "<a href=\"/orgs/{}\">{}</a>",
                earned.org_slug, earned.organization
            ))
            .assert_contains("<span class=\"tag tag-ok\">Valid</span>")
            .assert_contains(&format!("src=\"/badges/{id}/badge.png\""))
            .assert_contains("3 hours")
            // The public evidence: the reflection rendered, the link, the
            // video playable, the image shown, the document linked.
            .assert_contains("<em>the routine</em>")
            .assert_contains(&format!("href=\"{LINK}\""))
            .assert_contains(&format!(
                "<video class=\"evidence-media\" src=\"/evidence/{}/file\" controls",
                earned.video
            ))
            .assert_contains(&format!(
                "<img class=\"evidence-media\" src=\"/evidence/{}/file\"",
                earned.image
            ))
            .assert_contains(&format!(
                "<a href=\"/evidence/{}/file\">analysis.pdf</a>",
                earned.document
            ))
            .assert_contains(&format!("href=\"/badges/{id}/verify\""))
            .assert_contains(&format!("href=\"/ob2/assertions/{id}\""));
        assert!(header(&page, "content-type").starts_with("text/html"));
        assert!(
            header(&page, "vary")
                .to_ascii_lowercase()
                .contains("accept"),
            "{:?}",
            page.headers
        );
        for hidden in [
            PRIVATE_REFLECTION.to_owned(),
            earned.private_image.to_string(),
            "roster-photo.png".to_owned(),
        ] {
            assert!(
                !page.text.contains(&hidden),
                "{hidden:?} on the public page"
            );
        }
        // Results are not shared by default: strangers do not see them, the
        // earner does, marked as hers alone.
        assert!(!page.text.contains("Rubric results"));
        assert!(
            !page.text.contains("/privacy"),
            "no privacy form for strangers"
        );
        assert!(
            !page.text.contains("/revoke"),
            "no revocation form for strangers"
        );

        // The files the page shows open for a stranger; the private one does not.
        for shown in [earned.video, earned.image, earned.document] {
            let (status, _, bytes) =
                get_bytes(&anonymous, &format!("/evidence/{shown}/file")).await;
            assert_eq!(status, 200, "public evidence {shown}");
            assert!(!bytes.is_empty());
        }
        let (status, _, _) = get_bytes(
            &anonymous,
            &format!("/evidence/{}/file", earned.private_image),
        )
        .await;
        assert_eq!(status, 404);

        // Preview cards, with absolute URLs.
        let og_image = attribute_after(&page.text, "property=\"og:image\"", "content");
        assert_eq!(og_image, test.app.url(&format!("/badges/{id}/badge.png")));
        assert!(og_image.starts_with("http://"), "{og_image}");
        assert_eq!(
            attribute_after(&page.text, "property=\"og:url\"", "content"),
            test.app.badge_url(id)
        );
        assert!(
            attribute_after(&page.text, "property=\"og:title\"", "content").contains(&earned.title)
        );
        assert!(
            attribute_after(&page.text, "property=\"og:description\"", "content")
                .contains(&earned.earner)
        );
        assert_eq!(
            attribute_after(&page.text, "name=\"twitter:card\"", "content"),
            "summary"
        );
        let (status, headers, _) = get_bytes(&anonymous, &format!("/badges/{id}/badge.png")).await;
        assert_eq!(status, 200, "the preview image opens for anyone");
        assert_eq!(headers["content-type"], "image/png");

        // Content negotiation: the same URL gives the signed credential.
        for media_type in [
            "application/ld+json",
            "application/vc+ld+json",
            "application/json",
        ] {
            let json = get_accepting(&anonymous, &format!("/badges/{id}"), media_type).await;
            json.assert_status(200);
            assert_eq!(header(&json, "content-type"), media_type);
            assert!(
                header(&json, "vary")
                    .to_ascii_lowercase()
                    .contains("accept")
            );
            let got = json.json();
            assert_eq!(got["id"].as_str(), Some(test.app.badge_url(id).as_str()));
            assert_eq!(got, credential, "the stored, signed credential");
        }
        let firefox = get_accepting(
            &anonymous,
            &format!("/badges/{id}"),
            "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
        )
        .await;
        assert!(header(&firefox, "content-type").starts_with("text/html"));
        let unknown = get_accepting(
            &anonymous,
            "/badges/00000000-0000-0000-0000-000000000000",
            "application/ld+json",
        )
        .await;
        assert_eq!(unknown.status, 404);
        assert_eq!(unknown.json()["error"]["code"], "not_found");

        // Downloads.
        let (status, headers, body) =
            get_bytes(&anonymous, &format!("/badges/{id}/credential.json")).await;
        assert_eq!(status, 200);
        assert_eq!(headers["content-type"], "application/ld+json");
        let disposition = headers["content-disposition"].to_str().expect("ASCII");
        assert!(
            disposition.starts_with("attachment;") && disposition.ends_with(".json\""),
            "{disposition}"
        );
        assert_eq!(
            serde_json::from_slice::<Value>(&body).expect("JSON"),
            credential
        );

        let (status, headers, png) =
            get_bytes(&anonymous, &format!("/badges/{id}/badge.png")).await;
        assert_eq!(status, 200);
        assert_eq!(headers["content-type"], "image/png");
        assert!(
            headers["content-disposition"]
                .to_str()
                .expect("ASCII")
                .contains(".png\"")
        );
        let unbaked = cairn_app::credentials::bake::unbake(&png).expect("a baked PNG");
        assert_eq!(
            serde_json::from_str::<Value>(unbaked.payload.as_str()).expect("JSON"),
            credential,
            "the PNG carries the credential"
        );

        let (status, headers, svg) =
            get_bytes(&anonymous, &format!("/badges/{id}/badge.svg")).await;
        assert_eq!(status, 200);
        assert_eq!(headers["content-type"], "image/svg+xml");
        let disposition = headers["content-disposition"].to_str().expect("ASCII");
        assert!(
            disposition.starts_with("attachment;") && disposition.ends_with(".svg\""),
            "{disposition}"
        );
        let csp = headers["content-security-policy"].to_str().expect("ASCII");
        assert!(
            csp.contains("sandbox") && csp.contains("default-src 'none'"),
            "{csp}"
        );
        let unbaked = cairn_app::credentials::bake::unbake(&svg).expect("a baked SVG");
        assert_eq!(
            serde_json::from_str::<Value>(unbaked.payload.as_str()).expect("JSON"),
            credential
        );

        let (status, headers, jwt) =
            get_bytes(&anonymous, &format!("/badges/{id}/credential.jwt")).await;
        assert_eq!(status, 200, "{}", String::from_utf8_lossy(&jwt));
        assert_eq!(headers["content-type"], "application/jwt");
        assert!(
            headers["content-disposition"]
                .to_str()
                .expect("ASCII")
                .starts_with("attachment;")
        );
        let jwt = String::from_utf8(jwt).expect("text");
        let parts: Vec<&str> = jwt.split('.').collect();
        assert_eq!(parts.len(), 3, "a compact JWS: {jwt}");
        let claims: Value = serde_json::from_slice(
            &base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(parts[1])
                .expect("base64url"),
        )
        .expect("JSON claims");
        assert_eq!(
            claims["jti"].as_str(),
            Some(test.app.badge_url(id).as_str())
        );
        assert_eq!(claims["credentialSubject"], credential["credentialSubject"]);

        // Verification, in plain words: every check passed.
        let report = test.app.verify_award(id).await.expect("report");
        let ids: Vec<&str> = report.checks.iter().map(|c| c.id).collect();
        for expected in [
            "format",
            "structure",
            "issuer-key",
            "proof",
            "validity",
            "revocation",
        ] {
            assert!(ids.contains(&expected), "{expected} in {ids:?}");
        }
        let verify = anonymous.get(&format!("/badges/{id}/verify")).await;
        verify
            .assert_status(200)
            .assert_contains("<h2>Verified</h2>");
        for c in &report.checks {
            verify.assert_contains(&format!(
                "{}: <span class=\"check-outcome\">Passed</span>",
                c.title
            ));
        }
        assert!(
            report.checks.iter().all(|c| c.outcome == Outcome::Passed),
            "{:#?}",
            report.checks
        );

        // The earner's own view: results marked as hers, the sharing tools.
        let lena = demo_browser(&test, "lena.learner").await;
        let mine = lena.get(&format!("/badges/{id}")).await;
        mine.assert_status(200)
            .assert_contains("Rubric results")
            .assert_contains("Only you see this")
            .assert_contains("action=\"/badges/")
            .assert_contains("<svg class=\"qr\"");
        assert!(
            !mine.text.contains(&format!("/badges/{id}/revoke")),
            "earners do not revoke"
        );
        let link = link_starting(&mine.text, "https://www.linkedin.com/profile/add?");
        assert!(!link.as_str().contains(' '), "spaces are encoded: {link}");
        let params = query_of(&link);
        let expires = award.expires_at.expect("district awards expire");
        for (key, value) in [
            ("startTask", "CERTIFICATION_NAME".to_owned()),
            ("name", earned.title.clone()),
            ("organizationName", earned.organization.clone()),
            ("issueYear", award.issued_at.year().to_string()),
            ("issueMonth", award.issued_at.month().to_string()),
            ("expirationYear", expires.year().to_string()),
            ("expirationMonth", expires.month().to_string()),
            ("certUrl", test.app.badge_url(id)),
            ("certId", id.to_string()),
        ] {
            assert_eq!(params.get(key), Some(&value), "{key} in {link}");
        }
        assert_eq!(params.len(), 9, "{params:?}");
        // Share links carry the badge's address.
        for (prefix, key) in [
            ("https://www.linkedin.com/sharing/share-offsite/?", "url"),
            ("https://www.facebook.com/sharer/sharer.php?", "u"),
            ("https://x.com/intent/tweet?", "url"),
        ] {
            let shared = query_of(&link_starting(&mine.text, prefix));
            assert_eq!(shared.get(key), Some(&test.app.badge_url(id)), "{prefix}");
        }
        let tweet = query_of(&link_starting(&mine.text, "https://x.com/intent/tweet?"));
        assert!(tweet["text"].contains(&earned.title), "{tweet:?}");
        let mail = query_of(&link_starting(&mine.text, "mailto:?"));
        assert!(mail["body"].contains(&test.app.badge_url(id)), "{mail:?}");
        // The embed snippet, escaped inside a read-only text area.
        let at = mine
            .text
            .find("<textarea id=\"embed\"")
            .expect("the embed snippet");
        let snippet_start = at + mine.text[at..].find('>').expect("the tag ends") + 1;
        let snippet_end =
            snippet_start + mine.text[snippet_start..].find("</textarea>").expect("end");
        let snippet = unescape(&mine.text[snippet_start..snippet_end]);
        assert!(mine.text[at..snippet_start].contains("readonly"));
        assert!(
            snippet.starts_with(&format!(
                "<a href=\"{}\"><img src=\"{og_image}\"",
                test.app.badge_url(id)
            )),
            "{snippet}"
        );
        assert!(
            !mine.text[snippet_start..snippet_end].contains('<'),
            "escaped for display"
        );

        // The printable certificate, and the print stylesheet.
        let certificate = anonymous.get(&format!("/badges/{id}/certificate")).await;
        certificate
            .assert_status(200)
            .assert_contains("Certificate of achievement")
            .assert_contains(&earned.earner)
            .assert_contains(&earned.title)
            .assert_contains(&test.app.badge_url(id))
            .assert_contains("<svg class=\"qr\"");
        let css = anonymous.get("/static/cairn.css").await;
        let print = &css.text[css.text.rfind("@media print").expect("a print stylesheet")..];
        assert!(
            print.contains(".site-header") && print.contains(".site-footer"),
            "{print}"
        );
        test
    })
    .await;
}

#[tokio::test]
async fn the_earner_decides_who_sees_the_badge_and_its_results() {
    on_each_backend(|test| async move {
        let earned = earn(&test).await;
        let id = earned.award;
        let page = format!("/badges/{id}");
        let anonymous = test.client();
        let lena = demo_browser(&test, "lena.learner").await;
        let leo = demo_browser(&test, "leo.learner").await;
        let dana = demo_browser(&test, "dana.director").await;

        // Private: the earner and the issuer's administrators only, in
        // every form the badge takes.
        lena.submit(&format!("{page}/privacy"), &[("visibility", "private")])
            .await
            .assert_status(200)
            .assert_contains("Your choice is saved.")
            .assert_contains("This badge is private");
        assert_eq!(stored(&test, id).await.visibility, AwardVisibility::Private);
        for path in [
            page.clone(),
            format!("{page}/badge.png"),
            format!("{page}/badge.svg"),
            format!("{page}/credential.json"),
            format!("{page}/credential.jwt"),
            format!("{page}/verify"),
            format!("{page}/certificate"),
        ] {
            for (who, client) in [("anonymous", &anonymous), ("Leo", &leo)] {
                let r = client.get(&path).await;
                assert_eq!(r.status, 404, "{who} on {path}");
                assert!(!r.text.contains(&earned.earner), "{who} on {path}");
            }
            assert_eq!(lena.get(&path).await.status, 200, "Lena on {path}");
            assert_eq!(dana.get(&path).await.status, 200, "Dana on {path}");
        }
        // Its public evidence closes with it.
        let file = format!("/evidence/{}/file", earned.image);
        assert_eq!(
            anonymous.get(&file).await.status,
            404,
            "a private badge's evidence"
        );
        assert_eq!(lena.get(&file).await.status, 200);
        let json = get_accepting(&anonymous, &page, "application/ld+json").await;
        assert_eq!(json.status, 404);
        assert!(
            header(&json, "vary")
                .to_ascii_lowercase()
                .contains("accept")
        );
        let own = lena.get(&page).await;
        own.assert_contains("Make it public or unlisted to share it");
        assert!(
            !own.text.contains("linkedin.com/profile/add"),
            "nothing to share"
        );

        // Unlisted: anyone with the link, kept out of search engines.
        lena.submit(&format!("{page}/privacy"), &[("visibility", "unlisted")])
            .await
            .assert_status(200);
        anonymous
            .get(&page)
            .await
            .assert_status(200)
            .assert_contains(&earned.title)
            .assert_contains("<meta name=\"robots\" content=\"noindex\">");
        assert_eq!(
            anonymous.get(&file).await.status,
            200,
            "unlisted: the link opens it"
        );

        // Public with the results shared: strangers see the rubric results.
        lena.submit(
            &format!("{page}/privacy"),
            &[("visibility", "public"), ("share_results", "yes")],
        )
        .await
        .assert_status(200);
        let public = anonymous.get(&page).await;
        public.assert_status(200).assert_contains("Rubric results");
        assert!(!public.text.contains("noindex"));
        assert!(!public.text.contains("Only you see this"));
        let award = stored(&test, id).await;
        assert_eq!(award.visibility, AwardVisibility::Public);
        assert!(award.share_results);

        // Someone else's badge: not found, and nothing changes.
        let refused = leo
            .submit(&format!("{page}/privacy"), &[("visibility", "private")])
            .await;
        assert_eq!(refused.status, 404, "{}", refused.text);
        let refused = dana
            .submit(&format!("{page}/privacy"), &[("visibility", "private")])
            .await;
        assert_eq!(
            refused.status, 404,
            "administrators do not choose for the earner"
        );
        assert_eq!(stored(&test, id).await.visibility, AwardVisibility::Public);
        // Not signed in: to the login page.
        let stranger = anonymous.no_redirects();
        let csrf = stranger.csrf().await;
        let bounced = stranger
            .post_form(
                &format!("{page}/privacy"),
                &[("csrf", csrf.as_str()), ("visibility", "private")],
            )
            .await;
        assert_eq!(bounced.status, 303, "{}", bounced.text);
        assert!(header(&bounced, "location").starts_with("/login"));
        // A choice that is not one is refused on the page, with the reason.
        let wrong = lena
            .submit(&format!("{page}/privacy"), &[("visibility", "everyone")])
            .await;
        wrong
            .assert_status(422)
            .assert_contains("Choose who may see the badge")
            .assert_contains(&earned.title);
        assert_eq!(stored(&test, id).await.visibility, AwardVisibility::Public);
        test
    })
    .await;
}

#[tokio::test]
async fn the_issuers_administrators_revoke_with_a_reason_and_nobody_else_can() {
    on_each_backend(|test| async move {
        let earned = earn(&test).await;
        let id = earned.award;
        let page = format!("/badges/{id}");
        let anonymous = test.client();
        let lena = demo_browser(&test, "lena.learner").await;
        let riley = demo_browser(&test, "riley.reviewer").await;
        let dana = demo_browser(&test, "dana.director").await;

        // Only administrators are offered the form.
        for (who, client) in [("Lena", &lena), ("Riley", &riley)] {
            let r = client.get(&page).await;
            assert!(
                !r.text.contains(&format!("{page}/revoke")),
                "{who} sees no revoke form"
            );
        }
        dana.get(&page)
            .await
            .assert_status(200)
            .assert_contains(&format!("action=\"{page}/revoke\""));

        // A reviewer and the earner may not revoke: 403, nothing changes.
        for (who, client) in [("Riley", &riley), ("Lena", &lena)] {
            let refused = client
                .submit(&format!("{page}/revoke"), &[("reason", "Issued in error")])
                .await;
            assert_eq!(refused.status, 403, "{who}: {}", refused.text);
            assert!(stored(&test, id).await.revoked_at.is_none(), "{who}");
        }
        anonymous
            .get(&page)
            .await
            .assert_contains("<span class=\"tag tag-ok\">Valid</span>");
        assert!(test.app.verify_award(id).await.expect("report").verified());

        // A reason is required, and said so on the page.
        let blank = dana
            .submit(&format!("{page}/revoke"), &[("reason", "   ")])
            .await;
        blank
            .assert_status(422)
            .assert_contains("Say why the badge is revoked")
            .assert_contains(&earned.title);
        assert!(stored(&test, id).await.revoked_at.is_none());

        dana.submit(
            &format!("{page}/revoke"),
            &[("reason", "Issued in error: <wrong learner>")],
        )
        .await
        .assert_status(200)
        .assert_contains("The badge is revoked.");
        let award = stored(&test, id).await;
        assert!(award.revoked_at.is_some());
        let revoked = anonymous.get(&page).await;
        revoked.assert_status(200).assert_contains("Revoked");
        assert!(!revoked.text.contains("<wrong learner>"), "escaped");
        assert!(
            unescape(&revoked.text).contains("Reason: Issued in error: <wrong learner>"),
            "{}",
            revoked.text
        );
        assert!(!revoked.text.contains("tag-ok"));
        let own = lena.get(&page).await;
        own.assert_contains("A revoked badge cannot be shared");
        assert!(!own.text.contains("linkedin.com/profile/add"));

        let report = test.app.verify_award(id).await.expect("report");
        let revocation = report.check("revocation").expect("a revocation check");
        let verify = anonymous.get(&format!("{page}/verify")).await;
        verify
            .assert_status(200)
            .assert_contains("<h2>Not verified</h2>")
            .assert_contains(&format!(
                "{}: <span class=\"check-outcome\">Failed</span>",
                revocation.title
            ));
        anonymous
            .get(&format!("{page}/certificate"))
            .await
            .assert_contains("Revoked: Issued in error");

        // Twice: the page says it is revoked already.
        let again = dana
            .submit(&format!("{page}/revoke"), &[("reason", "Twice")])
            .await;
        again.assert_status(409).assert_contains("revoked already");
        test
    })
    .await;
}
