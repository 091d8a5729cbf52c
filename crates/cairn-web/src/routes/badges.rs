//! An award's public page and everything hanging off it: the signed
//! credential (by content negotiation and as downloads), the baked images,
//! the verification report in plain words, sharing (LinkedIn "Add to
//! profile", share links, an embed snippet, a QR code, preview cards), the
//! printable certificate, the earner's privacy choice and the issuer's
//! revocation.
//!
//! Who may see what is decided by the use cases: every route starts from
//! [`App::award_view`](cairn_app::App::award_view), which answers "not
//! found" for a private badge to anyone but its earner and the issuer's
//! administrators.

use super::{Redirect, form_errors, form_errors_or_conflict, parse_id};
use crate::WebState;
use crate::error::{ApiError, PageError};
use crate::extract::{CsrfForm, Ctx};
use crate::templates::{CheckLine, FormErrors, PageCtx, date, render};
use askama::Template;
use axum::Router;
use axum::body::Body;
use axum::extract::{Path, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use cairn_app::AppError;
use cairn_app::awards::AwardView;
use cairn_app::public_cache::{CachedResponse, REPRESENTATIONS};
use cairn_domain::AwardId;
use cairn_domain::FieldErrors;
use cairn_domain::award::{AwardVisibility, Standing};
use cairn_store::enrollments::EvidenceContent;
use chrono::Datelike;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde::Deserialize;

pub(super) fn router() -> Router<WebState> {
    Router::new()
        .route("/badges/{id}", get(show))
        .route("/badges/{id}/credential.json", get(credential_json))
        .route("/badges/{id}/credential.jwt", get(credential_jwt))
        .route("/badges/{id}/badge.png", get(badge_png))
        .route("/badges/{id}/badge.svg", get(badge_svg))
        .route("/badges/{id}/verify", get(verify))
        .route("/badges/{id}/certificate", get(certificate))
        .route("/badges/{id}/privacy", post(privacy))
        .route("/badges/{id}/revoke", post(revoke))
}

/// The policy a baked image opened on its own gets (the same as the
/// catalog's badge images): nothing runs or loads.
const IMAGE_CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox";

/// Credentials and images reflect privacy and revocation as they change:
/// every use asks the server again.
const REVALIDATE: &str = "no-cache";

// ------------------------------------------------------------ negotiation

/// What a request for `/badges/{id}` asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Wanted {
    Html,
    /// The signed credential, answered with this media type.
    Json(&'static str),
}

/// The JSON types the credential is offered as, in order of preference
/// when a client names several equally.
const JSON_TYPES: [&str; 3] = [
    "application/ld+json",
    "application/vc+ld+json",
    "application/json",
];

/// How well a media range matches a type: its quality and how specific
/// the match was (3 exact, 2 `type/*`, 1 `*/*`), or `None`.
fn range_match(range: &str, media_type: &str) -> Option<u8> {
    let (kind, _) = media_type.split_once('/')?;
    if range == media_type {
        Some(3)
    } else if range.strip_suffix("/*") == Some(kind) {
        Some(2)
    } else if range == "*/*" {
        Some(1)
    } else {
        None
    }
}

/// The (quality, specificity) the `Accept` header gives a media type:
/// the most specific range that matches decides its quality.
fn preference(accept: &str, media_type: &str) -> (u16, u8) {
    let mut best: Option<(u16, u8)> = None;
    for item in accept.split(',') {
        let mut parts = item.split(';');
        let range = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
        let mut q = 1000u16;
        for p in parts {
            if let Some((k, v)) = p.split_once('=')
                && k.trim().eq_ignore_ascii_case("q")
            {
                q = v
                    .trim()
                    .parse::<f32>()
                    .ok()
                    .filter(|q| (0.0..=1.0).contains(q))
                    .map_or(0, |q| {
                        #[expect(
                            clippy::cast_possible_truncation,
                            clippy::cast_sign_loss,
                            reason = "q is between 0 and 1"
                        )]
                        let thousandths = (q * 1000.0).round() as u16;
                        thousandths
                    });
            }
        }
        if let Some(specificity) = range_match(&range, media_type)
            && best.is_none_or(|(_, s)| specificity > s)
        {
            best = Some((q, specificity));
        }
    }
    best.unwrap_or((0, 0))
}

/// HTML for browsers (and for anyone who names no JSON type above it);
/// the credential for a client that prefers one of [`JSON_TYPES`]. On a
/// tie, the type named more specifically wins, then HTML.
fn negotiate(accept: Option<&str>) -> Wanted {
    let Some(accept) = accept.filter(|a| !a.trim().is_empty()) else {
        return Wanted::Html;
    };
    let html = preference(accept, "text/html");
    let mut best: Option<(&'static str, (u16, u8))> = None;
    for t in JSON_TYPES {
        let p = preference(accept, t);
        if p.0 > 0 && best.is_none_or(|(_, b)| p > b) {
            best = Some((t, p));
        }
    }
    match best {
        Some((t, p)) if p > html => Wanted::Json(t),
        _ => Wanted::Html,
    }
}

fn with_vary(mut response: Response) -> Response {
    response
        .headers_mut()
        .append(header::VARY, HeaderValue::from_static("accept"));
    response
}

// ------------------------------------------------------------ page data

/// A string for a query or a `mailto:`: everything but RFC 3986's
/// unreserved characters is percent-encoded (spaces as `%20`, which both
/// web forms and `mailto:` read as a space).
const QUERY_VALUE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

fn with_query(base: &str, pairs: &[(&str, &str)]) -> String {
    let query = pairs
        .iter()
        .map(|(k, v)| {
            format!(
                "{}={}",
                utf8_percent_encode(k, QUERY_VALUE),
                utf8_percent_encode(v, QUERY_VALUE)
            )
        })
        .collect::<Vec<_>>()
        .join("&");
    format!("{base}?{query}")
}

/// Text escaped for HTML, for the embed snippet an earner pastes into
/// another site (the page then escapes the snippet itself for display).
fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A QR code of `url` as an inline SVG, drawn on the server.
fn qr_svg(url: &str, label: &str) -> Option<String> {
    let code = qrcode::QrCode::with_error_correction_level(url, qrcode::EcLevel::M).ok()?;
    let svg = code
        .render::<qrcode::render::svg::Color<'_>>()
        .min_dimensions(180, 180)
        .quiet_zone(true)
        .build();
    // Inline in HTML: no XML declaration, and a name for screen readers.
    let start = svg.find("<svg")?;
    Some(svg[start..].replacen(
        "<svg",
        &format!(
            "<svg class=\"qr\" role=\"img\" aria-label=\"{}\"",
            escape_html(label)
        ),
        1,
    ))
}

/// A name for downloaded files: the micro-credential's slug (letters,
/// digits and hyphens only, so it needs no quoting in a header).
fn file_stem(v: &AwardView) -> String {
    let stem: String = v
        .achievement
        .slug
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect();
    if stem.is_empty() {
        "badge".to_owned()
    } else {
        stem
    }
}

/// What every view of an award shows about it.
struct Facts {
    id: String,
    title: String,
    summary: String,
    earner: String,
    organization: String,
    organization_href: String,
    achievement_href: String,
    competency: String,
    criteria: String,
    level: Option<String>,
    hours: String,
    version: u32,
    issued: String,
    expires: Option<String>,
    /// "Valid", "Expired" or "Revoked".
    status: &'static str,
    /// `tag-ok` or `tag-warn`.
    status_class: &'static str,
    /// When expired, the day.
    expired_on: Option<String>,
    /// When revoked, why.
    revoked_reason: Option<String>,
    /// The page of the badge that renewed this one.
    renewed_by: Option<String>,
    /// The page of the badge this one renews.
    renews: Option<String>,
    /// The baked PNG.
    image: String,
    /// The permanent URL of the page.
    url: String,
}

impl Facts {
    fn of(state: &WebState, v: &AwardView, level: Option<String>) -> Self {
        let fields = &v.version.fields;
        let id = v.award.id;
        let (status_class, expired_on, revoked_reason) = match &v.standing {
            Standing::Valid => ("tag-ok", None, None),
            Standing::Expired { on } => ("tag-warn", Some(date(*on)), None),
            Standing::Revoked { reason } => ("tag-warn", None, Some(reason.clone())),
        };
        Self {
            id: id.to_string(),
            title: fields.title.clone(),
            summary: fields.summary.clone(),
            earner: v.award.earner_name.clone(),
            organization: v.organization.name.clone(),
            organization_href: format!("/orgs/{}", v.organization.slug),
            achievement_href: format!(
                "/orgs/{}/achievements/{}?version={}",
                v.organization.slug, v.achievement.slug, v.version.number
            ),
            competency: fields.competency.clone(),
            criteria: fields.criteria.clone(),
            level,
            hours: super::catalog::hours(fields.credit_hundredths),
            version: v.version.number,
            issued: date(v.award.issued_at),
            expires: v.award.expires_at.map(date),
            status: v.standing.label(),
            status_class,
            expired_on,
            revoked_reason,
            renewed_by: v.award.renewed_by_id.map(|r| format!("/badges/{r}")),
            renews: v.award.renews_id.map(|r| format!("/badges/{r}")),
            image: format!("/badges/{id}/badge.png"),
            url: state.app.badge_url(id),
        }
    }
}

/// One public evidence item as the page shows it.
struct EvidenceRow {
    title: String,
    kind: String,
    /// The requirement it answers.
    requirement: String,
    /// A reflection, rendered from Markdown and sanitized.
    html: Option<String>,
    /// A web link.
    link: Option<String>,
    file: Option<FileRow>,
}

/// An evidence file, served by `/evidence/{id}/file` (which lets anyone
/// open the public evidence of an awarded enrollment).
struct FileRow {
    href: String,
    name: String,
    /// "image", "video" or "audio" when the browser shows it in place.
    shown: Option<&'static str>,
}

fn evidence_rows(v: &AwardView) -> Vec<EvidenceRow> {
    v.evidence
        .iter()
        .map(|item| {
            let requirement = v
                .version
                .requirements
                .get(item.requirement_index as usize)
                .map(|r| r.requirement.prompt.clone())
                .unwrap_or_default();
            let mut row = EvidenceRow {
                title: item.title.clone(),
                kind: String::new(),
                requirement,
                html: None,
                link: None,
                file: None,
            };
            match &item.content {
                EvidenceContent::Reflection { markdown } => {
                    row.kind = "Written reflection".into();
                    row.html = Some(cairn_media::markdown::to_safe_html(markdown));
                }
                EvidenceContent::Link { url } => {
                    row.kind = "Link".into();
                    row.link = Some(url.clone());
                }
                EvidenceContent::File {
                    file_name,
                    media_type,
                    ..
                } => {
                    let shown = ["image", "video", "audio"].into_iter().find(|kind| {
                        media_type
                            .strip_prefix(kind)
                            .is_some_and(|rest| rest.starts_with('/'))
                    });
                    row.kind = match shown {
                        Some("image") => "Image",
                        Some("video") => "Video",
                        Some(_) => "Sound",
                        None => "Document",
                    }
                    .into();
                    row.file = Some(FileRow {
                        href: format!("/evidence/{}/file", item.id),
                        name: file_name.clone(),
                        shown,
                    });
                }
                EvidenceContent::Badge { .. } => {
                    row.kind = "Another badge earned".into();
                }
            }
            row
        })
        .collect()
}

/// The name of the micro-credential's level, when it has one.
async fn level_name(state: &WebState, v: &AwardView) -> Result<Option<String>, AppError> {
    let Some(level) = v.achievement.level_id else {
        return Ok(None);
    };
    let (_, levels) = state.app.levels(&v.organization.slug).await?;
    Ok(levels.into_iter().find(|l| l.id == level).map(|l| l.name))
}

/// Where the badge is shared from.
struct Sharing {
    linkedin: String,
    x: String,
    facebook: String,
    email: String,
}

fn sharing(f: &Facts) -> Sharing {
    let text = format!("{} earned “{}” from {}", f.earner, f.title, f.organization);
    Sharing {
        linkedin: with_query(
            "https://www.linkedin.com/sharing/share-offsite/",
            &[("url", &f.url)],
        ),
        x: with_query(
            "https://x.com/intent/tweet",
            &[("text", &text), ("url", &f.url)],
        ),
        facebook: with_query(
            "https://www.facebook.com/sharer/sharer.php",
            &[("u", &f.url)],
        ),
        email: with_query(
            "mailto:",
            &[
                ("subject", &format!("{} · {}", f.title, f.organization)),
                ("body", &format!("{text}.\n\nSee and verify it: {}", f.url)),
            ],
        ),
    }
}

/// LinkedIn's "Add to profile" link for a certification.
fn linkedin_add(v: &AwardView, f: &Facts) -> String {
    let issued = v.award.issued_at;
    let (issue_year, issue_month) = (issued.year().to_string(), issued.month().to_string());
    let expiry = v
        .award
        .expires_at
        .map(|e| (e.year().to_string(), e.month().to_string()));
    let mut pairs: Vec<(&str, &str)> = vec![
        ("startTask", "CERTIFICATION_NAME"),
        ("name", &f.title),
        ("organizationName", &f.organization),
        ("issueYear", &issue_year),
        ("issueMonth", &issue_month),
    ];
    if let Some((year, month)) = &expiry {
        pairs.push(("expirationYear", year));
        pairs.push(("expirationMonth", month));
    }
    pairs.push(("certUrl", &f.url));
    pairs.push(("certId", &f.id));
    with_query("https://www.linkedin.com/profile/add", &pairs)
}

/// The HTML an earner pastes into their own site.
fn embed_snippet(state: &WebState, f: &Facts) -> String {
    format!(
        "<a href=\"{url}\"><img src=\"{image}\" alt=\"{alt}\" width=\"150\" height=\"150\"></a>",
        url = escape_html(&f.url),
        image = escape_html(&state.app.url(&f.image)),
        alt = escape_html(&format!(
            "{}, awarded to {} by {}",
            f.title, f.earner, f.organization
        )),
    )
}

/// Open Graph and Twitter card tags, with absolute URLs.
struct Card {
    title: String,
    description: String,
    image: String,
    url: String,
}

struct VisibilityOption {
    value: &'static str,
    label: &'static str,
    checked: bool,
}

#[derive(Template)]
#[template(path = "badges/show.html")]
struct BadgePage {
    ctx: PageCtx,
    f: Facts,
    card: Card,
    /// Not for search engines (unlisted or private).
    noindex: bool,
    private: bool,
    is_earner: bool,
    can_revoke: bool,
    revoked: bool,
    /// (criterion, level) of the rubric.
    results: Vec<(String, String)>,
    /// The results are shown to the earner only (not shared).
    results_only_you: bool,
    evidence: Vec<EvidenceRow>,
    sharing: Option<Sharing>,
    linkedin_add: Option<String>,
    embed: Option<String>,
    qr: Option<String>,
    visibilities: Vec<VisibilityOption>,
    share_results: bool,
    privacy_errors: FormErrors,
    revoke_errors: FormErrors,
    reason: String,
}

/// Errors of the forms on the page, with what was typed.
#[derive(Default)]
struct PageForms {
    privacy_errors: FieldErrors,
    revoke_errors: FieldErrors,
    reason: String,
}

async fn badge_page(
    state: &WebState,
    ctx: &Ctx,
    v: AwardView,
    forms: PageForms,
) -> Result<BadgePage, PageError> {
    let level = level_name(state, &v).await.map_err(|e| ctx.err(e))?;
    let f = Facts::of(state, &v, level);
    let revoked = matches!(v.standing, Standing::Revoked { .. });
    let private = v.award.visibility == AwardVisibility::Private;
    let shareable = !private && !revoked;
    let card = Card {
        title: format!("{} · {}", f.title, f.organization),
        description: format!(
            "{} earned “{}” from {}.{}",
            f.earner,
            f.title,
            f.organization,
            if f.summary.is_empty() {
                String::new()
            } else {
                format!(" {}", f.summary)
            }
        ),
        image: state.app.url(&f.image),
        url: f.url.clone(),
    };
    Ok(BadgePage {
        ctx: ctx.page.clone(),
        noindex: v.award.visibility != AwardVisibility::Public,
        private,
        is_earner: v.is_earner,
        can_revoke: v.can_revoke,
        revoked,
        results_only_you: v.is_earner && !v.award.share_results,
        evidence: evidence_rows(&v),
        sharing: shareable.then(|| sharing(&f)),
        linkedin_add: (shareable && v.is_earner).then(|| linkedin_add(&v, &f)),
        embed: (shareable && v.is_earner).then(|| embed_snippet(state, &f)),
        qr: qr_svg(
            &f.url,
            &format!("QR code of the address of this badge, {}", f.url),
        ),
        visibilities: AwardVisibility::ALL
            .into_iter()
            .map(|o| VisibilityOption {
                value: o.as_str(),
                label: o.label(),
                checked: o == v.award.visibility,
            })
            .collect(),
        share_results: v.award.share_results,
        privacy_errors: forms.privacy_errors.into(),
        revoke_errors: forms.revoke_errors.into(),
        reason: forms.reason,
        results: v.results,
        card,
        f,
    })
}

fn award_id(ctx: &Ctx, id: &str) -> Result<AwardId, PageError> {
    Ok(AwardId(parse_id(ctx, id, "The badge")?))
}

/// The award at `/badges/{id}` as the viewer may see it (not found for
/// a private badge to anyone but its earner and the issuer's
/// administrators).
async fn viewed(state: &WebState, ctx: &Ctx, id: &str) -> Result<AwardView, PageError> {
    let id = award_id(ctx, id)?;
    state
        .app
        .award_view(id, ctx.principal.as_ref())
        .await
        .map_err(|e| ctx.err(e))
}

// ------------------------------------------------------------ handlers

/// The badge page, or the signed credential for a client asking for JSON.
/// Anonymous visitors (no session, no message to show, no query) share
/// answers remembered for up to a minute (see [`cairn_app::public_cache`]).
async fn show(
    State(state): State<WebState>,
    ctx: Ctx,
    Path(id): Path<String>,
    headers: HeaderMap,
    uri: Uri,
) -> Response {
    let accept = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok());
    let wanted = negotiate(accept);
    let anonymous = ctx.principal.is_none() && ctx.page.flash.is_none() && uri.query().is_none();
    let response = match (uuid::Uuid::parse_str(&id), wanted) {
        (Ok(award), _) if anonymous => anonymous_answer(&state, &ctx, AwardId(award), wanted).await,
        (_, Wanted::Json(media_type)) => negotiated_credential(&state, &ctx, &id, media_type)
            .await
            .unwrap_or_else(IntoResponse::into_response),
        (_, Wanted::Html) => page(&state, &ctx, &id)
            .await
            .unwrap_or_else(IntoResponse::into_response),
    };
    with_vary(response)
}

/// A remembered answer, with the headers it was first given.
fn remembered(hit: &CachedResponse, wanted: Wanted) -> Response {
    let response = (
        [(header::CONTENT_TYPE, hit.content_type)],
        Body::from(hit.body.clone()),
    )
        .into_response();
    match wanted {
        Wanted::Json(_) => with_credential_headers(response),
        Wanted::Html => response,
    }
}

/// The remembered answer to a request for `/badges/{id}` from someone
/// with no session and no message waiting (no such cookie), without a
/// query: what [`show`] would answer them, found before any other work.
/// `None` when the request is not such a request or nothing is
/// remembered.
pub(crate) fn remembered_for_visitor(state: &WebState, req: &Request) -> Option<Response> {
    if !matches!(*req.method(), Method::GET | Method::HEAD) || req.uri().query().is_some() {
        return None;
    }
    let id = req.uri().path().strip_prefix("/badges/")?;
    if id.len() != 36 {
        return None;
    }
    let id = AwardId(uuid::Uuid::parse_str(id).ok()?);
    let headers = req.headers();
    if crate::cookies::get(headers, crate::cookies::SESSION).is_some()
        || crate::cookies::get(headers, crate::cookies::FLASH).is_some()
    {
        return None;
    }
    let wanted = negotiate(headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()));
    let hit = state
        .app
        .public_cache()
        .get(id, representation(wanted), state.app.now())?;
    Some(with_vary(remembered(&hit, wanted)))
}

/// The label an answer is remembered under.
fn representation(wanted: Wanted) -> &'static str {
    let label = match wanted {
        Wanted::Html => Some("page"),
        Wanted::Json(media_type) => REPRESENTATIONS
            .iter()
            .copied()
            .find(|r| r.strip_prefix("credential:") == Some(media_type)),
    };
    label.unwrap_or("page")
}

/// The page or credential as anyone may see it, remembered for up to a
/// minute, and never past the moment the badge expires.
async fn anonymous_answer(state: &WebState, ctx: &Ctx, id: AwardId, wanted: Wanted) -> Response {
    let label = representation(wanted);
    let cache = state.app.public_cache();
    if let Some(hit) = cache.get(id, label, state.app.now()) {
        return remembered(&hit, wanted);
    }
    let v = match state.app.award_view(id, None).await {
        Ok(v) => v,
        Err(e) => {
            return match wanted {
                Wanted::Json(_) => ApiError::from(e).into_response(),
                Wanted::Html => ctx.err(e).into_response(),
            };
        }
    };
    // An answer saying "valid" stops being true when the badge expires.
    let now = state.app.now();
    let true_until = v.award.expires_at.filter(|at| *at > now);
    let (content_type, response) = match wanted {
        Wanted::Json(media_type) => (media_type, credential_response(&v, media_type, false)),
        Wanted::Html => match badge_page(state, ctx, v, PageForms::default()).await {
            Ok(page) => ("text/html; charset=utf-8", render(&page)),
            Err(e) => return e.into_response(),
        },
    };
    if response.status() != StatusCode::OK {
        return response;
    }
    let (parts, body) = response.into_parts();
    match axum::body::to_bytes(body, usize::MAX).await {
        Ok(bytes) => {
            cache.put(id, label, content_type, bytes.clone(), true_until);
            Response::from_parts(parts, Body::from(bytes))
        }
        Err(e) => {
            ApiError::from(AppError::Internal(anyhow::anyhow!("badge {id}: {e}"))).into_response()
        }
    }
}

async fn page(state: &WebState, ctx: &Ctx, id: &str) -> Result<Response, PageError> {
    let v = viewed(state, ctx, id).await?;
    Ok(render(
        &badge_page(state, ctx, v, PageForms::default()).await?,
    ))
}

/// The headers of every answer that is a credential.
fn with_credential_headers(mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(REVALIDATE));
    // Verifiers in other sites' pages may read it; no cookie is ever sent
    // along with such a request.
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    response
}

/// The signed credential as `media_type`; with a file name, as a download.
fn credential_response(v: &AwardView, media_type: &'static str, download: bool) -> Response {
    let body = match serde_json::to_string_pretty(&v.credential) {
        Ok(body) => body,
        Err(e) => {
            return ApiError::from(AppError::Internal(anyhow::anyhow!(
                "credential {}: {e}",
                v.award.id
            )))
            .into_response();
        }
    };
    let mut response =
        with_credential_headers(([(header::CONTENT_TYPE, media_type)], body).into_response());
    if download
        && let Ok(value) =
            HeaderValue::from_str(&format!("attachment; filename=\"{}.json\"", file_stem(v)))
    {
        response
            .headers_mut()
            .insert(header::CONTENT_DISPOSITION, value);
    }
    response
}

/// The credential for a client that asked `/badges/{id}` for JSON: errors
/// come back as JSON too.
async fn negotiated_credential(
    state: &WebState,
    ctx: &Ctx,
    id: &str,
    media_type: &'static str,
) -> Result<Response, ApiError> {
    let id = uuid::Uuid::parse_str(id)
        .map(AwardId)
        .map_err(|_| AppError::not_found("The badge"))?;
    let v = state.app.award_view(id, ctx.principal.as_ref()).await?;
    Ok(credential_response(&v, media_type, false))
}

async fn credential_json(
    State(state): State<WebState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let v = viewed(&state, &ctx, &id).await?;
    Ok(credential_response(&v, "application/ld+json", true))
}

/// The credential as a VC-JWT, signed with the organization's ES256 key.
async fn credential_jwt(
    State(state): State<WebState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let v = viewed(&state, &ctx, &id).await?;
    let jwt = state.app.vc_jwt_of(&v).await.map_err(|e| ctx.err(e))?;
    let mut response = (
        [
            (header::CONTENT_TYPE, "application/jwt"),
            (header::CACHE_CONTROL, REVALIDATE),
        ],
        jwt,
    )
        .into_response();
    if let Ok(value) =
        HeaderValue::from_str(&format!("attachment; filename=\"{}.jwt\"", file_stem(&v)))
    {
        response
            .headers_mut()
            .insert(header::CONTENT_DISPOSITION, value);
    }
    Ok(response)
}

#[derive(Clone, Copy)]
enum Baked {
    Png,
    Svg,
}

async fn baked(state: &WebState, ctx: &Ctx, id: &str, which: Baked) -> Result<Response, PageError> {
    let v = viewed(state, ctx, id).await?;
    let key = match which {
        Baked::Png => v.award.png_key.as_deref(),
        Baked::Svg => v.award.svg_key.as_deref(),
    }
    .ok_or_else(|| ctx.err(AppError::not_found("The badge image")))?;
    let bytes = state
        .app
        .blobs()
        .get(key)
        .await
        .map_err(|e| ctx.err(e.into()))?;
    let stem = file_stem(&v);
    let (content_type, disposition) = match which {
        // Shown in pages, previews and other sites; saved with its name.
        Baked::Png => ("image/png", format!("inline; filename=\"{stem}.png\"")),
        Baked::Svg => (
            "image/svg+xml",
            format!("attachment; filename=\"{stem}.svg\""),
        ),
    };
    let mut response = (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, REVALIDATE),
            (header::CONTENT_SECURITY_POLICY, IMAGE_CSP),
        ],
        bytes,
    )
        .into_response();
    if let Ok(value) = HeaderValue::from_str(&disposition) {
        response
            .headers_mut()
            .insert(header::CONTENT_DISPOSITION, value);
    }
    Ok(response)
}

async fn badge_png(
    State(state): State<WebState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    baked(&state, &ctx, &id, Baked::Png).await
}

async fn badge_svg(
    State(state): State<WebState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    baked(&state, &ctx, &id, Baked::Svg).await
}

#[derive(Template)]
#[template(path = "badges/verify.html")]
struct VerifyPage {
    ctx: PageCtx,
    f: Facts,
    verified: bool,
    kind: String,
    checks: Vec<CheckLine>,
}

/// The credential checked as any verifier would, in plain words.
async fn verify(
    State(state): State<WebState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let v = viewed(&state, &ctx, &id).await?;
    let report = state
        .app
        .verify_award(v.award.id)
        .await
        .map_err(|e| ctx.err(e))?;
    let level = level_name(&state, &v).await.map_err(|e| ctx.err(e))?;
    let checks = CheckLine::all(&report.checks);
    Ok(render(&VerifyPage {
        ctx: ctx.page.clone(),
        f: Facts::of(&state, &v, level),
        verified: report.verified(),
        kind: report.kind.clone(),
        checks,
    }))
}

#[derive(Template)]
#[template(path = "badges/certificate.html")]
struct CertificatePage {
    ctx: PageCtx,
    f: Facts,
    qr: Option<String>,
}

/// A certificate to print (the print stylesheet leaves out the site's
/// header and footer).
async fn certificate(
    State(state): State<WebState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let v = viewed(&state, &ctx, &id).await?;
    let level = level_name(&state, &v).await.map_err(|e| ctx.err(e))?;
    let f = Facts::of(&state, &v, level);
    Ok(render(&CertificatePage {
        ctx: ctx.page.clone(),
        qr: qr_svg(&f.url, &format!("QR code of {}", f.url)),
        f,
    }))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct PrivacyForm {
    visibility: String,
    share_results: Option<String>,
}

/// The earner chooses who sees the badge and whether its results show.
async fn privacy(
    State(state): State<WebState>,
    ctx: Ctx,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<PrivacyForm>,
) -> Result<Response, PageError> {
    let principal = ctx.require()?;
    let id = award_id(&ctx, &id)?;
    let outcome = match AwardVisibility::parse(&form.visibility) {
        Some(visibility) => {
            state
                .app
                .set_award_privacy(
                    principal,
                    id,
                    visibility,
                    form.share_results.is_some_and(|v| !v.is_empty()),
                    &ctx.meta,
                )
                .await
        }
        None => Err(AppError::invalid(
            "visibility",
            "Choose who may see the badge: public, unlisted or private.",
        )),
    };
    match outcome {
        Ok(()) => Ok(Redirect::to(format!("/badges/{id}"))
            .success("Your choice is saved.")
            .into_response_with(&state)),
        Err(err) => {
            let (status, errors) = form_errors(&ctx, err)?;
            again(
                &state,
                &ctx,
                id,
                status,
                PageForms {
                    privacy_errors: errors,
                    ..PageForms::default()
                },
            )
            .await
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct RevokeForm {
    reason: String,
}

/// An administrator of the issuing organization revokes the badge.
async fn revoke(
    State(state): State<WebState>,
    ctx: Ctx,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<RevokeForm>,
) -> Result<Response, PageError> {
    let principal = ctx.require()?;
    let id = award_id(&ctx, &id)?;
    match state
        .app
        .revoke_award(principal, id, &form.reason, &ctx.meta)
        .await
    {
        Ok(()) => Ok(Redirect::to(format!("/badges/{id}"))
            .success(
                "The badge is revoked. Its earner is told, and every verification now says so.",
            )
            .into_response_with(&state)),
        Err(err) => {
            let (status, errors) = form_errors_or_conflict(&ctx, err, "reason")?;
            again(
                &state,
                &ctx,
                id,
                status,
                PageForms {
                    revoke_errors: errors,
                    reason: form.reason,
                    ..PageForms::default()
                },
            )
            .await
        }
    }
}

/// The page again, with a form's errors.
async fn again(
    state: &WebState,
    ctx: &Ctx,
    id: AwardId,
    status: StatusCode,
    forms: PageForms,
) -> Result<Response, PageError> {
    let v = state
        .app
        .award_view(id, ctx.principal.as_ref())
        .await
        .map_err(|e| ctx.err(e))?;
    Ok((status, render(&badge_page(state, ctx, v, forms).await?)).into_response())
}

#[cfg(test)]
mod tests {
    use super::{Wanted, escape_html, negotiate, with_query};

    #[test]
    fn browsers_get_html_and_clients_naming_json_get_the_credential() {
        let firefox = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";
        assert_eq!(negotiate(Some(firefox)), Wanted::Html);
        assert_eq!(negotiate(None), Wanted::Html);
        assert_eq!(negotiate(Some("*/*")), Wanted::Html);
        assert_eq!(
            negotiate(Some("application/ld+json")),
            Wanted::Json("application/ld+json")
        );
        assert_eq!(
            negotiate(Some("application/vc+ld+json")),
            Wanted::Json("application/vc+ld+json")
        );
        assert_eq!(
            negotiate(Some("application/json, */*;q=0.5")),
            Wanted::Json("application/json")
        );
        // Named equally, the more specific match wins; a tie goes to HTML.
        assert_eq!(
            negotiate(Some("application/json, */*")),
            Wanted::Json("application/json")
        );
        assert_eq!(negotiate(Some("application/json, text/html")), Wanted::Html);
        assert_eq!(
            negotiate(Some("text/html;q=0.5, application/ld+json")),
            Wanted::Json("application/ld+json")
        );
        assert_eq!(
            negotiate(Some("application/ld+json;q=0, text/html;q=0.1")),
            Wanted::Html
        );
        assert_eq!(
            negotiate(Some("application/*")),
            Wanted::Json("application/ld+json")
        );
    }

    #[test]
    fn queries_encode_everything_but_unreserved_characters() {
        assert_eq!(
            with_query("mailto:", &[("subject", "A & B"), ("body", "x+y=z\n")]),
            "mailto:?subject=A%20%26%20B&body=x%2By%3Dz%0A"
        );
        assert_eq!(
            escape_html("<a href=\"x\">Tom & 'Jo'</a>"),
            "&lt;a href=&quot;x&quot;&gt;Tom &amp; &#39;Jo&#39;&lt;/a&gt;"
        );
    }
}
