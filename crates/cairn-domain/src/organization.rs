//! Organizations (issuers) and their departments: the values people type
//! into their profiles, parsed into types that cannot hold bad data.

use crate::FieldErrors;
use crate::account::EmailAddress;
use thiserror::Error;

/// A URL-safe, permanent name: `kucrl`, `lawrence-usd-497`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Slug(String);

/// Why a slug was refused.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum SlugError {
    #[error("Use between 2 and 63 characters.")]
    Length,
    #[error(
        "Use lower-case letters, digits and hyphens, starting and ending with a letter or digit."
    )]
    Characters,
    #[error("This name is reserved; choose another.")]
    Reserved,
}

/// Path segments that pages under `/orgs/` already use.
const RESERVED_SLUGS: &[&str] = &[
    "new", "admin", "api", "settings", "static", "assets", "login", "logout",
];

impl Slug {
    /// Parses a slug typed by a person (trimmed, lower-cased).
    pub fn parse(input: &str) -> Result<Self, SlugError> {
        let s = input.trim().to_lowercase();
        if !(2..=63).contains(&s.len()) {
            return Err(SlugError::Length);
        }
        let valid_chars = s
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        if !valid_chars || s.starts_with('-') || s.ends_with('-') || s.contains("--") {
            return Err(SlugError::Characters);
        }
        if RESERVED_SLUGS.contains(&s.as_str()) {
            return Err(SlugError::Reserved);
        }
        Ok(Self(s))
    }

    /// Proposes a slug from a name: "Center for Research on Learning" →
    /// "center-for-research-on-learning".
    pub fn suggest(name: &str) -> String {
        let mut out = String::new();
        for c in name.to_lowercase().chars() {
            if c.is_ascii_alphanumeric() {
                out.push(c);
            } else if !out.is_empty() && !out.ends_with('-') {
                out.push('-');
            }
        }
        let trimmed = out.trim_end_matches('-');
        trimmed
            .chars()
            .take(63)
            .collect::<String>()
            .trim_end_matches('-')
            .to_owned()
    }

    /// The slug.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Slug {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Checks a required single-line name of bounded length.
pub fn parse_name(input: &str, max: usize) -> Result<String, NameError> {
    let trimmed = input.trim();
    if trimmed.is_empty() {
        return Err(NameError::Empty);
    }
    if trimmed.chars().count() > max {
        return Err(NameError::TooLong(max));
    }
    if trimmed.chars().any(char::is_control) {
        return Err(NameError::ControlCharacters);
    }
    Ok(trimmed.to_owned())
}

/// Why a name was refused.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum NameError {
    #[error("Enter a name.")]
    Empty,
    #[error("Use at most {0} characters.")]
    TooLong(usize),
    #[error("A name cannot contain control characters.")]
    ControlCharacters,
}

/// Why a website address was refused.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum WebsiteError {
    #[error("Enter a full web address starting with https:// or http://.")]
    Malformed,
    #[error("A web address is at most 2000 characters long.")]
    TooLong,
}

/// Parses an optional http(s) URL; an empty input means "none".
pub fn parse_website(input: &str) -> Result<Option<String>, WebsiteError> {
    let trimmed = input.trim();
    if trimmed.is_empty() {
        return Ok(None);
    }
    if trimmed.len() > 2000 {
        return Err(WebsiteError::TooLong);
    }
    let url = url::Url::parse(trimmed).map_err(|_| WebsiteError::Malformed)?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(WebsiteError::Malformed);
    }
    Ok(Some(url.to_string()))
}

/// The longest description accepted, in characters.
pub const DESCRIPTION_MAX: usize = 5000;

/// The public profile of an organization, as validated input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OrganizationProfile {
    pub name: String,
    pub website: Option<String>,
    pub contact_email: Option<EmailAddress>,
    pub description: String,
}

/// What a person typed into an organization profile form.
#[derive(Clone, Debug, Default)]
pub struct OrganizationProfileInput<'a> {
    pub name: &'a str,
    pub website: &'a str,
    pub contact_email: &'a str,
    pub description: &'a str,
}

impl OrganizationProfile {
    /// Validates every field, reporting all problems at once.
    pub fn parse(input: &OrganizationProfileInput<'_>) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let name = errors.check("name", parse_name(input.name, 200));
        let website = errors.check("website", parse_website(input.website));
        let contact_email = if input.contact_email.trim().is_empty() {
            Some(None)
        } else {
            errors.check(
                "contact_email",
                EmailAddress::parse(input.contact_email).map(Some),
            )
        };
        let description = input.description.trim();
        if description.chars().count() > DESCRIPTION_MAX {
            errors.add(
                "description",
                format!("Use at most {DESCRIPTION_MAX} characters."),
            );
        }
        match (name, website, contact_email) {
            (Some(name), Some(website), Some(contact_email)) if errors.is_empty() => Ok(Self {
                name,
                website,
                contact_email,
                description: description.to_owned(),
            }),
            _ => Err(errors),
        }
    }
}

/// A department or program, as validated input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DepartmentInput {
    pub name: String,
    pub slug: Slug,
    pub description: String,
}

impl DepartmentInput {
    /// Validates a department form; an empty slug is derived from the name.
    pub fn parse(name: &str, slug: &str, description: &str) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let name = errors.check("name", parse_name(name, 200));
        let slug_text = if slug.trim().is_empty() {
            name.as_deref().map(Slug::suggest).unwrap_or_default()
        } else {
            slug.to_owned()
        };
        let slug = errors.check("slug", Slug::parse(&slug_text));
        let description = description.trim();
        if description.chars().count() > DESCRIPTION_MAX {
            errors.add(
                "description",
                format!("Use at most {DESCRIPTION_MAX} characters."),
            );
        }
        match (name, slug) {
            (Some(name), Some(slug)) if errors.is_empty() => Ok(Self {
                name,
                slug,
                description: description.to_owned(),
            }),
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_url_safe_and_not_reserved() {
        assert_eq!(Slug::parse(" KU-CRL ").expect("valid").as_str(), "ku-crl");
        assert_eq!(Slug::parse("a"), Err(SlugError::Length));
        assert_eq!(Slug::parse("-abc"), Err(SlugError::Characters));
        assert_eq!(Slug::parse("a--b"), Err(SlugError::Characters));
        assert_eq!(Slug::parse("école"), Err(SlugError::Characters));
        assert_eq!(Slug::parse("new"), Err(SlugError::Reserved));
        assert_eq!(
            Slug::suggest("Center for Research on Learning!"),
            "center-for-research-on-learning"
        );
    }

    #[test]
    fn profile_reports_every_bad_field() {
        let errors = OrganizationProfile::parse(&OrganizationProfileInput {
            name: " ",
            website: "javascript:alert(1)",
            contact_email: "nope",
            description: "",
        })
        .expect_err("invalid");
        assert!(errors.for_field("name").is_some());
        assert!(errors.for_field("website").is_some());
        assert!(errors.for_field("contact_email").is_some());
        let ok = OrganizationProfile::parse(&OrganizationProfileInput {
            name: "KU Center for Research on Learning",
            website: "https://kucrl.ku.edu",
            contact_email: "",
            description: "Research center",
        })
        .expect("valid");
        assert_eq!(ok.website.as_deref(), Some("https://kucrl.ku.edu/"));
        assert_eq!(ok.contact_email, None);
    }

    #[test]
    fn department_slug_defaults_to_the_name() {
        let d = DepartmentInput::parse("Special Education", "", "").expect("valid");
        assert_eq!(d.slug.as_str(), "special-education");
    }
}
