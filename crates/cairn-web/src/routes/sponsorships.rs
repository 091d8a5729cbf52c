//! An organization's sponsorships (terms, codes, seats, the grant report),
//! for its administrators.

use super::{Redirect, form_errors, parse_id};
use crate::WebState;
use crate::error::PageError;
use crate::extract::{CsrfForm, Ctx};
use crate::templates::{FormErrors, PageCtx, date, date_time, render};
use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use cairn_app::sponsorships::{SponsorshipDetail, SponsorshipInput, SponsorshipSummary};
use cairn_domain::{AchievementId, SeatId, SponsorshipId};
use cairn_store::organizations::Organization;
use serde::Deserialize;
use uuid::Uuid;

pub(super) fn router() -> Router<WebState> {
    Router::new()
        .route("/orgs/{slug}/sponsorships", get(list).post(create))
        .route("/orgs/{slug}/sponsorships/{id}", get(show))
        .route("/orgs/{slug}/sponsorships/{id}/codes", post(generate_codes))
        .route("/orgs/{slug}/sponsorships/{id}/codes.csv", get(codes_csv))
        .route("/orgs/{slug}/sponsorships/{id}/seats", post(assign_seat))
        .route(
            "/orgs/{slug}/sponsorships/{id}/seats/{seat}/remove",
            post(remove_seat),
        )
        .route("/orgs/{slug}/sponsorships/{id}/end", post(end))
}

fn status_label(live: bool, ended: bool) -> &'static str {
    if ended {
        "Ended"
    } else if live {
        "Active"
    } else {
        "Expired"
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct SponsorshipForm {
    name: String,
    seats: String,
    expires_on: String,
    covers: Vec<String>,
}

struct CoverOption {
    id: Uuid,
    title: String,
    draft: bool,
    checked: bool,
}

struct SponsorshipRow {
    id: Uuid,
    title: String,
    used: u64,
    seats: u32,
    covers: String,
    expires: String,
    status: &'static str,
}

impl From<SponsorshipSummary> for SponsorshipRow {
    fn from(s: SponsorshipSummary) -> Self {
        let terms = &s.sponsorship.terms;
        Self {
            id: s.sponsorship.id.0,
            title: terms.name.clone(),
            used: s.used,
            seats: terms.seats,
            covers: match terms.covers.len() {
                0 => "All micro-credentials".to_owned(),
                1 => "1 micro-credential".to_owned(),
                n => format!("{n} micro-credentials"),
            },
            expires: terms.expires_at.map(date).unwrap_or_default(),
            status: status_label(s.live, s.sponsorship.ended_at.is_some()),
        }
    }
}

#[derive(Template)]
#[template(path = "sponsorships/list.html")]
struct ListPage {
    ctx: PageCtx,
    org: Organization,
    rows: Vec<SponsorshipRow>,
    options: Vec<CoverOption>,
    form: SponsorshipForm,
    errors: FormErrors,
}

async fn list_page(
    state: &WebState,
    ctx: &Ctx,
    slug: &str,
    form: SponsorshipForm,
    errors: FormErrors,
) -> Result<ListPage, PageError> {
    let principal = ctx.require()?;
    let view = state
        .app
        .sponsorships(principal, slug)
        .await
        .map_err(|e| ctx.err(e))?;
    let options = view
        .choices
        .into_iter()
        .map(|a| CoverOption {
            id: a.id.0,
            checked: form.covers.contains(&a.id.0.to_string()),
            draft: a.status == cairn_domain::achievement::AchievementStatus::Draft,
            title: a.title,
        })
        .collect();
    Ok(ListPage {
        ctx: ctx.page.clone(),
        org: view.organization,
        rows: view.sponsorships.into_iter().map(Into::into).collect(),
        options,
        form,
        errors,
    })
}

async fn list(
    State(state): State<WebState>,
    ctx: Ctx,
    Path(slug): Path<String>,
) -> Result<Response, PageError> {
    let form = SponsorshipForm {
        seats: "10".to_owned(),
        ..SponsorshipForm::default()
    };
    Ok(render(
        &list_page(&state, &ctx, &slug, form, FormErrors::default()).await?,
    ))
}

async fn create(
    State(state): State<WebState>,
    ctx: Ctx,
    Path(slug): Path<String>,
    CsrfForm(form): CsrfForm<SponsorshipForm>,
) -> Result<Response, PageError> {
    let principal = ctx.require()?;
    // An id that is not one names nothing; the use case refuses it.
    let covers = form
        .covers
        .iter()
        .map(|c| AchievementId(Uuid::parse_str(c).unwrap_or(Uuid::nil())))
        .collect();
    let input = SponsorshipInput {
        name: &form.name,
        seats: &form.seats,
        expires_on: &form.expires_on,
        covers,
    };
    match state
        .app
        .create_sponsorship(principal, &slug, input, &ctx.meta)
        .await
    {
        Ok(s) => Ok(Redirect::to(format!("/orgs/{slug}/sponsorships/{}", s.id))
            .success(format!("{} is created.", s.terms.name))
            .into_response_with(&state)),
        Err(err) => {
            let (status, errors) = form_errors(&ctx, err)?;
            Ok((
                status,
                render(&list_page(&state, &ctx, &slug, form, errors.into()).await?),
            )
                .into_response())
        }
    }
}

struct CodeLine {
    shown: String,
    redeemed: bool,
    redeemed_by: String,
    redeemed_at: String,
}

struct SeatLine {
    id: Uuid,
    holder: String,
    email: String,
    assigned: String,
    used: String,
}

struct RedemptionLine {
    learner: String,
    email: String,
    achievement: String,
    when: String,
    how: String,
}

#[derive(Template)]
#[template(path = "sponsorships/show.html")]
struct ShowPage {
    ctx: PageCtx,
    org: Organization,
    id: Uuid,
    title: String,
    seats: u32,
    used: u64,
    status: &'static str,
    live: bool,
    ended: bool,
    expires: String,
    created: String,
    covered: Vec<String>,
    codes: Vec<CodeLine>,
    codes_left: usize,
    seat_lines: Vec<SeatLine>,
    redemptions: Vec<RedemptionLine>,
    errors: FormErrors,
    count: String,
    email: String,
}

impl ShowPage {
    fn from_detail(ctx: &Ctx, d: SponsorshipDetail) -> Self {
        let terms = &d.sponsorship.terms;
        Self {
            ctx: ctx.page.clone(),
            id: d.sponsorship.id.0,
            title: terms.name.clone(),
            seats: terms.seats,
            used: d.used,
            status: status_label(d.live, d.sponsorship.ended_at.is_some()),
            live: d.live,
            ended: d.sponsorship.ended_at.is_some(),
            expires: terms.expires_at.map(date).unwrap_or_default(),
            created: date(d.sponsorship.created_at),
            covered: d.covered.into_iter().map(|a| a.title).collect(),
            codes_left: d
                .codes
                .iter()
                .filter(|c| c.code.redeemed_at.is_none())
                .count(),
            codes: d
                .codes
                .into_iter()
                .map(|c| CodeLine {
                    redeemed: c.code.redeemed_at.is_some(),
                    redeemed_at: c.code.redeemed_at.map(date_time).unwrap_or_default(),
                    redeemed_by: c.redeemed_by.map(|p| p.display_name).unwrap_or_default(),
                    shown: c.shown,
                })
                .collect(),
            seat_lines: d
                .seats
                .into_iter()
                .map(|s| SeatLine {
                    id: s.seat.id.0,
                    holder: s.holder.display_name,
                    email: s.holder.primary_email.unwrap_or_default(),
                    assigned: date(s.seat.assigned_at),
                    used: s.seat.used_at.map(date).unwrap_or_default(),
                })
                .collect(),
            redemptions: d
                .redemptions
                .into_iter()
                .map(|r| RedemptionLine {
                    learner: r.learner.display_name,
                    email: r.learner.primary_email.unwrap_or_default(),
                    achievement: r.achievement_title,
                    when: date_time(r.redemption.created_at),
                    how: r
                        .code
                        .map_or_else(|| "Seat".to_owned(), |c| format!("Code {c}")),
                })
                .collect(),
            org: d.organization,
            errors: FormErrors::default(),
            count: "10".to_owned(),
            email: String::new(),
        }
    }
}

fn sponsorship_id(ctx: &Ctx, id: &str) -> Result<SponsorshipId, PageError> {
    Ok(SponsorshipId(parse_id(ctx, id, "The sponsorship")?))
}

async fn show_page(
    state: &WebState,
    ctx: &Ctx,
    slug: &str,
    id: &str,
) -> Result<ShowPage, PageError> {
    let principal = ctx.require()?;
    let id = sponsorship_id(ctx, id)?;
    let detail = state
        .app
        .sponsorship(principal, slug, id)
        .await
        .map_err(|e| ctx.err(e))?;
    Ok(ShowPage::from_detail(ctx, detail))
}

async fn show(
    State(state): State<WebState>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, String)>,
) -> Result<Response, PageError> {
    Ok(render(&show_page(&state, &ctx, &slug, &id).await?))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct CodesForm {
    count: String,
}

async fn generate_codes(
    State(state): State<WebState>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, String)>,
    CsrfForm(form): CsrfForm<CodesForm>,
) -> Result<Response, PageError> {
    let principal = ctx.require()?;
    let sponsorship = sponsorship_id(&ctx, &id)?;
    let count = form.count.trim().parse::<u32>().unwrap_or(0);
    match state
        .app
        .generate_sponsor_codes(principal, &slug, sponsorship, count, &ctx.meta)
        .await
    {
        Ok(codes) => Ok(
            Redirect::to(format!("/orgs/{slug}/sponsorships/{id}#codes"))
                .success(match codes.len() {
                    1 => "1 code is ready.".to_owned(),
                    n => format!("{n} codes are ready."),
                })
                .into_response_with(&state),
        ),
        Err(err) => {
            let (status, errors) = form_errors(&ctx, err)?;
            let mut page = show_page(&state, &ctx, &slug, &id).await?;
            page.errors = errors.into();
            page.count = form.count;
            Ok((status, render(&page)).into_response())
        }
    }
}

/// A cell of a CSV file: quoted when needed, and with a leading `'` when a
/// spreadsheet would take it for a formula.
fn csv_cell(text: &str) -> String {
    let text = if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_owned()
    };
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

async fn codes_csv(
    State(state): State<WebState>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let principal = ctx.require()?;
    let sponsorship = sponsorship_id(&ctx, &id)?;
    let (_, codes) = state
        .app
        .sponsor_codes(principal, &slug, sponsorship)
        .await
        .map_err(|e| ctx.err(e))?;
    let mut csv =
        String::from("code,status,created_at,redeemed_at,redeemed_by,redeemed_by_email\r\n");
    for c in codes {
        let (name, email) = c
            .redeemed_by
            .map(|p| (p.display_name, p.primary_email.unwrap_or_default()))
            .unwrap_or_default();
        let cells = [
            c.shown,
            if c.code.redeemed_at.is_some() {
                "redeemed".to_owned()
            } else {
                "unused".to_owned()
            },
            c.code.created_at.to_rfc3339(),
            c.code
                .redeemed_at
                .map(|t| t.to_rfc3339())
                .unwrap_or_default(),
            name,
            email,
        ];
        csv.push_str(
            &cells
                .iter()
                .map(|c| csv_cell(c))
                .collect::<Vec<_>>()
                .join(","),
        );
        csv.push_str("\r\n");
    }
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{slug}-sponsorship-codes.csv\""),
            ),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        csv,
    )
        .into_response())
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct SeatForm {
    email: String,
}

async fn assign_seat(
    State(state): State<WebState>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, String)>,
    CsrfForm(form): CsrfForm<SeatForm>,
) -> Result<Response, PageError> {
    let principal = ctx.require()?;
    let sponsorship = sponsorship_id(&ctx, &id)?;
    match state
        .app
        .assign_seat(principal, &slug, sponsorship, &form.email, &ctx.meta)
        .await
    {
        Ok(_) => Ok(
            Redirect::to(format!("/orgs/{slug}/sponsorships/{id}#seats"))
                .success(format!("The seat is assigned to {}.", form.email.trim()))
                .into_response_with(&state),
        ),
        Err(err) => {
            let (status, errors) = form_errors(&ctx, err)?;
            let mut page = show_page(&state, &ctx, &slug, &id).await?;
            page.errors = errors.into();
            page.email = form.email;
            Ok((status, render(&page)).into_response())
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct EmptyForm {}

async fn remove_seat(
    State(state): State<WebState>,
    ctx: Ctx,
    Path((slug, id, seat)): Path<(String, String, String)>,
    CsrfForm(_): CsrfForm<EmptyForm>,
) -> Result<Response, PageError> {
    let principal = ctx.require()?;
    let sponsorship = sponsorship_id(&ctx, &id)?;
    let seat = SeatId(parse_id(&ctx, &seat, "The seat")?);
    state
        .app
        .remove_seat(principal, &slug, sponsorship, seat, &ctx.meta)
        .await
        .map_err(|e| ctx.err(e))?;
    Ok(
        Redirect::to(format!("/orgs/{slug}/sponsorships/{id}#seats"))
            .success("The seat is removed.")
            .into_response_with(&state),
    )
}

async fn end(
    State(state): State<WebState>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, String)>,
    CsrfForm(_): CsrfForm<EmptyForm>,
) -> Result<Response, PageError> {
    let principal = ctx.require()?;
    let sponsorship = sponsorship_id(&ctx, &id)?;
    let ended = state
        .app
        .end_sponsorship(principal, &slug, sponsorship, &ctx.meta)
        .await
        .map_err(|e| ctx.err(e))?;
    Ok(Redirect::to(format!("/orgs/{slug}/sponsorships/{id}"))
        .success(format!(
            "{} has ended. Its unused codes and seats no longer work.",
            ended.terms.name
        ))
        .into_response_with(&state))
}

#[cfg(test)]
mod tests {
    use super::csv_cell;

    #[test]
    fn csv_cells_are_quoted_and_never_formulas() {
        assert_eq!(csv_cell("ABCD-EFGH-JKMN"), "ABCD-EFGH-JKMN");
        assert_eq!(csv_cell("Lee, Ann"), "\"Lee, Ann\"");
        assert_eq!(csv_cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_cell("=HYPERLINK(1)"), "'=HYPERLINK(1)");
        assert_eq!(csv_cell("-1,2"), "\"'-1,2\"");
    }
}
