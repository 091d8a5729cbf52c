//! Page templates (askama, compiled and autoescaped) and the data each
//! page shows. Templates live in `crates/cairn-web/templates/`.

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use cairn_domain::FieldErrors;
use cairn_domain::role::{Role, RoleSet};

/// Renders a template, or a plain 500 if the template fails.
pub(crate) fn render<T: Template>(template: &T) -> Response {
    match template.render() {
        Ok(html) => Html(html).into_response(),
        Err(err) => {
            tracing::error!(error = %err, "a template failed to render");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "Something went wrong on our side.",
            )
                .into_response()
        }
    }
}

/// The signed-in person, as the header shows them.
#[derive(Clone, Debug)]
pub struct NavUser {
    pub name: String,
    pub platform_admin: bool,
    pub unverified: bool,
    /// Notifications not read yet, shown beside the header's link.
    pub unread: u64,
}

/// A one-time message shown after a redirect.
#[derive(Clone, Debug)]
pub struct FlashMessage {
    pub kind: String,
    pub message: String,
}

/// What the layout of every page needs.
#[derive(Clone, Debug, Default)]
pub struct PageCtx {
    pub csrf: String,
    pub user: Option<NavUser>,
    pub flash: Option<FlashMessage>,
    pub path: String,
}

/// Field errors as a form shows them: next to each field, in a summary,
/// with focus on the first one.
#[derive(Clone, Debug, Default)]
pub struct FormErrors(FieldErrors);

impl FormErrors {
    pub fn get(&self, field: &str) -> Option<&str> {
        self.0.for_field(field)
    }
    pub fn has(&self, field: &str) -> bool {
        self.get(field).is_some()
    }
    pub fn is_first(&self, field: &str) -> bool {
        self.0.iter().next().is_some_and(|e| e.field == field)
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    pub fn list(&self) -> Vec<(String, String)> {
        self.0
            .iter()
            .map(|e| (e.field.clone(), e.message.clone()))
            .collect()
    }
}

impl From<FieldErrors> for FormErrors {
    fn from(errors: FieldErrors) -> Self {
        Self(errors)
    }
}

/// A role checkbox.
#[derive(Clone, Debug)]
pub struct RoleOption {
    pub value: &'static str,
    pub label: &'static str,
    pub checked: bool,
}

pub(crate) fn role_options(selected: RoleSet) -> Vec<RoleOption> {
    Role::ALL
        .into_iter()
        .filter(|r| *r != Role::Member)
        .map(|r| RoleOption {
            value: r.as_str(),
            label: r.label(),
            checked: selected.has(r),
        })
        .collect()
}

pub(crate) fn role_labels(roles: RoleSet) -> String {
    roles
        .roles()
        .iter()
        .map(|r| r.label())
        .collect::<Vec<_>>()
        .join(", ")
}

pub(crate) fn date(t: chrono::DateTime<chrono::Utc>) -> String {
    t.format("%-d %b %Y").to_string()
}

pub(crate) fn date_time(t: chrono::DateTime<chrono::Utc>) -> String {
    t.format("%-d %b %Y, %H:%M UTC").to_string()
}

#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage {
    pub ctx: PageCtx,
    pub title: String,
    pub message: String,
}

#[derive(Template)]
#[template(path = "message.html")]
pub struct MessagePage {
    pub ctx: PageCtx,
    pub title: String,
    pub message: String,
    pub link: Option<(String, String)>,
}

/// One check of a verification report, as the badge's Verify page and the
/// public verifier show it.
#[derive(Debug)]
pub(crate) struct CheckLine {
    pub(crate) title: String,
    /// "Passed", "Failed" or "Not checked".
    pub(crate) outcome: &'static str,
    /// `check-passed`, `check-failed` or `check-skipped`.
    pub(crate) class: &'static str,
    /// The tag's colour: `tag-ok`, `tag-warn`, or none.
    pub(crate) tag: &'static str,
    pub(crate) reason: String,
}

impl CheckLine {
    pub(crate) fn all(checks: &[cairn_app::credentials::verify::Check]) -> Vec<Self> {
        use cairn_app::credentials::verify::Outcome;
        checks
            .iter()
            .map(|c| {
                let (outcome, class, tag) = match c.outcome {
                    Outcome::Passed => ("Passed", "check-passed", "tag-ok"),
                    Outcome::Failed => ("Failed", "check-failed", "tag-warn"),
                    Outcome::Skipped => ("Not checked", "check-skipped", ""),
                };
                Self {
                    title: c.title.to_owned(),
                    outcome,
                    class,
                    tag,
                    reason: c.reason.clone(),
                }
            })
            .collect()
    }
}
