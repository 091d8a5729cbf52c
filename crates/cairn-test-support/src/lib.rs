//! Test helpers shared by every crate's integration tests.
//!
//! - [`each_backend`] runs one test on SQLite and, when
//!   `CAIRN_TEST_POSTGRES_URL` is set, on PostgreSQL too: each run gets a
//!   database of its own that is dropped afterwards, even when the test fails.
//! - [`TestApp`] boots the real router on a local port, with an outbox
//!   folder for email and a clock the test can move; [`TestClient`] is a
//!   browser-like client (cookies, CSRF tokens from the page) for it.
//! - [`earning`] fills an enrollment's requirements and issues a whole award
//!   on the demo content.
//! - [`interop`] installs the independent verifiers (Node.js, Python) into
//!   a cache folder and runs them with a JSON job, or skips with a note.

pub mod app;
pub mod database;
pub mod earning;
pub mod interop;

pub use app::{Email, TestApp, TestAppBuilder, TestClient, TestResponse};
pub use database::{TestDatabase, each_backend, each_database};
