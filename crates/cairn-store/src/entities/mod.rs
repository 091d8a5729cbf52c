//! SeaORM entities: one module per table. Private to the store; the rest of
//! Cairn sees the domain types each repository returns.

pub mod achievement;
pub mod achievement_prerequisite;
pub mod achievement_tag;
pub mod achievement_version;
pub mod api_token;
pub mod audit_event;
pub mod award_request;
pub mod checklist_tick;
pub mod comment;
pub mod department;
pub mod email_token;
pub mod enrollment;
pub mod evidence_item;
pub mod invitation;
pub mod job;
pub mod level;
pub mod membership;
pub mod membership_role;
pub mod notification;
pub mod organization;
pub mod partnership;
pub mod partnership_invitation;
pub mod rate_limit_hit;
pub mod review;
pub mod review_setting;
pub mod session;
pub mod stack;
pub mod stack_item;
pub mod submission;
pub mod template;
pub mod user;
pub mod user_email;
