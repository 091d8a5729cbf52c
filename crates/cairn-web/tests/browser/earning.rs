//! Four people earn a micro-credential in the browser: a learner, the coach
//! they invite, the organization's reviewer and its administrator; then the
//! journey continues through the badge.
//!
//! The organization, its reviewer, the micro-credential and a sponsor code
//! are set up through the pages with a plain HTTP client (another journey
//! drives those forms in the browser); everything from the learner's first
//! log-in on happens in Chromium, person after person, with a screenshot at
//! each step.
//!
//! After the confirmation the job queue issues the award. The learner opens
//! the badge page from the award email (which carries the baked PNG) and
//! finds LinkedIn's "Add to profile" link; a stranger sees the page with the
//! public evidence only (an image and a video that plays), verifies it on
//! the page, and checks the downloaded PNG on the public verifier; the
//! administrator revokes it, and the page and its verification say why.

use crate::harness::{Screenshots, banner, click, fill, find, heading, path, scroll_to, text};
use base64::Engine;
use cairn_domain::AwardId;
use cairn_store::Repos;
use cairn_test_support::{TestApp, TestClient, TestResponse};
use chrono::{DateTime, Datelike, Utc};
use fantoccini::{Client, Locator};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::path::Path;

const PASSWORD: &str = "correct horse battery staple";
const ORG: &str = "harbor";
const ORG_NAME: &str = "Harbor Teaching Institute";
const TITLE: &str = "Think-Aloud Modeling";
const CRITERIA: [&str; 2] = ["Models the routine", "Hands the thinking over"];
const LEVELS: [&str; 3] = ["Beginning", "Developing", "Proficient"];

/// Someone who logs in.
#[derive(Clone, Copy, Debug)]
struct Person {
    name: &'static str,
    email: &'static str,
}

const ADMIN: Person = Person {
    name: "Ana Admin",
    email: "ana.admin@example.org",
};
const REVIEWER: Person = Person {
    name: "Rui Reviewer",
    email: "rui.reviewer@example.org",
};
const LEARNER: Person = Person {
    name: "Lena Learner",
    email: "lena.learner@example.org",
};
const COACH: Person = Person {
    name: "Colin Coach",
    email: "colin.coach@example.org",
};

/// What the setup made.
#[derive(Debug)]
struct Setup {
    /// The sponsorship's page.
    sponsorship: String,
    code: String,
}

pub(crate) async fn journey(b: &Client, app: &TestApp, shots: &Screenshots) {
    let page = |path: &str| format!("{}{path}", app.address);
    // 1. The organization, its people, the micro-credential and a code.
    let setup = set_up(app).await;
    let files = tempfile::tempdir().expect("a folder for the files to upload");
    let png = files.path().join("anchor-chart.png");
    std::fs::write(&png, chart_png(64)).expect("write the PNG");

    // 2. The learner finds the micro-credential and joins with the code.
    log_in(b, app, LEARNER).await;
    click(b, r#"//header//a[normalize-space()="Catalog"]"#).await;
    heading(b, "Micro-credentials").await;
    fill(b, "q", "think-aloud").await;
    click(
        b,
        r#"//form[@role="search"]//button[normalize-space()="Search"]"#,
    )
    .await;
    find(b, r#"//input[@id="q"][@value="think-aloud"]"#).await;
    let found = text(b, r#"//main//p[@role="status"]"#).await;
    assert!(found.starts_with("1 micro-credential found"), "{found}");
    click(b, &format!(r#"//main//a[normalize-space()="{TITLE}"]"#)).await;
    heading(b, TITLE).await;
    let facts = text(b, r#"//ul[@class="facts"]"#).await;
    assert!(
        facts.contains("sponsor seats and codes accepted"),
        "the page says a sponsor code works: {facts}"
    );
    fill(b, "code", &setup.code).await;
    click(b, r#"//button[normalize-space()="Join with the code"]"#).await;
    banner(b, "You joined").await;
    heading(b, TITLE).await;
    let enrollment = path(b).await;
    assert!(
        enrollment.starts_with("/enrollments/"),
        "joining lands on the enrollment page, not {enrollment}"
    );
    assert_eq!(state(b).await, "In progress");
    let head = text(b, r#"//div[@class="page-head"]"#).await;
    assert!(head.contains("0 of 2 requirements met"), "{head}");
    shots.take(b, "01-joined.png").await;

    // 3. The learner invites a coach from the page; the coach accepts from
    //    the email.
    fill(b, "coach-email", COACH.email).await;
    click(
        b,
        r#"//section[@id="coach"]//button[normalize-space()="Send the invitation"]"#,
    )
    .await;
    banner(b, &format!("We sent an invitation to {}", COACH.email)).await;
    assert_eq!(path(b).await, enrollment, "back on the enrollment page");
    shots.take(b, "02-coach-invited.png").await;
    let invitation = app.last_email_to(COACH.email).await;
    let link = invitation
        .link()
        .unwrap_or_else(|| panic!("a link in the invitation:\n{}", invitation.body));
    assert!(
        link.starts_with("/partners/"),
        "the invitation link: {link}"
    );

    switch_to(b, app, COACH).await;
    b.goto(&page(&link)).await.expect("open the invitation");
    heading(b, &format!("Invitation from {}", LEARNER.name)).await;
    let lead = text(b, r#"//main//p[contains(@class,"lead")]"#).await;
    assert!(
        lead.contains("to be their coach") && lead.contains(TITLE),
        "the invitation says what for: {lead}"
    );
    click(b, r#"//main//button[normalize-space()="Accept"]"#).await;
    banner(b, "You are partners now").await;
    heading(b, "Coaching").await;
    let learners = text(b, r#"//main//section[1]"#).await;
    assert!(
        learners.contains(LEARNER.name) && learners.contains(TITLE),
        "the coach's learners: {learners}"
    );
    shots.take(b, "03-coach-accepted.png").await;

    // 4. The learner uploads an image and a video and writes a reflection;
    //    the checklist shows the progress.
    switch_to(b, app, LEARNER).await;
    click(b, r#"//header//a[normalize-space()="My learning"]"#).await;
    heading(b, "My learning").await;
    let row = text(
        b,
        &format!(r#"//main//tr[td/a[normalize-space()="{TITLE}"]]"#),
    )
    .await;
    assert!(row.contains("In progress"), "{row}");
    click(b, &format!(r#"//main//a[normalize-space()="{TITLE}"]"#)).await;
    heading(b, TITLE).await;
    let coach = text(b, r#"//section[@id="coach"]"#).await;
    assert!(
        coach.contains(&format!("{} coaches you", COACH.name)),
        "{coach}"
    );
    // A browser-made recording, so the file is a real WebM that plays.
    let webm = files.path().join("modeling.webm");
    std::fs::write(&webm, record_webm(b).await).expect("write the WebM");

    upload(b, 0, "Anchor chart", &png, PUBLIC).await;
    assert_eq!(progress(b, 0).await, "1 of 2 items");
    upload(b, 0, "Modeling the routine", &webm, PRIVATE).await;
    assert_eq!(progress(b, 0).await, "2 of 2 items · met");
    let image = find(
        b,
        r#"//section[@id="requirement-0"]//img[@alt="Anchor chart"]"#,
    )
    .await;
    assert_eq!(
        when_loaded(b, &image, IMAGE_WIDTH).await,
        json!(64),
        "the uploaded PNG is shown at its width"
    );
    let video = find(b, r#"//section[@id="requirement-0"]//video"#).await;
    let src = video
        .attr("src")
        .await
        .expect("read the video's address")
        .unwrap_or_default();
    assert!(src.starts_with("/evidence/"), "the video plays from {src}");
    assert_eq!(
        when_loaded(b, &video, VIDEO_SIZE).await,
        json!([64, 48]),
        "the video's metadata loads from the file"
    );
    let answer = fetch(b, &src, Some("bytes=0-3")).await;
    assert_eq!(
        answer,
        json!([206, "video/webm", [0x1A, 0x45, 0xDF, 0xA3]]),
        "the file answers a range with the video type"
    );
    scroll_to(b, r#"//section[@id="requirement-0"]"#).await;
    shots.take(b, "04-files.png").await;
    let file_inputs = b
        .find_all(Locator::XPath(
            r#"//section[@id="requirement-1"]//input[@type="file"]"#,
        ))
        .await
        .expect("look for a file input");
    assert!(
        file_inputs.is_empty(),
        "a requirement for a written reflection offers no upload"
    );

    fill(b, "title-1", "What changed").await;
    fill(
        b,
        "text-1",
        "Marcus **explained his thinking** aloud for the first time.\n\n- I model less\n- Students talk more",
    )
    .await;
    click(
        b,
        r#"//section[@id="requirement-1"]//form[contains(@action,"/evidence")]//button[normalize-space()="Add"]"#,
    )
    .await;
    banner(b, "Added").await;
    find(
        b,
        r#"//section[@id="requirement-1"]//div[@class="reflection"]//strong[normalize-space()="explained his thinking"]"#,
    )
    .await;
    let items = b
        .find_all(Locator::XPath(
            r#"//section[@id="requirement-1"]//div[@class="reflection"]//li"#,
        ))
        .await
        .expect("read the reflection's list");
    assert_eq!(items.len(), 2, "the Markdown list is rendered");
    assert_eq!(
        progress(b, 1).await,
        "1 of 1 items · 0 of 2 checklist items"
    );
    click(b, r#"//input[@id="tick-1-0"]"#).await;
    click(b, r#"//input[@id="tick-1-1"]"#).await;
    click(
        b,
        r#"//section[@id="requirement-1"]//button[normalize-space()="Save the checklist"]"#,
    )
    .await;
    banner(b, "The checklist is saved").await;
    assert_eq!(
        progress(b, 1).await,
        "1 of 1 items · 2 of 2 checklist items · met"
    );
    let head = text(b, r#"//div[@class="page-head"]"#).await;
    assert!(
        head.contains("2 of 2 requirements met") && head.contains(COACH.name),
        "{head}"
    );
    scroll_to(b, r#"//section[@id="requirement-1"]"#).await;
    shots.take(b, "05-reflection.png").await;

    // 5. The coach comments; the learner sees the notification and the
    //    comment. First the learner reads what is there already.
    click(b, r#"//header//a[@href="/notifications"]"#).await;
    heading(b, "Notifications").await;
    click(
        b,
        r#"//main//button[starts-with(normalize-space(),"Mark all read")]"#,
    )
    .await;
    banner(b, "All read").await;
    assert_eq!(
        unread(b).await,
        None,
        "nothing unread after marking all read"
    );

    switch_to(b, app, COACH).await;
    b.goto(&page(&enrollment))
        .await
        .expect("open the enrollment");
    heading(b, TITLE).await;
    find(
        b,
        r#"//li[.//strong[normalize-space()="Anchor chart"]]//img"#,
    )
    .await;
    fill(
        b,
        "body",
        "Lovely anchor chart. Say *why* you chose Marcus's example.",
    )
    .await;
    click(
        b,
        r#"//section[@id="comments"]//button[normalize-space()="Post"]"#,
    )
    .await;
    banner(b, "Your comment is posted").await;
    shots.take(b, "06-coach-comment.png").await;

    switch_to(b, app, LEARNER).await;
    assert_eq!(
        unread(b).await.as_deref(),
        Some("1 new"),
        "the header counts the coach's comment"
    );
    click(b, r#"//header//a[@href="/notifications"]"#).await;
    heading(b, "Notifications").await;
    let note = text(b, r#"//ul[@class="notifications"]/li[1]"#).await;
    assert!(
        note.contains(&format!("{} commented on “{TITLE}”", COACH.name))
            && note.contains("Lovely anchor chart")
            && note.ends_with("new"),
        "the newest notification: {note}"
    );
    click(b, r#"//ul[@class="notifications"]/li[1]/a"#).await;
    heading(b, TITLE).await;
    let comment = text(b, r#"//section[@id="comments"]//article[1]"#).await;
    assert!(
        comment.contains(COACH.name)
            && comment.contains("Lovely anchor chart. Say why you chose Marcus's example."),
        "the comment as the learner sees it: {comment}"
    );
    find(
        b,
        r#"//section[@id="comments"]//article[1]//em[normalize-space()="why"]"#,
    )
    .await;
    shots.take(b, "07-comment-seen.png").await;

    // 6. The learner submits.
    click(
        b,
        r#"//section[@id="actions"]//button[normalize-space()="Submit for review"]"#,
    )
    .await;
    banner(b, "Submitted for review").await;
    assert_eq!(state(b).await, "Submitted for review");
    let history = text(b, r#"//section[@id="history"]"#).await;
    assert!(history.contains("Attempt 1"), "{history}");
    let uploads = b
        .find_all(Locator::XPath(r#"//form[contains(@action,"/files")]"#))
        .await
        .expect("look for upload forms");
    assert!(uploads.is_empty(), "submitted evidence is frozen");
    shots.take(b, "08-submitted.png").await;

    // 7. The reviewer asks for a revision.
    switch_to(b, app, REVIEWER).await;
    open_review(b, app, 1).await;
    score(b, &[0, 1]).await;
    fill(b, "comment-0", "The clip stops before the students talk.").await;
    fill(
        b,
        "feedback",
        "Show the students thinking aloud too: add a clip where they take over.",
    )
    .await;
    click(b, r#"//input[@id="decision-revise"]"#).await;
    shots.take(b, "09-review-revise.png").await;
    click(b, r#"//button[normalize-space()="Record my review"]"#).await;
    banner(b, "Your review is recorded").await;
    assert_eq!(state(b).await, "Revision requested");

    switch_to(b, app, LEARNER).await;
    click(b, r#"//header//a[@href="/notifications"]"#).await;
    click(
        b,
        r#"//ul[@class="notifications"]/li[1]/a[contains(., "asks you to revise")]"#,
    )
    .await;
    heading(b, TITLE).await;
    assert_eq!(state(b).await, "Revision requested");
    let history = text(b, r#"//section[@id="history"]"#).await;
    assert!(
        history.contains("Revise and resubmit")
            && history.contains("add a clip where they take over")
            && history.contains(&format!(
                "{}: {} — The clip stops before the students talk.",
                CRITERIA[0], LEVELS[0]
            ))
            && history.contains(&format!("{}: {}", CRITERIA[1], LEVELS[1])),
        "the learner sees the feedback: {history}"
    );
    scroll_to(b, r#"//section[@id="history"]"#).await;
    shots.take(b, "10-revision-requested.png").await;

    // 8. The learner revises and resubmits; the reviewer finds it meets.
    upload(b, 0, "Students take over", &webm, PUBLIC).await;
    assert_eq!(progress(b, 0).await, "3 items (2 needed) · met");
    click(
        b,
        r#"//section[@id="actions"]//button[normalize-space()="Submit for review"]"#,
    )
    .await;
    banner(b, "Submitted for review").await;
    assert_eq!(state(b).await, "Submitted for review");
    let history = text(b, r#"//section[@id="history"]"#).await;
    assert!(
        history.contains("Attempt 1") && history.contains("Attempt 2"),
        "{history}"
    );
    shots.take(b, "11-resubmitted.png").await;

    switch_to(b, app, REVIEWER).await;
    open_review(b, app, 2).await;
    find(
        b,
        r#"//li[.//strong[normalize-space()="Students take over"]]//video"#,
    )
    .await;
    score(b, &[2, 2]).await;
    fill(b, "feedback", "The students carry the routine now.").await;
    click(b, r#"//input[@id="decision-meets"]"#).await;
    click(b, r#"//button[normalize-space()="Record my review"]"#).await;
    banner(b, "Your review is recorded").await;
    assert_eq!(state(b).await, "Awaiting the issuer's confirmation");
    shots.take(b, "12-review-meets.png").await;

    // 9. The administrator confirms; the award is requested.
    switch_to(b, app, ADMIN).await;
    assert!(unread(b).await.is_some(), "the administrator is told");
    click(b, r#"//header//a[@href="/notifications"]"#).await;
    click(
        b,
        r#"//ul[@class="notifications"]//a[contains(., "waits for your confirmation")]"#,
    )
    .await;
    heading(b, TITLE).await;
    assert_eq!(state(b).await, "Awaiting the issuer's confirmation");
    click(
        b,
        r#"//section[@id="actions"]//button[normalize-space()="Confirm the award (spoke with the coach)"]"#,
    )
    .await;
    banner(b, "Confirmed: the award is requested").await;
    assert_eq!(state(b).await, "Award on its way");
    shots.take(b, "13-confirmed.png").await;
    b.goto(&page(&setup.sponsorship))
        .await
        .expect("open the sponsorship");
    let used = text(
        b,
        &format!(
            r#"//section[@id="codes"]//tr[td/code[normalize-space()="{}"]]"#,
            setup.code
        ),
    )
    .await;
    assert!(
        used.contains("Used") && used.contains(LEARNER.name),
        "the code is used, by the learner: {used}"
    );

    switch_to(b, app, LEARNER).await;
    click(b, r#"//header//a[normalize-space()="My learning"]"#).await;
    let row = text(
        b,
        &format!(r#"//main//tr[td/a[normalize-space()="{TITLE}"]]"#),
    )
    .await;
    assert!(row.contains("Award on its way"), "{row}");
    click(b, &format!(r#"//main//a[normalize-space()="{TITLE}"]"#)).await;
    heading(b, TITLE).await;
    assert_eq!(state(b).await, "Award on its way");
    let attempts = texts(b, r#"//section[@id="history"]/h3"#).await;
    assert_eq!(attempts.len(), 2, "both attempts: {attempts:?}");
    assert!(
        attempts[0].starts_with("Attempt 1") && attempts[0].ends_with("Revise and resubmit"),
        "{attempts:?}"
    );
    assert!(
        attempts[1].starts_with("Attempt 2") && attempts[1].ends_with("Meets"),
        "{attempts:?}"
    );
    let reviews = texts(b, r#"//section[@id="history"]/div[@class="review"]"#).await;
    assert_eq!(reviews.len(), 2, "both reviews: {reviews:?}");
    assert!(
        reviews[0].contains("Revise and resubmit")
            && reviews[1].contains("Meets")
            && reviews[1].contains("The students carry the routine now.")
            && reviews[1].contains(&format!("{}: {}", CRITERIA[1], LEVELS[2])),
        "{reviews:?}"
    );
    let next = text(b, r#"//section[@id="actions"]"#).await;
    assert!(next.contains("Nothing to do here right now"), "{next}");
    scroll_to(b, r#"//section[@id="history"]"#).await;
    shots.take(b, "14-award-on-its-way.png").await;
    click(b, r#"//header//a[@href="/notifications"]"#).await;
    let note = text(b, r#"//ul[@class="notifications"]/li[1]"#).await;
    assert!(
        note.contains(&format!("The issuer confirmed your award for “{TITLE}”")),
        "{note}"
    );
    shots.take(b, "15-award-notification.png").await;

    // 10. The job queue issues the award. The email brings the baked badge
    //     and the badge page's address, which the learner follows.
    let award = award_email(app).await;
    b.goto(&award.url)
        .await
        .expect("open the badge page from the email");
    heading(b, TITLE).await;
    assert_eq!(path(b).await, format!("/badges/{}", award.id));
    find(
        b,
        r#"//section[@id="privacy"]/h2[normalize-space()="Who sees this badge"]"#,
    )
    .await;
    shots.take(b, "16-badge-from-email.png").await;

    // 11. The earner is offered LinkedIn's "Add to profile", filled in.
    let add = linkedin_add(b).await;
    let issued = award.issued_at;
    let expected = [
        ("startTask", "CERTIFICATION_NAME".to_owned()),
        ("name", TITLE.to_owned()),
        ("organizationName", ORG_NAME.to_owned()),
        ("issueYear", issued.year().to_string()),
        ("issueMonth", issued.month().to_string()),
        ("certUrl", award.url.clone()),
        ("certId", award.id.to_string()),
    ];
    for (key, value) in &expected {
        assert_eq!(add.get(*key), Some(value), "{key} in {add:?}");
    }
    assert_eq!(
        add.len(),
        expected.len(),
        "no expiry for a badge that does not expire: {add:?}"
    );
    // The snippet for the earner's own website links the badge here.
    let embed = find(b, r#"//textarea[@id="embed"]"#)
        .await
        .prop("value")
        .await
        .expect("read the embed snippet")
        .unwrap_or_default();
    assert!(
        embed.starts_with(&format!(
            "<a href=\"{}\"><img src=\"{}/badge.png\"",
            award.url, award.url
        )),
        "{embed}"
    );
    scroll_to(b, r#"//section[@id="share"]"#).await;
    shots.take(b, "17-share.png").await;
    // The private clip's file, which a stranger must not open.
    let private_clip = evidence_src(b, app, &enrollment, "Modeling the routine").await;

    // 12. A stranger opens the page: the badge, who earned it from whom and
    //     when, valid; the public image and video, not the private clip or
    //     the private reflection.
    log_out(b).await;
    b.goto(&award.url).await.expect("open the badge page");
    heading(b, TITLE).await;
    let badge = find(b, r#"//img[contains(@class,"badge-image")]"#).await;
    assert_eq!(
        when_loaded(b, &badge, IMAGE_WIDTH).await,
        json!(256),
        "the baked badge is shown"
    );
    assert_eq!(text(b, r#"//strong[@class="earner"]"#).await, LEARNER.name);
    assert_eq!(
        text(
            b,
            r#"//main//p[starts-with(normalize-space(),"Issued by")]/a"#
        )
        .await,
        ORG_NAME
    );
    assert_eq!(fact(b, "Status").await, "Valid");
    assert_eq!(fact(b, "Issued").await, day(issued));
    assert_eq!(fact(b, "Expires").await, "Does not expire");
    let public = texts(b, r#"//section[@id="evidence"]//li/h3"#).await;
    assert_eq!(
        public,
        ["Anchor chart", "Students take over"],
        "only the public evidence"
    );
    let body = text(b, "//main").await;
    for private in [
        "Modeling the routine",
        "What changed",
        "explained his thinking",
    ] {
        assert!(!body.contains(private), "{private:?} is private: {body}");
    }
    assert!(
        !body.contains("Rubric results"),
        "the results are not shared: {body}"
    );
    assert!(
        b.find_all(Locator::XPath(
            r#"//section[@id="privacy" or @id="revoke"]"#
        ))
        .await
        .expect("look for the owners' forms")
        .is_empty(),
        "a stranger gets no privacy or revocation form"
    );
    shots.take(b, "18-public-badge.png").await;
    let chart = find(
        b,
        r#"//section[@id="evidence"]//li[h3="Anchor chart"]//img"#,
    )
    .await;
    assert_eq!(
        when_loaded(b, &chart, IMAGE_WIDTH).await,
        json!(64),
        "the public image loads"
    );
    let clip = find(
        b,
        r#"//section[@id="evidence"]//li[h3="Students take over"]//video"#,
    )
    .await;
    assert_eq!(
        when_loaded(b, &clip, VIDEO_SIZE).await,
        json!([64, 48]),
        "the public video's metadata loads"
    );
    let played = when_loaded(b, &clip, VIDEO_PLAYS).await;
    assert_eq!(
        played.get(0),
        Some(&json!(true)),
        "the public video plays: {played}"
    );
    assert!(
        played[1].as_u64().is_some_and(|state| state >= 2),
        "the video has frames to show: {played}"
    );
    let closed = fetch(b, &private_clip, None).await;
    assert_eq!(
        closed.get(0),
        Some(&json!(404)),
        "a stranger cannot open the private clip"
    );
    scroll_to(b, r#"//section[@id="evidence"]"#).await;
    shots.take(b, "19-public-evidence.png").await;

    // 13. Verify, on the page: every check passed, in plain words.
    click(
        b,
        r#"//p[@class="badge-actions"]/a[normalize-space()="Verify"]"#,
    )
    .await;
    heading(b, "Verification").await;
    let verdict = text(b, r#"//div[contains(@class,"verdict")]"#).await;
    assert!(
        verdict.starts_with("Verified")
            && verdict.contains(&format!(
                "{ORG_NAME} issued “{TITLE}” to {} on {}, and it has not been changed since.",
                LEARNER.name,
                day(issued)
            )),
        "{verdict}"
    );
    let outcomes = checks(b).await;
    for title in CHECKS {
        assert!(
            outcomes.contains(&format!("{title}: Passed")),
            "{title} passed: {outcomes:?}"
        );
    }
    assert!(
        outcomes.iter().all(|c| c.ends_with(": Passed")),
        "{outcomes:?}"
    );
    shots.take(b, "20-verified.png").await;

    // 14. The PNG downloaded from the page is the emailed one, and the
    //     public verifier finds it genuine.
    click(b, r#"//p[@class="breadcrumb"]/a"#).await;
    heading(b, TITLE).await;
    let png_link = find(
        b,
        r#"//section[@id="download"]//a[normalize-space()="Badge image (PNG)"]"#,
    )
    .await
    .attr("href")
    .await
    .expect("read the download link")
    .unwrap_or_default();
    let downloaded = download(b, &png_link).await;
    assert!(
        downloaded == award.png,
        "the download is the baked PNG the email carries"
    );
    let baked = files.path().join("think-aloud-modeling.png");
    std::fs::write(&baked, &downloaded).expect("write the downloaded badge");
    b.goto(&page("/verify")).await.expect("open the verifier");
    heading(b, "Verify a credential").await;
    find(b, r#"//input[@id="file"]"#)
        .await
        .send_keys(&baked.display().to_string())
        .await
        .expect("choose the badge");
    click(b, r#"//button[normalize-space()="Verify the file"]"#).await;
    assert_eq!(text(b, r#"//h2[@id="result-title"]"#).await, "Verified");
    let about = text(
        b,
        r#"//section[@aria-labelledby="result-title"]//div[@class="card"]"#,
    )
    .await;
    assert!(
        about.contains(TITLE) && about.contains(ORG_NAME) && about.contains(&day(issued)),
        "what the verifier read: {about}"
    );
    let results = texts(
        b,
        r#"//section[@aria-labelledby="result-title"]//ul[@class="plain"]/li"#,
    )
    .await;
    for title in CHECKS {
        assert!(
            results
                .iter()
                .any(|r| r.starts_with(&format!("Passed {title}"))),
            "{title} passed: {results:?}"
        );
    }
    assert!(
        results.iter().all(|r| r.starts_with("Passed ")),
        "{results:?}"
    );
    shots.take(b, "21-verifier.png").await;

    // 15. The administrator revokes the badge with a reason; the page and
    //     its verification tell everyone why.
    log_in(b, app, ADMIN).await;
    b.goto(&award.url).await.expect("open the badge page");
    heading(b, TITLE).await;
    scroll_to(b, r#"//section[@id="revoke"]"#).await;
    fill(b, "reason", REVOKED_BECAUSE).await;
    shots.take(b, "22-revoking.png").await;
    click(
        b,
        r#"//section[@id="revoke"]//button[normalize-space()="Revoke the badge"]"#,
    )
    .await;
    banner(b, "The badge is revoked").await;
    assert_eq!(
        fact(b, "Status").await,
        format!("Revoked Reason: {REVOKED_BECAUSE}")
    );

    log_out(b).await;
    b.goto(&award.url).await.expect("open the badge page");
    heading(b, TITLE).await;
    let warning = banner(b, "This badge was revoked.").await;
    assert!(
        warning.ends_with(&format!("Reason: {REVOKED_BECAUSE}")),
        "{warning}"
    );
    assert_eq!(
        text(
            b,
            r#"//dl[@class="badge-facts"]//span[contains(@class,"tag")]"#
        )
        .await,
        "Revoked"
    );
    assert_eq!(
        text(b, r#"//span[@class="revocation"]"#).await,
        format!("Reason: {REVOKED_BECAUSE}")
    );
    let share = text(b, r#"//section[@id="share"]"#).await;
    assert!(
        share.contains("A revoked badge cannot be shared."),
        "{share}"
    );
    shots.take(b, "23-revoked.png").await;
    click(
        b,
        r#"//p[@class="badge-actions"]/a[normalize-space()="Verify"]"#,
    )
    .await;
    heading(b, "Verification").await;
    let verdict = text(b, r#"//div[contains(@class,"verdict")]"#).await;
    assert_eq!(
        verdict,
        format!("Not verified\n{ORG_NAME} revoked this badge. Reason: {REVOKED_BECAUSE}")
    );
    let revocation = text(
        b,
        r#"//ol[@class="checks"]/li[contains(@class,"check-failed")]"#,
    )
    .await;
    assert!(
        revocation.starts_with("The issuer has not revoked the credential: Failed")
            && revocation.contains("revoked"),
        "{revocation}"
    );
    let outcomes = checks(b).await;
    assert_eq!(
        outcomes.iter().filter(|c| c.ends_with(": Failed")).count(),
        1,
        "only the revocation check fails: {outcomes:?}"
    );
    scroll_to(
        b,
        r#"//ol[@class="checks"]/li[contains(@class,"check-failed")]"#,
    )
    .await;
    shots.take(b, "24-revocation-verified.png").await;
}

/// Logs out whoever is logged in, then logs `who` in.
async fn switch_to(b: &Client, app: &TestApp, who: Person) {
    log_out(b).await;
    log_in(b, app, who).await;
}

async fn log_out(b: &Client) {
    click(b, r#"//header//button[normalize-space()="Log out"]"#).await;
    banner(b, "logged out").await;
}

async fn log_in(b: &Client, app: &TestApp, who: Person) {
    b.goto(&format!("{}/login", app.address))
        .await
        .expect("open /login");
    heading(b, "Log in").await;
    fill(b, "email", who.email).await;
    fill(b, "password", PASSWORD).await;
    click(b, r#"//form[@action="/login"]//button[@type="submit"]"#).await;
    banner(b, "logged in").await;
    let header = text(b, r#"//header//a[@href="/account"]"#).await;
    assert_eq!(header, who.name, "the header names who logged in");
}

/// The enrollment's state as its page shows it.
async fn state(b: &Client) -> String {
    text(b, r#"//span[@id="state"]"#).await
}

/// A requirement's progress line.
async fn progress(b: &Client, requirement: usize) -> String {
    text(
        b,
        &format!(r#"//section[@id="requirement-{requirement}"]/p[@class="meta"]"#),
    )
    .await
}

/// The unread count beside the header's Notifications link, if any.
async fn unread(b: &Client) -> Option<String> {
    find(b, r#"//header//a[@href="/notifications"]"#).await;
    let count = b
        .find_all(Locator::XPath(
            r#"//header//a[@href="/notifications"]/span[@class="nav-count"]"#,
        ))
        .await
        .expect("look for the unread count");
    match count.first() {
        Some(c) => Some(c.text().await.expect("read the unread count")),
        None => None,
    }
}

async fn texts(b: &Client, xpath: &str) -> Vec<String> {
    find(b, xpath).await;
    let mut all = Vec::new();
    for e in b
        .find_all(Locator::XPath(xpath))
        .await
        .expect("find the elements")
    {
        all.push(e.text().await.expect("read an element's text"));
    }
    all
}

/// Who may see an evidence item: on the badge page after the award, or only
/// the learner, their coach and the reviewers.
const PUBLIC: &str = "public";
const PRIVATE: &str = "private";

/// Chooses a file for a requirement through its file input and uploads it,
/// shown to whom `visibility` says.
async fn upload(b: &Client, requirement: usize, title: &str, file: &Path, visibility: &str) {
    fill(b, &format!("ftitle-{requirement}"), title).await;
    find(b, &format!(r#"//select[@id="fvisibility-{requirement}"]"#))
        .await
        .select_by_value(visibility)
        .await
        .unwrap_or_else(|e| panic!("choose who sees {title}: {e}"));
    let input = find(b, &format!(r#"//input[@id="file-{requirement}"]"#)).await;
    input
        .send_keys(&file.display().to_string())
        .await
        .unwrap_or_else(|e| panic!("choose {}: {e}", file.display()));
    click(
        b,
        &format!(
            r#"//section[@id="requirement-{requirement}"]//form[contains(@action,"/files")]//button[normalize-space()="Upload"]"#
        ),
    )
    .await;
    banner(b, "The file is added").await;
    find(
        b,
        &format!(
            r#"//section[@id="requirement-{requirement}"]//li[.//strong[normalize-space()="{title}"]]"#
        ),
    )
    .await;
}

/// From the organization's page to the review queue, which lists this
/// attempt, and on to the enrollment's review form.
async fn open_review(b: &Client, app: &TestApp, attempt: u32) {
    b.goto(&format!("{}/orgs/{ORG}", app.address))
        .await
        .expect("open the organization");
    heading(b, ORG_NAME).await;
    click(b, r#"//main//a[normalize-space()="Reviews"]"#).await;
    heading(b, "Reviews").await;
    let status = text(b, r#"//main//p[@role="status"]"#).await;
    assert_eq!(status, "1 open review assigned to you.");
    let row = text(
        b,
        &format!(r#"//main//tr[td/a[normalize-space()="{TITLE}"]]"#),
    )
    .await;
    assert!(
        row.contains(LEARNER.name) && row.contains(&attempt.to_string()),
        "the queue's row: {row}"
    );
    click(b, &format!(r#"//main//a[normalize-space()="{TITLE}"]"#)).await;
    heading(b, TITLE).await;
    find(
        b,
        r#"//section[@id="review"]/h2[normalize-space()="Your review"]"#,
    )
    .await;
    assert_eq!(state(b).await, "Submitted for review");
}

/// Picks a level for each criterion, in order.
async fn score(b: &Client, levels: &[usize]) {
    assert_eq!(levels.len(), CRITERIA.len());
    for (criterion, level) in levels.iter().enumerate() {
        let legend = text(
            b,
            &format!(r#"//fieldset[@id="scores[{criterion}]"]/legend"#),
        )
        .await;
        assert_eq!(legend, CRITERIA[criterion]);
        click(b, &format!(r#"//input[@id="score-{criterion}-{level}"]"#)).await;
    }
}

/// Waits for an image's width.
const IMAGE_WIDTH: &str = r"
    const [img, done] = [arguments[0], arguments[arguments.length - 1]];
    if (img.complete) { done(img.naturalWidth); return; }
    img.addEventListener('load', () => done(img.naturalWidth));
    img.addEventListener('error', () => done('the image did not load'));
";

/// Waits for a video's metadata, then gives its size.
const VIDEO_SIZE: &str = r"
    const [video, done] = [arguments[0], arguments[arguments.length - 1]];
    const size = () => done([video.videoWidth, video.videoHeight]);
    if (video.readyState >= 1) { size(); return; }
    video.addEventListener('loadedmetadata', size);
    video.addEventListener('error', () => done('the video did not load: ' + (video.error && video.error.message)));
    video.load();
";

async fn when_loaded(b: &Client, element: &fantoccini::elements::Element, script: &str) -> Value {
    b.execute_async(
        script,
        vec![serde_json::to_value(element).expect("an element reference")],
    )
    .await
    .expect("wait for the media to load")
}

/// Fetches a path from the page, with the browser's cookies: the status,
/// the content type and the bytes.
async fn fetch(b: &Client, path: &str, range: Option<&str>) -> Value {
    let script = r"
        const [path, range, done] = [arguments[0], arguments[1], arguments[arguments.length - 1]];
        const headers = range ? { Range: range } : {};
        fetch(path, { headers })
            .then(async (r) => done([r.status, r.headers.get('content-type'), Array.from(new Uint8Array(await r.arrayBuffer()))]))
            .catch((e) => done(String(e)));
    ";
    b.execute_async(script, vec![json!(path), json!(range)])
        .await
        .expect("fetch from the page")
}

/// Records half a second of a changing canvas with the browser's own
/// MediaRecorder: a real VP8 WebM, 64×48.
async fn record_webm(b: &Client) -> Vec<u8> {
    let script = r"
        const done = arguments[arguments.length - 1];
        const canvas = document.createElement('canvas');
        canvas.width = 64;
        canvas.height = 48;
        const g = canvas.getContext('2d');
        const recorder = new MediaRecorder(canvas.captureStream(20), { mimeType: 'video/webm;codecs=vp8' });
        const parts = [];
        recorder.ondataavailable = (e) => parts.push(e.data);
        recorder.onstop = () => {
            const reader = new FileReader();
            reader.onload = () => done(reader.result.split(',')[1]);
            reader.readAsDataURL(new Blob(parts, { type: 'video/webm' }));
        };
        let frame = 0;
        const draw = () => {
            g.fillStyle = frame % 2 ? '#2f5d50' : '#e8b04b';
            g.fillRect(0, 0, 64, 48);
            g.fillStyle = '#ffffff';
            g.fillRect((frame * 6) % 64, 20, 8, 8);
            frame += 1;
        };
        draw();
        recorder.start();
        const timer = setInterval(() => {
            draw();
            if (frame > 10) { clearInterval(timer); recorder.stop(); }
        }, 50);
    ";
    let encoded = b
        .execute_async(script, vec![])
        .await
        .expect("record a video in the browser");
    let encoded = encoded.as_str().expect("the recording, as base64");
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(encoded)
        .expect("decode the recording");
    assert!(
        bytes.starts_with(b"\x1A\x45\xDF\xA3"),
        "the recording is a WebM"
    );
    bytes
}

/// Plays a video, muted, until its time moves: whether it played, its
/// `readyState` then, and its size.
const VIDEO_PLAYS: &str = r"
    const [video, done] = [arguments[0], arguments[arguments.length - 1]];
    video.muted = true;
    const moved = () => {
        if (video.currentTime > 0) {
            video.removeEventListener('timeupdate', moved);
            video.pause();
            done([true, video.readyState, video.videoWidth, video.videoHeight]);
        }
    };
    video.addEventListener('timeupdate', moved);
    video.addEventListener('error', () => done('the video did not play: ' + (video.error && video.error.message)));
    video.play().catch((e) => done('the video did not play: ' + e));
";

// ------------------------------------------------------------ The badge

/// Why the administrator revokes the badge.
const REVOKED_BECAUSE: &str = "Evidence was found to be copied.";

/// The checks a verification makes, as the pages name them.
const CHECKS: [&str; 6] = [
    "The file holds a credential",
    "The credential has the structure the standard requires",
    "The signing key belongs to the issuer",
    "The signature matches the credential",
    "The credential is within its validity period",
    "The issuer has not revoked the credential",
];

/// The award as its email brings it.
struct AwardMail {
    /// The badge page's address.
    url: String,
    id: AwardId,
    /// The baked badge attached.
    png: Vec<u8>,
    issued_at: DateTime<Utc>,
}

/// Runs the job queue (which issues the award and sends its email), then
/// reads the award email from the outbox: to the learner, naming the
/// micro-credential and the organization, with the badge page's address
/// and the baked PNG, whose credential is the one at that address.
async fn award_email(app: &TestApp) -> AwardMail {
    app.emails().await;
    let mut awarded: Vec<Mail> = outbox_files(&app.outbox())
        .iter()
        .map(|raw| Mail::parse(raw))
        .filter(|m| m.header("to") == LEARNER.email && m.subject().starts_with("You earned"))
        .collect();
    assert_eq!(awarded.len(), 1, "one award email to the learner");
    let mail = awarded.remove(0);
    assert_eq!(mail.subject(), format!("You earned “{TITLE}”"));
    let text = mail.text();
    assert!(
        text.contains(&format!("Hello {},", LEARNER.name))
            && text.contains(&format!("{ORG_NAME} awards you “{TITLE}”")),
        "the email says who awards what: {text}"
    );
    let url = text
        .lines()
        .map(str::trim)
        .find(|l| l.starts_with(&format!("{}/badges/", app.address)))
        .unwrap_or_else(|| panic!("the badge page's address in the email: {text}"))
        .to_owned();
    let id = url
        .rsplit('/')
        .next()
        .and_then(|id| uuid::Uuid::parse_str(id).ok())
        .map(AwardId)
        .unwrap_or_else(|| panic!("an award id at the end of {url}"));
    let (name, png) = mail.attachment();
    assert_eq!(name, "think-aloud-modeling.png", "the attachment's name");
    let baked = cairn_app::credentials::bake::unbake(&png).expect("the attachment is a baked PNG");
    let credential: Value =
        serde_json::from_str(baked.payload.as_str()).expect("the baked credential is JSON");
    assert_eq!(
        credential["id"],
        json!(url),
        "the baked credential is this badge's"
    );
    let award = app
        .store
        .awards()
        .get(id)
        .await
        .expect("load the award")
        .expect("the award is stored");
    AwardMail {
        url,
        id,
        png,
        issued_at: award.issued_at,
    }
}

/// A day as the badge pages write it.
fn day(t: DateTime<Utc>) -> String {
    t.format("%-d %b %Y").to_string()
}

/// A fact of the badge page's list (status, issued, expires, …).
async fn fact(b: &Client, name: &str) -> String {
    text(
        b,
        &format!(
            r#"//dl[@class="badge-facts"]/dt[normalize-space()="{name}"]/following-sibling::dd[1]"#
        ),
    )
    .await
}

/// The checks of the badge's Verify page, as "title: outcome".
async fn checks(b: &Client) -> Vec<String> {
    texts(b, r#"//ol[@class="checks"]/li/h2"#).await
}

/// LinkedIn's "Add to profile" link on the badge page: an https address on
/// www.linkedin.com/profile/add, and its query.
async fn linkedin_add(b: &Client) -> HashMap<String, String> {
    let href = find(
        b,
        r#"//section[@id="share"]//a[normalize-space()="Add to LinkedIn profile"]"#,
    )
    .await
    .attr("href")
    .await
    .expect("read the link")
    .unwrap_or_default();
    let link = url::Url::parse(&href).unwrap_or_else(|e| panic!("{href} is no URL: {e}"));
    assert_eq!(link.scheme(), "https", "{link}");
    assert_eq!(link.host_str(), Some("www.linkedin.com"), "{link}");
    assert_eq!(link.path(), "/profile/add", "{link}");
    let query: HashMap<String, String> = link.query_pairs().into_owned().collect();
    assert_eq!(
        query.len(),
        link.query_pairs().count(),
        "each parameter once: {link}"
    );
    query
}

/// Where the enrollment page plays an evidence item's video from.
async fn evidence_src(b: &Client, app: &TestApp, enrollment: &str, title: &str) -> String {
    b.goto(&format!("{}{enrollment}", app.address))
        .await
        .expect("open the enrollment");
    heading(b, TITLE).await;
    let src = find(
        b,
        &format!(r#"//li[strong[normalize-space()="{title}"]]//video"#),
    )
    .await
    .attr("src")
    .await
    .expect("read the video's address")
    .unwrap_or_default();
    assert!(src.starts_with("/evidence/"), "{title} plays from {src}");
    src
}

/// Downloads a PNG the way the page's link would, with the browser.
async fn download(b: &Client, href: &str) -> Vec<u8> {
    let answer = fetch(b, href, None).await;
    assert_eq!(answer[0], json!(200), "download {href}");
    assert_eq!(answer[1], json!("image/png"), "download {href}");
    answer[2]
        .as_array()
        .unwrap_or_else(|| panic!("the bytes of {href}: {answer}"))
        .iter()
        .map(|v| {
            v.as_u64()
                .and_then(|v| u8::try_from(v).ok())
                .expect("a byte")
        })
        .collect()
}

// ------------------------------------------------------------ Email

/// The files of the outbox, oldest first.
fn outbox_files(dir: &Path) -> Vec<String> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .expect("read the outbox")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "eml"))
        .collect();
    files.sort();
    files
        .iter()
        .map(|p| std::fs::read_to_string(p).expect("read an email"))
        .collect()
}

/// An email as the outbox holds it: headers (unfolded) and a body, which
/// may have parts.
struct Mail {
    headers: Vec<(String, String)>,
    body: String,
}

impl Mail {
    fn parse(raw: &str) -> Self {
        let raw = raw.replace("\r\n", "\n");
        let (head, body) = raw.split_once("\n\n").unwrap_or((&raw, ""));
        let mut headers: Vec<(String, String)> = Vec::new();
        for line in head.lines() {
            if line.starts_with([' ', '\t']) {
                if let Some((_, value)) = headers.last_mut() {
                    value.push(' ');
                    value.push_str(line.trim());
                }
            } else if let Some((name, value)) = line.split_once(':') {
                headers.push((name.trim().to_ascii_lowercase(), value.trim().to_owned()));
            }
        }
        Self {
            headers,
            body: body.to_owned(),
        }
    }

    fn header(&self, name: &str) -> &str {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map_or("", |(_, v)| v.as_str())
    }

    /// The subject, its RFC 2047 encoded words (`=?utf-8?b?…?=`) decoded;
    /// the space between two encoded words is no part of the text.
    fn subject(&self) -> String {
        let mut out = String::new();
        let mut after_word = false;
        for (i, token) in self.header("subject").split(' ').enumerate() {
            let word = token
                .strip_prefix("=?utf-8?b?")
                .and_then(|t| t.strip_suffix("?="));
            if i > 0 && !(after_word && word.is_some()) {
                out.push(' ');
            }
            match word {
                Some(encoded) => {
                    let bytes = base64::engine::general_purpose::STANDARD
                        .decode(encoded)
                        .expect("an encoded word");
                    out.push_str(&String::from_utf8(bytes).expect("UTF-8"));
                }
                None => out.push_str(token),
            }
            after_word = word.is_some();
        }
        out
    }

    /// The parts of a multipart body: each one's headers and decoded bytes.
    fn parts(&self) -> Vec<(Mail, Vec<u8>)> {
        let content_type = self.header("content-type");
        let boundary = content_type
            .split(';')
            .map(str::trim)
            .find_map(|p| p.strip_prefix("boundary="))
            .map(|b| b.trim_matches('"').to_owned())
            .unwrap_or_else(|| panic!("a multipart email, not {content_type}"));
        self.body
            .split(&format!("--{boundary}"))
            .skip(1)
            .take_while(|p| !p.starts_with("--"))
            .map(|p| {
                let part = Mail::parse(p.trim_start_matches('\n'));
                let bytes = part.decoded();
                (part, bytes)
            })
            .collect()
    }

    /// The body, decoded from its transfer encoding.
    fn decoded(&self) -> Vec<u8> {
        let encoding = self
            .header("content-transfer-encoding")
            .to_ascii_lowercase();
        match encoding.as_str() {
            "base64" => base64::engine::general_purpose::STANDARD
                .decode(self.body.split_whitespace().collect::<String>())
                .expect("a base64 body"),
            "quoted-printable" => quoted_printable(&self.body),
            _ => self.body.clone().into_bytes(),
        }
    }

    /// The plain text part.
    fn text(&self) -> String {
        let (_, bytes) = self
            .parts()
            .into_iter()
            .find(|(p, _)| p.header("content-type").starts_with("text/plain"))
            .expect("a plain text part");
        String::from_utf8(bytes).expect("UTF-8 text")
    }

    /// The attached file: its name and bytes.
    fn attachment(&self) -> (String, Vec<u8>) {
        let (part, bytes) = self
            .parts()
            .into_iter()
            .find(|(p, _)| p.header("content-disposition").starts_with("attachment"))
            .expect("an attachment");
        assert_eq!(part.header("content-type"), "image/png");
        let name = part
            .header("content-disposition")
            .split(';')
            .map(str::trim)
            .find_map(|p| p.strip_prefix("filename="))
            .map(|n| n.trim_matches('"').to_owned())
            .expect("the attachment's file name");
        (name, bytes)
    }
}

/// Quoted-printable text decoded (`=XX` bytes, `=` at a line's end joins
/// it to the next).
fn quoted_printable(text: &str) -> Vec<u8> {
    let mut out = Vec::new();
    let mut lines = text.split('\n').peekable();
    while let Some(line) = lines.next() {
        let (line, joined) = match line.strip_suffix('=') {
            Some(l) => (l, true),
            None => (line, false),
        };
        let bytes = line.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i] == b'=' {
                let hex = bytes
                    .get(i + 1..i + 3)
                    .and_then(|h| std::str::from_utf8(h).ok())
                    .and_then(|h| u8::from_str_radix(h, 16).ok())
                    .unwrap_or_else(|| panic!("a bad escape in quoted-printable: {line}"));
                out.push(hex);
                i += 3;
            } else {
                out.push(bytes[i]);
                i += 1;
            }
        }
        if !joined && lines.peek().is_some() {
            out.push(b'\n');
        }
    }
    out
}

/// A small picture of an anchor chart, drawn to a PNG `width` pixels wide.
fn chart_png(width: u32) -> Vec<u8> {
    let svg = r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64" width="64" height="64"><rect width="64" height="64" fill="#f7f3ea"/><rect x="8" y="10" width="48" height="6" fill="#2f5d50"/><rect x="8" y="24" width="36" height="4" fill="#e8b04b"/><rect x="8" y="34" width="40" height="4" fill="#e8b04b"/><rect x="8" y="44" width="28" height="4" fill="#e8b04b"/></svg>"##;
    cairn_media::render::render_png(svg, width).expect("draw the PNG")
}

// ------------------------------------------------------------ Set-up

/// Signs someone up and verifies the address from the email.
async fn account(app: &TestApp, who: Person) -> TestClient {
    let client = app.client();
    client
        .submit(
            "/signup",
            &[
                ("display_name", who.name),
                ("email", who.email),
                ("password", PASSWORD),
            ],
        )
        .await
        .assert_status(200);
    let link = app
        .last_email_to(who.email)
        .await
        .link()
        .expect("a verification link");
    let token = link.split("token=").nth(1).expect("a token").to_owned();
    client
        .submit("/verify-email", &[("token", &token)])
        .await
        .assert_status(200)
        .assert_contains("your email address is verified");
    client
}

/// The `value` of the first input with this name.
fn input_value(page: &TestResponse, name: &str) -> String {
    let at = page
        .text
        .find(&format!("name=\"{name}\""))
        .unwrap_or_else(|| panic!("no {name} on {}", page.path));
    let tag = &page.text[at..at + page.text[at..].find('>').unwrap_or_default()];
    tag.split("value=\"")
        .nth(1)
        .and_then(|v| v.split('"').next())
        .unwrap_or_else(|| panic!("no value for {name}"))
        .to_owned()
}

/// An organization with an administrator and one reviewer; a published,
/// paid micro-credential that sponsors may pay for and that the
/// organization confirms with the coach; a sponsorship covering it with one
/// code. The learner and the coach have accounts and nothing else.
async fn set_up(app: &TestApp) -> Setup {
    let ana = account(app, ADMIN).await;
    let rui = account(app, REVIEWER).await;
    account(app, LEARNER).await;
    account(app, COACH).await;
    ana.submit(
        "/orgs",
        &[
            ("name", ORG_NAME),
            ("slug", ORG),
            ("website", ""),
            ("contact_email", ""),
            ("description", "Coaching for new teachers."),
        ],
    )
    .await
    .assert_status(200)
    .assert_contains("is created");
    ana.submit(
        &format!("/orgs/{ORG}/invitations"),
        &[("email", REVIEWER.email), ("roles", "reviewer")],
    )
    .await
    .assert_status(200);
    let link = app
        .last_email_to(REVIEWER.email)
        .await
        .link()
        .expect("an invitation link");
    rui.submit(&link, &[]).await.assert_status(200);

    let draft = ana
        .submit(
            &format!("/orgs/{ORG}/author/new"),
            &[
                ("title", TITLE),
                (
                    "summary",
                    "Model your thinking aloud, then hand the thinking to students.",
                ),
                (
                    "competency",
                    "Explicit modeling of comprehension strategies",
                ),
                (
                    "criteria",
                    "Models the routine and hands it over to students.",
                ),
                ("credit_hours", "2"),
                ("price", "49.00"),
                ("sponsorable", "1"),
                ("requires_confirmation", "1"),
            ],
        )
        .await;
    draft
        .assert_status(200)
        .assert_contains("The draft is created");
    let id = draft
        .path
        .trim_start_matches("/achievements/")
        .split('/')
        .next()
        .unwrap_or_default()
        .to_owned();
    let edit = format!("/achievements/{id}/edit");

    let lock = input_value(&ana.get(&edit).await, "lock_version");
    let mut rubric: Vec<(String, String)> = vec![
        ("lock_version".into(), lock),
        ("rule".into(), "all".into()),
        ("rule_level".into(), "2".into()),
        ("rule_points".into(), String::new()),
        ("action".into(), "save".into()),
    ];
    for (i, level) in LEVELS.iter().enumerate() {
        rubric.push((format!("levels[{i}].name"), (*level).into()));
    }
    for (c, name) in CRITERIA.iter().enumerate() {
        rubric.push((format!("criteria[{c}].name"), (*name).into()));
        for (l, level) in LEVELS.iter().enumerate() {
            rubric.push((
                format!("criteria[{c}].descriptors[{l}]"),
                format!("{name}: {level}"),
            ));
            rubric.push((format!("criteria[{c}].points[{l}]"), (l + 1).to_string()));
        }
    }
    let fields: Vec<(&str, &str)> = rubric
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    ana.submit(&format!("/achievements/{id}/rubric"), &fields)
        .await
        .assert_status(200)
        .assert_contains("The rubric is saved");

    let lock = input_value(&ana.get(&edit).await, "lock_version");
    ana.submit(
        &format!("/achievements/{id}/requirements"),
        &[
            ("lock_version", &lock),
            (
                "requirements[0].prompt",
                "Show the routine in your classroom",
            ),
            (
                "requirements[0].guidance",
                "A photo of the anchor chart and a short clip of you modeling.",
            ),
            ("requirements[0].kinds", "image"),
            ("requirements[0].kinds", "video"),
            ("requirements[0].min_count", "2"),
            ("requirements[1].prompt", "Reflect on what changed"),
            ("requirements[1].kinds", "reflection"),
            ("requirements[1].min_count", "1"),
            (
                "requirements[1].checklist",
                "Names one student's progress\nSays what you would change",
            ),
            ("action", "save"),
        ],
    )
    .await
    .assert_status(200)
    .assert_contains("The evidence requirements are saved");

    let form = reqwest::multipart::Form::new()
        .text("csrf", ana.csrf().await)
        .part(
            "image",
            reqwest::multipart::Part::bytes(chart_png(256)).file_name("badge.png"),
        );
    let badge = ana
        .http()
        .post(ana.url(&format!("/achievements/{id}/image")))
        .multipart(form)
        .send()
        .await
        .expect("upload the badge image");
    assert_eq!(badge.status(), 200, "the badge image is accepted");
    ana.submit(&format!("/achievements/{id}/publish"), &[])
        .await
        .assert_status(200)
        .assert_contains("Published");

    let until = (app.app.now() + chrono::Duration::days(365))
        .format("%Y-%m-%d")
        .to_string();
    let sponsorship = ana
        .submit(
            &format!("/orgs/{ORG}/sponsorships"),
            &[
                ("name", "Harbor Teaching Fund"),
                ("seats", "5"),
                ("expires_on", &until),
                ("covers", &id),
            ],
        )
        .await;
    sponsorship.assert_status(200).assert_contains(TITLE);
    let codes = ana
        .submit(&format!("{}/codes", sponsorship.path), &[("count", "1")])
        .await;
    codes.assert_status(200).assert_contains("1 code");
    let code = codes
        .text
        .split("<code>")
        .nth(1)
        .and_then(|s| s.split("</code>").next())
        .expect("a code on the sponsorship page")
        .to_owned();
    Setup {
        sponsorship: sponsorship.path.clone(),
        code,
    }
}
