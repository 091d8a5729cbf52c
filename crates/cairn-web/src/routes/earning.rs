//! Earning pages: joining, the enrollment page (checklist, evidence,
//! feedback, submission, reviews, confirmation, comments), the learner's
//! list and notifications.

use super::{Redirect, form_errors, form_errors_or_conflict, parse_id};
use crate::WebState;
use crate::error::PageError;
use crate::extract::{CsrfForm, Ctx};
use crate::templates::{FormErrors, PageCtx, date_time, render};
use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use cairn_app::AppError;
use cairn_app::earning::EnrollmentView;
use cairn_domain::achievement::requirement::EvidenceKind;
use cairn_domain::enrollment::{Decision, Move, Relation, StateName, Visibility};
use cairn_domain::{EnrollmentId, EvidenceId, FieldErrors, ReviewId};
use cairn_store::achievements::Achievement;
use cairn_store::enrollments::{Enrollment, EvidenceContent};
use cairn_store::reviews::Score;
use serde::Deserialize;

pub(super) fn router() -> Router<WebState> {
    Router::new()
        .route("/orgs/{org}/achievements/{slug}/join", post(join))
        .route("/learning", get(my_learning))
        .route("/coaching", get(coaching))
        .route("/coaching/invite", post(invite_partner))
        .route(
            "/partners/{token}",
            get(partner_invitation).post(answer_partner),
        )
        .route("/notifications", get(notifications).post(read_all))
        .route("/enrollments/{id}", get(show))
        .route("/enrollments/{id}/evidence", post(add_evidence))
        .route(
            "/enrollments/{id}/files",
            post(upload).layer(axum::extract::DefaultBodyLimit::max(
                usize::try_from(cairn_app::earning::MAX_UPLOAD_BYTES).unwrap_or(usize::MAX)
                    + 64 * 1024,
            )),
        )
        .route("/evidence/{id}/file", get(evidence_file))
        .route(
            "/enrollments/{id}/evidence/{item}/remove",
            post(remove_evidence),
        )
        .route("/enrollments/{id}/checklist", post(checklist))
        .route("/enrollments/{id}/comments", post(comment))
        .route("/enrollments/{id}/act", post(act))
        .route("/enrollments/{id}/coaches", post(assign_coach))
        .route(
            "/enrollments/{id}/coaches/{partnership}/end",
            post(end_coach_assignment),
        )
        .route("/enrollments/{id}/reviews/{review}", post(review))
}

fn enrollment_id(ctx: &Ctx, id: &str) -> Result<EnrollmentId, PageError> {
    Ok(EnrollmentId(parse_id(ctx, id, "The enrollment")?))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct JoinForm {
    funding: String,
    code: String,
    seat: String,
}

async fn join(
    State(state): State<WebState>,
    ctx: Ctx,
    Path((org, slug)): Path<(String, String)>,
    CsrfForm(form): CsrfForm<JoinForm>,
) -> Result<Response, PageError> {
    let principal = ctx.require()?;
    let view = state
        .app
        .achievement_view(&org, &slug, Some(principal))
        .await
        .map_err(|e| ctx.err(e))?;
    let id = view.achievement.id;
    let result = match form.funding.as_str() {
        "code" => state
            .app
            .join_with_code(principal, id, &form.code, &ctx.meta)
            .await
            .map(|e| (e, None)),
        "seat" => match uuid::Uuid::parse_str(&form.seat) {
            Ok(seat) => state
                .app
                .join_with_seat(principal, id, cairn_domain::SeatId(seat), &ctx.meta)
                .await
                .map(|e| (e, None)),
            Err(_) => Err(AppError::invalid(
                "seat",
                "Choose one of your sponsor seats.",
            )),
        },
        "pay" => state.app.join_paying(principal, id, &ctx.meta).await,
        _ => state
            .app
            .join_free(principal, id, &ctx.meta)
            .await
            .map(|e| (e, None)),
    };
    match result {
        Ok((e, next)) => {
            let message = if e.state.name() == StateName::PendingPayment {
                "You joined. The organization opens your work once it records your payment."
            } else {
                "You joined. Add your evidence for each requirement below."
            };
            let to = next.unwrap_or_else(|| format!("/enrollments/{}", e.id));
            Ok(Redirect::to(to).success(message).into_response_with(&state))
        }
        Err(err) => {
            let (_, errors) = form_errors(&ctx, err)?;
            let message = errors
                .iter()
                .map(|e| e.message.clone())
                .collect::<Vec<_>>()
                .join(" ");
            Ok(
                Redirect::to(format!("/orgs/{org}/achievements/{slug}#join"))
                    .info(message)
                    .into_response_with(&state),
            )
        }
    }
}

struct EvidenceRow {
    id: String,
    requirement: u32,
    kind: &'static str,
    title: String,
    visibility: &'static str,
    /// Sanitized HTML for reflections.
    html: Option<String>,
    link: Option<String>,
    file: Option<(String, String)>,
    /// How the page shows a file in place: "image", "video" or "audio".
    preview: Option<&'static str>,
}

struct ReviewRow {
    reviewer: String,
    decision: Option<&'static str>,
    feedback: String,
    scores: Vec<(String, String, String)>,
}

#[derive(Template)]
#[template(path = "earning/enrollment.html")]
struct EnrollmentPage {
    ctx: PageCtx,
    v: EnrollmentView,
    state_label: &'static str,
    is_learner: bool,
    waiting_for_payment: bool,
    editable: bool,
    /// (action, label, is the main one) for the buttons of the next step.
    moves: Vec<(&'static str, &'static str, bool)>,
    rows: Vec<EvidenceRow>,
    kinds: Vec<Vec<(&'static str, &'static str)>>,
    visibilities: Vec<(&'static str, &'static str)>,
    history: Vec<(u32, String, Option<&'static str>, Vec<ReviewRow>)>,
    comments: Vec<(String, String, String, String)>,
    levels: Vec<String>,
    criteria: Vec<String>,
    decisions: Vec<(&'static str, &'static str)>,
    /// For administrators: the learner's coaches and who could be assigned.
    coach_admin: Option<cairn_app::coaching::CoachAssignments>,
    errors: FormErrors,
}

impl EnrollmentPage {
    fn ticked(&self, requirement: &u32, item: &usize) -> bool {
        self.v
            .progress
            .iter()
            .find(|p| p.index == *requirement)
            .is_some_and(|p| p.ticked.contains(&u32::try_from(*item).unwrap_or(u32::MAX)))
    }
    fn progress_text(&self, requirement: &u32) -> String {
        self.v
            .progress
            .iter()
            .find(|p| p.index == *requirement)
            .map(|p| {
                let mut text = if p.items > p.min_count {
                    format!("{} items ({} needed)", p.items, p.min_count)
                } else {
                    format!("{} of {} items", p.items, p.min_count)
                };
                if p.checklist_len > 0 {
                    text.push_str(&format!(
                        " · {} of {} checklist items",
                        p.ticked.len(),
                        p.checklist_len
                    ));
                }
                if p.met {
                    text.push_str(" · met");
                }
                text
            })
            .unwrap_or_default()
    }
    fn met_count(&self) -> usize {
        self.v.progress.iter().filter(|p| p.met).count()
    }
}

fn kind_label(kind: EvidenceKind) -> &'static str {
    match kind {
        EvidenceKind::File => "File",
        EvidenceKind::Video => "Video",
        EvidenceKind::Image => "Image",
        EvidenceKind::Document => "Document",
        EvidenceKind::Link => "Link",
        EvidenceKind::Reflection => "Written reflection",
        EvidenceKind::Badge => "Another badge",
    }
}

fn human_size(bytes: u64) -> String {
    #[expect(clippy::cast_precision_loss, reason = "a size for people")]
    let b = bytes as f64;
    if b >= 1_048_576.0 {
        format!("{:.1} MB", b / 1_048_576.0)
    } else if b >= 1024.0 {
        format!("{:.0} KB", b / 1024.0)
    } else {
        format!("{bytes} bytes")
    }
}

async fn page(
    state: &WebState,
    ctx: &Ctx,
    id: EnrollmentId,
    errors: FieldErrors,
) -> Result<EnrollmentPage, PageError> {
    let principal = ctx.require()?;
    let v = state
        .app
        .enrollment_view(principal, id)
        .await
        .map_err(|e| ctx.err(e))?;
    let rows = v
        .evidence
        .iter()
        .map(|e| {
            let (html, link, file) = match &e.content {
                EvidenceContent::Reflection { markdown } => (
                    Some(cairn_media::markdown::to_safe_html(markdown)),
                    None,
                    None,
                ),
                EvidenceContent::Link { url } => (None, Some(url.clone()), None),
                EvidenceContent::File {
                    file_name,
                    size_bytes,
                    ..
                } => (
                    None,
                    None,
                    Some((
                        format!("{file_name} · {}", human_size(*size_bytes)),
                        format!("/evidence/{}/file", e.id),
                    )),
                ),
                EvidenceContent::Badge { enrollment_id } => {
                    (None, Some(format!("/enrollments/{enrollment_id}")), None)
                }
            };
            let preview = match &e.content {
                EvidenceContent::File { media_type, .. } => {
                    ["image", "video", "audio"].into_iter().find(|kind| {
                        media_type
                            .strip_prefix(kind)
                            .is_some_and(|rest| rest.starts_with('/'))
                    })
                }
                _ => None,
            };
            EvidenceRow {
                preview,
                id: e.id.to_string(),
                requirement: e.requirement_index,
                kind: kind_label(e.kind),
                title: e.title.clone(),
                visibility: e.visibility.as_str(),
                html,
                link,
                file,
            }
        })
        .collect();
    let kinds = v
        .version
        .requirements
        .iter()
        .map(|r| {
            r.requirement
                .kinds
                .iter()
                .filter(|k| matches!(k, EvidenceKind::Link | EvidenceKind::Reflection))
                .map(|k| (k.as_str(), kind_label(*k)))
                .collect()
        })
        .collect();
    let mut names = std::collections::HashMap::new();
    for (c, author) in &v.comments {
        names.insert(c.author_id, author.clone());
    }
    let levels: Vec<String> = v
        .version
        .rubric
        .as_ref()
        .map(|r| r.levels().iter().map(|l| l.name.clone()).collect())
        .unwrap_or_default();
    let criteria: Vec<String> = v
        .version
        .rubric
        .as_ref()
        .map(|r| r.criteria().iter().map(|c| c.name.clone()).collect())
        .unwrap_or_default();
    let see_reviews = matches!(
        v.relation,
        Relation::Learner | Relation::Coach | Relation::Reviewer | Relation::OrganizationAdmin
    );
    let history = v
        .submissions
        .iter()
        .map(|(s, reviews)| {
            let rows = if see_reviews {
                reviews
                    .iter()
                    .filter(|r| r.completed_at.is_some())
                    .map(|r| ReviewRow {
                        reviewer: "A reviewer".to_owned(),
                        decision: r.decision.map(Decision::label),
                        feedback: r.feedback.clone(),
                        scores: r
                            .scores
                            .iter()
                            .enumerate()
                            .map(|(i, sc)| {
                                (
                                    criteria.get(i).cloned().unwrap_or_default(),
                                    levels.get(sc.level).cloned().unwrap_or_default(),
                                    sc.comment.clone(),
                                )
                            })
                            .collect(),
                    })
                    .collect()
            } else {
                Vec::new()
            };
            (
                s.attempt,
                date_time(s.created_at),
                s.outcome.map(Decision::label),
                rows,
            )
        })
        .collect();
    let comments = v
        .comments
        .iter()
        .map(|(c, author)| {
            (
                c.id.to_string(),
                author.clone(),
                date_time(c.created_at),
                cairn_media::markdown::to_safe_html(&c.body),
            )
        })
        .collect();
    let coach_admin = if v.relation == Relation::OrganizationAdmin {
        Some(
            state
                .app
                .coach_assignments(principal, id)
                .await
                .map_err(|e| ctx.err(e))?,
        )
    } else {
        None
    };
    let name = v.enrollment.state.name();
    Ok(EnrollmentPage {
        coach_admin,
        ctx: ctx.page.clone(),
        state_label: name.label(),
        is_learner: v.relation == Relation::Learner,
        waiting_for_payment: name == StateName::PendingPayment,
        editable: v.relation == Relation::Learner && name.editable(),
        moves: Move::available(v.enrollment.state, v.relation)
            .into_iter()
            .map(|m| {
                let main = matches!(
                    m,
                    Move::Submit
                        | Move::MarkReady
                        | Move::Confirm
                        | Move::TryAgain
                        | Move::MeetingHeld
                );
                (m.as_str(), m.label(), main)
            })
            .collect(),
        rows,
        kinds,
        visibilities: Visibility::ALL
            .iter()
            .map(|x| (x.as_str(), x.label()))
            .collect(),
        history,
        comments,
        levels,
        criteria,
        decisions: Decision::ALL
            .iter()
            .map(|d| (d.as_str(), d.label()))
            .collect(),
        errors: errors.into(),
        v,
    })
}

async fn show(
    State(state): State<WebState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let id = enrollment_id(&ctx, &id)?;
    Ok(render(&page(&state, &ctx, id, FieldErrors::new()).await?))
}

async fn again(
    state: &WebState,
    ctx: &Ctx,
    id: EnrollmentId,
    err: AppError,
) -> Result<Response, PageError> {
    let (status, errors) = form_errors_or_conflict(ctx, err, "state")?;
    Ok((status, render(&page(state, ctx, id, errors).await?)).into_response())
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct EvidenceForm {
    requirement: u32,
    kind: String,
    title: String,
    text: String,
    visibility: String,
}

async fn add_evidence(
    State(state): State<WebState>,
    ctx: Ctx,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<EvidenceForm>,
) -> Result<Response, PageError> {
    let principal = ctx.require()?;
    let id = enrollment_id(&ctx, &id)?;
    let kind = EvidenceKind::parse(&f.kind).unwrap_or(EvidenceKind::Reflection);
    let visibility = Visibility::parse(&f.visibility).unwrap_or_default();
    match state
        .app
        .add_evidence(
            principal,
            id,
            f.requirement,
            kind,
            &f.title,
            &f.text,
            visibility,
            &ctx.meta,
        )
        .await
    {
        Ok(_) => Ok(
            Redirect::to(format!("/enrollments/{id}#requirement-{}", f.requirement))
                .success("Added.")
                .into_response_with(&state),
        ),
        Err(err) => again(&state, &ctx, id, err).await,
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Empty {}

async fn remove_evidence(
    State(state): State<WebState>,
    ctx: Ctx,
    Path((id, item)): Path<(String, String)>,
    CsrfForm(_): CsrfForm<Empty>,
) -> Result<Response, PageError> {
    let principal = ctx.require()?;
    let id = enrollment_id(&ctx, &id)?;
    let item = EvidenceId(parse_id(&ctx, &item, "The evidence")?);
    match state.app.remove_evidence(principal, item, &ctx.meta).await {
        Ok(()) => Ok(Redirect::to(format!("/enrollments/{id}"))
            .success("Removed.")
            .into_response_with(&state)),
        Err(err) => again(&state, &ctx, id, err).await,
    }
}

async fn checklist(
    State(state): State<WebState>,
    ctx: Ctx,
    Path(id): Path<String>,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let principal = ctx.require()?;
    let id = enrollment_id(&ctx, &id)?;
    let v = state
        .app
        .enrollment_view(principal, id)
        .await
        .map_err(|e| ctx.err(e))?;
    let requirement: u32 = pairs
        .iter()
        .find(|(k, _)| k == "requirement")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(u32::MAX);
    let Some(req) = v.version.requirements.get(requirement as usize) else {
        return Err(ctx.err(AppError::not_found("That requirement")));
    };
    for item in 0..req.requirement.checklist.len() {
        let ticked = pairs
            .iter()
            .any(|(k, v)| k == "ticked" && v.parse::<usize>().ok() == Some(item));
        let item = u32::try_from(item).unwrap_or(u32::MAX);
        if let Err(err) = state
            .app
            .tick(principal, id, requirement, item, ticked)
            .await
        {
            return again(&state, &ctx, id, err).await;
        }
    }
    Ok(
        Redirect::to(format!("/enrollments/{id}#requirement-{requirement}"))
            .success("The checklist is saved.")
            .into_response_with(&state),
    )
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct CommentForm {
    body: String,
    evidence: String,
}

async fn comment(
    State(state): State<WebState>,
    ctx: Ctx,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<CommentForm>,
) -> Result<Response, PageError> {
    let principal = ctx.require()?;
    let id = enrollment_id(&ctx, &id)?;
    let evidence = uuid::Uuid::parse_str(&f.evidence).ok().map(EvidenceId);
    match state
        .app
        .comment(principal, id, evidence, &f.body, &ctx.meta)
        .await
    {
        Ok(c) => Ok(Redirect::to(format!("/enrollments/{id}#comment-{}", c.id))
            .success("Your comment is posted.")
            .into_response_with(&state)),
        Err(err) => again(&state, &ctx, id, err).await,
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ActForm {
    action: String,
    lock_version: u32,
}

async fn act(
    State(state): State<WebState>,
    ctx: Ctx,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<ActForm>,
) -> Result<Response, PageError> {
    let principal = ctx.require()?;
    let id = enrollment_id(&ctx, &id)?;
    let (app, meta, lock) = (&state.app, &ctx.meta, f.lock_version);
    let result = match Move::parse(&f.action) {
        Some(Move::RequestFeedback) => app
            .request_feedback(principal, id, lock, meta)
            .await
            .map(|()| "Your coach is asked for feedback."),
        Some(Move::MarkReady) => app
            .mark_ready(principal, id, lock, meta)
            .await
            .map(|()| "Marked ready to submit."),
        Some(Move::Submit) => app
            .submit(principal, id, lock, meta)
            .await
            .map(|_| "Submitted for review. Your evidence is frozen as it is now."),
        Some(Move::Confirm) => app
            .confirm_award(principal, id, lock, meta)
            .await
            .map(|()| "Confirmed: the award is requested."),
        Some(Move::TryAgain) => app
            .try_again(principal, id, lock, meta)
            .await
            .map(|_| "A new attempt is open."),
        Some(Move::MeetingHeld) => app
            .coach_meeting_held(principal, id, lock, meta)
            .await
            .map(|()| "The meeting is recorded; a new attempt is open."),
        Some(Move::Withdraw) => app
            .withdraw(principal, id, lock, meta)
            .await
            .map(|()| "You left this micro-credential."),
        None => Err(AppError::invalid("action", "Choose what to do.")),
    };
    match result {
        Ok(message) => Ok(Redirect::to(format!("/enrollments/{id}"))
            .success(message)
            .into_response_with(&state)),
        Err(err) => again(&state, &ctx, id, err).await,
    }
}

async fn review(
    State(state): State<WebState>,
    ctx: Ctx,
    Path((id, review)): Path<(String, String)>,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let principal = ctx.require()?;
    let id = enrollment_id(&ctx, &id)?;
    let review = ReviewId(parse_id(&ctx, &review, "The review")?);
    let get = |k: &str| {
        pairs
            .iter()
            .find(|(key, _)| key == k)
            .map_or("", |(_, v)| v.as_str())
    };
    let mut scores = Vec::new();
    let mut errors = FieldErrors::new();
    for i in 0.. {
        let key = format!("scores[{i}].level");
        if !pairs.iter().any(|(k, _)| *k == key) {
            break;
        }
        match get(&key).parse::<usize>() {
            Ok(level) => scores.push(Score {
                level,
                comment: get(&format!("scores[{i}].comment")).trim().to_owned(),
            }),
            Err(_) => errors.add(&format!("scores[{i}]"), "Choose a level."),
        }
    }
    let decision = Decision::parse(get("decision"));
    if decision.is_none() {
        errors.add("decision", "Choose a decision.");
    }
    let result = match (decision, errors.is_empty()) {
        (Some(d), true) => {
            state
                .app
                .complete_review(principal, review, scores, get("feedback"), d, &ctx.meta)
                .await
        }
        _ => Err(AppError::Invalid(errors)),
    };
    match result {
        Ok(()) => Ok(Redirect::to(format!("/enrollments/{id}"))
            .success("Your review is recorded.")
            .into_response_with(&state)),
        Err(err) => again(&state, &ctx, id, err).await,
    }
}

#[derive(Template)]
#[template(path = "earning/learning.html")]
struct LearningPage {
    ctx: PageCtx,
    items: Vec<(Enrollment, Achievement, &'static str)>,
}

async fn my_learning(State(state): State<WebState>, ctx: Ctx) -> Result<Response, PageError> {
    let principal = ctx.require()?;
    let items = state
        .app
        .my_enrollments(principal)
        .await
        .map_err(|e| ctx.err(e))?
        .into_iter()
        .map(|(e, a)| {
            let label = e.state.name().label();
            (e, a, label)
        })
        .collect();
    Ok(render(&LearningPage {
        ctx: ctx.page,
        items,
    }))
}

#[derive(Template)]
#[template(path = "earning/notifications.html")]
struct NotificationsPage {
    ctx: PageCtx,
    items: Vec<(String, String, String, bool)>,
    unread: u64,
}

async fn notifications(State(state): State<WebState>, ctx: Ctx) -> Result<Response, PageError> {
    let principal = ctx.require()?;
    let (list, unread) = state
        .app
        .notifications(principal)
        .await
        .map_err(|e| ctx.err(e))?;
    Ok(render(&NotificationsPage {
        ctx: ctx.page,
        items: list
            .into_iter()
            .map(|n| {
                (
                    n.message,
                    n.link,
                    date_time(n.created_at),
                    n.read_at.is_none(),
                )
            })
            .collect(),
        unread,
    }))
}

async fn read_all(
    State(state): State<WebState>,
    ctx: Ctx,
    CsrfForm(_): CsrfForm<Empty>,
) -> Result<Response, PageError> {
    let principal = ctx.require()?;
    state
        .app
        .mark_notifications_read(principal)
        .await
        .map_err(|e| ctx.err(e))?;
    Ok(Redirect::to("/notifications")
        .success("All read.")
        .into_response_with(&state))
}

/// Streams an uploaded file into the learner's evidence. The form sends its
/// CSRF token and fields before the file, so nothing is stored for a
/// request that fails the check.
async fn upload(
    State(state): State<WebState>,
    ctx: Ctx,
    axum::Extension(cookie): axum::Extension<crate::extract::CsrfCookie>,
    Path(id): Path<String>,
    mut multipart: axum::extract::Multipart,
) -> Result<Response, PageError> {
    let principal = ctx.require()?;
    let id = enrollment_id(&ctx, &id)?;
    let mut csrf = None;
    let mut requirement = 0u32;
    let mut title = String::new();
    let mut visibility = Visibility::Private;
    let mut outcome = Err(AppError::invalid("file", "Choose a file."));
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(_) => {
                outcome = Err(AppError::invalid(
                    "file",
                    "The upload could not be read; try again.",
                ));
                break;
            }
        };
        match field.name().unwrap_or_default() {
            "csrf" => csrf = field.text().await.ok(),
            "requirement" => {
                requirement = field
                    .text()
                    .await
                    .ok()
                    .and_then(|t| t.parse().ok())
                    .unwrap_or(u32::MAX);
            }
            "title" => title = field.text().await.unwrap_or_default(),
            "visibility" => {
                visibility = field
                    .text()
                    .await
                    .ok()
                    .and_then(|v| Visibility::parse(&v))
                    .unwrap_or_default();
            }
            "file" => {
                if !crate::extract::csrf_ok(&state, &cookie.0, csrf.as_deref()) {
                    return Ok(crate::extract::form_expired());
                }
                let name = field.file_name().unwrap_or_default().to_owned();
                outcome = state
                    .app
                    .add_file_evidence(
                        principal,
                        id,
                        requirement,
                        &title,
                        &name,
                        visibility,
                        Box::pin(field),
                        &ctx.meta,
                    )
                    .await;
                break;
            }
            _ => {}
        }
    }
    match outcome {
        Ok(item) => Ok(Redirect::to(format!(
            "/enrollments/{id}#requirement-{}",
            item.requirement_index
        ))
        .success("The file is added.")
        .into_response_with(&state)),
        Err(err) => again(&state, &ctx, id, err).await,
    }
}

/// An evidence file, for those allowed to see it, with ranges so videos
/// play in the browser.
async fn evidence_file(
    State(state): State<WebState>,
    ctx: Ctx,
    Path(id): Path<String>,
    headers: axum::http::HeaderMap,
) -> Result<Response, PageError> {
    let id = EvidenceId(parse_id(&ctx, &id, "The file")?);
    let (key, media_type, file_name, sha256) = state
        .app
        .evidence_file(ctx.principal.as_ref(), id)
        .await
        .map_err(|e| ctx.err(e))?;
    crate::files::serve_file(
        state.app.blobs(),
        crate::files::ServedFile {
            key: &key,
            media_type: &media_type,
            file_name: &file_name,
            sha256_hex: &sha256,
        },
        &headers,
    )
    .await
    .map_err(|e| ctx.err(e.into()))
}

#[derive(Template)]
#[template(path = "earning/coaching.html")]
struct CoachingPage {
    ctx: PageCtx,
    learners: Vec<cairn_app::coaching::CoachedLearner>,
    mine: Vec<(String, String)>,
    errors: FormErrors,
    email: String,
}

async fn coaching_page(
    state: &WebState,
    ctx: &Ctx,
    errors: FieldErrors,
    email: String,
) -> Result<CoachingPage, PageError> {
    let principal = ctx.require()?;
    let learners = state
        .app
        .coach_dashboard(principal)
        .await
        .map_err(|e| ctx.err(e))?;
    let mine = state
        .app
        .my_enrollments(principal)
        .await
        .map_err(|e| ctx.err(e))?
        .into_iter()
        .map(|(_, a)| (a.id.to_string(), a.title))
        .collect();
    Ok(CoachingPage {
        ctx: ctx.page.clone(),
        learners,
        mine,
        errors: errors.into(),
        email,
    })
}

async fn coaching(State(state): State<WebState>, ctx: Ctx) -> Result<Response, PageError> {
    Ok(render(
        &coaching_page(&state, &ctx, FieldErrors::new(), String::new()).await?,
    ))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct InviteForm {
    email: String,
    role: String,
    achievement: String,
    /// Sent from an enrollment page, to go back there.
    enrollment: String,
}

async fn invite_partner(
    State(state): State<WebState>,
    ctx: Ctx,
    CsrfForm(f): CsrfForm<InviteForm>,
) -> Result<Response, PageError> {
    let principal = ctx.require()?;
    let role = if f.role == "learner" {
        cairn_store::partnerships::InviteeRole::Learner
    } else {
        cairn_store::partnerships::InviteeRole::Coach
    };
    let achievement = uuid::Uuid::parse_str(&f.achievement)
        .ok()
        .map(cairn_domain::AchievementId);
    match state
        .app
        .invite_partner(principal, &f.email, role, achievement, &ctx.meta)
        .await
    {
        Ok(inv) => {
            let back = uuid::Uuid::parse_str(&f.enrollment).map_or_else(
                |_| "/coaching".to_owned(),
                |id| format!("/enrollments/{id}"),
            );
            Ok(Redirect::to(back)
                .success(format!("We sent an invitation to {}.", inv.email))
                .into_response_with(&state))
        }
        Err(err) => {
            let (status, errors) = form_errors(&ctx, err)?;
            let page = coaching_page(&state, &ctx, errors, f.email).await?;
            Ok((status, render(&page)).into_response())
        }
    }
}

#[derive(Template)]
#[template(path = "earning/partner_invitation.html")]
struct PartnerInvitationPage {
    ctx: PageCtx,
    v: cairn_app::coaching::InvitationView,
    token: String,
    as_coach: bool,
    signed_in: bool,
}

async fn partner_invitation(
    State(state): State<WebState>,
    ctx: Ctx,
    Path(token): Path<String>,
) -> Result<Response, PageError> {
    let v = state
        .app
        .partner_invitation(&token)
        .await
        .map_err(|e| ctx.err(e))?;
    Ok(render(&PartnerInvitationPage {
        as_coach: v.invitation.invitee_role == cairn_store::partnerships::InviteeRole::Coach,
        signed_in: ctx.principal.is_some(),
        ctx: ctx.page,
        v,
        token,
    }))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct AnswerForm {
    answer: String,
}

async fn answer_partner(
    State(state): State<WebState>,
    ctx: Ctx,
    Path(token): Path<String>,
    CsrfForm(f): CsrfForm<AnswerForm>,
) -> Result<Response, PageError> {
    let principal = ctx.require()?;
    let accept = f.answer == "accept";
    state
        .app
        .answer_partner_invitation(principal, &token, accept, &ctx.meta)
        .await
        .map_err(|e| ctx.err(e))?;
    let (to, message) = if accept {
        ("/coaching", "You are partners now.")
    } else {
        ("/", "You declined the invitation.")
    };
    Ok(Redirect::to(to).success(message).into_response_with(&state))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct CoachForm {
    coach: String,
}

async fn assign_coach(
    State(state): State<WebState>,
    ctx: Ctx,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<CoachForm>,
) -> Result<Response, PageError> {
    let principal = ctx.require()?;
    let id = enrollment_id(&ctx, &id)?;
    let result = match uuid::Uuid::parse_str(f.coach.trim()) {
        Ok(coach) => {
            state
                .app
                .assign_coach(principal, id, cairn_domain::UserId(coach), &ctx.meta)
                .await
        }
        Err(_) => Err(AppError::invalid("coach", "Choose a coach.")),
    };
    match result {
        Ok(_) => Ok(Redirect::to(format!("/enrollments/{id}#coaches"))
            .success("The coach is assigned and was notified.")
            .into_response_with(&state)),
        Err(err) => again(&state, &ctx, id, err).await,
    }
}

async fn end_coach_assignment(
    State(state): State<WebState>,
    ctx: Ctx,
    Path((id, partnership)): Path<(String, String)>,
    CsrfForm(_): CsrfForm<CoachForm>,
) -> Result<Response, PageError> {
    let principal = ctx.require()?;
    let id = enrollment_id(&ctx, &id)?;
    let partnership =
        cairn_domain::PartnershipId(parse_id(&ctx, &partnership, "The coach assignment")?);
    match state
        .app
        .end_coach_assignment(principal, partnership, &ctx.meta)
        .await
    {
        Ok(()) => Ok(Redirect::to(format!("/enrollments/{id}#coaches"))
            .success("The coach assignment ended.")
            .into_response_with(&state)),
        Err(err) => again(&state, &ctx, id, err).await,
    }
}
