//! The earner's backpack (`/backpack`): their badges with a privacy choice
//! each, the badges they imported (by file or address) with what
//! verification found, their stacks, the public profile settings and the
//! export; the public profile itself (`/people/{handle}`); and the
//! platform's transcript-signing issuer documents (`/issuers/platform`,
//! `/issuers/platform/keys/1`).
//!
//! Who may see and change what is decided by the use cases in
//! `cairn_app::backpack`: a person reaches only their own badges, and a
//! profile that is off answers 404.

use super::{Redirect, form_errors, form_errors_or_conflict, parse_id};
use crate::WebState;
use crate::error::PageError;
use crate::extract::{CsrfCookie, CsrfForm, Ctx, csrf_ok, form_expired};
use crate::templates::{FormErrors, PageCtx, date, render};
use askama::Template;
use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Router};
use cairn_app::AppError;
use cairn_app::backpack::{
    BackpackView, Constellation, IMPORT_MAX_BYTES, ImportSource, ProfileForm, PublicProfile,
};
use cairn_domain::achievement::ladder::StepState;
use cairn_domain::award::{AwardVisibility, Standing};
use cairn_domain::{AwardId, FieldErrors, ImportedBadgeId};
use cairn_store::backpack::ImportedBadge;
use serde::Deserialize;

pub(super) fn router() -> Router<WebState> {
    Router::new()
        .route("/backpack", get(show))
        .route("/backpack/badges/{id}/visibility", post(visibility))
        .route("/backpack/profile", post(save_profile))
        .route(
            "/backpack/imports",
            post(import_file).layer(DefaultBodyLimit::max(IMPORT_MAX_BYTES + 64 * 1024)),
        )
        .route("/backpack/imports/url", post(import_url))
        .route("/backpack/imports/{id}/shown", post(import_shown))
        .route("/backpack/imports/{id}/remove", post(import_remove))
        .route("/backpack/export", get(export))
        .route("/people/{handle}", get(profile))
        .route("/issuers/platform", get(platform_profile))
        .route("/issuers/platform/keys/1", get(platform_key))
}

// ------------------------------------------------------------ the page

/// A star of a constellation, as the page draws it.
#[derive(Clone, Debug)]
struct StarView {
    title: String,
    href: String,
    /// `earned`, `next` or `ahead` (the CSS class and the words).
    state: &'static str,
    label: &'static str,
}

#[derive(Clone, Debug)]
struct ConstellationView {
    name: String,
    href: String,
    organization: String,
    earned: usize,
    total: usize,
    steps: Vec<StarView>,
    capstone: Option<StarView>,
}

fn star_state(state: StepState) -> (&'static str, &'static str) {
    match state {
        StepState::Earned => ("earned", "Earned"),
        StepState::Next => ("next", "Next"),
        StepState::Ahead => ("ahead", "Ahead"),
    }
}

fn constellation_view(c: &Constellation) -> ConstellationView {
    let star = |s: &cairn_app::backpack::Star| {
        let (state, label) = star_state(s.state);
        StarView {
            title: s.title.clone(),
            href: s.href.clone(),
            state,
            label,
        }
    };
    ConstellationView {
        name: c.name.clone(),
        href: c.href.clone(),
        organization: c.organization.clone(),
        earned: c.earned(),
        total: c.steps.len(),
        steps: c.steps.iter().map(star).collect(),
        capstone: c.capstone.as_ref().map(star),
    }
}

#[derive(Clone, Debug)]
struct VisibilityOption {
    value: &'static str,
    label: &'static str,
    selected: bool,
}

#[derive(Clone, Debug)]
struct AwardRow {
    id: AwardId,
    title: String,
    organization: String,
    issued: String,
    standing: &'static str,
    /// `ok`, `warn` or `error`.
    standing_class: &'static str,
    visibility: &'static str,
    options: Vec<VisibilityOption>,
}

fn standing_words(s: &Standing) -> (&'static str, &'static str) {
    match s {
        Standing::Valid => ("Valid", "ok"),
        Standing::Expired { .. } => ("Expired", "warn"),
        Standing::Revoked { .. } => ("Revoked", "error"),
    }
}

fn visibility_word(v: AwardVisibility) -> &'static str {
    match v {
        AwardVisibility::Public => "Public",
        AwardVisibility::Unlisted => "Unlisted",
        AwardVisibility::Private => "Private",
    }
}

#[derive(Clone, Debug)]
struct CheckView {
    title: String,
    reason: String,
}

#[derive(Clone, Debug)]
struct ImportRow {
    id: ImportedBadgeId,
    name: String,
    issuer: String,
    issued: String,
    verified: bool,
    kind: String,
    failed: Vec<CheckView>,
    shown: bool,
    source: String,
    imported: String,
}

fn import_row(b: &ImportedBadge) -> ImportRow {
    ImportRow {
        id: b.id,
        name: b.achievement_name.clone(),
        issuer: b.issuer_name.clone(),
        issued: b.issued_at.map(date).unwrap_or_default(),
        verified: b.verified,
        kind: b.kind.clone(),
        failed: b
            .checks
            .iter()
            .filter(|c| c.outcome == "failed")
            .map(|c| CheckView {
                title: c.title.clone(),
                reason: c.reason.clone(),
            })
            .collect(),
        shown: b.shown,
        source: b
            .source_url
            .clone()
            .or_else(|| b.file_name.clone())
            .unwrap_or_default(),
        imported: date(b.imported_at),
    }
}

#[derive(Template)]
#[template(path = "backpack/index.html")]
struct BackpackPage {
    ctx: PageCtx,
    awards: Vec<AwardRow>,
    imports: Vec<ImportRow>,
    stacks: Vec<ConstellationView>,
    has_profile: bool,
    profile_public: bool,
    handle: String,
    display_name: String,
    public: bool,
    import_url: String,
    errors: FormErrors,
}

/// What the forms on the page had typed in, shown again after an error.
#[derive(Debug, Default)]
struct Typed {
    profile: Option<ProfileInput>,
    import_url: String,
}

fn backpack_page(ctx: &Ctx, view: BackpackView, typed: Typed, errors: FormErrors) -> BackpackPage {
    let awards = view
        .awards
        .iter()
        .map(|a| {
            let (standing, standing_class) = standing_words(&a.standing);
            AwardRow {
                id: a.award.id,
                title: a.title.clone(),
                organization: a.organization.clone(),
                issued: date(a.award.issued_at),
                standing,
                standing_class,
                visibility: visibility_word(a.award.visibility),
                options: AwardVisibility::ALL
                    .into_iter()
                    .map(|v| VisibilityOption {
                        value: v.as_str(),
                        label: v.label(),
                        selected: v == a.award.visibility,
                    })
                    .collect(),
            }
        })
        .collect();
    let saved = view.profile.as_ref();
    let (handle, display_name, public) = match typed.profile {
        Some(p) => (p.handle, p.display_name, p.public.is_some()),
        None => (
            saved.map(|p| p.handle.clone()).unwrap_or_default(),
            saved.map_or_else(|| view.account_name.clone(), |p| p.display_name.clone()),
            saved.is_some_and(|p| p.public),
        ),
    };
    BackpackPage {
        ctx: ctx.page.clone(),
        awards,
        imports: view.imports.iter().map(import_row).collect(),
        stacks: view.stacks.iter().map(constellation_view).collect(),
        has_profile: saved.is_some(),
        profile_public: saved.is_some_and(|p| p.public),
        handle,
        display_name,
        public,
        import_url: typed.import_url,
        errors,
    }
}

async fn show(State(state): State<WebState>, ctx: Ctx) -> Result<Response, PageError> {
    let principal = ctx.require()?;
    let view = state
        .app
        .backpack(principal)
        .await
        .map_err(|e| ctx.err(e))?;
    Ok(render(&backpack_page(
        &ctx,
        view,
        Typed::default(),
        FormErrors::default(),
    )))
}

/// The page again with the problems of a form, and the status they carry.
async fn again(
    state: &WebState,
    ctx: &Ctx,
    status: StatusCode,
    errors: FieldErrors,
    typed: Typed,
) -> Result<Response, PageError> {
    let principal = ctx.require()?;
    let view = state
        .app
        .backpack(principal)
        .await
        .map_err(|e| ctx.err(e))?;
    let page = backpack_page(ctx, view, typed, errors.into());
    Ok((status, render(&page)).into_response())
}

// ------------------------------------------------------------ privacy

#[derive(Debug, Deserialize)]
struct VisibilityInput {
    #[serde(default)]
    visibility: String,
}

async fn visibility(
    State(state): State<WebState>,
    ctx: Ctx,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<VisibilityInput>,
) -> Result<Response, PageError> {
    let principal = ctx.require()?;
    let id = AwardId(parse_id(&ctx, &id, "The badge")?);
    let Some(visibility) = AwardVisibility::parse(&form.visibility) else {
        return again(
            &state,
            &ctx,
            StatusCode::UNPROCESSABLE_ENTITY,
            FieldErrors::single("visibility", "Choose public, unlisted or private."),
            Typed::default(),
        )
        .await;
    };
    state
        .app
        .set_badge_visibility(principal, id, visibility, &ctx.meta)
        .await
        .map_err(|e| ctx.err(e))?;
    Ok(Redirect::to(format!("/backpack#badge-{id}"))
        .success(format!(
            "The badge is {} now.",
            visibility_word(visibility).to_lowercase()
        ))
        .into_response_with(&state))
}

// ------------------------------------------------------------ profile

#[derive(Debug, Default, Deserialize)]
struct ProfileInput {
    #[serde(default)]
    handle: String,
    #[serde(default)]
    display_name: String,
    /// A checkbox: present when ticked.
    public: Option<String>,
}

async fn save_profile(
    State(state): State<WebState>,
    ctx: Ctx,
    CsrfForm(form): CsrfForm<ProfileInput>,
) -> Result<Response, PageError> {
    let principal = ctx.require()?;
    let result = state
        .app
        .save_profile(
            principal,
            ProfileForm {
                handle: &form.handle,
                display_name: &form.display_name,
                public: form.public.is_some(),
            },
            &ctx.meta,
        )
        .await;
    match result {
        Ok(p) if p.public => Ok(Redirect::to("/backpack#profile")
            .success(format!(
                "Your public profile is on at /people/{}.",
                p.handle
            ))
            .into_response_with(&state)),
        Ok(_) => Ok(Redirect::to("/backpack#profile")
            .success("Your profile is saved; it is off, so nobody can see it.")
            .into_response_with(&state)),
        Err(err) => {
            let (status, errors) = form_errors(&ctx, err)?;
            let typed = Typed {
                profile: Some(form),
                ..Typed::default()
            };
            again(&state, &ctx, status, errors, typed).await
        }
    }
}

// ------------------------------------------------------------ imports

/// A multipart import form: its CSRF token, the file and the "show" box.
struct Upload {
    csrf: Option<String>,
    name: Option<String>,
    bytes: Result<Vec<u8>, String>,
    show: bool,
}

async fn read_upload(mut multipart: Multipart) -> Upload {
    let mut upload = Upload {
        csrf: None,
        name: None,
        bytes: Err("Choose a badge file.".to_owned()),
        show: false,
    };
    let too_large = "The file is larger than 5 MB; no badge is that large.";
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(err) => {
                upload.bytes = Err(if err.status() == StatusCode::PAYLOAD_TOO_LARGE {
                    too_large.to_owned()
                } else {
                    "The upload could not be read; try again.".to_owned()
                });
                break;
            }
        };
        match field.name().unwrap_or_default() {
            "csrf" => upload.csrf = field.text().await.ok(),
            "show" => upload.show = true,
            "file" => {
                upload.name = field.file_name().map(str::to_owned);
                upload.bytes = match field.bytes().await {
                    Ok(b) if b.is_empty() => Err("Choose a badge file.".to_owned()),
                    Ok(b) => Ok(b.to_vec()),
                    Err(err) if err.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                        Err(too_large.to_owned())
                    }
                    Err(_) => Err("The upload could not be read; try again.".to_owned()),
                };
            }
            _ => {}
        }
    }
    upload
}

fn imported_message(b: &ImportedBadge) -> String {
    if b.verified {
        format!("“{}” is imported and verified.", b.achievement_name)
    } else {
        format!(
            "“{}” is imported, but it could not be verified: see why below.",
            b.achievement_name
        )
    }
}

async fn import_file(
    State(state): State<WebState>,
    ctx: Ctx,
    Extension(cookie): Extension<CsrfCookie>,
    multipart: Multipart,
) -> Result<Response, PageError> {
    let principal = ctx.require()?;
    let upload = read_upload(multipart).await;
    if !csrf_ok(&state, &cookie.0, upload.csrf.as_deref()) {
        return Ok(form_expired());
    }
    let result = match &upload.bytes {
        Ok(bytes) => {
            state
                .app
                .import_badge(
                    principal,
                    ImportSource::File {
                        name: upload.name.as_deref(),
                        bytes,
                    },
                    upload.show,
                    &ctx.meta,
                )
                .await
        }
        Err(message) => Err(AppError::invalid("file", message.clone())),
    };
    match result {
        Ok(b) => Ok(Redirect::to(format!("/backpack#import-{}", b.id))
            .success(imported_message(&b))
            .into_response_with(&state)),
        Err(err) => {
            let (status, errors) = form_errors_or_conflict(&ctx, err, "file")?;
            again(&state, &ctx, status, errors, Typed::default()).await
        }
    }
}

#[derive(Debug, Default, Deserialize)]
struct UrlInput {
    #[serde(default)]
    url: String,
    show: Option<String>,
}

async fn import_url(
    State(state): State<WebState>,
    ctx: Ctx,
    CsrfForm(form): CsrfForm<UrlInput>,
) -> Result<Response, PageError> {
    let principal = ctx.require()?;
    let result = state
        .app
        .import_badge(
            principal,
            ImportSource::Url(&form.url),
            form.show.is_some(),
            &ctx.meta,
        )
        .await;
    match result {
        Ok(b) => Ok(Redirect::to(format!("/backpack#import-{}", b.id))
            .success(imported_message(&b))
            .into_response_with(&state)),
        Err(err) => {
            let (status, errors) = form_errors_or_conflict(&ctx, err, "url")?;
            let typed = Typed {
                import_url: form.url,
                ..Typed::default()
            };
            again(&state, &ctx, status, errors, typed).await
        }
    }
}

#[derive(Debug, Deserialize)]
struct ShownInput {
    #[serde(default)]
    shown: String,
}

async fn import_shown(
    State(state): State<WebState>,
    ctx: Ctx,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<ShownInput>,
) -> Result<Response, PageError> {
    let principal = ctx.require()?;
    let id = ImportedBadgeId(parse_id(&ctx, &id, "The imported badge")?);
    let shown = form.shown == "true";
    let b = state
        .app
        .set_imported_badge_shown(principal, id, shown, &ctx.meta)
        .await
        .map_err(|e| ctx.err(e))?;
    Ok(Redirect::to(format!("/backpack#import-{id}"))
        .success(if shown {
            format!("“{}” shows on your public profile.", b.achievement_name)
        } else {
            format!(
                "“{}” is hidden from your public profile.",
                b.achievement_name
            )
        })
        .into_response_with(&state))
}

#[derive(Debug, Deserialize)]
struct Empty {}

async fn import_remove(
    State(state): State<WebState>,
    ctx: Ctx,
    Path(id): Path<String>,
    CsrfForm(_): CsrfForm<Empty>,
) -> Result<Response, PageError> {
    let principal = ctx.require()?;
    let id = ImportedBadgeId(parse_id(&ctx, &id, "The imported badge")?);
    state
        .app
        .remove_imported_badge(principal, id, &ctx.meta)
        .await
        .map_err(|e| ctx.err(e))?;
    Ok(Redirect::to("/backpack#imports")
        .success("The imported badge is removed.")
        .into_response_with(&state))
}

// ------------------------------------------------------------ export

/// The ZIP archive of everything in the backpack.
fn zip_response(file_name: &str, bytes: Vec<u8>) -> Response {
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/zip"),
    );
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{file_name}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

async fn export(State(state): State<WebState>, ctx: Ctx) -> Result<Response, PageError> {
    let principal = ctx.require()?;
    let export = state
        .app
        .export_backpack(principal)
        .await
        .map_err(|e| ctx.err(e))?;
    Ok(zip_response(&export.file_name, export.bytes))
}

// ------------------------------------------------------------ the profile

#[derive(Clone, Debug)]
struct PublicBadgeView {
    id: AwardId,
    title: String,
    issued: String,
    expired: bool,
}

#[derive(Clone, Debug)]
struct IssuerView {
    name: String,
    slug: String,
    badges: Vec<PublicBadgeView>,
}

#[derive(Template)]
#[template(path = "backpack/profile.html")]
struct ProfilePage {
    ctx: PageCtx,
    display_name: String,
    issuers: Vec<IssuerView>,
    stacks: Vec<ConstellationView>,
    imports: Vec<ImportRow>,
}

fn profile_page(ctx: &Ctx, p: PublicProfile) -> ProfilePage {
    ProfilePage {
        ctx: ctx.page.clone(),
        issuers: p
            .issuers
            .into_iter()
            .map(|g| IssuerView {
                name: g.name,
                slug: g.slug,
                badges: g
                    .badges
                    .into_iter()
                    .map(|b| PublicBadgeView {
                        id: b.award_id,
                        title: b.title,
                        issued: date(b.issued_at),
                        expired: matches!(b.standing, Standing::Expired { .. }),
                    })
                    .collect(),
            })
            .collect(),
        stacks: p.stacks.iter().map(constellation_view).collect(),
        imports: p.imports.iter().map(import_row).collect(),
        display_name: p.display_name,
    }
}

async fn profile(
    State(state): State<WebState>,
    ctx: Ctx,
    Path(handle): Path<String>,
) -> Result<Response, PageError> {
    let p = state
        .app
        .public_profile(&handle)
        .await
        .map_err(|e| ctx.err(e))?;
    Ok(render(&profile_page(&ctx, p)))
}

// ------------------------------------------------------------ platform

/// A public JSON-LD document: cacheable, readable from any origin.
fn document(doc: &serde_json::Value) -> Response {
    let mut response = axum::Json(doc).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/ld+json"),
    );
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=300"),
    );
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    response
}

/// The issuer Profile of the platform, which signs transcripts.
async fn platform_profile(State(state): State<WebState>, ctx: Ctx) -> Result<Response, PageError> {
    let doc = state
        .app
        .platform_issuer_document()
        .map_err(|e| ctx.err(e))?;
    Ok(document(&doc))
}

/// The Multikey document of the platform's transcript key.
async fn platform_key(State(state): State<WebState>) -> Response {
    document(&state.app.platform_key_document())
}
