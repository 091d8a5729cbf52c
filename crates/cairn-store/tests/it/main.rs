//! The store contract: every test runs on SQLite and, when
//! `CAIRN_TEST_POSTGRES_URL` is set, on PostgreSQL.

mod accounts;
mod achievements;
mod backpack;
mod bulk;
mod enrollments;
mod jobs;
mod organizations;
mod reviews;
mod sponsorships;

use chrono::{DateTime, Duration, TimeZone, Utc};

/// A fixed instant with microseconds, so round trips are checked exactly.
pub fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 14, 9, 26, 53)
        .single()
        .expect("valid date")
        + Duration::microseconds(589_793)
}

pub fn id() -> uuid::Uuid {
    uuid::Uuid::now_v7()
}
