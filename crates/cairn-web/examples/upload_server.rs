//! A server with one route, `POST /upload`, that streams the `file` field
//! of a multipart form into blob storage with [`files::store_field`] (limit
//! 1 GiB) and answers `<size> <sha256> <kind>`. It is what
//! `scripts/bench-upload` measures: run as its own process so its peak
//! memory can be read from `/proc`. It uses the allocator of the `cairn`
//! binary (mimalloc).
//!
//! ```sh
//! cargo run --release -p cairn-web --example upload_server -- <uploads folder>
//! ```
//!
//! It prints `listening on <address>` once it accepts connections.

use anyhow::Context as _;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Multipart, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use cairn_media::sniff;
use cairn_store::blobs::LocalBlobs;
use cairn_web::files;
use std::io::Write as _;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The largest file accepted.
const LIMIT: u64 = 1024 * 1024 * 1024;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let folder = std::env::args_os()
        .nth(1)
        .context("usage: upload_server <uploads folder>")?;
    let blobs = LocalBlobs::open(folder)?;
    let body_limit = usize::try_from(LIMIT)? + 1024 * 1024;
    let app = Router::new()
        .route(
            "/upload",
            post(upload).layer(DefaultBodyLimit::max(body_limit)),
        )
        .with_state(blobs);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let mut out = std::io::stdout();
    writeln!(out, "listening on {}", listener.local_addr()?)?;
    out.flush()?;
    axum::serve(listener, app).await?;
    Ok(())
}

async fn upload(State(blobs): State<LocalBlobs>, mut multipart: Multipart) -> Response {
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => return (StatusCode::BAD_REQUEST, "no file field\n").into_response(),
            Err(err) => return (err.status(), err.body_text()).into_response(),
        };
        if field.name() != Some("file") {
            continue;
        }
        let key = format!("bench/{}", uuid::Uuid::new_v4().simple());
        return match files::store_field(&blobs, &key, field, LIMIT).await {
            Ok(stored) => {
                let kind = sniff::sniff(&stored.head).map_or("refused", |s| s.media_type);
                format!("{} {} {kind}\n", stored.size, stored.sha256_hex).into_response()
            }
            Err(err) => (files::upload_status(&err), format!("{err}\n")).into_response(),
        };
    }
}
