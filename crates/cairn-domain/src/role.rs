//! The roles a person holds in an organization.

use serde::{Deserialize, Serialize};
use thiserror::Error;

/// One role in an organization.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Runs the organization: profile, members, departments, keys.
    Admin,
    /// Defines micro-credentials.
    Author,
    /// Scores submitted evidence against rubrics.
    Reviewer,
    /// Partners with learners.
    Coach,
    /// Belongs to the organization.
    Member,
}

/// An unknown role name.
#[derive(Debug, Error, PartialEq, Eq)]
#[error("Unknown role \"{0}\"; choose admin, author, reviewer, coach or member.")]
pub struct UnknownRole(pub String);

impl Role {
    /// Every role, in the order pages list them.
    pub const ALL: [Role; 5] = [
        Role::Admin,
        Role::Author,
        Role::Reviewer,
        Role::Coach,
        Role::Member,
    ];

    /// The stored and typed name.
    pub const fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Author => "author",
            Role::Reviewer => "reviewer",
            Role::Coach => "coach",
            Role::Member => "member",
        }
    }

    /// What a page calls the role.
    pub const fn label(self) -> &'static str {
        match self {
            Role::Admin => "Administrator",
            Role::Author => "Author",
            Role::Reviewer => "Reviewer",
            Role::Coach => "Coach",
            Role::Member => "Member",
        }
    }

    /// Parses a stored or typed name.
    pub fn parse(input: &str) -> Result<Self, UnknownRole> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == input.trim())
            .ok_or_else(|| UnknownRole(input.trim().to_owned()))
    }

    const fn bit(self) -> u8 {
        match self {
            Role::Admin => 1,
            Role::Author => 2,
            Role::Reviewer => 4,
            Role::Coach => 8,
            Role::Member => 16,
        }
    }
}

/// The set of roles one person holds in one organization. Everyone in an
/// organization holds `Member`; an empty set means "not a member".
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct RoleSet(u8);

impl RoleSet {
    /// Not a member.
    pub const NONE: RoleSet = RoleSet(0);

    /// A set holding the given roles, plus `Member`.
    pub fn of(roles: impl IntoIterator<Item = Role>) -> Self {
        let mut set = RoleSet(Role::Member.bit());
        for role in roles {
            set.0 |= role.bit();
        }
        set
    }

    /// Parses a list of role names, e.g. from checkboxes. Always includes `Member`.
    pub fn parse<'a>(names: impl IntoIterator<Item = &'a str>) -> Result<Self, UnknownRole> {
        let roles = names
            .into_iter()
            .filter(|n| !n.trim().is_empty())
            .map(Role::parse)
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self::of(roles))
    }

    /// Whether the set holds the role.
    pub const fn has(self, role: Role) -> bool {
        self.0 & role.bit() != 0
    }

    /// Whether this is a member at all.
    pub const fn is_member(self) -> bool {
        self.0 != 0
    }

    /// The roles, in canonical order.
    pub fn roles(self) -> Vec<Role> {
        Role::ALL.into_iter().filter(|r| self.has(*r)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_role_set_always_includes_member() {
        let set = RoleSet::parse(["reviewer", "coach"]).expect("valid");
        assert_eq!(set.roles(), vec![Role::Reviewer, Role::Coach, Role::Member]);
        assert!(!set.has(Role::Admin));
        assert!(!RoleSet::NONE.is_member());
        assert_eq!(RoleSet::parse(["owner"]), Err(UnknownRole("owner".into())));
    }
}
