//! A real browser walks the main journeys:
//!
//! 1. a visitor signs up, verifies the address, logs out and in, creates an
//!    organization, invites a coach and opens the invitation, then one
//!    validation path on the sign-up form;
//! 2. an author writes a micro-credential with a rubric and two
//!    requirements, designs its badge, publishes it, and a visitor finds it
//!    in the catalog;
//! 3. four people earn a micro-credential (`browser/earning.rs`): a learner
//!    joins with a sponsor code, invites a coach who accepts from the email,
//!    uploads an image and a video and writes a reflection; the coach
//!    comments; a reviewer asks for a revision, then finds the second attempt
//!    meets the rubric; an administrator confirms; the award email arrives
//!    with the baked badge, a stranger sees the public page with the public
//!    evidence only and verifies it, the downloaded PNG passes the public
//!    verifier, and the administrator's revocation shows on the page.
//!
//! It drives Debian's Chromium through chromedriver (`apt-get install
//! chromium chromium-driver`). Without chromedriver the test is skipped
//! with a note, unless `CAIRN_REQUIRE_BROWSER=1`, where it fails. The
//! harness (browser, app, screenshots, helpers) is in `browser/harness.rs`.
//!
//! Screenshots of each step go to `$CARGO_TARGET_DIR/browser-screenshots/`
//! (or `target/browser-screenshots/` in the workspace), one folder per journey.

#[path = "browser/earning.rs"]
mod earning;
#[path = "browser/harness.rs"]
mod harness;

use cairn_test_support::TestApp;
use fantoccini::{Client, Locator};
use futures::FutureExt;
use harness::{
    Screenshots, banner, click, fill, find, focused_id, heading, in_browser, path, text,
};
use std::time::Duration;

const NAME: &str = "Ada Lovelace";
const EMAIL: &str = "ada@example.org";
const PASSWORD: &str = "analytical engine notes";
const ORG_NAME: &str = "Tidewater Learning Collective";
const INVITEE: &str = "grace@example.org";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_visitor_signs_up_creates_an_organization_and_invites_a_coach() {
    in_browser("journey", |b, app, shots| journey(b, app, shots).boxed()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_author_designs_and_publishes_a_micro_credential_a_visitor_finds() {
    in_browser("authoring", |b, app, shots| {
        authoring(b, app, shots).boxed()
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn four_people_take_a_sponsored_micro_credential_from_joining_to_the_award() {
    in_browser("earning", |b, app, shots| {
        earning::journey(b, app, shots).boxed()
    })
    .await;
}

/// Signs up and verifies the address through the emailed link.
async fn sign_up(b: &Client, app: &TestApp, name: &str, email: &str, password: &str) {
    let page = |path: &str| format!("{}{path}", app.address);
    b.goto(&page("/signup")).await.expect("open /signup");
    fill(b, "display_name", name).await;
    fill(b, "email", email).await;
    fill(b, "password", password).await;
    click(b, r#"//form[@action="/signup"]//button[@type="submit"]"#).await;
    heading(b, "Check your email").await;
    let link = app
        .last_email_to(email)
        .await
        .link()
        .expect("a verification link");
    b.goto(&page(&link))
        .await
        .expect("open the verification link");
    click(
        b,
        r#"//main//button[normalize-space()="Verify my address"]"#,
    )
    .await;
    heading(b, "Your account").await;
}

async fn authoring(b: &Client, app: &TestApp, shots: &Screenshots) {
    let page = |path: &str| format!("{}{path}", app.address);
    sign_up(b, app, "Ada Author", "ada.author@example.org", PASSWORD).await;
    b.goto(&page("/orgs/new")).await.expect("open /orgs/new");
    fill(b, "name", "Research Center for Learning").await;
    fill(b, "slug", "rcl").await;
    click(b, r#"//form[@action="/orgs"]//button[@type="submit"]"#).await;
    heading(b, "Settings").await;

    // 1. A new draft from the authoring list.
    b.goto(&page("/orgs/rcl/author"))
        .await
        .expect("open the authoring list");
    click(b, r#"//a[normalize-space()="New micro-credential"]"#).await;
    heading(b, "New micro-credential").await;
    fill(b, "title", "Paraphrasing Strategy").await;
    fill(
        b,
        "summary",
        "Teach students to put ideas in their own words.",
    )
    .await;
    fill(
        b,
        "competency",
        "Explicit instruction of the Paraphrasing Strategy",
    )
    .await;
    fill(
        b,
        "criteria",
        "Teaches every stage of the strategy with fidelity.",
    )
    .await;
    fill(b, "credit_hours", "3").await;
    click(b, r#"//button[normalize-space()="Create the draft"]"#).await;
    heading(b, "Paraphrasing Strategy").await;
    banner(b, "The draft is created").await;
    let editor = path(b).await;
    shots.take(b, "01-draft.png").await;

    // 2. A rubric: one criterion across the four suggested levels, passing
    //    at "Proficient".
    click(b, r#"//a[normalize-space()="Edit the rubric"]"#).await;
    heading(b, "Rubric").await;
    fill(b, "criteria[0].name", "Fidelity").await;
    for (i, d) in [
        "Few stages",
        "Some stages",
        "Every stage",
        "Every stage, adapted",
    ]
    .iter()
    .enumerate()
    {
        fill(b, &format!("criteria[0].descriptors[{i}]"), d).await;
    }
    click(b, r#"//button[normalize-space()="Save the rubric"]"#).await;
    banner(b, "The rubric is saved").await;
    shots.take(b, "02-rubric.png").await;

    // 3. Two requirements: "Add another" gives a second, empty one.
    click(b, r#"//a[normalize-space()="Edit the requirements"]"#).await;
    heading(b, "Evidence requirements").await;
    fill(b, "requirements[0].prompt", "Record a lesson").await;
    click(b, r#"//input[@id="requirements[0].kinds-video"]"#).await;
    click(b, r#"//button[normalize-space()="Add another"]"#).await;
    find(b, r#"//input[@id="requirements[1].prompt"]"#).await;
    fill(b, "requirements[1].prompt", "Reflect on student work").await;
    click(b, r#"//input[@id="requirements[1].kinds-reflection"]"#).await;
    fill(
        b,
        "requirements[1].checklist",
        "Names two students\nSays what changed",
    )
    .await;
    click(b, r#"//button[normalize-space()="Save requirements"]"#).await;
    banner(b, "The evidence requirements are saved").await;
    let listed = text(b, r#"//section[@id="requirements-section"]"#).await;
    assert!(
        listed.contains("Record a lesson") && listed.contains("Reflect on student work"),
        "{listed}"
    );

    // 4. The designer: the live preview follows the choices.
    click(b, r#"//a[normalize-space()="Design a badge"]"#).await;
    heading(b, "Design a badge").await;
    let shape = find(b, r#"//select[@id="shape"]"#).await;
    shape
        .select_by_value("hexagon")
        .await
        .expect("choose a hexagon");
    let icon = find(b, r#"//select[@id="icon"]"#).await;
    icon.select_by_value("lightbulb")
        .await
        .expect("choose the light bulb");
    let preview = find(b, r#"//img[@id="design-preview"]"#).await;
    let mut src = String::new();
    for _ in 0..50 {
        src = preview
            .attr("src")
            .await
            .expect("read the preview")
            .unwrap_or_default();
        if src.contains("icon=lightbulb") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        src.contains("shape=hexagon") && src.contains("icon=lightbulb"),
        "the preview follows the form: {src}"
    );
    shots.take(b, "03-designer.png").await;
    click(b, r#"//button[normalize-space()="Use this design"]"#).await;
    banner(b, "The designed badge is saved").await;
    let img = find(b, r#"//section[@id="image"]//img"#).await;
    let loaded = b
        .execute(
            "return arguments[0].complete && arguments[0].naturalWidth;",
            vec![serde_json::to_value(&img).expect("element")],
        )
        .await
        .expect("read the image");
    assert_eq!(
        loaded.as_u64(),
        Some(512),
        "the rendered PNG badge is shown"
    );

    // 5. Publish, then find it in the catalog as a visitor.
    click(
        b,
        r#"//section[@id="status"]//button[normalize-space()="Publish"]"#,
    )
    .await;
    banner(b, "Published").await;
    heading(b, "Paraphrasing Strategy").await;
    let rubric = text(b, r#"//table[contains(@class,"rubric")]"#).await;
    assert!(
        rubric.contains("Every stage") && rubric.contains("Proficient"),
        "{rubric}"
    );
    shots.take(b, "04-published.png").await;
    click(b, r#"//header//button[normalize-space()="Log out"]"#).await;
    banner(b, "logged out").await;
    b.goto(&page("/catalog")).await.expect("open the catalog");
    heading(b, "Micro-credentials").await;
    fill(b, "q", "paraphrasing").await;
    click(
        b,
        r#"//form[@role="search"]//button[normalize-space()="Search"]"#,
    )
    .await;
    // The results page echoes the query in the field's value attribute (what
    // was typed on the page before is no attribute), so the old page is gone.
    find(b, r#"//input[@id="q"][@value="paraphrasing"]"#).await;
    let found = text(b, r#"//main//p[@role="status"]"#).await;
    assert!(found.starts_with("1 micro-credential found"), "{found}");
    click(b, r#"//main//a[normalize-space()="Paraphrasing Strategy"]"#).await;
    heading(b, "Paraphrasing Strategy").await;
    assert!(path(b).await.starts_with("/orgs/rcl/achievements/"));
    assert_ne!(path(b).await, editor);
    shots.take(b, "05-catalog.png").await;
}

async fn journey(b: &Client, app: &TestApp, shots: &Screenshots) {
    let page = |path: &str| format!("{}{path}", app.address);

    // 1. Sign up.
    b.goto(&page("/signup")).await.expect("open /signup");
    heading(b, "Create your account").await;
    fill(b, "display_name", NAME).await;
    fill(b, "email", EMAIL).await;
    fill(b, "password", PASSWORD).await;
    click(b, r#"//form[@action="/signup"]//button[@type="submit"]"#).await;
    heading(b, "Check your email").await;
    let lead = text(b, r#"//main//p[contains(@class,"lead")]"#).await;
    assert!(
        lead.contains(EMAIL),
        "the confirmation names the address; it says {lead:?}"
    );
    shots.take(b, "01-signed-up.png").await;

    // 2. Verify the address with the emailed link.
    let email = app.last_email_to(EMAIL).await;
    let link = email
        .link()
        .unwrap_or_else(|| panic!("a link in the verification email:\n{}", email.body));
    assert!(
        link.starts_with("/verify-email?token="),
        "the verification link is {link}"
    );
    b.goto(&page(&link))
        .await
        .expect("open the verification link");
    heading(b, "Verify your email address").await;
    click(
        b,
        r#"//main//button[normalize-space()="Verify my address"]"#,
    )
    .await;
    heading(b, "Your account").await;
    assert_eq!(path(b).await, "/account");
    let message = banner(b, "verified").await;
    assert!(
        message
            .to_lowercase()
            .contains("your email address is verified"),
        "flash after verifying: {message:?}"
    );
    let status = text(
        b,
        &format!(r#"//section[@id="emails"]//tr[td[normalize-space()="{EMAIL}"]]/td[2]"#),
    )
    .await;
    assert!(
        status.contains("Verified") && !status.contains("Not verified"),
        "the address's status is {status:?}"
    );
    let warnings = b
        .find_all(Locator::Css(".banner-warning"))
        .await
        .expect("look for warning banners");
    assert!(
        warnings.is_empty(),
        "no 'please verify' banner once verified"
    );
    shots.take(b, "02-verified.png").await;

    // 3. Log out with the header's button, then log in with the password.
    click(b, r#"//header//button[normalize-space()="Log out"]"#).await;
    banner(b, "logged out").await;
    b.find(Locator::XPath(r#"//header//a[normalize-space()="Log in"]"#))
        .await
        .expect("a 'Log in' link once logged out");
    b.goto(&page("/login")).await.expect("open /login");
    heading(b, "Log in").await;
    fill(b, "email", EMAIL).await;
    fill(b, "password", PASSWORD).await;
    click(b, r#"//form[@action="/login"]//button[@type="submit"]"#).await;
    heading(b, "Your account").await;
    assert_eq!(path(b).await, "/account");
    banner(b, "logged in").await;
    let who = text(b, r#"//header//a[@href="/account"]"#).await;
    assert_eq!(who, NAME, "the header names the logged-in user");
    shots.take(b, "03-logged-in.png").await;

    // 4. Create an organization.
    b.goto(&page("/orgs/new")).await.expect("open /orgs/new");
    heading(b, "Create an organization").await;
    fill(b, "name", ORG_NAME).await;
    fill(b, "website", "https://tidewater.example.org").await;
    fill(b, "contact_email", "hello@tidewater.example.org").await;
    fill(b, "description", "Coastal ecology courses for volunteers.").await;
    click(b, r#"//form[@action="/orgs"]//button[@type="submit"]"#).await;
    heading(b, "Settings").await;
    let settings = path(b).await;
    let slug = settings
        .strip_prefix("/orgs/")
        .and_then(|rest| rest.strip_suffix("/settings"))
        .filter(|slug| !slug.is_empty() && !slug.contains('/'))
        .unwrap_or_else(|| panic!("landed on {settings}, not /orgs/<slug>/settings"))
        .to_owned();
    let message = banner(b, "is created").await;
    assert!(
        message.contains(ORG_NAME),
        "the flash names the organization: {message:?}"
    );
    shots.take(b, "04-organization-created.png").await;

    // 5. Invite a coach, then open the invitation from its email.
    b.goto(&page(&format!("/orgs/{slug}/members")))
        .await
        .expect("open the members page");
    heading(b, "Members").await;
    fill(b, "email", INVITEE).await;
    let coach = find(
        b,
        r#"//section[@id="invite"]//input[@type="checkbox"][@name="roles"][@value="coach"]"#,
    )
    .await;
    coach.click().await.expect("tick Coach");
    assert!(
        coach.is_selected().await.expect("read the Coach checkbox"),
        "Coach is ticked"
    );
    click(
        b,
        r#"//section[@id="invite"]//button[normalize-space()="Send invitation"]"#,
    )
    .await;
    let message = banner(b, "We sent an invitation").await;
    assert!(
        message.contains(&format!("We sent an invitation to {INVITEE}")),
        "flash after inviting: {message:?}"
    );
    assert_eq!(path(b).await, format!("/orgs/{slug}/members"));
    let row = text(
        b,
        &format!(r#"//section[@id="invitations"]//tr[td[normalize-space()="{INVITEE}"]]"#),
    )
    .await;
    assert!(
        row.contains("Coach"),
        "the waiting invitation lists the Coach role: {row:?}"
    );
    shots.take(b, "05-invited.png").await;

    let invitation = app.last_email_to(INVITEE).await;
    let link = invitation
        .link()
        .unwrap_or_else(|| panic!("a link in the invitation email:\n{}", invitation.body));
    assert!(
        link.starts_with("/invitations/"),
        "the invitation link is {link}"
    );
    b.goto(&page(&link))
        .await
        .expect("open the invitation link");
    heading(b, &format!("Join {ORG_NAME}")).await;
    let lead = text(b, r#"//main//p[contains(@class,"lead")]"#).await;
    assert!(
        lead.contains(INVITEE) && lead.contains("Coach"),
        "the invitation names the address and the role: {lead:?}"
    );
    shots.take(b, "06-invitation.png").await;

    // 6. An empty sign-up form is refused with the errors beside the fields.
    click(b, r#"//header//button[normalize-space()="Log out"]"#).await;
    banner(b, "logged out").await;
    b.goto(&page("/signup")).await.expect("open /signup");
    heading(b, "Create your account").await;
    click(b, r#"//form[@action="/signup"]//button[@type="submit"]"#).await;
    let summary = text(b, r#"//div[contains(@class,"error-summary")]"#).await;
    assert!(
        summary.contains("There is a problem"),
        "the error summary: {summary:?}"
    );
    find(
        b,
        r##"//div[contains(@class,"error-summary")]//a[@href="#display_name"]"##,
    )
    .await;
    let name_error = text(b, r#"//div[contains(@class,"field-has-error")][.//input[@id="display_name"]]//p[@id="display_name-error"]"#).await;
    assert!(
        name_error.len() > "Error:".len(),
        "an error message next to the name field: {name_error:?}"
    );
    let name_input = find(b, r#"//input[@id="display_name"]"#).await;
    assert_eq!(
        name_input
            .attr("aria-invalid")
            .await
            .expect("read aria-invalid")
            .as_deref(),
        Some("true")
    );
    assert_eq!(
        focused_id(b).await,
        "display_name",
        "the first invalid field has the focus"
    );
    shots.take(b, "07-signup-errors.png").await;
}
