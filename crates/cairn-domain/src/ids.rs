//! Typed identifiers: a `UserId` can never be passed where an
//! `OrganizationId` is expected.

use serde::{Deserialize, Serialize};
use std::fmt;
use uuid::Uuid;

macro_rules! id_type {
    ($($(#[$doc:meta])* $name:ident),* $(,)?) => {$(
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub Uuid);

        impl $name {
            /// Wraps an identifier the caller generated or loaded.
            pub const fn from_uuid(id: Uuid) -> Self {
                Self(id)
            }

            /// The underlying UUID.
            pub const fn as_uuid(&self) -> Uuid {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl From<$name> for Uuid {
            fn from(id: $name) -> Uuid {
                id.0
            }
        }
    )*};
}

id_type!(
    /// A person's account.
    UserId,
    /// One email address attached to an account.
    EmailId,
    /// A signed-in browser session.
    SessionId,
    /// A one-time token sent by email (verification, reset, magic link).
    EmailTokenId,
    /// An issuer.
    OrganizationId,
    /// A department or program inside an organization.
    DepartmentId,
    /// A person's membership in an organization.
    MembershipId,
    /// An invitation to join an organization.
    InvitationId,
    /// A personal API token.
    ApiTokenId,
    /// A unit of background work.
    JobId,
    /// An entry in the audit log.
    AuditEventId,
    /// A micro-credential definition.
    AchievementId,
    /// One version of a micro-credential's criteria, rubric and requirements.
    AchievementVersionId,
    /// A step on an organization's level scale.
    LevelId,
    /// An organization-wide rubric or requirement template.
    TemplateId,
    /// A stack (pathway) of micro-credentials.
    StackId,
    /// A learner's enrollment in one micro-credential.
    EnrollmentId,
    /// A school, district or grant paying for seats.
    SponsorshipId,
    /// One sponsor code.
    SponsorCodeId,
    /// A sponsor seat assigned to a person.
    SeatId,
    /// A payment the organization recorded.
    PaymentId,
    /// A coach–learner partnership.
    PartnershipId,
    /// An invitation to a coach partnership.
    PartnershipInvitationId,
    /// One piece of evidence.
    EvidenceId,
    /// A comment in a thread.
    CommentId,
    /// One frozen submission of the evidence.
    SubmissionId,
    /// One reviewer's review of a submission.
    ReviewId,
    /// An in-app notification.
    NotificationId,
    /// A decided award waiting to be issued.
    AwardRequestId,
    /// An issued credential.
    AwardId,
    /// One of an organization's signing keys.
    IssuerKeyId,
    /// A Bitstring status list.
    StatusListId,
    /// A badge a person imported into their backpack from elsewhere.
    ImportedBadgeId,
    /// A file of people an administrator awards a micro-credential to.
    BulkImportId,
    /// One person (one row) of a bulk award.
    BulkRowId,
);
