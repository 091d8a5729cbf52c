//! Serving stored files and streaming uploads, through a small router of
//! their own (no database): ranges, conditional requests, headers, limits.

use axum::Router;
use axum::body::{Body, to_bytes};
use axum::extract::{DefaultBodyLimit, Multipart, State};
use axum::http::{HeaderMap, Request, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use cairn_store::blobs::LocalBlobs;
use cairn_web::files::{self, ServedFile};
use futures::StreamExt;
use sha2::{Digest, Sha256};
use tower::ServiceExt;

const UPLOAD_LIMIT: u64 = 100_000;

#[derive(Clone)]
struct Files {
    blobs: LocalBlobs,
    sha256_hex: String,
}

fn content() -> Vec<u8> {
    (0..1000u32)
        .map(|i| u8::try_from(i % 251).expect("small"))
        .collect()
}

fn app() -> (tempfile::TempDir, Router, String) {
    let dir = tempfile::tempdir().expect("temporary folder");
    let blobs = LocalBlobs::open(dir.path()).expect("open");
    let bytes = content();
    std::fs::create_dir_all(dir.path().join("e")).expect("folder");
    std::fs::write(dir.path().join("e/report"), &bytes).expect("write");
    std::fs::write(dir.path().join("e/notes"), "plain words\n").expect("write");
    let sha256_hex = hex::encode(Sha256::digest(&bytes));
    let state = Files {
        blobs,
        sha256_hex: sha256_hex.clone(),
    };
    let router = Router::new()
        .route("/report", get(report))
        .route("/notes", get(notes))
        .route("/missing", get(missing))
        .route(
            "/upload",
            post(upload).layer(DefaultBodyLimit::max(200_000)),
        )
        .route(
            "/upload-unlimited",
            post(upload_unlimited).layer(DefaultBodyLimit::max(200_000)),
        )
        .with_state(state);
    (dir, router, sha256_hex)
}

async fn report(State(state): State<Files>, headers: HeaderMap) -> Response {
    let file = ServedFile {
        key: "e/report",
        media_type: "application/pdf",
        file_name: "Rapport d'activité.pdf",
        sha256_hex: &state.sha256_hex,
    };
    match files::serve_file(&state.blobs, file, &headers).await {
        Ok(response) => response,
        Err(err) => (StatusCode::INTERNAL_SERVER_ERROR, err.to_string()).into_response(),
    }
}

async fn notes(State(state): State<Files>, headers: HeaderMap) -> Response {
    let file = ServedFile {
        key: "e/notes",
        media_type: "text/plain",
        file_name: "notes.md",
        sha256_hex: "",
    };
    match files::serve_file(&state.blobs, file, &headers).await {
        Ok(response) => response,
        Err(err) => (StatusCode::INTERNAL_SERVER_ERROR, err.to_string()).into_response(),
    }
}

async fn missing(State(state): State<Files>, headers: HeaderMap) -> Response {
    let file = ServedFile {
        key: "e/never",
        media_type: "image/png",
        file_name: "x.png",
        sha256_hex: "00",
    };
    match files::serve_file(&state.blobs, file, &headers).await {
        Ok(response) => response,
        Err(cairn_store::StoreError::NotFound) => StatusCode::NOT_FOUND.into_response(),
        Err(err) => (StatusCode::INTERNAL_SERVER_ERROR, err.to_string()).into_response(),
    }
}

async fn upload(State(state): State<Files>, multipart: Multipart) -> Response {
    receive(&state, multipart, UPLOAD_LIMIT).await
}

/// Only the route's body limit applies.
async fn upload_unlimited(State(state): State<Files>, multipart: Multipart) -> Response {
    receive(&state, multipart, u64::MAX).await
}

async fn receive(state: &Files, mut multipart: Multipart, limit: u64) -> Response {
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(err) => return (err.status(), err.body_text()).into_response(),
        };
        if field.name() == Some("file") {
            return match files::store_field(&state.blobs, "up/file", field, limit).await {
                Ok(stored) => format!("{} {}", stored.size, stored.sha256_hex).into_response(),
                Err(err) => (files::upload_status(&err), err.to_string()).into_response(),
            };
        }
    }
    (StatusCode::BAD_REQUEST, "no file").into_response()
}

async fn send(
    router: &Router,
    path: &str,
    headers: &[(&str, &str)],
) -> (StatusCode, HeaderMap, Vec<u8>) {
    let mut request = Request::get(path);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = router
        .clone()
        .oneshot(request.body(Body::empty()).expect("request"))
        .await
        .expect("response");
    let status = response.status();
    let headers = response.headers().clone();
    let body = to_bytes(response.into_body(), usize::MAX)
        .await
        .expect("body");
    (status, headers, body.to_vec())
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> &'a str {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
}

#[tokio::test]
async fn a_full_get_streams_the_file_with_safe_headers() {
    let (_dir, router, sha) = app();
    let (status, headers, body) = send(&router, "/report", &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, content());
    assert_eq!(header(&headers, "content-type"), "application/pdf");
    assert_eq!(header(&headers, "content-length"), "1000");
    assert_eq!(header(&headers, "accept-ranges"), "bytes");
    assert_eq!(header(&headers, "etag"), format!("\"{sha}\""));
    assert_eq!(
        header(&headers, "cache-control"),
        "private, max-age=0, must-revalidate"
    );
    assert_eq!(header(&headers, "x-content-type-options"), "nosniff");
    assert_eq!(
        header(&headers, "content-security-policy"),
        "default-src 'none'; media-src 'self'; img-src 'self'; sandbox"
    );
    assert_eq!(
        header(&headers, "cross-origin-resource-policy"),
        "same-origin"
    );
    assert_eq!(
        header(&headers, "content-disposition"),
        "inline; filename=\"Rapport d'activit_.pdf\"; filename*=UTF-8''Rapport%20d%27activit%C3%A9.pdf"
    );
    assert!(headers.get("content-range").is_none());
}

#[tokio::test]
async fn text_is_an_attachment_in_utf8() {
    let (_dir, router, _) = app();
    let (status, headers, body) = send(&router, "/notes", &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, b"plain words\n");
    assert_eq!(
        header(&headers, "content-type"),
        "text/plain; charset=utf-8"
    );
    assert!(header(&headers, "content-disposition").starts_with("attachment; "));
    assert!(headers.get("etag").is_none(), "no hash, no entity tag");
}

#[tokio::test]
async fn the_first_bytes() {
    let (_dir, router, _) = app();
    let (status, headers, body) = send(&router, "/report", &[("range", "bytes=0-9")]).await;
    assert_eq!(status, StatusCode::PARTIAL_CONTENT);
    assert_eq!(body, content()[..10]);
    assert_eq!(header(&headers, "content-range"), "bytes 0-9/1000");
    assert_eq!(header(&headers, "content-length"), "10");
    assert_eq!(header(&headers, "content-type"), "application/pdf");
    assert!(headers.get("etag").is_some());
}

#[tokio::test]
async fn the_last_bytes() {
    let (_dir, router, _) = app();
    let (status, headers, body) = send(&router, "/report", &[("range", "bytes=-5")]).await;
    assert_eq!(status, StatusCode::PARTIAL_CONTENT);
    assert_eq!(body, content()[995..]);
    assert_eq!(header(&headers, "content-range"), "bytes 995-999/1000");
    assert_eq!(header(&headers, "content-length"), "5");
}

#[tokio::test]
async fn from_an_offset_to_the_end() {
    let (_dir, router, _) = app();
    let (status, headers, body) = send(&router, "/report", &[("range", "bytes=990-")]).await;
    assert_eq!(status, StatusCode::PARTIAL_CONTENT);
    assert_eq!(body, content()[990..]);
    assert_eq!(header(&headers, "content-range"), "bytes 990-999/1000");

    let (status, headers, body) = send(&router, "/report", &[("range", "bytes=998-5000")]).await;
    assert_eq!(status, StatusCode::PARTIAL_CONTENT);
    assert_eq!(body, content()[998..]);
    assert_eq!(header(&headers, "content-range"), "bytes 998-999/1000");
}

#[tokio::test]
async fn a_range_past_the_end_is_unsatisfiable() {
    let (_dir, router, _) = app();
    let (status, headers, body) = send(&router, "/report", &[("range", "bytes=100000-")]).await;
    assert_eq!(status, StatusCode::RANGE_NOT_SATISFIABLE);
    assert_eq!(header(&headers, "content-range"), "bytes */1000");
    assert!(body.is_empty());
}

#[tokio::test]
async fn ranges_that_cannot_be_served_alone_get_the_whole_file() {
    let (_dir, router, _) = app();
    for range in ["bytes=0-1,5-6", "lines=1-2", "bytes=9-1", "nonsense"] {
        let (status, _, body) = send(&router, "/report", &[("range", range)]).await;
        assert_eq!(status, StatusCode::OK, "{range}");
        assert_eq!(body.len(), 1000, "{range}");
    }
}

#[tokio::test]
async fn if_range_names_the_version_a_range_belongs_to() {
    let (_dir, router, sha) = app();
    let current = format!("\"{sha}\"");
    let (status, _, body) = send(
        &router,
        "/report",
        &[("range", "bytes=0-9"), ("if-range", &current)],
    )
    .await;
    assert_eq!(status, StatusCode::PARTIAL_CONTENT);
    assert_eq!(body.len(), 10);

    let (status, _, body) = send(
        &router,
        "/report",
        &[("range", "bytes=0-9"), ("if-range", "\"an-older-version\"")],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body.len(), 1000);
}

#[tokio::test]
async fn a_matching_entity_tag_is_not_modified() {
    let (_dir, router, sha) = app();
    let (status, headers, body) = send(
        &router,
        "/report",
        &[("if-none-match", &format!("\"{sha}\""))],
    )
    .await;
    assert_eq!(status, StatusCode::NOT_MODIFIED);
    assert!(body.is_empty());
    assert_eq!(header(&headers, "etag"), format!("\"{sha}\""));
    assert_eq!(
        header(&headers, "cache-control"),
        "private, max-age=0, must-revalidate"
    );

    let (status, _, body) = send(&router, "/report", &[("if-none-match", "\"other\"")]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body.len(), 1000);
}

#[tokio::test]
async fn a_missing_blob_is_not_found_for_the_caller_to_answer() {
    let (_dir, router, _) = app();
    let (status, _, _) = send(&router, "/missing", &[]).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

/// A multipart request with a text field and `file`, its body sent whole or
/// in 16 KiB chunks.
fn multipart(path: &str, file: &[u8], chunked: bool) -> Request<Body> {
    let boundary = "cairn-test-boundary";
    let mut body = Vec::new();
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nhello\r\n\
             --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.bin\"\r\n\
             Content-Type: application/octet-stream\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(file);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    Request::post(path)
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(if chunked {
            // Each chunk arrives after a pause, as from a network, so the
            // server reads the body chunk by chunk.
            let chunks: Vec<Result<Vec<u8>, std::io::Error>> =
                body.chunks(16 * 1024).map(|c| Ok(c.to_vec())).collect();
            Body::from_stream(futures::stream::iter(chunks).then(|chunk| async {
                tokio::task::yield_now().await;
                chunk
            }))
        } else {
            Body::from(body)
        })
        .expect("request")
}

async fn post_to(router: &Router, path: &str, file: &[u8], chunked: bool) -> (StatusCode, String) {
    let response = router
        .clone()
        .oneshot(multipart(path, file, chunked))
        .await
        .expect("response");
    let status = response.status();
    let body = to_bytes(response.into_body(), usize::MAX)
        .await
        .expect("body");
    (status, String::from_utf8_lossy(&body).into_owned())
}

#[tokio::test]
async fn an_uploaded_field_is_streamed_into_storage() {
    let (dir, router, _) = app();
    let file: Vec<u8> = (0..90_000u32).map(|i| (i * 7 % 256) as u8).collect();
    for chunked in [false, true] {
        let (status, body) = post_upload(&router, &file, chunked).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(
            body,
            format!("90000 {}", hex::encode(Sha256::digest(&file)))
        );
    }
    assert_eq!(
        std::fs::read(dir.path().join("up/file")).expect("stored"),
        file
    );
}

#[tokio::test]
async fn an_upload_over_the_limit_is_413_and_keeps_nothing() {
    let (dir, router, _) = app();
    for chunked in [false, true] {
        let (status, body) = post_upload(&router, &vec![1u8; 150_000], chunked).await;
        assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{body}");
        assert!(body.contains("larger than the limit"), "{body}");
    }
    // Over the route's body limit: found part way through the field when
    // the body arrives in chunks, before the first field when it arrives
    // whole.
    let (status, body) = post_to(&router, "/upload-unlimited", &vec![1u8; 300_000], true).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{body}");
    assert!(body.contains("larger than the limit"), "{body}");
    let (status, body) = post_to(&router, "/upload-unlimited", &vec![1u8; 300_000], false).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{body}");
    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    let left: Vec<_> = std::fs::read_dir(dir.path().join("up"))
        .expect("folder")
        .map(|e| e.expect("entry").file_name())
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

async fn post_upload(router: &Router, file: &[u8], chunked: bool) -> (StatusCode, String) {
    post_to(router, "/upload", file, chunked).await
}
