//! One-time tokens sent by email: what each is for and how long it lives.

use chrono::Duration;

/// What a one-time emailed token lets its holder do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TokenPurpose {
    /// Proves the holder reads an address attached to an account.
    VerifyEmail,
    /// Proves the holder reads an address they want to attach to their account.
    AddEmail,
    /// Lets the holder choose a new password.
    PasswordReset,
    /// Signs the holder in without a password.
    MagicLogin,
    /// Creates the first platform administrator.
    AdminSetup,
}

impl TokenPurpose {
    /// Every purpose.
    pub const ALL: [TokenPurpose; 5] = [
        TokenPurpose::VerifyEmail,
        TokenPurpose::AddEmail,
        TokenPurpose::PasswordReset,
        TokenPurpose::MagicLogin,
        TokenPurpose::AdminSetup,
    ];

    /// The stored name.
    pub const fn as_str(self) -> &'static str {
        match self {
            TokenPurpose::VerifyEmail => "verify_email",
            TokenPurpose::AddEmail => "add_email",
            TokenPurpose::PasswordReset => "password_reset",
            TokenPurpose::MagicLogin => "magic_login",
            TokenPurpose::AdminSetup => "admin_setup",
        }
    }

    /// Parses a stored name.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.as_str() == s)
    }

    /// How long a token stays usable after it is sent.
    pub fn lifetime(self) -> Duration {
        match self {
            TokenPurpose::VerifyEmail | TokenPurpose::AddEmail => Duration::hours(48),
            TokenPurpose::PasswordReset => Duration::hours(1),
            TokenPurpose::MagicLogin => Duration::minutes(15),
            TokenPurpose::AdminSetup => Duration::days(7),
        }
    }
}

/// How long an invitation to an organization stays open.
pub fn invitation_lifetime() -> Duration {
    Duration::days(14)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn purposes_round_trip_and_sign_in_links_are_short_lived() {
        for p in TokenPurpose::ALL {
            assert_eq!(TokenPurpose::parse(p.as_str()), Some(p));
        }
        assert!(TokenPurpose::MagicLogin.lifetime() <= Duration::minutes(15));
        assert!(TokenPurpose::PasswordReset.lifetime() <= Duration::hours(1));
        assert_eq!(TokenPurpose::parse("other"), None);
    }
}
