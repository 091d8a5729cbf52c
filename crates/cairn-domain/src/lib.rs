//! Cairn's rules, with no I/O: the types that parse input at the edge, the
//! roles people hold in an organization, and the one authorization policy
//! every use case consults. Time and identifiers are passed in by callers.

pub mod account;
pub mod achievement;
pub mod award;
pub mod enrollment;
pub mod ids;
pub mod organization;
pub mod policy;
pub mod role;
pub mod sponsorship;
pub mod token;
pub mod validation;

pub use ids::*;
pub use validation::{FieldError, FieldErrors};
