//! The public verifier page: anyone, signed in or not, checks a credential
//! from any issuer by uploading it (a JSON file or a baked PNG/SVG),
//! pasting it (JSON or a JWT) or giving its address, and reads the report.
//! Three plain forms; no JavaScript.

use crate::WebState;
use crate::error::PageError;
use crate::extract::{CsrfCookie, CsrfForm, Ctx, csrf_ok, form_expired};
use crate::templates::{CheckLine, FormErrors, PageCtx, date, render};
use askama::Template;
use axum::extract::{DefaultBodyLimit, FromRequest, Multipart, Request, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Extension, Router};
use cairn_app::AppError;
use cairn_app::verifier::{MAX_UPLOAD_BYTES, Verification, VerifyInput};
use cairn_domain::FieldErrors;
use serde::Deserialize;

/// The largest request: the upload limit and room for the form around it.
const BODY_LIMIT: usize = MAX_UPLOAD_BYTES + 64 * 1024;

pub(super) fn router() -> Router<WebState> {
    Router::new().route(
        "/verify",
        get(page)
            .post(verify)
            .layer(DefaultBodyLimit::max(BODY_LIMIT)),
    )
}

/// The result of a verification, for the page.
#[derive(Debug)]
struct ResultView {
    verified: bool,
    /// Whether a credential could be read at all.
    read: bool,
    kind: String,
    name: String,
    description: String,
    issuer_name: String,
    issuer_id: String,
    recipient: String,
    issued: String,
    expires: String,
    checks: Vec<CheckLine>,
}

impl From<Verification> for ResultView {
    fn from(v: Verification) -> Self {
        let s = v.summary;
        Self {
            verified: v.report.verified(),
            read: v.report.credential.is_some(),
            kind: v.report.kind.clone(),
            name: s.name.unwrap_or_default(),
            description: s.description.unwrap_or_default(),
            issuer_name: s.issuer_name.unwrap_or_default(),
            issuer_id: s.issuer_id.unwrap_or_default(),
            recipient: s.recipient.unwrap_or_default(),
            issued: s.issued.map(date).unwrap_or_default(),
            expires: s.expires.map(date).unwrap_or_default(),
            checks: CheckLine::all(&v.report.checks),
        }
    }
}

#[derive(Template)]
#[template(path = "verifier/verify.html")]
struct VerifyPage {
    ctx: PageCtx,
    errors: FormErrors,
    text: String,
    url: String,
    result: Option<ResultView>,
}

async fn page(ctx: Ctx) -> Response {
    render(&VerifyPage {
        ctx: ctx.page,
        errors: FormErrors::default(),
        text: String::new(),
        url: String::new(),
        result: None,
    })
}

/// The paste and address forms.
#[derive(Debug, Deserialize)]
struct VerifyForm {
    #[serde(default)]
    text: String,
    #[serde(default)]
    url: String,
}

/// What was submitted, and which field it came through.
struct Submitted {
    field: &'static str,
    input: VerifyInput,
    text: String,
    url: String,
}

fn submitted(file: Option<Vec<u8>>, text: String, url: String) -> Result<Submitted, FieldErrors> {
    let (field, input) = if let Some(bytes) = file.filter(|b| !b.is_empty()) {
        ("file", VerifyInput::Bytes(bytes))
    } else if !text.trim().is_empty() {
        ("text", VerifyInput::Bytes(text.trim().as_bytes().to_vec()))
    } else if !url.trim().is_empty() {
        ("url", VerifyInput::Url(url.trim().to_owned()))
    } else {
        return Err(FieldErrors::single(
            "file",
            "Choose a file, paste a credential, or give its address.",
        ));
    };
    Ok(Submitted {
        field,
        input,
        text,
        url,
    })
}

/// Reads the upload form (multipart, CSRF token first or anywhere).
async fn read_multipart(
    state: &WebState,
    cookie: &CsrfCookie,
    mut multipart: Multipart,
) -> Result<Result<Submitted, FieldErrors>, Response> {
    let (mut csrf, mut file, mut text, mut url) = (None, None, String::new(), String::new());
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(err) => {
                let message = if err.status() == StatusCode::PAYLOAD_TOO_LARGE {
                    "The file is larger than 5 MB; no badge is that large."
                } else {
                    "The upload could not be read; try again."
                };
                return Ok(Err(FieldErrors::single("file", message)));
            }
        };
        match field.name().unwrap_or_default() {
            "csrf" => csrf = field.text().await.ok(),
            "text" => text = field.text().await.unwrap_or_default(),
            "url" => url = field.text().await.unwrap_or_default(),
            "file" => match field.bytes().await {
                Ok(bytes) => file = Some(bytes.to_vec()),
                Err(err) => {
                    let message = if err.status() == StatusCode::PAYLOAD_TOO_LARGE {
                        "The file is larger than 5 MB; no badge is that large."
                    } else {
                        "The upload could not be read; try again."
                    };
                    return Ok(Err(FieldErrors::single("file", message)));
                }
            },
            _ => {}
        }
    }
    if !csrf_ok(state, &cookie.0, csrf.as_deref()) {
        return Err(form_expired());
    }
    Ok(submitted(file, text, url))
}

async fn verify(
    State(state): State<WebState>,
    ctx: Ctx,
    Extension(cookie): Extension<CsrfCookie>,
    request: Request,
) -> Result<Response, PageError> {
    let is_multipart = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"));
    let form = if is_multipart {
        let multipart = match Multipart::from_request(request, &state).await {
            Ok(multipart) => multipart,
            Err(rejection) => return Ok(rejection.into_response()),
        };
        match read_multipart(&state, &cookie, multipart).await {
            Ok(form) => form,
            Err(response) => return Ok(response),
        }
    } else {
        match CsrfForm::<VerifyForm>::from_request(request, &state).await {
            Ok(CsrfForm(form)) => submitted(None, form.text, form.url),
            Err(response) => return Ok(response),
        }
    };
    let (status, errors, text, url, result) = match form {
        Err(errors) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            errors,
            String::new(),
            String::new(),
            None,
        ),
        Ok(form) => match state.app.verify_for_visitor(form.input, &ctx.meta).await {
            Ok(verification) => (
                StatusCode::OK,
                FieldErrors::default(),
                form.text,
                form.url,
                Some(ResultView::from(verification)),
            ),
            Err(AppError::Invalid(errors)) => {
                let message = errors
                    .iter()
                    .next()
                    .map(|e| e.message.clone())
                    .unwrap_or_default();
                (
                    StatusCode::UNPROCESSABLE_ENTITY,
                    FieldErrors::single(form.field, message),
                    form.text,
                    form.url,
                    None,
                )
            }
            Err(other) => return Err(ctx.err(other)),
        },
    };
    let page = VerifyPage {
        ctx: ctx.page,
        errors: errors.into(),
        text,
        url,
        result,
    };
    Ok((status, render(&page)).into_response())
}
