//! Bulk awards, for an organization's administrators: the page with the
//! upload form ("Check the file" or "Award") and the past imports, the
//! check's report row by row, and an import's progress page, which
//! refreshes itself while rows are being issued.

use super::{Redirect, parse_id};
use crate::WebState;
use crate::error::PageError;
use crate::extract::{CsrfCookie, Ctx, csrf_ok, form_expired};
use crate::templates::{FormErrors, PageCtx, render};
use askama::Template;
use axum::extract::{DefaultBodyLimit, Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Extension, Router};
use cairn_app::AppError;
use cairn_app::bulk::{
    BulkCheck, BulkFile, BulkImports, ImportView, MAX_FILE_BYTES, Problem, Requester, Started,
};
use cairn_domain::{BulkImportId, FieldErrors};
use cairn_store::bulk::{Channel, ImportStatus};
use serde::Deserialize;

/// The largest upload form: the file and the form's few other fields.
const UPLOAD_LIMIT: usize = MAX_FILE_BYTES + 64 * 1024;

pub(super) fn router() -> Router<WebState> {
    Router::new()
        .route(
            "/orgs/{org}/bulk-awards",
            get(index)
                .post(upload)
                .layer(DefaultBodyLimit::max(UPLOAD_LIMIT)),
        )
        .route("/orgs/{org}/bulk-awards/{id}", get(progress))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct IndexParams {
    /// The slug of the micro-credential to preselect.
    achievement: String,
}

/// A problem as the report lists it.
struct ProblemRow {
    row: String,
    column: String,
    message: String,
}

impl From<&Problem> for ProblemRow {
    fn from(p: &Problem) -> Self {
        Self {
            row: p.row.map_or_else(|| "—".to_owned(), |r| r.to_string()),
            column: p.column.map(|c| c.label().to_owned()).unwrap_or_default(),
            message: p.message.clone(),
        }
    }
}

/// The most problems (and, apart, notices) a report lists; the rest are
/// counted.
const LISTED: usize = 1_000;

/// What a check found, as the page shows it.
struct Report {
    title: String,
    rows: u32,
    to_award: u32,
    already: u32,
    errors: Vec<ProblemRow>,
    /// Problems beyond those listed.
    more_errors: usize,
    notices: Vec<ProblemRow>,
    more_notices: usize,
    /// Whether this report is the answer to "Award" (so nothing was
    /// awarded because of the errors).
    refused: bool,
}

impl Report {
    fn new(check: &BulkCheck, refused: bool) -> Self {
        Self {
            title: check.achievement.title.clone(),
            rows: check.rows,
            to_award: check.to_award,
            already: check.already,
            errors: check.errors().take(LISTED).map(ProblemRow::from).collect(),
            more_errors: check.errors().count().saturating_sub(LISTED),
            notices: check.notices().take(LISTED).map(ProblemRow::from).collect(),
            more_notices: check.notices().count().saturating_sub(LISTED),
            refused,
        }
    }
    fn ok(&self) -> bool {
        self.errors.is_empty()
    }
    /// How many problems there are, listed or not.
    fn error_count(&self) -> usize {
        self.errors.len() + self.more_errors
    }
}

#[derive(Template)]
#[template(path = "bulk/index.html")]
struct IndexPage {
    ctx: PageCtx,
    view: BulkImports,
    /// The slug of the micro-credential chosen.
    chosen: String,
    errors: FormErrors,
    report: Option<Report>,
}

impl IndexPage {
    fn date(&self, t: &chrono::DateTime<chrono::Utc>) -> String {
        crate::templates::date_time(*t)
    }
}

async fn index(
    State(state): State<WebState>,
    ctx: Ctx,
    Path(org): Path<String>,
    Query(params): Query<IndexParams>,
) -> Result<Response, PageError> {
    let principal = ctx.require()?;
    let view = state
        .app
        .bulk_imports(Requester::Person(principal), &org)
        .await
        .map_err(|e| ctx.err(e))?;
    Ok(render(&IndexPage {
        ctx: ctx.page,
        view,
        chosen: params.achievement,
        errors: FormErrors::default(),
        report: None,
    }))
}

/// The upload form as sent.
#[derive(Debug, Default)]
struct Upload {
    csrf: Option<String>,
    achievement: String,
    /// "check" or "award".
    action: String,
    file: Option<(Vec<u8>, Option<String>)>,
    /// Why the file could not be read.
    problem: Option<&'static str>,
}

async fn read_upload(mut multipart: Multipart) -> Upload {
    let mut out = Upload::default();
    let unreadable = |status: StatusCode| {
        if status == StatusCode::PAYLOAD_TOO_LARGE {
            "The file is larger than 5 MiB. Split it into smaller files."
        } else {
            "The upload could not be read; try again."
        }
    };
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(err) => {
                out.problem = Some(unreadable(err.status()));
                break;
            }
        };
        match field.name().unwrap_or_default() {
            "csrf" => out.csrf = field.text().await.ok(),
            "achievement" => out.achievement = field.text().await.unwrap_or_default(),
            "action" => out.action = field.text().await.unwrap_or_default(),
            "file" => {
                let name = field.file_name().map(str::to_owned);
                match field.bytes().await {
                    Ok(bytes) if bytes.is_empty() => {}
                    Ok(bytes) if bytes.len() > MAX_FILE_BYTES => {
                        out.problem = Some(unreadable(StatusCode::PAYLOAD_TOO_LARGE));
                    }
                    Ok(bytes) => out.file = Some((bytes.to_vec(), name)),
                    Err(err) => out.problem = Some(unreadable(err.status())),
                }
            }
            _ => {}
        }
    }
    out
}

async fn upload(
    State(state): State<WebState>,
    ctx: Ctx,
    Extension(cookie): Extension<CsrfCookie>,
    Path(org): Path<String>,
    multipart: Multipart,
) -> Result<Response, PageError> {
    let principal = ctx.require()?;
    let form = read_upload(multipart).await;
    if !csrf_ok(&state, &cookie.0, form.csrf.as_deref()) {
        return Ok(form_expired());
    }
    let who = Requester::Person(principal);
    let app = &state.app;
    let view = app.bulk_imports(who, &org).await.map_err(|e| ctx.err(e))?;
    let page = |status: StatusCode, errors: FieldErrors, report: Option<Report>| {
        (
            status,
            render(&IndexPage {
                ctx: ctx.page.clone(),
                view: view.clone(),
                chosen: form.achievement.clone(),
                errors: errors.into(),
                report,
            }),
        )
            .into_response()
    };
    let Some((bytes, file_name)) = &form.file else {
        let message = form.problem.unwrap_or("Choose the CSV file to award from.");
        return Ok(page(
            StatusCode::UNPROCESSABLE_ENTITY,
            FieldErrors::single("file", message),
            None,
        ));
    };
    let result = if form.action == "award" {
        app.start_bulk_award(
            who,
            &org,
            &form.achievement,
            BulkFile {
                bytes,
                file_name: file_name.as_deref(),
            },
            Channel::Web,
            &ctx.meta,
        )
        .await
    } else {
        app.check_bulk_award(who, &org, &form.achievement, bytes)
            .await
            .map(|check| Started::Refused(Box::new(check)))
    };
    match result {
        Ok(Started::Started(import)) => {
            let message = if import.status == ImportStatus::Done {
                "Everyone in the file holds this badge already: nobody was awarded."
            } else {
                "The award has started. This page follows its progress."
            };
            Ok(
                Redirect::to(format!("/orgs/{org}/bulk-awards/{}", import.id))
                    .success(message)
                    .into_response_with(&state),
            )
        }
        Ok(Started::Refused(check)) => {
            let refused = form.action == "award";
            let report = Report::new(&check, refused);
            let status = if report.ok() {
                StatusCode::OK
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            Ok(page(status, FieldErrors::default(), Some(report)))
        }
        Err(AppError::Invalid(errors)) => Ok(page(StatusCode::UNPROCESSABLE_ENTITY, errors, None)),
        Err(other) => Err(ctx.err(other)),
    }
}

#[derive(Template)]
#[template(path = "bulk/show.html")]
struct ProgressPage {
    ctx: PageCtx,
    v: ImportView,
}

impl ProgressPage {
    fn date(&self, t: &chrono::DateTime<chrono::Utc>) -> String {
        crate::templates::date_time(*t)
    }
    fn day(&self, t: &chrono::DateTime<chrono::Utc>) -> String {
        t.format("%Y-%m-%d").to_string()
    }
    fn finished(&self) -> Option<String> {
        self.v.import.finished_at.map(crate::templates::date_time)
    }
    fn percent(&self) -> u64 {
        (self.v.counts.done() * 100)
            .checked_div(self.v.counts.total())
            .unwrap_or(100)
    }
}

async fn progress(
    State(state): State<WebState>,
    ctx: Ctx,
    Path((org, id)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let principal = ctx.require()?;
    let id = BulkImportId(parse_id(&ctx, &id, "The bulk award")?);
    let v = state
        .app
        .bulk_import(Requester::Person(principal), &org, id)
        .await
        .map_err(|e| ctx.err(e))?;
    Ok(render(&ProgressPage { ctx: ctx.page, v }))
}
