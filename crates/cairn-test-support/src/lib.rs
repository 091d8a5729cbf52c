//! Test helpers shared by every crate's integration tests.
//!
//! [`each_backend`] runs one test on SQLite and, when
//! `CAIRN_TEST_POSTGRES_URL` is set, on PostgreSQL too: each run gets a
//! database of its own that is dropped afterwards, even when the test fails.

pub mod database;

pub use database::{each_backend, each_database, TestDatabase};
