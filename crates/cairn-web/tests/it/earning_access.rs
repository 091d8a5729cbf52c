//! Who sees and does what around one learner's work: every kind of viewer
//! against the enrollment page, each evidence file (whole, by range and by
//! HEAD), the review form, reviews, comments, moves, the review queue and
//! the dashboards, all read from one table, [`MATRIX`], through the pages
//! and again through the JSON API (with personal tokens; [`through_api`]
//! says how the same rule answers there).
//!
//! The story runs on the demo district (Meadowlark Unified). Lena joins a
//! free micro-credential, writes a private and an organization-wide
//! reflection, uploads one file of each visibility and submits; Riley, the
//! district's only reviewer at that moment, is assigned. Leo joins the same
//! micro-credential with a private file of his own, and removes another.
//! Casey (a district coach) coaches Lena; Uma, who joins the district as a
//! coach, coaches Leo. Rae becomes a district reviewer after the
//! submission, so she is not assigned. Priya is an author and Dana the
//! administrator of the district; Rosa reviews for, and Ada administers,
//! another organization; Sam has an account and no tie to anyone.

use crate::{on_each_backend, verified_user};
use cairn_domain::account::EmailAddress;
use cairn_domain::enrollment::StateName;
use cairn_domain::{EnrollmentId, EvidenceId, ReviewId, UserId};
use cairn_store::Repos;
use cairn_store::enrollments::EvidenceContent;
use cairn_test_support::earning::demo_email;
use cairn_test_support::{TestApp, TestClient, TestResponse};
use reqwest::Method;
use serde_json::{Value, json};
use std::collections::HashMap;

/// Who is asking.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Who {
    /// Lena, whose enrollment it is.
    Learner,
    /// Casey: Lena's coach, and a coach of the district.
    Coach,
    /// Uma: a coach of the district who coaches Leo, not Lena.
    OtherCoach,
    /// Riley: the reviewer assigned to Lena's submission.
    Reviewer,
    /// Rae: a reviewer of the district, not assigned to it.
    OtherReviewer,
    /// Priya: an author of the district.
    Author,
    /// Dana: the district's administrator.
    Admin,
    /// Leo: another learner, on the same micro-credential.
    OtherLearner,
    /// Rosa: a reviewer of another organization.
    OtherOrgMember,
    /// Ada: the administrator of another organization.
    OtherOrgAdmin,
    /// Sam: signed in, tied to nobody.
    Stranger,
    /// Not signed in.
    Anonymous,
}

use Who::*;

const EVERYONE: [Who; 12] = [
    Learner,
    Coach,
    OtherCoach,
    Reviewer,
    OtherReviewer,
    Author,
    Admin,
    OtherLearner,
    OtherOrgMember,
    OtherOrgAdmin,
    Stranger,
    Anonymous,
];

/// What is asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Res {
    // Lena's enrollment, submitted, with Riley assigned.
    /// `GET /enrollments/{lena}`.
    Page,
    /// Her private reflection's text, on her page.
    PrivateReflection,
    /// Her organization-wide reflection's text, on her page.
    OrgReflection,
    /// `GET /evidence/{id}/file` whole, with `Range: bytes=0-7` and as
    /// HEAD; and the file's name and link on her page.
    PrivateFile,
    OrgFile,
    PublicFile,
    /// The "Your review" form on her page.
    ReviewForm,
    /// `POST /enrollments/{lena}/reviews/{riley's review}`: "meets".
    Review,
    /// `POST /enrollments/{lena}/comments`.
    Comment,
    /// Casey's comment on her private reflection, on her page.
    PrivateItemComment,
    /// `POST /enrollments/{lena}/comments` about her private reflection.
    CommentOnPrivateItem,
    /// `POST /enrollments/{lena}/act` confirm: an administrator's move,
    /// while the state waits for no confirmation.
    Confirm,
    /// `GET /orgs/meadowlark-usd/reviews` lists her submission.
    Queue,
    /// `GET /coaching` lists her enrollment.
    Coaching,
    /// `GET /learning` lists her enrollment.
    Learning,
    // Leo's enrollment, in progress.
    /// `GET /enrollments/{leo}`.
    LeoPage,
    /// His private file, as `PrivateFile` (on his page).
    LeoFile,
    /// A file he removed: its old URL, and its name on his page.
    LeoRemovedFile,
    /// `POST /enrollments/{leo}/evidence`: a reflection.
    LeoAddEvidence,
    /// `POST /enrollments/{leo}/files`: a file.
    LeoUpload,
    /// `POST /enrollments/{leo}/checklist`: a tick.
    LeoChecklist,
    /// `POST /enrollments/{leo}/evidence/{his private file}/remove`.
    LeoRemoveEvidence,
    /// `POST /enrollments/{leo}/act` ready: his coach's move.
    LeoMarkReady,
    /// `POST /enrollments/{leo}/act` withdraw: his own move.
    LeoWithdraw,
    // Lena's files once the reviewer decided "meets" and the award is
    // requested, then once the credential is issued (Awarded).
    PublicFileAwardRequested,
    PublicFileAwarded,
    OrgFileAwarded,
    PrivateFileAwarded,
}

use Res::*;

/// The answer expected.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Want {
    /// 200 (206 for a range) with the content.
    See,
    /// 200, without the content.
    Without,
    /// 404, without the content.
    NotFound,
    /// 403, without the content.
    Forbidden,
    /// 303 to the login page.
    LogIn,
    /// 303 back to the page: the form was accepted.
    Done,
    /// 409: the person may, but not in this state; nothing changes.
    Conflict,
    /// 401: the API without a token (never in the table: see
    /// [`through_api`]).
    Unauthorized,
}

/// How a request comes in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Door {
    /// A browser on the pages, with its session.
    Pages,
    /// The JSON API, with the person's personal token.
    Api,
}

/// The same rule through the API: everything needs a token, and two
/// refusals follow the shape of the API's resources.
fn through_api(who: Who, res: Res, want: Want) -> Want {
    match (who, res, want) {
        (Anonymous, _, _) => Unauthorized,
        // A review is a resource of its own there, found by its reviewer
        // only, rather than a form on a page others see without it.
        (_, ReviewForm, Without) => NotFound,
        // The item is looked up before the thread: staff who may not see
        // it do not find it.
        (_, CommentOnPrivateItem, Forbidden) => NotFound,
        _ => want,
    }
}

use Want::*;

/// The rules, one row per viewer and resource.
#[rustfmt::skip]
const MATRIX: &[(Who, Res, Want)] = &[
    // Lena's page: her ties and the district's staff open it.
    (Learner,        Page, See),
    (Coach,          Page, See),
    (OtherCoach,     Page, See),
    (Reviewer,       Page, See),
    (OtherReviewer,  Page, See),
    (Author,         Page, See),
    (Admin,          Page, See),
    (OtherLearner,   Page, NotFound),
    (OtherOrgMember, Page, NotFound),
    (OtherOrgAdmin,  Page, NotFound),
    (Stranger,       Page, NotFound),
    (Anonymous,      Page, LogIn),
    // Private evidence: Lena, her coach and her assigned reviewer only.
    (Learner,        PrivateReflection, See),
    (Coach,          PrivateReflection, See),
    (OtherCoach,     PrivateReflection, Without),
    (Reviewer,       PrivateReflection, See),
    (OtherReviewer,  PrivateReflection, Without),
    (Author,         PrivateReflection, Without),
    (Admin,          PrivateReflection, Without),
    (OtherLearner,   PrivateReflection, NotFound),
    (OtherOrgMember, PrivateReflection, NotFound),
    (OtherOrgAdmin,  PrivateReflection, NotFound),
    (Stranger,       PrivateReflection, NotFound),
    (Anonymous,      PrivateReflection, LogIn),
    (Learner,        PrivateFile, See),
    (Coach,          PrivateFile, See),
    (OtherCoach,     PrivateFile, NotFound),
    (Reviewer,       PrivateFile, See),
    (OtherReviewer,  PrivateFile, NotFound),
    (Author,         PrivateFile, NotFound),
    (Admin,          PrivateFile, NotFound),
    (OtherLearner,   PrivateFile, NotFound),
    (OtherOrgMember, PrivateFile, NotFound),
    (OtherOrgAdmin,  PrivateFile, NotFound),
    (Stranger,       PrivateFile, NotFound),
    (Anonymous,      PrivateFile, NotFound),
    // Organization evidence: also the district's staff and administrators.
    (Learner,        OrgReflection, See),
    (Coach,          OrgReflection, See),
    (OtherCoach,     OrgReflection, See),
    (Reviewer,       OrgReflection, See),
    (OtherReviewer,  OrgReflection, See),
    (Author,         OrgReflection, See),
    (Admin,          OrgReflection, See),
    (OtherLearner,   OrgReflection, NotFound),
    (OtherOrgMember, OrgReflection, NotFound),
    (OtherOrgAdmin,  OrgReflection, NotFound),
    (Stranger,       OrgReflection, NotFound),
    (Anonymous,      OrgReflection, LogIn),
    (Learner,        OrgFile, See),
    (Coach,          OrgFile, See),
    (OtherCoach,     OrgFile, See),
    (Reviewer,       OrgFile, See),
    (OtherReviewer,  OrgFile, See),
    (Author,         OrgFile, See),
    (Admin,          OrgFile, See),
    (OtherLearner,   OrgFile, NotFound),
    (OtherOrgMember, OrgFile, NotFound),
    (OtherOrgAdmin,  OrgFile, NotFound),
    (Stranger,       OrgFile, NotFound),
    (Anonymous,      OrgFile, NotFound),
    // Public evidence, before the award: like organization evidence.
    (Learner,        PublicFile, See),
    (Coach,          PublicFile, See),
    (OtherCoach,     PublicFile, See),
    (Reviewer,       PublicFile, See),
    (OtherReviewer,  PublicFile, See),
    (Author,         PublicFile, See),
    (Admin,          PublicFile, See),
    (OtherLearner,   PublicFile, NotFound),
    (OtherOrgMember, PublicFile, NotFound),
    (OtherOrgAdmin,  PublicFile, NotFound),
    (Stranger,       PublicFile, NotFound),
    (Anonymous,      PublicFile, NotFound),
    // The review form is shown to the assigned reviewer only; posting a
    // review on someone else's assignment finds nothing.
    (Learner,        ReviewForm, Without),
    (Coach,          ReviewForm, Without),
    (OtherCoach,     ReviewForm, Without),
    (Reviewer,       ReviewForm, See),
    (OtherReviewer,  ReviewForm, Without),
    (Author,         ReviewForm, Without),
    (Admin,          ReviewForm, Without),
    (OtherLearner,   ReviewForm, NotFound),
    (OtherOrgMember, ReviewForm, NotFound),
    (OtherOrgAdmin,  ReviewForm, NotFound),
    (Stranger,       ReviewForm, NotFound),
    (Anonymous,      ReviewForm, LogIn),
    (Learner,        Review, NotFound),
    (Coach,          Review, NotFound),
    (OtherCoach,     Review, NotFound),
    (Reviewer,       Review, Done),
    (OtherReviewer,  Review, NotFound),
    (Author,         Review, NotFound),
    (Admin,          Review, NotFound),
    (OtherLearner,   Review, NotFound),
    (OtherOrgMember, Review, NotFound),
    (OtherOrgAdmin,  Review, NotFound),
    (Stranger,       Review, NotFound),
    (Anonymous,      Review, LogIn),
    // The conversation: the learner, coach, reviewer and administrators
    // write; other staff read only.
    (Learner,        Comment, Done),
    (Coach,          Comment, Done),
    (OtherCoach,     Comment, Forbidden),
    (Reviewer,       Comment, Done),
    (OtherReviewer,  Comment, Forbidden),
    (Author,         Comment, Forbidden),
    (Admin,          Comment, Done),
    (OtherLearner,   Comment, NotFound),
    (OtherOrgMember, Comment, NotFound),
    (OtherOrgAdmin,  Comment, NotFound),
    (Stranger,       Comment, NotFound),
    (Anonymous,      Comment, LogIn),
    // A comment about a private item is as private as the item: staff
    // who may not see the item do not read about it, and an
    // administrator (who writes in the thread) cannot write about it.
    (Learner,        PrivateItemComment, See),
    (Coach,          PrivateItemComment, See),
    (OtherCoach,     PrivateItemComment, Without),
    (Reviewer,       PrivateItemComment, See),
    (OtherReviewer,  PrivateItemComment, Without),
    (Author,         PrivateItemComment, Without),
    (Admin,          PrivateItemComment, Without),
    (OtherLearner,   PrivateItemComment, NotFound),
    (OtherOrgMember, PrivateItemComment, NotFound),
    (OtherOrgAdmin,  PrivateItemComment, NotFound),
    (Stranger,       PrivateItemComment, NotFound),
    (Anonymous,      PrivateItemComment, LogIn),
    (Learner,        CommentOnPrivateItem, Done),
    (Coach,          CommentOnPrivateItem, Done),
    (OtherCoach,     CommentOnPrivateItem, Forbidden),
    (Reviewer,       CommentOnPrivateItem, Done),
    (OtherReviewer,  CommentOnPrivateItem, Forbidden),
    (Author,         CommentOnPrivateItem, Forbidden),
    (Admin,          CommentOnPrivateItem, NotFound),
    (OtherLearner,   CommentOnPrivateItem, NotFound),
    (OtherOrgMember, CommentOnPrivateItem, NotFound),
    (OtherOrgAdmin,  CommentOnPrivateItem, NotFound),
    (Stranger,       CommentOnPrivateItem, NotFound),
    (Anonymous,      CommentOnPrivateItem, LogIn),
    // Confirming is the administrator's, and only once a "meets" waits
    // for it.
    (Learner,        Confirm, Forbidden),
    (Coach,          Confirm, Forbidden),
    (OtherCoach,     Confirm, Forbidden),
    (Reviewer,       Confirm, Forbidden),
    (OtherReviewer,  Confirm, Forbidden),
    (Author,         Confirm, Forbidden),
    (Admin,          Confirm, Conflict),
    (OtherLearner,   Confirm, NotFound),
    (OtherOrgMember, Confirm, NotFound),
    (OtherOrgAdmin,  Confirm, NotFound),
    (Stranger,       Confirm, NotFound),
    (Anonymous,      Confirm, LogIn),
    // The queue: the administrator sees the organization's, a reviewer
    // their own assignments; nobody else has one.
    (Learner,        Queue, Forbidden),
    (Coach,          Queue, Forbidden),
    (OtherCoach,     Queue, Forbidden),
    (Reviewer,       Queue, See),
    (OtherReviewer,  Queue, Without),
    (Author,         Queue, Forbidden),
    (Admin,          Queue, See),
    (OtherLearner,   Queue, Forbidden),
    (OtherOrgMember, Queue, Forbidden),
    (OtherOrgAdmin,  Queue, Forbidden),
    (Stranger,       Queue, Forbidden),
    (Anonymous,      Queue, LogIn),
    // Dashboards list Lena to her coach and to herself only.
    (Learner,        Coaching, Without),
    (Coach,          Coaching, See),
    (OtherCoach,     Coaching, Without),
    (Reviewer,       Coaching, Without),
    (OtherReviewer,  Coaching, Without),
    (Author,         Coaching, Without),
    (Admin,          Coaching, Without),
    (OtherLearner,   Coaching, Without),
    (OtherOrgMember, Coaching, Without),
    (OtherOrgAdmin,  Coaching, Without),
    (Stranger,       Coaching, Without),
    (Anonymous,      Coaching, LogIn),
    (Learner,        Learning, See),
    (Coach,          Learning, Without),
    (OtherCoach,     Learning, Without),
    (Reviewer,       Learning, Without),
    (OtherReviewer,  Learning, Without),
    (Author,         Learning, Without),
    (Admin,          Learning, Without),
    (OtherLearner,   Learning, Without),
    (OtherOrgMember, Learning, Without),
    (OtherOrgAdmin,  Learning, Without),
    (Stranger,       Learning, Without),
    (Anonymous,      Learning, LogIn),
    // Leo's enrollment: Lena is a stranger to it, and Riley reviews
    // nothing of his, so his private file is his and Uma's only.
    (Learner,        LeoPage, NotFound),
    (Coach,          LeoPage, See),
    (OtherCoach,     LeoPage, See),
    (Reviewer,       LeoPage, See),
    (OtherReviewer,  LeoPage, See),
    (Author,         LeoPage, See),
    (Admin,          LeoPage, See),
    (OtherLearner,   LeoPage, See),
    (OtherOrgMember, LeoPage, NotFound),
    (OtherOrgAdmin,  LeoPage, NotFound),
    (Stranger,       LeoPage, NotFound),
    (Anonymous,      LeoPage, LogIn),
    (Learner,        LeoFile, NotFound),
    (Coach,          LeoFile, NotFound),
    (OtherCoach,     LeoFile, See),
    (Reviewer,       LeoFile, NotFound),
    (OtherReviewer,  LeoFile, NotFound),
    (Author,         LeoFile, NotFound),
    (Admin,          LeoFile, NotFound),
    (OtherLearner,   LeoFile, See),
    (OtherOrgMember, LeoFile, NotFound),
    (OtherOrgAdmin,  LeoFile, NotFound),
    (Stranger,       LeoFile, NotFound),
    (Anonymous,      LeoFile, NotFound),
    // A removed item's file is gone for everyone, its owner included.
    (Learner,        LeoRemovedFile, NotFound),
    (Coach,          LeoRemovedFile, NotFound),
    (OtherCoach,     LeoRemovedFile, NotFound),
    (Reviewer,       LeoRemovedFile, NotFound),
    (OtherReviewer,  LeoRemovedFile, NotFound),
    (Author,         LeoRemovedFile, NotFound),
    (Admin,          LeoRemovedFile, NotFound),
    (OtherLearner,   LeoRemovedFile, NotFound),
    (OtherOrgMember, LeoRemovedFile, NotFound),
    (OtherOrgAdmin,  LeoRemovedFile, NotFound),
    (Stranger,       LeoRemovedFile, NotFound),
    (Anonymous,      LeoRemovedFile, NotFound),
    // Evidence is the learner's own to add, tick and remove: his coach
    // included, nobody else finds an enrollment to change.
    (Learner,        LeoAddEvidence, NotFound),
    (Coach,          LeoAddEvidence, NotFound),
    (OtherCoach,     LeoAddEvidence, NotFound),
    (Reviewer,       LeoAddEvidence, NotFound),
    (OtherReviewer,  LeoAddEvidence, NotFound),
    (Author,         LeoAddEvidence, NotFound),
    (Admin,          LeoAddEvidence, NotFound),
    (OtherLearner,   LeoAddEvidence, Done),
    (OtherOrgMember, LeoAddEvidence, NotFound),
    (OtherOrgAdmin,  LeoAddEvidence, NotFound),
    (Stranger,       LeoAddEvidence, NotFound),
    (Anonymous,      LeoAddEvidence, LogIn),
    (Learner,        LeoUpload, NotFound),
    (Coach,          LeoUpload, NotFound),
    (OtherCoach,     LeoUpload, NotFound),
    (Reviewer,       LeoUpload, NotFound),
    (OtherReviewer,  LeoUpload, NotFound),
    (Author,         LeoUpload, NotFound),
    (Admin,          LeoUpload, NotFound),
    (OtherLearner,   LeoUpload, Done),
    (OtherOrgMember, LeoUpload, NotFound),
    (OtherOrgAdmin,  LeoUpload, NotFound),
    (Stranger,       LeoUpload, NotFound),
    (Anonymous,      LeoUpload, LogIn),
    (Learner,        LeoChecklist, NotFound),
    (Coach,          LeoChecklist, NotFound),
    (OtherCoach,     LeoChecklist, NotFound),
    (Reviewer,       LeoChecklist, NotFound),
    (OtherReviewer,  LeoChecklist, NotFound),
    (Author,         LeoChecklist, NotFound),
    (Admin,          LeoChecklist, NotFound),
    (OtherLearner,   LeoChecklist, Done),
    (OtherOrgMember, LeoChecklist, NotFound),
    (OtherOrgAdmin,  LeoChecklist, NotFound),
    (Stranger,       LeoChecklist, NotFound),
    (Anonymous,      LeoChecklist, LogIn),
    (Learner,        LeoRemoveEvidence, NotFound),
    (Coach,          LeoRemoveEvidence, NotFound),
    (OtherCoach,     LeoRemoveEvidence, NotFound),
    (Reviewer,       LeoRemoveEvidence, NotFound),
    (OtherReviewer,  LeoRemoveEvidence, NotFound),
    (Author,         LeoRemoveEvidence, NotFound),
    (Admin,          LeoRemoveEvidence, NotFound),
    (OtherLearner,   LeoRemoveEvidence, Done),
    (OtherOrgMember, LeoRemoveEvidence, NotFound),
    (OtherOrgAdmin,  LeoRemoveEvidence, NotFound),
    (Stranger,       LeoRemoveEvidence, NotFound),
    (Anonymous,      LeoRemoveEvidence, LogIn),
    // Moves on Leo's enrollment: "ready" is his coach's, leaving is his.
    (Learner,        LeoMarkReady, NotFound),
    (Coach,          LeoMarkReady, Forbidden),
    (OtherCoach,     LeoMarkReady, Done),
    (Reviewer,       LeoMarkReady, Forbidden),
    (OtherReviewer,  LeoMarkReady, Forbidden),
    (Author,         LeoMarkReady, Forbidden),
    (Admin,          LeoMarkReady, Forbidden),
    (OtherLearner,   LeoMarkReady, Forbidden),
    (OtherOrgMember, LeoMarkReady, NotFound),
    (OtherOrgAdmin,  LeoMarkReady, NotFound),
    (Stranger,       LeoMarkReady, NotFound),
    (Anonymous,      LeoMarkReady, LogIn),
    (Learner,        LeoWithdraw, NotFound),
    (Coach,          LeoWithdraw, Forbidden),
    (OtherCoach,     LeoWithdraw, Forbidden),
    (Reviewer,       LeoWithdraw, Forbidden),
    (OtherReviewer,  LeoWithdraw, Forbidden),
    (Author,         LeoWithdraw, Forbidden),
    (Admin,          LeoWithdraw, Forbidden),
    (OtherLearner,   LeoWithdraw, Done),
    (OtherOrgMember, LeoWithdraw, NotFound),
    (OtherOrgAdmin,  LeoWithdraw, NotFound),
    (Stranger,       LeoWithdraw, NotFound),
    (Anonymous,      LeoWithdraw, LogIn),
    // An award request is not an award: public stays unpublished...
    (Learner,        PublicFileAwardRequested, See),
    (Coach,          PublicFileAwardRequested, See),
    (OtherCoach,     PublicFileAwardRequested, See),
    (Reviewer,       PublicFileAwardRequested, See),
    (OtherReviewer,  PublicFileAwardRequested, See),
    (Author,         PublicFileAwardRequested, See),
    (Admin,          PublicFileAwardRequested, See),
    (OtherLearner,   PublicFileAwardRequested, NotFound),
    (OtherOrgMember, PublicFileAwardRequested, NotFound),
    (OtherOrgAdmin,  PublicFileAwardRequested, NotFound),
    (Stranger,       PublicFileAwardRequested, NotFound),
    (Anonymous,      PublicFileAwardRequested, NotFound),
    // ...until the credential is issued: then anyone may open it, and
    // nothing else opens up.
    (Learner,        PublicFileAwarded, See),
    (Coach,          PublicFileAwarded, See),
    (OtherCoach,     PublicFileAwarded, See),
    (Reviewer,       PublicFileAwarded, See),
    (OtherReviewer,  PublicFileAwarded, See),
    (Author,         PublicFileAwarded, See),
    (Admin,          PublicFileAwarded, See),
    (OtherLearner,   PublicFileAwarded, See),
    (OtherOrgMember, PublicFileAwarded, See),
    (OtherOrgAdmin,  PublicFileAwarded, See),
    (Stranger,       PublicFileAwarded, See),
    (Anonymous,      PublicFileAwarded, See),
    (Learner,        OrgFileAwarded, See),
    (Coach,          OrgFileAwarded, See),
    (OtherCoach,     OrgFileAwarded, See),
    (Reviewer,       OrgFileAwarded, See),
    (OtherReviewer,  OrgFileAwarded, See),
    (Author,         OrgFileAwarded, See),
    (Admin,          OrgFileAwarded, See),
    (OtherLearner,   OrgFileAwarded, NotFound),
    (OtherOrgMember, OrgFileAwarded, NotFound),
    (OtherOrgAdmin,  OrgFileAwarded, NotFound),
    (Stranger,       OrgFileAwarded, NotFound),
    (Anonymous,      OrgFileAwarded, NotFound),
    (Learner,        PrivateFileAwarded, See),
    (Coach,          PrivateFileAwarded, See),
    (OtherCoach,     PrivateFileAwarded, NotFound),
    (Reviewer,       PrivateFileAwarded, See),
    (OtherReviewer,  PrivateFileAwarded, NotFound),
    (Author,         PrivateFileAwarded, NotFound),
    (Admin,          PrivateFileAwarded, NotFound),
    (OtherLearner,   PrivateFileAwarded, NotFound),
    (OtherOrgMember, PrivateFileAwarded, NotFound),
    (OtherOrgAdmin,  PrivateFileAwarded, NotFound),
    (Stranger,       PrivateFileAwarded, NotFound),
    (Anonymous,      PrivateFileAwarded, NotFound),
];

/// While Lena's submission waits for Riley: reads first, then the forms
/// (in each, refused rows before the accepted one), the review last, as it
/// moves her enrollment on.
const WHILE_SUBMITTED: [Res; 24] = [
    Page,
    PrivateReflection,
    OrgReflection,
    PrivateFile,
    OrgFile,
    PublicFile,
    ReviewForm,
    Queue,
    Coaching,
    Learning,
    LeoPage,
    LeoFile,
    LeoRemovedFile,
    PrivateItemComment,
    Comment,
    CommentOnPrivateItem,
    Confirm,
    LeoAddEvidence,
    LeoUpload,
    LeoChecklist,
    LeoRemoveEvidence,
    LeoMarkReady,
    LeoWithdraw,
    Review,
];
const ONCE_AWARD_REQUESTED: [Res; 1] = [PublicFileAwardRequested];
const ONCE_AWARDED: [Res; 3] = [PublicFileAwarded, OrgFileAwarded, PrivateFileAwarded];

const DISTRICT: &str = "meadowlark-usd";
const PRIVATE_REFLECTION: &str =
    "Quillwort private reflection: the second think-aloud lost three students";
const ITEM_COMMENT: &str = "Plover note on the private reflection: replay minute four";
const ORG_REFLECTION: &str = "Bittern organization reflection: pacing the modeling step";
const UMA: &str = "uma.coach@example.org";
const RAE: &str = "rae.reviewer@example.org";
const SAM: &str = "sam.stranger@example.org";

/// Someone with a browser that does not follow redirects (so every answer
/// is seen as sent) and a personal API token, both signed in as them
/// (neither for `Anonymous`).
struct Viewer {
    who: Who,
    client: TestClient,
    csrf: String,
    /// A client without cookies, for the API.
    bare: TestClient,
    token: Option<String>,
}

impl Viewer {
    async fn get(&self, path: &str) -> TestResponse {
        self.client.get(path).await
    }

    /// Posts a form with this browser's CSRF token.
    async fn post(&self, path: &str, fields: &[(&str, &str)]) -> TestResponse {
        let mut all = vec![("csrf", self.csrf.as_str())];
        all.extend_from_slice(fields);
        self.client.post_form(path, &all).await
    }

    /// Calls the API with this person's token.
    async fn call(&self, method: Method, path: &str, body: Option<Value>) -> TestResponse {
        let text = body.map(|b| b.to_string());
        self.bare
            .api(method, path, self.token.as_deref(), text.as_deref())
            .await
    }

    /// Reads `page` through the pages, or `api` through the API.
    async fn read(&self, door: Door, page: &str, api: &str) -> TestResponse {
        match door {
            Door::Pages => self.get(page).await,
            Door::Api => self.call(Method::GET, api, None).await,
        }
    }

    /// A file request: GET, GET with `range`, or HEAD.
    async fn fetch(
        &self,
        door: Door,
        path: &str,
        range: Option<&str>,
        head: bool,
    ) -> (u16, Vec<u8>) {
        let client = match door {
            Door::Pages => &self.client,
            Door::Api => &self.bare,
        };
        let url = client.url(path);
        let mut request = if head {
            client.http().head(url)
        } else {
            client.http().get(url)
        };
        if let Some(range) = range {
            request = request.header("Range", range);
        }
        if let (Door::Api, Some(token)) = (door, &self.token) {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.expect("file request");
        let status = response.status().as_u16();
        (status, response.bytes().await.expect("body").to_vec())
    }
}

/// An uploaded file and what it holds.
struct Upload {
    id: EvidenceId,
    name: &'static str,
    bytes: Vec<u8>,
}

impl Upload {
    fn url(&self) -> String {
        format!("/evidence/{}/file", self.id)
    }

    fn path(&self, door: Door) -> String {
        match door {
            Door::Pages => self.url(),
            Door::Api => format!("/api/v1{}", self.url()),
        }
    }
}

/// Everything the rows point at.
struct Fixture {
    viewers: HashMap<Who, Viewer>,
    lena: EnrollmentId,
    leo: EnrollmentId,
    private: Upload,
    org: Upload,
    public: Upload,
    leo_private: Upload,
    leo_removed: Upload,
    /// Lena's private reflection.
    private_reflection: EvidenceId,
    review: ReviewId,
    criteria: usize,
}

/// A small PNG, told apart from the others by its filler byte.
fn png(filler: u8) -> Vec<u8> {
    let mut bytes =
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR\x00\x00\x00\x02\x00\x00\x00\x02\x08\x06\x00\x00\x00"
            .to_vec();
    bytes.extend(std::iter::repeat_n(filler, 3000));
    bytes
}

fn location(r: &TestResponse) -> &str {
    r.headers
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
}

async fn log_in(app: &TestApp, who: Who, email: &str, password: &str) -> Viewer {
    let client = app.client().no_redirects();
    let csrf = client.csrf().await;
    let answer = client
        .post_form(
            "/login",
            &[("csrf", &csrf), ("email", email), ("password", password)],
        )
        .await;
    assert_eq!(answer.status, 303, "{email} logs in: {}", answer.text);
    let created = client
        .api(
            Method::POST,
            "/api/v1/me/tokens",
            None,
            Some(r#"{"name": "Access matrix"}"#),
        )
        .await;
    assert_eq!(created.status, 201, "{email}'s token: {}", created.text);
    let token = created.json()["secret"]
        .as_str()
        .expect("a secret")
        .to_owned();
    Viewer {
        who,
        client,
        csrf,
        bare: app.client(),
        token: Some(token),
    }
}

async fn anonymous(app: &TestApp) -> Viewer {
    let client = app.client().no_redirects();
    let csrf = client.csrf().await;
    Viewer {
        who: Anonymous,
        client,
        csrf,
        bare: app.client(),
        token: None,
    }
}

async fn user_id(app: &TestApp, email: &str) -> UserId {
    app.store
        .users()
        .find_email(&EmailAddress::parse(email).expect("address"))
        .await
        .expect("lookup")
        .expect("an account")
        .user_id
}

/// Asserts a form was accepted: a redirect that is not to the login page.
fn accepted(r: &TestResponse, what: &str) {
    assert_eq!(r.status, 303, "{what}: {}", r.text);
    assert!(
        !location(r).starts_with("/login"),
        "{what}: {}",
        location(r)
    );
}

/// An administrator invites `email` with `role`; the invitee accepts.
async fn join_district(
    app: &TestApp,
    admin: &Viewer,
    invitee: &TestClient,
    email: &str,
    role: &str,
) {
    let sent = admin
        .post(
            &format!("/orgs/{DISTRICT}/invitations"),
            &[("email", email), ("roles", role)],
        )
        .await;
    accepted(&sent, "the invitation");
    let link = app.last_email_to(email).await.link().expect("a link");
    invitee.submit(&link, &[]).await.assert_status(200);
}

/// `learner` invites `coach` to coach them; the coach accepts.
async fn partner(app: &TestApp, learner: &Viewer, coach: &Viewer, coach_email: &str) {
    let sent = learner
        .post(
            "/coaching/invite",
            &[
                ("email", coach_email),
                ("role", "coach"),
                ("achievement", ""),
            ],
        )
        .await;
    accepted(&sent, "the coaching invitation");
    let link = app.last_email_to(coach_email).await.link().expect("a link");
    accepted(
        &coach.post(&link, &[("answer", "accept")]).await,
        "accepting",
    );
}

async fn join(learner: &Viewer, page: &str) -> EnrollmentId {
    let joined = learner
        .post(&format!("{page}/join"), &[("funding", "free")])
        .await;
    accepted(&joined, "joining");
    let id = location(&joined)
        .strip_prefix("/enrollments/")
        .expect("the enrollment page");
    EnrollmentId(id.parse().expect("an id"))
}

/// Sends a file to the API's upload for the second requirement.
async fn api_file(
    v: &Viewer,
    enrollment: EnrollmentId,
    name: &str,
    bytes: Vec<u8>,
) -> TestResponse {
    let mut request = v
        .bare
        .http()
        .post(v.bare.url(&format!(
            "/api/v1/enrollments/{enrollment}/files?requirement=1&visibility=private&filename={name}"
        )))
        .header("content-type", "application/octet-stream")
        .body(bytes);
    if let Some(token) = &v.token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.expect("upload");
    TestResponse {
        status: response.status().as_u16(),
        path: response.url().path().to_owned(),
        headers: response.headers().clone(),
        text: response.text().await.expect("body"),
    }
}

/// Posts the upload form of the second requirement with one file.
async fn post_file(
    v: &Viewer,
    enrollment: EnrollmentId,
    name: &str,
    visibility: &str,
    bytes: Vec<u8>,
) -> TestResponse {
    let form = reqwest::multipart::Form::new()
        .text("csrf", v.csrf.clone())
        .text("requirement", "1")
        .text("title", "")
        .text("visibility", visibility.to_owned())
        .part(
            "file",
            reqwest::multipart::Part::bytes(bytes).file_name(name.to_owned()),
        );
    let response = v
        .client
        .http()
        .post(v.client.url(&format!("/enrollments/{enrollment}/files")))
        .multipart(form)
        .send()
        .await
        .expect("upload");
    TestResponse {
        status: response.status().as_u16(),
        path: response.url().path().to_owned(),
        headers: response.headers().clone(),
        text: response.text().await.expect("body"),
    }
}

async fn upload(
    app: &TestApp,
    learner: &Viewer,
    enrollment: EnrollmentId,
    name: &'static str,
    visibility: &str,
    bytes: Vec<u8>,
) -> Upload {
    let response = post_file(learner, enrollment, name, visibility, bytes.clone()).await;
    accepted(&response, &format!("uploading {name}"));
    let id = app
        .store
        .enrollments()
        .evidence(enrollment)
        .await
        .expect("evidence")
        .into_iter()
        .find(
            |e| matches!(&e.content, EvidenceContent::File { file_name, .. } if file_name == name),
        )
        .expect("the uploaded item")
        .id;
    Upload { id, name, bytes }
}

async fn reflect(learner: &Viewer, enrollment: EnrollmentId, text: &str, visibility: &str) {
    let added = learner
        .post(
            &format!("/enrollments/{enrollment}/evidence"),
            &[
                ("requirement", "0"),
                ("kind", "reflection"),
                ("title", "Reflection"),
                ("text", text),
                ("visibility", visibility),
            ],
        )
        .await;
    accepted(&added, "adding a reflection");
}

async fn lock_of(app: &TestApp, id: EnrollmentId) -> (StateName, u32) {
    let e = app
        .store
        .enrollments()
        .get(id)
        .await
        .expect("load")
        .expect("the enrollment");
    (e.state.name(), e.lock_version)
}

/// What any refused form must leave as it was.
#[derive(Debug, PartialEq, Eq)]
struct Moment {
    lena: (StateName, u32),
    leo: (StateName, u32, &'static str),
    leo_evidence: usize,
    leo_ticks: usize,
    comments: usize,
    review_done: bool,
}

async fn moment(app: &TestApp, f: &Fixture) -> Moment {
    let leo = app
        .store
        .enrollments()
        .get(f.leo)
        .await
        .expect("load")
        .expect("Leo's enrollment");
    Moment {
        lena: lock_of(app, f.lena).await,
        leo: (
            leo.state.name(),
            leo.lock_version,
            leo.state.feedback().as_str(),
        ),
        leo_evidence: app
            .store
            .enrollments()
            .evidence(f.leo)
            .await
            .expect("evidence")
            .len(),
        leo_ticks: app
            .store
            .enrollments()
            .ticks(f.leo)
            .await
            .expect("ticks")
            .len(),
        comments: app
            .store
            .enrollments()
            .comments(f.lena)
            .await
            .expect("comments")
            .len(),
        review_done: app
            .store
            .reviews()
            .get(f.review)
            .await
            .expect("review")
            .expect("the review")
            .completed_at
            .is_some(),
    }
}

async fn set_up(app: &TestApp) -> Fixture {
    app.app.load_demo().await.expect("demo");
    let uma_browser = verified_user(app, "Uma Coach", UMA).await;
    let rae_browser = verified_user(app, "Rae Reviewer", RAE).await;
    verified_user(app, "Sam Stranger", SAM).await;
    let password = cairn_app::demo::DEMO_PASSWORD;
    let mut viewers = HashMap::new();
    for (who, email) in [
        (Learner, demo_email("lena.learner")),
        (Coach, demo_email("casey.coach")),
        (Reviewer, demo_email("riley.reviewer")),
        (Author, demo_email("priya.author")),
        (Admin, demo_email("dana.director")),
        (OtherLearner, demo_email("leo.learner")),
        (OtherOrgMember, demo_email("rosa.reviewer")),
        (OtherOrgAdmin, demo_email("ada.author")),
    ] {
        viewers.insert(who, log_in(app, who, &email, password).await);
    }
    for (who, email) in [(OtherCoach, UMA), (OtherReviewer, RAE), (Stranger, SAM)] {
        viewers.insert(who, log_in(app, who, email, crate::PASSWORD).await);
    }
    viewers.insert(Anonymous, anonymous(app).await);
    let v = |who: Who| &viewers[&who];

    join_district(app, v(Admin), &uma_browser, UMA, "coach").await;
    partner(app, v(Learner), v(Coach), &demo_email("casey.coach")).await;
    partner(app, v(OtherLearner), v(OtherCoach), UMA).await;

    // Lena's work: two reflections for the first requirement, a file of
    // each visibility for the second, both checklists ticked; submitted.
    let catalog = v(Learner)
        .get(&format!("/catalog?organization={DISTRICT}&price=free"))
        .await;
    let at = catalog
        .text
        .find(&format!("/orgs/{DISTRICT}/achievements/"))
        .expect("a free district micro-credential");
    let page = catalog.text[at..]
        .split('"')
        .next()
        .expect("href")
        .to_owned();
    let lena = join(v(Learner), &page).await;
    reflect(v(Learner), lena, PRIVATE_REFLECTION, "private").await;
    reflect(v(Learner), lena, ORG_REFLECTION, "organization").await;
    let private = upload(
        app,
        v(Learner),
        lena,
        "lena-private-notes.png",
        "private",
        png(1),
    )
    .await;
    let org = upload(
        app,
        v(Learner),
        lena,
        "lena-organization-plan.png",
        "organization",
        png(2),
    )
    .await;
    let public = upload(
        app,
        v(Learner),
        lena,
        "lena-public-poster.png",
        "public",
        png(3),
    )
    .await;
    for requirement in ["0", "1"] {
        let ticked = v(Learner)
            .post(
                &format!("/enrollments/{lena}/checklist"),
                &[
                    ("requirement", requirement),
                    ("ticked", "0"),
                    ("ticked", "1"),
                    ("ticked", "2"),
                ],
            )
            .await;
        accepted(&ticked, "ticking the checklist");
    }
    let (_, lock) = lock_of(app, lena).await;
    let submitted = v(Learner)
        .post(
            &format!("/enrollments/{lena}/act"),
            &[("action", "submit"), ("lock_version", &lock.to_string())],
        )
        .await;
    accepted(&submitted, "submitting");
    assert_eq!(lock_of(app, lena).await.0, StateName::Submitted);
    let submission = app
        .store
        .enrollments()
        .submissions(lena)
        .await
        .expect("submissions")
        .pop()
        .expect("a submission");
    let reviews = app
        .store
        .reviews()
        .of_submission(submission.id)
        .await
        .expect("reviews");
    let riley = user_id(app, &demo_email("riley.reviewer")).await;
    assert_eq!(
        reviews.iter().map(|r| r.reviewer_id).collect::<Vec<_>>(),
        vec![riley],
        "the district's only reviewer is assigned"
    );
    // Casey writes about the private reflection.
    let private_reflection = app
        .store
        .enrollments()
        .evidence(lena)
        .await
        .expect("evidence")
        .into_iter()
        .find(|e| {
            matches!(&e.content, EvidenceContent::Reflection { markdown } if markdown == PRIVATE_REFLECTION)
        })
        .expect("the private reflection")
        .id;
    let about = v(Coach)
        .post(
            &format!("/enrollments/{lena}/comments"),
            &[
                ("body", ITEM_COMMENT),
                ("evidence", &private_reflection.to_string()),
            ],
        )
        .await;
    accepted(&about, "commenting on the reflection");
    // Rae becomes a reviewer of the district after the assignment.
    join_district(app, v(Admin), &rae_browser, RAE, "reviewer").await;

    // Leo's work: a private file, and one he uploads and removes.
    let leo = join(v(OtherLearner), &page).await;
    let leo_private = upload(
        app,
        v(OtherLearner),
        leo,
        "leo-private-draft.png",
        "private",
        png(4),
    )
    .await;
    let leo_removed = upload(
        app,
        v(OtherLearner),
        leo,
        "leo-removed-sketch.png",
        "private",
        png(5),
    )
    .await;
    let (status, _) = v(OtherLearner)
        .fetch(Door::Pages, &leo_removed.url(), None, false)
        .await;
    assert_eq!(status, 200, "served to Leo until removed");
    let removed = v(OtherLearner)
        .post(
            &format!("/enrollments/{leo}/evidence/{}/remove", leo_removed.id),
            &[],
        )
        .await;
    accepted(&removed, "removing");

    let e = app
        .store
        .enrollments()
        .get(lena)
        .await
        .expect("load")
        .expect("Lena's enrollment");
    let criteria = app
        .store
        .achievements()
        .version(e.version_id)
        .await
        .expect("load")
        .expect("the version")
        .rubric
        .map_or(0, |r| r.criteria().len());
    Fixture {
        viewers,
        lena,
        leo,
        private,
        org,
        public,
        leo_private,
        leo_removed,
        private_reflection,
        review: reviews[0].id,
        criteria,
    }
}

/// Checks a read; `markers` are the content `See` shows and every other
/// answer must not.
fn check_read(r: &TestResponse, markers: &[String], want: Want, row: &str) {
    let status = match want {
        See | Without => 200,
        NotFound => 404,
        Forbidden => 403,
        LogIn => 303,
        Unauthorized => 401,
        Done | Conflict => panic!("{row}: this is read, not posted"),
    };
    assert_eq!(r.status, status, "{row}: {}", r.text);
    if want == LogIn {
        assert!(location(r).starts_with("/login"), "{row}: {}", location(r));
    }
    for m in markers {
        assert_eq!(
            r.text.contains(m.as_str()),
            want == See,
            "{row}: {m:?} in the answer:\n{}",
            r.text
        );
    }
}

/// Checks a file whole, by range and by HEAD, then that the enrollment
/// (`page` or `api`) lists it exactly when the file is served.
async fn check_file(
    v: &Viewer,
    door: Door,
    file: &Upload,
    (page, api): (&str, &str),
    want: Want,
    row: &str,
) {
    let path = file.path(door);
    let (status, body) = v.fetch(door, &path, None, false).await;
    let (range_status, part) = v.fetch(door, &path, Some("bytes=0-7"), false).await;
    let (head_status, head_body) = v.fetch(door, &path, None, true).await;
    match want {
        See => {
            assert_eq!(status, 200, "{row}");
            assert_eq!(body, file.bytes, "{row}: the whole file");
            assert_eq!(range_status, 206, "{row}: a range");
            assert_eq!(part, file.bytes[..8], "{row}: the first bytes");
            assert_eq!(head_status, 200, "{row}: HEAD");
            assert!(head_body.is_empty(), "{row}: HEAD has no body");
        }
        NotFound | Unauthorized => {
            let expected = if want == NotFound { 404 } else { 401 };
            for (what, status, body) in [
                ("GET", status, &body),
                ("a range", range_status, &part),
                ("HEAD", head_status, &head_body),
            ] {
                assert_eq!(status, expected, "{row}: {what}");
                assert!(
                    !body.windows(4).any(|w| w == b"\x89PNG"),
                    "{row}: {what} sent file content"
                );
            }
        }
        other => panic!("{row}: a file answers {other:?} to nobody"),
    }
    let listing = v.read(door, page, api).await;
    let shown = listing.status == 200;
    for m in [file.name.to_owned(), file.url()] {
        assert_eq!(
            listing.text.contains(&m),
            shown && want == See,
            "{row}: {m:?} in the enrollment ({}):\n{}",
            listing.status,
            listing.text
        );
    }
}

/// Checks a write's answer; what it changed is checked by the caller.
fn check_write(r: &TestResponse, door: Door, want: Want, row: &str) {
    let status = match want {
        Done if door == Door::Pages => return accepted(r, row),
        Done => {
            assert!(
                (200..300).contains(&r.status),
                "{row}: {} {}",
                r.status,
                r.text
            );
            return;
        }
        LogIn => {
            assert_eq!(r.status, 303, "{row}: {}", r.text);
            assert!(location(r).starts_with("/login"), "{row}: {}", location(r));
            return;
        }
        NotFound => 404,
        Forbidden => 403,
        Conflict => 409,
        Unauthorized => 401,
        See | Without => panic!("{row}: this is posted, not read"),
    };
    assert_eq!(r.status, status, "{row}: {}", r.text);
}

/// Reads a resource and checks the answer.
async fn check_reading(f: &Fixture, v: &Viewer, door: Door, res: Res, want: Want, row: &str) {
    let lena = (
        format!("/enrollments/{}", f.lena),
        format!("/api/v1/enrollments/{}", f.lena),
    );
    let leo = (
        format!("/enrollments/{}", f.leo),
        format!("/api/v1/enrollments/{}", f.leo),
    );
    let on_lena = (lena.0.as_str(), lena.1.as_str());
    let on_leo = (leo.0.as_str(), leo.1.as_str());
    let text = |t: &str| vec![t.to_owned()];
    match res {
        Page => check_read(
            &v.read(door, on_lena.0, on_lena.1).await,
            &text("Lena Learner"),
            want,
            row,
        ),
        PrivateReflection => check_read(
            &v.read(door, on_lena.0, on_lena.1).await,
            &text(PRIVATE_REFLECTION),
            want,
            row,
        ),
        OrgReflection => check_read(
            &v.read(door, on_lena.0, on_lena.1).await,
            &text(ORG_REFLECTION),
            want,
            row,
        ),
        PrivateItemComment => check_read(
            &v.read(door, on_lena.0, on_lena.1).await,
            &text(ITEM_COMMENT),
            want,
            row,
        ),
        PrivateFile | PrivateFileAwarded => {
            check_file(v, door, &f.private, on_lena, want, row).await
        }
        OrgFile | OrgFileAwarded => check_file(v, door, &f.org, on_lena, want, row).await,
        PublicFile | PublicFileAwardRequested | PublicFileAwarded => {
            check_file(v, door, &f.public, on_lena, want, row).await;
        }
        ReviewForm => {
            let form = format!("{}/reviews/{}", lena.0, f.review);
            let api = format!("{}/reviews/{}", lena.1, f.review);
            let answer = v.read(door, &lena.0, &api).await;
            let marker = match door {
                Door::Pages => format!("action=\"{form}\""),
                Door::Api => f.review.to_string(),
            };
            check_read(&answer, &[marker], want, row);
            assert!(
                want == See || !answer.text.contains("Your review"),
                "{row}: a review form"
            );
        }
        Queue => {
            let page = format!("/orgs/{DISTRICT}/reviews");
            let api = format!("/api/v1/organizations/{DISTRICT}/reviews");
            let queue = v.read(door, &page, &api).await;
            check_read(&queue, &text(&f.lena.to_string()), want, row);
        }
        Coaching => check_read(
            &v.read(door, "/coaching", "/api/v1/coaching").await,
            &text(&f.lena.to_string()),
            want,
            row,
        ),
        Learning => check_read(
            &v.read(door, "/learning", "/api/v1/me/enrollments").await,
            &text(&f.lena.to_string()),
            want,
            row,
        ),
        LeoPage => check_read(
            &v.read(door, on_leo.0, on_leo.1).await,
            &text("Leo Learner"),
            want,
            row,
        ),
        LeoFile => check_file(v, door, &f.leo_private, on_leo, want, row).await,
        LeoRemovedFile => check_file(v, door, &f.leo_removed, on_leo, want, row).await,
        other => panic!("{row}: {other:?} is written, not read"),
    }
}

/// Sends a write; returns the answer and the comment it would post, if any.
async fn write(
    app: &TestApp,
    f: &Fixture,
    v: &Viewer,
    door: Door,
    res: Res,
) -> (TestResponse, String) {
    let who = v.who;
    let (lena, leo) = (f.lena, f.leo);
    let api = door == Door::Api;
    match res {
        Comment | CommentOnPrivateItem => {
            let body = format!("Comment {who:?} {res:?} {door:?} 5417");
            let item = f.private_reflection;
            let r = match (door, res) {
                (Door::Pages, Comment) => {
                    v.post(&format!("/enrollments/{lena}/comments"), &[("body", &body)])
                        .await
                }
                (Door::Pages, _) => {
                    v.post(
                        &format!("/enrollments/{lena}/comments"),
                        &[("body", &body), ("evidence", &item.to_string())],
                    )
                    .await
                }
                (Door::Api, Comment) => {
                    v.call(
                        Method::POST,
                        &format!("/api/v1/enrollments/{lena}/comments"),
                        Some(json!({"body": body})),
                    )
                    .await
                }
                (Door::Api, _) => {
                    v.call(
                        Method::POST,
                        &format!("/api/v1/enrollments/{lena}/evidence/{item}/comments"),
                        Some(json!({"body": body})),
                    )
                    .await
                }
            };
            (r, body)
        }
        LeoAddEvidence => {
            let text = format!("Reflection {who:?} {door:?} 8803");
            let r = if api {
                v.call(
                    Method::POST,
                    &format!("/api/v1/enrollments/{leo}/evidence"),
                    Some(json!({"requirement": 0, "kind": "reflection", "title": "Reflection", "text": text, "visibility": "private"})),
                )
                .await
            } else {
                v.post(
                    &format!("/enrollments/{leo}/evidence"),
                    &[
                        ("requirement", "0"),
                        ("kind", "reflection"),
                        ("title", "Reflection"),
                        ("text", &text),
                        ("visibility", "private"),
                    ],
                )
                .await
            };
            (r, String::new())
        }
        LeoUpload => {
            let name = format!("upload-{who:?}-{door:?}.png");
            let r = if api {
                api_file(v, leo, &name, png(6)).await
            } else {
                post_file(v, leo, &name, "private", png(6)).await
            };
            (r, String::new())
        }
        LeoChecklist => {
            let r = if api {
                v.call(
                    Method::PUT,
                    &format!("/api/v1/enrollments/{leo}/checklist/0"),
                    Some(json!({"ticked": [0]})),
                )
                .await
            } else {
                v.post(
                    &format!("/enrollments/{leo}/checklist"),
                    &[("requirement", "0"), ("ticked", "0")],
                )
                .await
            };
            (r, String::new())
        }
        LeoRemoveEvidence => {
            let item = f.leo_private.id;
            let r = if api {
                v.call(
                    Method::DELETE,
                    &format!("/api/v1/enrollments/{leo}/evidence/{item}"),
                    None,
                )
                .await
            } else {
                v.post(&format!("/enrollments/{leo}/evidence/{item}/remove"), &[])
                    .await
            };
            (r, String::new())
        }
        Confirm | LeoMarkReady | LeoWithdraw => {
            let (target, action) = match res {
                Confirm => (lena, "confirm"),
                LeoMarkReady => (leo, "ready"),
                _ => (leo, "withdraw"),
            };
            let (_, lock) = lock_of(app, target).await;
            let r = if api {
                v.call(
                    Method::POST,
                    &format!("/api/v1/enrollments/{target}/moves"),
                    Some(json!({"move": action, "lock_version": lock})),
                )
                .await
            } else {
                v.post(
                    &format!("/enrollments/{target}/act"),
                    &[("action", action), ("lock_version", &lock.to_string())],
                )
                .await
            };
            (r, String::new())
        }
        Review => {
            let feedback = "Every part of the practice is there.";
            let r = if api {
                let scores: Vec<Value> = (0..f.criteria).map(|_| json!({"level": 2})).collect();
                v.call(
                    Method::POST,
                    &format!("/api/v1/enrollments/{lena}/reviews/{}", f.review),
                    Some(json!({"scores": scores, "feedback": feedback, "decision": "meets"})),
                )
                .await
            } else {
                let mut fields: Vec<(String, String)> = (0..f.criteria)
                    .map(|i| (format!("scores[{i}].level"), "2".to_owned()))
                    .collect();
                fields.push(("feedback".into(), feedback.into()));
                fields.push(("decision".into(), "meets".into()));
                let fields: Vec<(&str, &str)> = fields
                    .iter()
                    .map(|(k, x)| (k.as_str(), x.as_str()))
                    .collect();
                v.post(
                    &format!("/enrollments/{lena}/reviews/{}", f.review),
                    &fields,
                )
                .await
            };
            (r, String::new())
        }
        other => panic!("{other:?} is read, not written"),
    }
}

/// Checks one row through one door: a read must change nothing; a refused
/// write must change nothing; an accepted one must do what it says.
async fn check(app: &TestApp, f: &Fixture, door: Door, who: Who, res: Res, want: Want) {
    let want = match door {
        Door::Pages => want,
        Door::Api => through_api(who, res, want),
    };
    let v = &f.viewers[&who];
    let row = format!("{door:?}: ({who:?}, {res:?}, {want:?})");
    let writes = matches!(
        res,
        Comment
            | CommentOnPrivateItem
            | LeoAddEvidence
            | LeoUpload
            | LeoChecklist
            | LeoRemoveEvidence
            | Confirm
            | LeoMarkReady
            | LeoWithdraw
            | Review
    );
    let before = moment(app, f).await;
    if !writes {
        check_reading(f, v, door, res, want, &row).await;
        assert_eq!(
            before,
            moment(app, f).await,
            "{row}: reading changed something"
        );
        return;
    }
    let (r, comment) = write(app, f, v, door, res).await;
    let after = moment(app, f).await;
    check_write(&r, door, want, &row);
    let lena_page = format!("/enrollments/{}", f.lena);
    if want != Done {
        assert_eq!(before, after, "{row}: a refused write changed something");
        if !comment.is_empty() {
            let seen = f.viewers[&Learner].get(&lena_page).await;
            assert!(
                !seen.text.contains(&comment),
                "{row}: the comment is posted"
            );
        }
        return;
    }
    match res {
        Comment | CommentOnPrivateItem => {
            assert_eq!(after.comments, before.comments + 1, "{row}");
            f.viewers[&Learner]
                .get(&lena_page)
                .await
                .assert_contains(&comment);
        }
        LeoAddEvidence | LeoUpload => {
            assert_eq!(after.leo_evidence, before.leo_evidence + 1, "{row}");
        }
        LeoChecklist => assert_eq!(after.leo_ticks, before.leo_ticks + 1, "{row}"),
        LeoRemoveEvidence => {
            assert_eq!(after.leo_evidence, before.leo_evidence - 1, "{row}");
            let (status, _) = v.fetch(door, &f.leo_private.path(door), None, false).await;
            assert_eq!(status, 404, "{row}: the removed file is gone");
        }
        LeoMarkReady => assert_eq!(after.leo.2, "ready", "{row}"),
        LeoWithdraw => assert_eq!(after.leo.0, StateName::Withdrawn, "{row}"),
        Review => {
            assert!(after.review_done, "{row}");
            assert_eq!(after.lena.0, StateName::AwardPending, "{row}");
        }
        other => panic!("{row}: {other:?} has no accepted write"),
    }
}

/// Runs the rows of `resources`, in that order, refused forms first.
async fn run(app: &TestApp, f: &Fixture, door: Door, resources: &[Res]) {
    for res in resources {
        let mut rows: Vec<_> = MATRIX.iter().filter(|(_, r, _)| r == res).collect();
        rows.sort_by_key(|(_, _, want)| *want == Done);
        for (who, res, want) in rows {
            check(app, f, door, *who, *res, *want).await;
        }
    }
}

#[test]
fn the_matrix_has_one_row_for_every_viewer_and_resource() {
    let staged: Vec<Res> = WHILE_SUBMITTED
        .iter()
        .chain(&ONCE_AWARD_REQUESTED)
        .chain(&ONCE_AWARDED)
        .copied()
        .collect();
    for res in &staged {
        for who in EVERYONE {
            let rows = MATRIX
                .iter()
                .filter(|(w, r, _)| *w == who && r == res)
                .count();
            assert_eq!(rows, 1, "({who:?}, {res:?})");
        }
    }
    assert_eq!(
        MATRIX.len(),
        staged.len() * EVERYONE.len(),
        "a resource is never run"
    );
}

/// The story through one door, on each backend.
async fn scenario(door: Door) {
    on_each_backend(move |app| async move {
        let f = set_up(&app).await;
        run(&app, &f, door, &WHILE_SUBMITTED).await;

        // Riley's "meets" recorded an award request; no credential exists.
        let request = app
            .store
            .reviews()
            .award_request(f.lena)
            .await
            .expect("load");
        assert!(request.is_some(), "the award is requested");
        assert_eq!(lock_of(&app, f.lena).await.0, StateName::AwardPending);
        run(&app, &f, door, &ONCE_AWARD_REQUESTED).await;

        // The issue job runs: the credential exists, naming the public
        // file (the one strangers may now open) and nothing less public.
        app.app.run_pending_jobs().await.expect("jobs");
        assert_eq!(lock_of(&app, f.lena).await.0, StateName::Awarded);
        let lena = user_id(&app, &demo_email("lena.learner")).await;
        let awards = app.store.awards().of_user(lena).await.expect("awards");
        let [award] = awards.as_slice() else {
            panic!("one award: {awards:?}")
        };
        let credential = &award.credential;
        assert!(credential.contains(&f.public.url()), "{credential}");
        for hidden in [
            f.private.url(),
            f.org.url(),
            PRIVATE_REFLECTION.to_owned(),
            ORG_REFLECTION.to_owned(),
        ] {
            assert!(!credential.contains(&hidden), "{hidden:?} in {credential}");
        }
        run(&app, &f, door, &ONCE_AWARDED).await;
        app
    })
    .await;
}

#[tokio::test]
async fn on_the_pages_everyone_sees_and_does_only_what_the_rules_allow() {
    scenario(Door::Pages).await;
}

#[tokio::test]
async fn through_the_api_everyone_sees_and_does_only_what_the_rules_allow() {
    scenario(Door::Api).await;
}
