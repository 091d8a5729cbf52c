//! What the API sends and accepts.

use cairn_store::api_tokens::ApiToken;
use cairn_store::memberships::{Invitation, Member};
use cairn_store::organizations::{Department, Organization};
use cairn_store::users::UserEmail;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

fn role_names(roles: cairn_domain::role::RoleSet) -> Vec<String> {
    roles
        .roles()
        .iter()
        .map(|r| r.as_str().to_owned())
        .collect()
}

/// The signed-in account.
#[derive(Debug, Serialize, ToSchema)]
pub struct MeDto {
    pub id: Uuid,
    pub display_name: String,
    pub platform_admin: bool,
    pub may_create_organizations: bool,
    pub emails: Vec<EmailDto>,
}

/// One address of the account.
#[derive(Debug, Serialize, ToSchema)]
pub struct EmailDto {
    pub id: Uuid,
    pub email: String,
    pub verified: bool,
    pub primary: bool,
}

impl From<UserEmail> for EmailDto {
    fn from(e: UserEmail) -> Self {
        Self {
            id: e.id.0,
            email: e.email,
            verified: e.verified_at.is_some(),
            primary: e.is_primary,
        }
    }
}

/// A personal API token (never its secret).
#[derive(Debug, Serialize, ToSchema)]
pub struct TokenDto {
    pub id: Uuid,
    pub name: String,
    /// The first characters of the secret, to recognise it.
    pub prefix: String,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub expires_at: Option<DateTime<Utc>>,
    pub revoked: bool,
}

impl From<ApiToken> for TokenDto {
    fn from(t: ApiToken) -> Self {
        Self {
            id: t.id.0,
            name: t.name,
            prefix: t.token_prefix,
            created_at: t.created_at,
            last_used_at: t.last_used_at,
            expires_at: t.expires_at,
            revoked: t.revoked_at.is_some(),
        }
    }
}

/// A token just created, with its secret (shown this once).
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedTokenDto {
    pub token: TokenDto,
    pub secret: String,
}

/// A new token.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewTokenDto {
    pub name: String,
    /// Days until it expires (1–3650); omit for a token that never expires.
    pub expires_in_days: Option<i64>,
}

/// An organization's public profile.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrganizationDto {
    pub id: Uuid,
    pub slug: String,
    pub name: String,
    pub website: Option<String>,
    pub contact_email: Option<String>,
    pub description: String,
    /// Where the logo is served, when there is one.
    pub logo_url: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<Organization> for OrganizationDto {
    fn from(o: Organization) -> Self {
        Self {
            id: o.id.0,
            logo_url: o
                .logo_key
                .as_ref()
                .map(|_| format!("/orgs/{}/logo", o.slug)),
            slug: o.slug,
            name: o.name,
            website: o.website,
            contact_email: o.contact_email,
            description: o.description,
            created_at: o.created_at,
            updated_at: o.updated_at,
        }
    }
}

/// A page of organizations.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrganizationPageDto {
    pub items: Vec<OrganizationDto>,
    pub page: u64,
    pub per_page: u64,
    pub total: u64,
}

/// An organization with its departments.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrganizationDetailDto {
    #[serde(flatten)]
    pub organization: OrganizationDto,
    pub departments: Vec<DepartmentDto>,
}

/// A new organization.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewOrganizationDto {
    pub name: String,
    /// The permanent short name in its address; made from the name when omitted.
    pub slug: Option<String>,
    pub website: Option<String>,
    pub contact_email: Option<String>,
    pub description: Option<String>,
}

/// Changes to a profile; omitted fields keep their value, `""` clears an optional one.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OrganizationPatchDto {
    pub name: Option<String>,
    pub website: Option<String>,
    pub contact_email: Option<String>,
    pub description: Option<String>,
}

/// A department or program.
#[derive(Debug, Serialize, ToSchema)]
pub struct DepartmentDto {
    pub id: Uuid,
    pub slug: String,
    pub name: String,
    pub description: String,
}

impl From<Department> for DepartmentDto {
    fn from(d: Department) -> Self {
        Self {
            id: d.id.0,
            slug: d.slug,
            name: d.name,
            description: d.description,
        }
    }
}

/// A new department.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewDepartmentDto {
    pub name: String,
    pub slug: Option<String>,
    pub description: Option<String>,
}

/// A member of an organization.
#[derive(Debug, Serialize, ToSchema)]
pub struct MemberDto {
    pub user_id: Uuid,
    pub display_name: String,
    pub email: Option<String>,
    /// admin, author, reviewer, coach, member.
    pub roles: Vec<String>,
    pub joined_at: DateTime<Utc>,
}

impl From<Member> for MemberDto {
    fn from(m: Member) -> Self {
        Self {
            user_id: m.user_id.0,
            display_name: m.display_name,
            email: m.primary_email,
            roles: role_names(m.roles),
            joined_at: m.joined_at,
        }
    }
}

/// An invitation to join.
#[derive(Debug, Serialize, ToSchema)]
pub struct InvitationDto {
    pub id: Uuid,
    pub email: String,
    pub roles: Vec<String>,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

impl From<Invitation> for InvitationDto {
    fn from(i: Invitation) -> Self {
        Self {
            id: i.id.0,
            email: i.email,
            roles: role_names(i.roles),
            created_at: i.created_at,
            expires_at: i.expires_at,
        }
    }
}

/// Members and waiting invitations.
#[derive(Debug, Serialize, ToSchema)]
pub struct MembersDto {
    pub members: Vec<MemberDto>,
    pub invitations: Vec<InvitationDto>,
}

/// A new invitation.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewInvitationDto {
    pub email: String,
    /// Any of admin, author, reviewer, coach (everyone is a member).
    #[serde(default)]
    pub roles: Vec<String>,
}
