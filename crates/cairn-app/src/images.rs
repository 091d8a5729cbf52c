//! Badge images: uploads (PNG checked by content; SVG sanitized and drawn
//! to PNG), designs from the built-in designer, and serving them.

use crate::accounts::Principal;
use crate::{App, AppError, AppResult, RequestMeta};
use cairn_domain::AchievementId;
use cairn_domain::achievement::AchievementStatus;
use cairn_domain::policy::{Action, can};
use cairn_media::design::Design;
use cairn_store::Repos;
use cairn_store::achievements::{Achievement, BadgeImage};

/// The largest badge image accepted, in bytes.
pub const BADGE_MAX_BYTES: usize = 1024 * 1024;
/// The largest side of an uploaded PNG, in pixels.
pub const BADGE_MAX_SIDE: usize = 4096;
/// The width PNGs are drawn at from SVGs.
pub const RENDER_WIDTH: u32 = 512;

/// Which stored form of an image.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImageFormat {
    Png,
    Svg,
}

/// What an upload came to: the updated micro-credential and, for an SVG,
/// what was taken out to make it safe (for the person to read).
#[derive(Clone, Debug)]
pub struct UploadOutcome {
    pub achievement: Achievement,
    pub removed: Vec<String>,
}

fn invalid(message: impl Into<String>) -> AppError {
    AppError::invalid("image", message)
}

fn check_png(bytes: &[u8]) -> AppResult<()> {
    let size = imagesize::blob_size(bytes)
        .map_err(|_| invalid("This PNG file is damaged or incomplete."))?;
    if size.width == 0
        || size.height == 0
        || size.width > BADGE_MAX_SIDE
        || size.height > BADGE_MAX_SIDE
    {
        return Err(invalid("A badge image must be at most 4096 × 4096 pixels."));
    }
    Ok(())
}

/// Draws an SVG to PNG off the async threads.
async fn render(svg: String) -> AppResult<Vec<u8>> {
    tokio::task::spawn_blocking(move || cairn_media::render::render_png(&svg, RENDER_WIDTH))
        .await
        .map_err(|e| AppError::Internal(e.into()))?
        .map_err(|e| invalid(format!("The image could not be drawn: {e}")))
}

/// Checks uploaded bytes into (svg, png, removed).
pub(crate) async fn prepare_upload(
    bytes: &[u8],
) -> AppResult<(Option<String>, Vec<u8>, Vec<String>)> {
    if bytes.is_empty() {
        return Err(invalid("Choose a PNG or SVG file."));
    }
    if bytes.len() > BADGE_MAX_BYTES {
        return Err(invalid(
            "The image is larger than 1 MB; use a smaller file.",
        ));
    }
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        check_png(bytes)?;
        return Ok((None, bytes.to_vec(), Vec::new()));
    }
    let clean = cairn_media::svg::sanitize(bytes).map_err(|e| match e {
        cairn_media::svg::SvgError::NotSvg => {
            invalid("A badge image must be a PNG or an SVG file.")
        }
        other => invalid(format!("{other}.")),
    })?;
    let png = render(clean.svg.clone()).await?;
    Ok((Some(clean.svg), png, clean.removed))
}

impl App {
    /// Replaces a micro-credential's image with an uploaded PNG or SVG.
    pub async fn upload_badge_image(
        &self,
        principal: &Principal,
        id: AchievementId,
        bytes: &[u8],
        meta: &RequestMeta,
    ) -> AppResult<UploadOutcome> {
        let (a, _) = self.achievement_for_author(principal, id).await?;
        let (svg, png, removed) = prepare_upload(bytes).await?;
        let achievement = self
            .store_image(
                principal,
                &a,
                svg,
                png,
                None,
                "achievement.image_uploaded",
                meta,
            )
            .await?;
        Ok(UploadOutcome {
            achievement,
            removed,
        })
    }

    /// Makes a micro-credential's image from a design.
    pub async fn design_badge_image(
        &self,
        principal: &Principal,
        id: AchievementId,
        design: &Design,
        meta: &RequestMeta,
    ) -> AppResult<Achievement> {
        let (a, _) = self.achievement_for_author(principal, id).await?;
        let svg = design_svg(design)?;
        let png = render(svg.clone()).await?;
        let json = serde_json::to_string(design).map_err(|e| AppError::Internal(e.into()))?;
        self.store_image(
            principal,
            &a,
            Some(svg),
            png,
            Some(json),
            "achievement.image_designed",
            meta,
        )
        .await
    }

    #[expect(
        clippy::too_many_arguments,
        reason = "one private step shared by upload and design"
    )]
    async fn store_image(
        &self,
        principal: &Principal,
        a: &Achievement,
        svg: Option<String>,
        png: Vec<u8>,
        design: Option<String>,
        event: &str,
        meta: &RequestMeta,
    ) -> AppResult<Achievement> {
        let stem = format!("badges/{}/{}", a.id, App::new_id());
        let png_key = format!("{stem}.png");
        self.blobs().put(&png_key, &png).await?;
        let svg_key = match &svg {
            Some(svg) => {
                let key = format!("{stem}.svg");
                self.blobs().put(&key, svg.as_bytes()).await?;
                Some(key)
            }
            None => None,
        };
        let image = BadgeImage {
            svg_key: svg_key.clone(),
            png_key: Some(png_key.clone()),
            design,
        };
        let result = async {
            let tx = self.store().begin().await?;
            tx.achievements()
                .set_image(a.id, &image, self.now())
                .await?;
            self.audit(
                &tx,
                meta,
                Some(principal.user.id),
                Some(a.organization_id),
                event,
                serde_json::json!({"achievement": a.id}),
            )
            .await?;
            let saved = tx
                .achievements()
                .get(a.id)
                .await?
                .ok_or_else(|| AppError::not_found("The micro-credential"))?;
            tx.commit().await?;
            Ok::<_, AppError>(saved)
        }
        .await;
        match result {
            Ok(saved) => {
                for old in [a.image.svg_key.clone(), a.image.png_key.clone()]
                    .into_iter()
                    .flatten()
                {
                    self.blobs().delete(&old).await?;
                }
                Ok(saved)
            }
            Err(e) => {
                for key in [Some(png_key), svg_key].into_iter().flatten() {
                    self.blobs().delete(&key).await?;
                }
                Err(e)
            }
        }
    }

    /// A micro-credential's image, and whether anyone may see it: public
    /// once published; drafts only for the organization's staff.
    pub async fn badge_image(
        &self,
        id: AchievementId,
        format: ImageFormat,
        viewer: Option<&Principal>,
    ) -> AppResult<(Vec<u8>, bool)> {
        let a = self
            .store()
            .achievements()
            .get(id)
            .await?
            .ok_or_else(|| AppError::not_found("The image"))?;
        if a.status == AchievementStatus::Draft {
            let roles = self.roles_in(a.organization_id, viewer).await?;
            if !viewer.is_some_and(|p| can(&p.actor, Action::ViewDrafts { roles })) {
                return Err(AppError::not_found("The image"));
            }
        }
        let key = match format {
            ImageFormat::Png => a.image.png_key,
            ImageFormat::Svg => a.image.svg_key,
        }
        .ok_or_else(|| AppError::not_found("The image"))?;
        let public = a.status != AchievementStatus::Draft;
        Ok((self.blobs().get(&key).await?, public))
    }
}

/// A design's SVG, checked: every problem named by field.
pub fn design_svg(design: &Design) -> AppResult<String> {
    if let Err(errors) = design.validate() {
        let mut fields = cairn_domain::FieldErrors::new();
        for e in errors {
            fields.add(e.field, e.message);
        }
        return Err(AppError::Invalid(fields));
    }
    Ok(design.to_svg())
}
