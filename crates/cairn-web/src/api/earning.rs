//! Earning micro-credentials through the API: joining, enrollments,
//! evidence (files streamed to storage), the checklist, moves, reviews,
//! comments, notifications, coaching, and an organization's review queue
//! and rules. Every handler calls the `App` use cases the pages call, so
//! who may do what is decided there.

use super::earning_dto::{
    ChecklistDto, CoachedLearnerDto, CommentDto, EnrollmentDto, EnrollmentSummaryDto, EvidenceDto,
    EvidencePatchDto, JoinDto, JoinedDto, MoveInputDto, NewCommentDto, NewEvidenceDto,
    NewPartnerInvitationDto, NotificationsDto, PartnerAnswerDto, PartnerAnsweredDto,
    PartnerInvitationDto, QueueDto, QueueParams, RequirementProgressDto, ReviewDto, ReviewInputDto,
    ReviewRulesDto, UnreadDto, UploadParams,
};
use crate::WebState;
use crate::error::{ApiError, ErrorBody};
use crate::extract::{ApiAuth, ApiJson, ApiQuery};
use axum::Json;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use cairn_app::AppError;
use cairn_app::earning::EnrollmentView;
use cairn_domain::achievement::requirement::EvidenceKind;
use cairn_domain::enrollment::{Decision, Move, Visibility};
use cairn_domain::{AchievementId, EnrollmentId, EvidenceId, FieldErrors, ReviewId, SeatId};
use cairn_store::partnerships::InviteeRole;
use cairn_store::reviews::Score;
use uuid::Uuid;

/// The largest body the upload route accepts: the evidence limit plus room
/// for the request's own framing.
pub(super) fn evidence_body_limit() -> usize {
    usize::try_from(cairn_app::earning::MAX_UPLOAD_BYTES)
        .unwrap_or(usize::MAX)
        .saturating_add(64 * 1024)
}

fn uuid_of(text: &str, what: &str) -> Result<Uuid, ApiError> {
    Uuid::parse_str(text).map_err(|_| AppError::not_found(what).into())
}

fn enrollment_id(text: &str) -> Result<EnrollmentId, ApiError> {
    uuid_of(text, "The enrollment").map(EnrollmentId)
}

fn evidence_id(text: &str) -> Result<EvidenceId, ApiError> {
    uuid_of(text, "The evidence").map(EvidenceId)
}

/// Reads a visibility, recording a problem under `visibility`.
fn visibility(text: Option<&str>, default: Visibility, errors: &mut FieldErrors) -> Visibility {
    match text.map(str::trim) {
        None => default,
        Some(t) => Visibility::parse(t).unwrap_or_else(|| {
            errors.add("visibility", "Choose private, organization or public.");
            default
        }),
    }
}

async fn view(
    state: &WebState,
    auth: &ApiAuth,
    id: EnrollmentId,
) -> Result<EnrollmentView, ApiError> {
    Ok(state.app.enrollment_view(&auth.principal, id).await?)
}

async fn enrollment(
    state: &WebState,
    auth: &ApiAuth,
    id: EnrollmentId,
) -> Result<EnrollmentDto, ApiError> {
    let v = view(state, auth, id).await?;
    Ok(EnrollmentDto::new(&v, auth.principal.user.id))
}

/// The evidence item `item` of the enrollment, as the caller may see it.
fn visible_item(v: &EnrollmentView, item: EvidenceId) -> Result<EvidenceDto, ApiError> {
    v.evidence
        .iter()
        .find(|e| e.id == item)
        .map(Into::into)
        .ok_or_else(|| AppError::not_found("The evidence").into())
}

/// Joins a published micro-credential: free, with a sponsor code, with a
/// sponsor's seat, or paying (the enrollment then waits for the
/// organization to record the payment). Someone who left one a sponsor paid
/// for comes back on that payment.
#[utoipa::path(post, path = "/api/v1/achievements/{id}/enrollments", tag = "earning", params(("id" = Uuid, Path)),
    request_body = JoinDto,
    responses((status = 201, body = JoinedDto), (status = 401, body = ErrorBody),
        (status = 403, description = "The account's address is not verified", body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, description = "Joined already", body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub(super) async fn join(
    State(state): State<WebState>,
    auth: ApiAuth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<JoinDto>,
) -> Result<(StatusCode, Json<JoinedDto>), ApiError> {
    let id = AchievementId(uuid_of(&id, "The micro-credential")?);
    let (app, p, meta) = (&state.app, &auth.principal, &auth.meta);
    let (joined, next_step) = match body.funding.trim() {
        "free" => (app.join_free(p, id, meta).await?, None),
        "code" => {
            let code = body
                .code
                .as_deref()
                .filter(|c| !c.trim().is_empty())
                .ok_or_else(|| AppError::invalid("code", "Enter the sponsor code."))?;
            (app.join_with_code(p, id, code, meta).await?, None)
        }
        "seat" => {
            let seat = body
                .seat
                .ok_or_else(|| AppError::invalid("seat", "Choose one of your sponsor seats."))?;
            (app.join_with_seat(p, id, SeatId(seat), meta).await?, None)
        }
        "payment" => app.join_paying(p, id, meta).await?,
        _ => {
            return Err(AppError::invalid("funding", "Choose free, code, seat or payment.").into());
        }
    };
    let payment = if body.funding.trim() == "payment" {
        app.enrollment_payments(p, joined.id)
            .await?
            .into_iter()
            .next()
            .map(Into::into)
    } else {
        None
    };
    let enrollment = enrollment(&state, &auth, joined.id).await?;
    Ok((
        StatusCode::CREATED,
        Json(JoinedDto {
            enrollment,
            payment,
            next_step,
        }),
    ))
}

/// Your enrollments, with their micro-credentials.
#[utoipa::path(get, path = "/api/v1/me/enrollments", tag = "earning",
    responses((status = 200, body = [EnrollmentSummaryDto]), (status = 401, body = ErrorBody)))]
pub(super) async fn my_enrollments(
    State(state): State<WebState>,
    auth: ApiAuth,
) -> Result<Json<Vec<EnrollmentSummaryDto>>, ApiError> {
    let list = state.app.my_enrollments(&auth.principal).await?;
    Ok(Json(
        list.iter()
            .map(|(e, a)| EnrollmentSummaryDto::new(e, a))
            .collect(),
    ))
}

/// An enrollment as you may see it: its state, requirements with progress
/// and checklist, the evidence you may see, comments, submissions and the
/// reviews you may read, and the moves you can make. Anyone without a tie
/// to it (learner, coach, reviewer, the organization's staff) gets 404.
#[utoipa::path(get, path = "/api/v1/enrollments/{id}", tag = "earning", params(("id" = Uuid, Path)),
    responses((status = 200, body = EnrollmentDto), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(super) async fn show(
    State(state): State<WebState>,
    auth: ApiAuth,
    Path(id): Path<String>,
) -> Result<Json<EnrollmentDto>, ApiError> {
    let id = enrollment_id(&id)?;
    Ok(Json(enrollment(&state, &auth, id).await?))
}

/// An incomplete submission is a move the state does not allow yet: 409
/// with the domain's list of what is missing (the pages show it next to
/// the button as a field problem).
fn incomplete_as_conflict(err: AppError) -> AppError {
    match err {
        AppError::Invalid(fields)
            if !fields.is_empty() && fields.iter().all(|f| f.field == "submit") =>
        {
            AppError::Conflict {
                field: Some("submit".to_owned()),
                message: fields
                    .iter()
                    .map(|f| f.message.as_str())
                    .collect::<Vec<_>>()
                    .join(" "),
            }
        }
        other => other,
    }
}

/// Makes a move: `request_feedback`, `submit`, `try_again` and `withdraw`
/// (the learner), `ready` and `meeting_held` (the coach), `confirm` (an
/// administrator of the issuing organization). A move the state does not
/// allow, an incomplete submission, or a stale `lock_version` is refused
/// with 409 and the reason; a move that is not yours with 403 or 404.
#[utoipa::path(post, path = "/api/v1/enrollments/{id}/moves", tag = "earning", params(("id" = Uuid, Path)),
    request_body = MoveInputDto,
    responses((status = 200, description = "The enrollment after the move", body = EnrollmentDto),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(super) async fn make_move(
    State(state): State<WebState>,
    auth: ApiAuth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<MoveInputDto>,
) -> Result<Json<EnrollmentDto>, ApiError> {
    let id = enrollment_id(&id)?;
    let Some(chosen) = Move::parse(body.name.trim()) else {
        let names: Vec<&str> = Move::ALL.iter().map(|m| m.as_str()).collect();
        return Err(
            AppError::invalid("move", format!("Choose one of: {}.", names.join(", "))).into(),
        );
    };
    let (app, p, meta, lock) = (&state.app, &auth.principal, &auth.meta, body.lock_version);
    match chosen {
        Move::RequestFeedback => app.request_feedback(p, id, lock, meta).await?,
        Move::MarkReady => app.mark_ready(p, id, lock, meta).await?,
        Move::Submit => {
            app.submit(p, id, lock, meta)
                .await
                .map_err(incomplete_as_conflict)?;
        }
        Move::Confirm => app.confirm_award(p, id, lock, meta).await?,
        Move::TryAgain => {
            app.try_again(p, id, lock, meta).await?;
        }
        Move::MeetingHeld => app.coach_meeting_held(p, id, lock, meta).await?,
        Move::Withdraw => app.withdraw(p, id, lock, meta).await?,
    }
    Ok(Json(enrollment(&state, &auth, id).await?))
}

/// Adds a link, a reflection (Markdown) or an earned badge as evidence for
/// one requirement, while the work is open (the learner).
#[utoipa::path(post, path = "/api/v1/enrollments/{id}/evidence", tag = "earning", params(("id" = Uuid, Path)),
    request_body = NewEvidenceDto,
    responses((status = 201, body = EvidenceDto), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, description = "Submitted or decided: the evidence is frozen", body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub(super) async fn add_evidence(
    State(state): State<WebState>,
    auth: ApiAuth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<NewEvidenceDto>,
) -> Result<(StatusCode, Json<EvidenceDto>), ApiError> {
    let id = enrollment_id(&id)?;
    let mut errors = FieldErrors::new();
    let kind = EvidenceKind::parse(&body.kind).unwrap_or_else(|| {
        errors.add(
            "kind",
            "Choose link, reflection or badge (upload files to the enrollment's files).",
        );
        EvidenceKind::Reflection
    });
    let visibility = visibility(body.visibility.as_deref(), Visibility::Private, &mut errors);
    errors.into_result().map_err(AppError::Invalid)?;
    let item = state
        .app
        .add_evidence(
            &auth.principal,
            id,
            body.requirement,
            kind,
            body.title.as_deref().unwrap_or_default(),
            &body.text,
            visibility,
            &auth.meta,
        )
        .await?;
    Ok((StatusCode::CREATED, Json((&item).into())))
}

/// Changes an evidence item's title, visibility, or a link's address or a
/// reflection's text, while the work is open (the learner).
#[utoipa::path(patch, path = "/api/v1/enrollments/{id}/evidence/{item}", tag = "earning",
    params(("id" = Uuid, Path), ("item" = Uuid, Path)), request_body = EvidencePatchDto,
    responses((status = 200, body = EvidenceDto), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(super) async fn update_evidence(
    State(state): State<WebState>,
    auth: ApiAuth,
    Path((id, item)): Path<(String, String)>,
    ApiJson(body): ApiJson<EvidencePatchDto>,
) -> Result<Json<EvidenceDto>, ApiError> {
    let (id, item) = (enrollment_id(&id)?, evidence_id(&item)?);
    let before = visible_item(&view(&state, &auth, id).await?, item)?;
    let mut errors = FieldErrors::new();
    let current = Visibility::parse(&before.visibility).unwrap_or_default();
    let visibility = visibility(body.visibility.as_deref(), current, &mut errors);
    errors.into_result().map_err(AppError::Invalid)?;
    state
        .app
        .update_evidence(
            &auth.principal,
            item,
            body.title.as_deref().unwrap_or(&before.title),
            visibility,
            body.text.as_deref(),
            &auth.meta,
        )
        .await?;
    Ok(Json(visible_item(&view(&state, &auth, id).await?, item)?))
}

/// Removes an evidence item while the work is open (the learner).
#[utoipa::path(delete, path = "/api/v1/enrollments/{id}/evidence/{item}", tag = "earning",
    params(("id" = Uuid, Path), ("item" = Uuid, Path)),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody)))]
pub(super) async fn remove_evidence(
    State(state): State<WebState>,
    auth: ApiAuth,
    Path((id, item)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    let (id, item) = (enrollment_id(&id)?, evidence_id(&item)?);
    visible_item(&view(&state, &auth, id).await?, item)?;
    state
        .app
        .remove_evidence(&auth.principal, item, &auth.meta)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

fn media_type(headers: &HeaderMap) -> String {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_ascii_lowercase())
        .unwrap_or_default()
}

/// Uploads a file as evidence for one requirement: the body is the file
/// itself (up to 2 GB), streamed to storage as it arrives. Its kind is told
/// from its content, never from its name or `Content-Type`: a file the
/// requirement does not take (or an SVG, an executable, an archive) is
/// refused with 422 and nothing is kept.
#[utoipa::path(post, path = "/api/v1/enrollments/{id}/files", tag = "earning",
    params(("id" = Uuid, Path), UploadParams),
    request_body(description = "The file itself, at most 2 GB", content(("application/octet-stream"), ("*/*"))),
    responses((status = 201, body = EvidenceDto), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody),
        (status = 415, description = "No Content-Type, or a form instead of the file", body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub(super) async fn upload(
    State(state): State<WebState>,
    auth: ApiAuth,
    Path(id): Path<String>,
    ApiQuery(params): ApiQuery<UploadParams>,
    headers: HeaderMap,
    body: Body,
) -> Result<(StatusCode, Json<EvidenceDto>), ApiError> {
    let id = enrollment_id(&id)?;
    let media = media_type(&headers);
    if media.is_empty()
        || media == "multipart/form-data"
        || media == "application/x-www-form-urlencoded"
    {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "Send the file itself as the body, with a Content-Type (application/octet-stream will do), not a form.",
        ));
    }
    let mut errors = FieldErrors::new();
    let requirement = params
        .requirement
        .as_deref()
        .and_then(|r| r.trim().parse::<u32>().ok())
        .unwrap_or_else(|| {
            errors.add(
                "requirement",
                "Name the requirement by its index (0 for the first).",
            );
            0
        });
    let visibility = visibility(
        params.visibility.as_deref(),
        Visibility::Private,
        &mut errors,
    );
    errors.into_result().map_err(AppError::Invalid)?;
    let item = state
        .app
        .add_file_evidence(
            &auth.principal,
            id,
            requirement,
            params.title.as_deref().unwrap_or_default(),
            params.filename.as_deref().unwrap_or_default(),
            visibility,
            body.into_data_stream(),
            &auth.meta,
        )
        .await?;
    Ok((StatusCode::CREATED, Json((&item).into())))
}

/// An evidence file you may see, as `/evidence/{id}/file` serves it to a
/// signed-in browser: the type told from its content, `ETag`, and single
/// ranges (`Range: bytes=…`, answered 206). Anyone else gets 404.
#[utoipa::path(get, path = "/api/v1/evidence/{id}/file", tag = "earning", params(("id" = Uuid, Path)),
    responses((status = 200, description = "The file", content_type = "application/octet-stream"),
        (status = 206, description = "The range asked for"), (status = 304, description = "Not modified (`If-None-Match`)"),
        (status = 401, body = ErrorBody), (status = 404, body = ErrorBody), (status = 416, description = "A range outside the file")))]
pub(super) async fn evidence_file(
    State(state): State<WebState>,
    auth: ApiAuth,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let id = uuid_of(&id, "The file").map(EvidenceId)?;
    let (key, media_type, file_name, sha256) =
        state.app.evidence_file(Some(&auth.principal), id).await?;
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
    .map_err(|e| AppError::from(e).into())
}

/// Sets one requirement's checklist: the items named are ticked, the
/// others unticked (the learner, while the work is open).
#[utoipa::path(put, path = "/api/v1/enrollments/{id}/checklist/{requirement}", tag = "earning",
    params(("id" = Uuid, Path), ("requirement" = u32, Path, description = "The requirement's index")),
    request_body = ChecklistDto,
    responses((status = 200, body = RequirementProgressDto), (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(super) async fn checklist(
    State(state): State<WebState>,
    auth: ApiAuth,
    Path((id, requirement)): Path<(String, String)>,
    ApiJson(body): ApiJson<ChecklistDto>,
) -> Result<Json<RequirementProgressDto>, ApiError> {
    let id = enrollment_id(&id)?;
    let v = view(&state, &auth, id).await?;
    let found = requirement.trim().parse::<u32>().ok().and_then(|index| {
        v.version
            .requirements
            .get(usize::try_from(index).ok()?)
            .map(|r| (index, r.requirement.checklist.len()))
    });
    let Some((requirement, len)) = found else {
        return Err(AppError::not_found("That requirement").into());
    };
    if let Some(bad) = body
        .ticked
        .iter()
        .find(|i| usize::try_from(**i).map_or(true, |i| i >= len))
    {
        return Err(AppError::invalid(
            "ticked",
            format!("This checklist has {len} items, numbered from 0; there is no item {bad}."),
        )
        .into());
    }
    for item in 0..u32::try_from(len).unwrap_or(u32::MAX) {
        state
            .app
            .tick(
                &auth.principal,
                id,
                requirement,
                item,
                body.ticked.contains(&item),
            )
            .await?;
    }
    let v = view(&state, &auth, id).await?;
    v.progress
        .iter()
        .find(|p| p.index == requirement)
        .map(|p| Json(RequirementProgressDto::new(&v.version, p)))
        .ok_or_else(|| AppError::not_found("That requirement").into())
}

/// Finds the review `review` of the enrollment assigned to the caller.
fn my_review(v: &EnrollmentView, auth: &ApiAuth, review: ReviewId) -> Result<ReviewDto, ApiError> {
    v.submissions
        .iter()
        .find_map(|(s, reviews)| {
            reviews
                .iter()
                .find(|r| r.id == review && r.reviewer_id == auth.principal.user.id)
                .map(|r| ReviewDto::new(v, s, r))
        })
        .ok_or_else(|| AppError::not_found("The review").into())
}

/// A review assigned to you, with the rubric and the evidence exactly as
/// submitted. Anyone else gets 404.
#[utoipa::path(get, path = "/api/v1/enrollments/{id}/reviews/{review}", tag = "reviews",
    params(("id" = Uuid, Path), ("review" = Uuid, Path)),
    responses((status = 200, body = ReviewDto), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(super) async fn review(
    State(state): State<WebState>,
    auth: ApiAuth,
    Path((id, review)): Path<(String, String)>,
) -> Result<Json<ReviewDto>, ApiError> {
    let id = enrollment_id(&id)?;
    let review = ReviewId(uuid_of(&review, "The review")?);
    Ok(Json(my_review(
        &view(&state, &auth, id).await?,
        &auth,
        review,
    )?))
}

/// Completes a review assigned to you: a level (and comment) per rubric
/// criterion, feedback, and a decision. When the reviews settle, the
/// enrollment moves on (back for revision, not yet, waiting for the
/// issuer's confirmation, or an award request).
#[utoipa::path(post, path = "/api/v1/enrollments/{id}/reviews/{review}", tag = "reviews",
    params(("id" = Uuid, Path), ("review" = Uuid, Path)), request_body = ReviewInputDto,
    responses((status = 200, body = ReviewDto), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, description = "Completed already, or the submission is no longer waiting", body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub(super) async fn complete_review(
    State(state): State<WebState>,
    auth: ApiAuth,
    Path((id, review)): Path<(String, String)>,
    ApiJson(body): ApiJson<ReviewInputDto>,
) -> Result<Json<ReviewDto>, ApiError> {
    let id = enrollment_id(&id)?;
    let review = ReviewId(uuid_of(&review, "The review")?);
    my_review(&view(&state, &auth, id).await?, &auth, review)?;
    let Some(decision) = Decision::parse(body.decision.trim()) else {
        return Err(AppError::invalid("decision", "Choose meets, revise or not_yet.").into());
    };
    let scores = body
        .scores
        .into_iter()
        .map(|s| Score {
            level: usize::try_from(s.level).unwrap_or(usize::MAX),
            comment: s.comment.trim().to_owned(),
        })
        .collect();
    state
        .app
        .complete_review(
            &auth.principal,
            review,
            scores,
            &body.feedback,
            decision,
            &auth.meta,
        )
        .await?;
    Ok(Json(my_review(
        &view(&state, &auth, id).await?,
        &auth,
        review,
    )?))
}

/// The enrollment's own thread (comments about no particular item),
/// oldest first.
#[utoipa::path(get, path = "/api/v1/enrollments/{id}/comments", tag = "earning", params(("id" = Uuid, Path)),
    responses((status = 200, body = [CommentDto]), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(super) async fn comments(
    State(state): State<WebState>,
    auth: ApiAuth,
    Path(id): Path<String>,
) -> Result<Json<Vec<CommentDto>>, ApiError> {
    let v = view(&state, &auth, enrollment_id(&id)?).await?;
    Ok(Json(
        v.comments
            .iter()
            .filter(|(c, _)| c.evidence_id.is_none())
            .map(|(c, author)| CommentDto::new(c, author))
            .collect(),
    ))
}

/// Writes in the enrollment's thread (the learner, their coaches, its
/// reviewers and the organization's administrators); the others in it are
/// told.
#[utoipa::path(post, path = "/api/v1/enrollments/{id}/comments", tag = "earning", params(("id" = Uuid, Path)),
    request_body = NewCommentDto,
    responses((status = 201, body = CommentDto), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(super) async fn add_comment(
    State(state): State<WebState>,
    auth: ApiAuth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<NewCommentDto>,
) -> Result<(StatusCode, Json<CommentDto>), ApiError> {
    let id = enrollment_id(&id)?;
    let c = state
        .app
        .comment(&auth.principal, id, None, &body.body, &auth.meta)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(CommentDto::new(&c, &auth.principal.user.display_name)),
    ))
}

/// The thread about one evidence item you may see, oldest first.
#[utoipa::path(get, path = "/api/v1/enrollments/{id}/evidence/{item}/comments", tag = "earning",
    params(("id" = Uuid, Path), ("item" = Uuid, Path)),
    responses((status = 200, body = [CommentDto]), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(super) async fn evidence_comments(
    State(state): State<WebState>,
    auth: ApiAuth,
    Path((id, item)): Path<(String, String)>,
) -> Result<Json<Vec<CommentDto>>, ApiError> {
    let (id, item) = (enrollment_id(&id)?, evidence_id(&item)?);
    let v = view(&state, &auth, id).await?;
    visible_item(&v, item)?;
    Ok(Json(
        v.comments
            .iter()
            .filter(|(c, _)| c.evidence_id == Some(item))
            .map(|(c, author)| CommentDto::new(c, author))
            .collect(),
    ))
}

/// Writes about one evidence item you may see.
#[utoipa::path(post, path = "/api/v1/enrollments/{id}/evidence/{item}/comments", tag = "earning",
    params(("id" = Uuid, Path), ("item" = Uuid, Path)), request_body = NewCommentDto,
    responses((status = 201, body = CommentDto), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(super) async fn add_evidence_comment(
    State(state): State<WebState>,
    auth: ApiAuth,
    Path((id, item)): Path<(String, String)>,
    ApiJson(body): ApiJson<NewCommentDto>,
) -> Result<(StatusCode, Json<CommentDto>), ApiError> {
    let (id, item) = (enrollment_id(&id)?, evidence_id(&item)?);
    visible_item(&view(&state, &auth, id).await?, item)?;
    let c = state
        .app
        .comment(&auth.principal, id, Some(item), &body.body, &auth.meta)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(CommentDto::new(&c, &auth.principal.user.display_name)),
    ))
}

/// Your latest notifications (at most 100), newest first, and how many are
/// unread.
#[utoipa::path(get, path = "/api/v1/me/notifications", tag = "earning",
    responses((status = 200, body = NotificationsDto), (status = 401, body = ErrorBody)))]
pub(super) async fn notifications(
    State(state): State<WebState>,
    auth: ApiAuth,
) -> Result<Json<NotificationsDto>, ApiError> {
    let (items, unread) = state.app.notifications(&auth.principal).await?;
    Ok(Json(NotificationsDto {
        items: items.into_iter().map(Into::into).collect(),
        unread,
    }))
}

/// How many of your notifications are unread.
#[utoipa::path(get, path = "/api/v1/me/notifications/unread", tag = "earning",
    responses((status = 200, body = UnreadDto), (status = 401, body = ErrorBody)))]
pub(super) async fn unread(
    State(state): State<WebState>,
    auth: ApiAuth,
) -> Result<Json<UnreadDto>, ApiError> {
    Ok(Json(UnreadDto {
        unread: state.app.unread_notifications(&auth.principal).await?,
    }))
}

/// Marks all your notifications read.
#[utoipa::path(post, path = "/api/v1/me/notifications/read", tag = "earning",
    responses((status = 204), (status = 401, body = ErrorBody)))]
pub(super) async fn read_all(
    State(state): State<WebState>,
    auth: ApiAuth,
) -> Result<StatusCode, ApiError> {
    state.app.mark_notifications_read(&auth.principal).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The learners you coach, their micro-credentials and what waits for you
/// (a feedback request or a coach meeting) — those first.
#[utoipa::path(get, path = "/api/v1/coaching", tag = "coaching",
    responses((status = 200, body = [CoachedLearnerDto]), (status = 401, body = ErrorBody)))]
pub(super) async fn coaching(
    State(state): State<WebState>,
    auth: ApiAuth,
) -> Result<Json<Vec<CoachedLearnerDto>>, ApiError> {
    let learners = state.app.coach_dashboard(&auth.principal).await?;
    Ok(Json(learners.into_iter().map(Into::into).collect()))
}

/// Invites someone by email to be your coach (`coach`) or your learner
/// (`learner`), for one micro-credential or all; the invitation is emailed
/// and open for 14 days.
#[utoipa::path(post, path = "/api/v1/coaching/invitations", tag = "coaching",
    request_body = NewPartnerInvitationDto,
    responses((status = 201, body = PartnerInvitationDto), (status = 401, body = ErrorBody),
        (status = 403, description = "The account's address is not verified", body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(super) async fn invite_partner(
    State(state): State<WebState>,
    auth: ApiAuth,
    ApiJson(body): ApiJson<NewPartnerInvitationDto>,
) -> Result<(StatusCode, Json<PartnerInvitationDto>), ApiError> {
    let role = InviteeRole::parse(body.role.trim())
        .ok_or_else(|| AppError::invalid("role", "Choose coach or learner."))?;
    let invitation = state
        .app
        .invite_partner(
            &auth.principal,
            &body.email,
            role,
            body.achievement_id.map(AchievementId),
            &auth.meta,
        )
        .await?;
    Ok((StatusCode::CREATED, Json(invitation.into())))
}

/// Accepts or declines an invitation with the token from its emailed link;
/// only the owner of the invited (verified) address may answer.
#[utoipa::path(post, path = "/api/v1/coaching/invitations/answer", tag = "coaching",
    request_body = PartnerAnswerDto,
    responses((status = 200, body = PartnerAnsweredDto), (status = 401, body = ErrorBody),
        (status = 403, description = "Sent to another address", body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, description = "Answered already, expired, or your own", body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub(super) async fn answer_partner(
    State(state): State<WebState>,
    auth: ApiAuth,
    ApiJson(body): ApiJson<PartnerAnswerDto>,
) -> Result<Json<PartnerAnsweredDto>, ApiError> {
    let accept = match body.answer.trim() {
        "accept" => true,
        "decline" => false,
        _ => return Err(AppError::invalid("answer", "Answer accept or decline.").into()),
    };
    let partnership = state
        .app
        .answer_partner_invitation(&auth.principal, body.token.trim(), accept, &auth.meta)
        .await?;
    Ok(Json(PartnerAnsweredDto {
        accepted: accept,
        partnership: partnership.map(Into::into),
    }))
}

/// Open reviews, 50 a page, oldest first: the organization's for its
/// administrators, your own for a reviewer; anyone else is refused.
#[utoipa::path(get, path = "/api/v1/organizations/{slug}/reviews", tag = "reviews",
    params(("slug" = String, Path), QueueParams),
    responses((status = 200, body = QueueDto), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(super) async fn queue(
    State(state): State<WebState>,
    auth: ApiAuth,
    Path(slug): Path<String>,
    ApiQuery(params): ApiQuery<QueueParams>,
) -> Result<Json<QueueDto>, ApiError> {
    let q = state
        .app
        .review_queue(&auth.principal, &slug, params.page.unwrap_or(1))
        .await?;
    Ok(Json(q.into()))
}

/// The organization's review rules (its administrators and reviewers).
#[utoipa::path(get, path = "/api/v1/organizations/{slug}/review-rules", tag = "reviews",
    params(("slug" = String, Path)),
    responses((status = 200, body = ReviewRulesDto), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
pub(super) async fn rules(
    State(state): State<WebState>,
    auth: ApiAuth,
    Path(slug): Path<String>,
) -> Result<Json<ReviewRulesDto>, ApiError> {
    let q = state.app.review_queue(&auth.principal, &slug, 1).await?;
    Ok(Json(q.policy.into()))
}

/// Sets the organization's review rules (administrators): one review or
/// two, and how many "not yet" attempts before a coach meeting.
#[utoipa::path(put, path = "/api/v1/organizations/{slug}/review-rules", tag = "reviews",
    params(("slug" = String, Path)), request_body = ReviewRulesDto,
    responses((status = 200, body = ReviewRulesDto), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(super) async fn set_rules(
    State(state): State<WebState>,
    auth: ApiAuth,
    Path(slug): Path<String>,
    ApiJson(body): ApiJson<ReviewRulesDto>,
) -> Result<Json<ReviewRulesDto>, ApiError> {
    let max = body.max_attempts.map(|n| n.to_string()).unwrap_or_default();
    let policy = state
        .app
        .set_review_policy(&auth.principal, &slug, body.two_reviews, &max, &auth.meta)
        .await?;
    Ok(Json(policy.into()))
}
