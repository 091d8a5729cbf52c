//! Accounts: email addresses, passwords and the names people show.

use thiserror::Error;

/// A syntactically valid, normalized email address (trimmed, lower-cased).
///
/// Cairn compares addresses case-insensitively: `Ana@Example.org` and
/// `ana@example.org` are the same person.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EmailAddress(String);

/// Why an email address was refused.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum EmailError {
    #[error("Enter an email address.")]
    Empty,
    #[error("An email address is at most 254 characters long.")]
    TooLong,
    #[error("Enter an email address like name@example.org.")]
    Malformed,
}

impl EmailAddress {
    /// Parses what a person typed.
    pub fn parse(input: &str) -> Result<Self, EmailError> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err(EmailError::Empty);
        }
        if trimmed.chars().count() > 254 {
            return Err(EmailError::TooLong);
        }
        let normalized = trimmed.to_lowercase();
        let (local, domain) = normalized.split_once('@').ok_or(EmailError::Malformed)?;
        let local_ok = !local.is_empty()
            && local.len() <= 64
            && !local.starts_with('.')
            && !local.ends_with('.')
            && !local.contains("..")
            && local
                .chars()
                .all(|c| c.is_alphanumeric() || "!#$%&'*+-/=?^_`{|}~.".contains(c));
        let domain_ok = domain.contains('.')
            && domain.split('.').all(|label| {
                !label.is_empty()
                    && label.len() <= 63
                    && !label.starts_with('-')
                    && !label.ends_with('-')
                    && label.chars().all(|c| c.is_alphanumeric() || c == '-')
            });
        if local_ok && domain_ok {
            Ok(Self(normalized))
        } else {
            Err(EmailError::Malformed)
        }
    }

    /// The normalized address.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for EmailAddress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A password that meets the policy. Its `Debug` never shows the text.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

/// Why a password was refused.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum PasswordError {
    #[error("Use at least {min} characters.", min = Password::MIN_CHARS)]
    TooShort,
    #[error("Use at most {max} characters.", max = Password::MAX_CHARS)]
    TooLong,
    #[error("Choose a password that is not your email address.")]
    SameAsEmail,
    #[error("This password is too common; choose another.")]
    TooCommon,
}

/// Passwords seen in every breach list; refused outright.
const COMMON_PASSWORDS: &[&str] = &[
    "password",
    "password1",
    "password12",
    "password123",
    "1234567890",
    "12345678910",
    "qwertyuiop",
    "iloveyou12",
    "letmein123",
    "welcome123",
    "changeme12",
    "cairncairn",
    "abcdefghij",
    "0123456789",
    "1111111111",
    "aaaaaaaaaa",
    "administrator",
    "passw0rd12",
];

impl Password {
    /// The fewest characters accepted (NIST SP 800-63B asks for at least 8).
    pub const MIN_CHARS: usize = 10;
    /// The most characters accepted, so hashing cost stays bounded.
    pub const MAX_CHARS: usize = 256;

    /// Checks a new password against the policy.
    pub fn new(input: &str, email: Option<&EmailAddress>) -> Result<Self, PasswordError> {
        let count = input.chars().count();
        if count < Self::MIN_CHARS {
            return Err(PasswordError::TooShort);
        }
        if count > Self::MAX_CHARS {
            return Err(PasswordError::TooLong);
        }
        if email.is_some_and(|e| e.as_str() == input.trim().to_lowercase()) {
            return Err(PasswordError::SameAsEmail);
        }
        if COMMON_PASSWORDS.contains(&input.to_lowercase().as_str()) {
            return Err(PasswordError::TooCommon);
        }
        Ok(Self(input.to_owned()))
    }

    /// The text, for hashing.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(<redacted>)")
    }
}

/// The name a person shows to others.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DisplayName(String);

/// Why a display name was refused.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum DisplayNameError {
    #[error("Enter your name.")]
    Empty,
    #[error("A name is at most 100 characters long.")]
    TooLong,
    #[error("A name cannot contain control characters.")]
    ControlCharacters,
}

impl DisplayName {
    /// Parses a name: trimmed, 1 to 100 characters, no control characters.
    pub fn parse(input: &str) -> Result<Self, DisplayNameError> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err(DisplayNameError::Empty);
        }
        if trimmed.chars().count() > 100 {
            return Err(DisplayNameError::TooLong);
        }
        if trimmed.chars().any(char::is_control) {
            return Err(DisplayNameError::ControlCharacters);
        }
        Ok(Self(trimmed.to_owned()))
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// What is known about an account when deciding what it may do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Actor {
    pub user_id: crate::UserId,
    /// Runs the whole platform.
    pub platform_admin: bool,
    /// Approved by a platform administrator to create organizations.
    pub may_create_organizations: bool,
    /// The account's primary email address is verified.
    pub email_verified: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_normalized_and_checked() {
        let e = EmailAddress::parse("  Ana.Lopez@Example.ORG ").expect("valid");
        assert_eq!(e.as_str(), "ana.lopez@example.org");
        for bad in [
            "",
            "ana",
            "ana@",
            "@example.org",
            "ana@example",
            "a b@example.org",
            "ana@@x.org",
            ".ana@x.org",
            "ana@-x.org",
        ] {
            assert!(EmailAddress::parse(bad).is_err(), "{bad} should be refused");
        }
        assert_eq!(
            EmailAddress::parse(&format!("{}@x.org", "a".repeat(260))),
            Err(EmailError::TooLong)
        );
    }

    #[test]
    fn passwords_follow_the_policy() {
        let email = EmailAddress::parse("ana@example.org").expect("valid");
        assert_eq!(Password::new("short", None), Err(PasswordError::TooShort));
        assert_eq!(
            Password::new("ana@example.org", Some(&email)),
            Err(PasswordError::SameAsEmail)
        );
        assert_eq!(
            Password::new("Password123", None),
            Err(PasswordError::TooCommon)
        );
        assert_eq!(
            Password::new(&"x".repeat(257), None),
            Err(PasswordError::TooLong)
        );
        let ok = Password::new("correct horse battery", Some(&email)).expect("valid");
        assert_eq!(format!("{ok:?}"), "Password(<redacted>)");
    }

    #[test]
    fn display_names_are_trimmed_and_bounded() {
        assert_eq!(
            DisplayName::parse("  Ana  ").expect("valid").as_str(),
            "Ana"
        );
        assert_eq!(DisplayName::parse("   "), Err(DisplayNameError::Empty));
        assert_eq!(
            DisplayName::parse(&"a".repeat(101)),
            Err(DisplayNameError::TooLong)
        );
        assert_eq!(
            DisplayName::parse("a\u{7}b"),
            Err(DisplayNameError::ControlCharacters)
        );
    }
}
