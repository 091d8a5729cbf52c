//! Uploaded files over HTTP: streaming an upload into blob storage, and
//! serving a stored file back with byte ranges and safe headers.
//!
//! **Uploads.** [`store_field`] streams one `multipart/form-data` field into
//! [`LocalBlobs::put_stream`] with a per-request limit, so a file of any size
//! passes through fixed buffers and never sits in memory. A route that takes
//! uploads must lift the router's default body limit for itself (e.g.
//! `DefaultBodyLimit::max(limit + 64 * 1024)` on that route); the request
//! timeout set for every route still applies to reading the whole body.
//! [`upload_status`] tells which status a failed upload deserves: 413 when
//! the file is too large, 400 when the upload was cut off or malformed.
//!
//! **Downloads.** [`serve_file`] answers a `GET` for a stored file:
//!
//! - `Content-Type` is the type found by content when the file was stored
//!   (UTF-8 text is labelled as such), with `X-Content-Type-Options: nosniff`
//!   so browsers do not guess otherwise;
//! - `Content-Disposition` is `inline` for images, video, audio and PDF and
//!   `attachment` for everything else, with the uploaded name as an ASCII
//!   `filename` and an RFC 5987 `filename*`;
//! - a restrictive `Content-Security-Policy` with `sandbox`, so a file opened
//!   in the browser runs no script and reaches nothing, and
//!   `Cross-Origin-Resource-Policy: same-origin`, so other sites cannot embed
//!   it;
//! - `ETag` from the SHA-256 and `Cache-Control: private, max-age=0,
//!   must-revalidate`: shared caches keep nothing, the browser revalidates
//!   each time and `If-None-Match` answers `304 Not Modified`;
//! - one byte range (`bytes=a-b`, `bytes=a-`, `bytes=-n`) answers `206` with
//!   `Content-Range`, a range past the end `416`; a `Range` that cannot be
//!   parsed, names several ranges, or fails its `If-Range` gets the whole
//!   file (as RFC 9110 allows);
//! - the body is streamed from the file in 64 KiB reads.

use axum::body::Body;
use axum::extract::multipart::{Field, MultipartError};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use cairn_store::blobs::{ByteRange, LocalBlobs, StoredBlob};
use cairn_store::{StoreError, StoreResult};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use tokio_util::io::ReaderStream;

/// The policy for a served file: nothing may load, except the file itself
/// as media or an image in the browser's own viewer, and the document is
/// sandboxed (no script, no forms, a unique origin).
pub const FILE_CSP: &str = "default-src 'none'; media-src 'self'; img-src 'self'; sandbox";

/// `Cache-Control` for a served file: personal (never in a shared cache),
/// and checked with the server on every use.
pub const FILE_CACHE_CONTROL: &str = "private, max-age=0, must-revalidate";

/// How much of the file each read of a response body takes.
const READ_CHUNK: usize = 64 * 1024;

/// A stored file to serve, as its record describes it.
#[derive(Clone, Copy, Debug)]
pub struct ServedFile<'a> {
    /// The blob key.
    pub key: &'a str,
    /// The media type found by content when it was stored, e.g. `image/png`.
    pub media_type: &'a str,
    /// The name it was uploaded with (shown in the save dialog).
    pub file_name: &'a str,
    /// The SHA-256 of its bytes, in hex (the `ETag`).
    pub sha256_hex: &'a str,
}

/// Streams one multipart `field` into `blobs` under `key`, refusing more
/// than `limit` bytes ([`StoreError::TooLarge`]; nothing is kept). A
/// request body over the route's body limit counts as too large as well.
pub async fn store_field(
    blobs: &LocalBlobs,
    key: &str,
    field: Field<'_>,
    limit: u64,
) -> StoreResult<StoredBlob> {
    let field = std::pin::pin!(field);
    match blobs.put_stream(key, field, limit).await {
        Err(StoreError::Upload(err))
            if err
                .downcast_ref::<MultipartError>()
                .is_some_and(|e| e.status() == StatusCode::PAYLOAD_TOO_LARGE) =>
        {
            Err(StoreError::TooLarge { limit })
        }
        other => other,
    }
}

/// The status a failed upload deserves: `413` when it was too large, `400`
/// when the upload itself was cut off or malformed, `500` otherwise.
pub fn upload_status(err: &StoreError) -> StatusCode {
    match err {
        StoreError::TooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
        StoreError::Upload(_) => StatusCode::BAD_REQUEST,
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// Answers a request (its `headers`) for `file`: the whole file, one byte
/// range of it, `304 Not Modified` or `416 Range Not Satisfiable`. A blob
/// that is missing is [`StoreError::NotFound`], for the caller to answer as
/// it answers other missing things.
pub async fn serve_file(
    blobs: &LocalBlobs,
    file: ServedFile<'_>,
    headers: &HeaderMap,
) -> StoreResult<Response> {
    let etag = etag(file.sha256_hex);
    if let Some(etag) = &etag
        && headers
            .get(header::IF_NONE_MATCH)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| none_match_hits(v, etag))
    {
        let mut response = Response::new(Body::empty());
        *response.status_mut() = StatusCode::NOT_MODIFIED;
        let out = response.headers_mut();
        out.insert(header::ETAG, etag.clone());
        out.insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static(FILE_CACHE_CONTROL),
        );
        return Ok(response);
    }

    let range = headers
        .get(header::RANGE)
        .and_then(|v| v.to_str().ok())
        .filter(|_| if_range_holds(headers, etag.as_ref()))
        .and_then(parse_range);
    let slice = match blobs.open_range(file.key, range).await {
        Ok(slice) => slice,
        Err(StoreError::RangeNotSatisfiable { total_len }) => {
            let mut response = Response::new(Body::empty());
            *response.status_mut() = StatusCode::RANGE_NOT_SATISFIABLE;
            let out = response.headers_mut();
            out.insert(
                header::CONTENT_RANGE,
                header_value(format!("bytes */{total_len}")),
            );
            out.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
            return Ok(response);
        }
        Err(err) => return Err(err),
    };

    let (start, len, total) = (slice.start, slice.len, slice.total_len);
    let body = Body::from_stream(ReaderStream::with_capacity(slice.reader, READ_CHUNK));
    let mut response = Response::new(body);
    if range.is_some() {
        *response.status_mut() = StatusCode::PARTIAL_CONTENT;
        let end = start + len - 1;
        response.headers_mut().insert(
            header::CONTENT_RANGE,
            header_value(format!("bytes {start}-{end}/{total}")),
        );
    }
    let out = response.headers_mut();
    out.insert(header::CONTENT_TYPE, content_type(file.media_type));
    out.insert(header::CONTENT_LENGTH, HeaderValue::from(len));
    out.insert(
        header::CONTENT_DISPOSITION,
        header_value(content_disposition(file.media_type, file.file_name)),
    );
    out.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    if let Some(etag) = etag {
        out.insert(header::ETAG, etag);
    }
    out.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(FILE_CACHE_CONTROL),
    );
    out.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    out.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(FILE_CSP),
    );
    out.insert(
        "cross-origin-resource-policy",
        HeaderValue::from_static("same-origin"),
    );
    Ok(response)
}

/// Whether a file of this type opens in the browser (`inline`) rather than
/// being saved (`attachment`).
pub fn is_inline(media_type: &str) -> bool {
    let essence = essence(media_type);
    let (kind, subtype) = essence.split_once('/').unwrap_or((&essence, ""));
    match kind {
        "image" => !subtype.starts_with("svg"),
        "video" | "audio" => true,
        "application" => subtype == "pdf",
        _ => false,
    }
}

/// The `Content-Disposition` value for a file of `media_type` uploaded as
/// `file_name`: `inline` or `attachment`, an ASCII `filename` fallback and
/// the exact name, percent-encoded as UTF-8, in `filename*` (RFC 6266,
/// RFC 5987).
pub fn content_disposition(media_type: &str, file_name: &str) -> String {
    /// RFC 5987 `attr-char`s are left as they are; everything else is encoded.
    const ATTR: &AsciiSet = &NON_ALPHANUMERIC
        .remove(b'!')
        .remove(b'#')
        .remove(b'$')
        .remove(b'&')
        .remove(b'+')
        .remove(b'-')
        .remove(b'.')
        .remove(b'^')
        .remove(b'_')
        .remove(b'`')
        .remove(b'|')
        .remove(b'~');
    let kind = if is_inline(media_type) {
        "inline"
    } else {
        "attachment"
    };
    let name = clean_file_name(file_name);
    let fallback: String = name
        .chars()
        .map(|c| {
            if (c.is_ascii_graphic() && c != '"' && c != '\\') || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded = utf8_percent_encode(&name, ATTR);
    format!("{kind}; filename=\"{fallback}\"; filename*=UTF-8''{encoded}")
}

/// The last component of an uploaded name, without control characters;
/// `file` when nothing is left.
fn clean_file_name(file_name: &str) -> String {
    let last = file_name
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or_default()
        .chars()
        .filter(|c| !c.is_control())
        .collect::<String>();
    let trimmed = last.trim();
    if trimmed.is_empty() || trimmed == "." || trimmed == ".." {
        "file".to_owned()
    } else {
        trimmed.to_owned()
    }
}

/// The media type without parameters, in lower case.
fn essence(media_type: &str) -> String {
    media_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase()
}

fn content_type(media_type: &str) -> HeaderValue {
    let essence = essence(media_type);
    let value = if essence.starts_with("text/") && !media_type.contains("charset") {
        format!("{essence}; charset=utf-8")
    } else {
        media_type.to_owned()
    };
    HeaderValue::from_str(&value)
        .unwrap_or_else(|_| HeaderValue::from_static("application/octet-stream"))
}

/// The strong entity tag for a SHA-256 in hex; `None` when it is not hex.
fn etag(sha256_hex: &str) -> Option<HeaderValue> {
    let valid = !sha256_hex.is_empty() && sha256_hex.bytes().all(|b| b.is_ascii_hexdigit());
    valid.then(|| header_value(format!("\"{}\"", sha256_hex.to_ascii_lowercase())))
}

/// Whether an `If-None-Match` list names `etag` (weak comparison) or is `*`.
fn none_match_hits(list: &str, etag: &HeaderValue) -> bool {
    let etag = etag.to_str().unwrap_or_default();
    list.split(',').map(str::trim).any(|candidate| {
        candidate == "*" || candidate.strip_prefix("W/").unwrap_or(candidate) == etag
    })
}

/// Whether a `Range` may be honoured: there is no `If-Range`, or it names
/// the current entity tag exactly (strong comparison). A date in `If-Range`
/// never matches, as files are served without `Last-Modified`.
fn if_range_holds(headers: &HeaderMap, etag: Option<&HeaderValue>) -> bool {
    match headers.get(header::IF_RANGE) {
        None => true,
        Some(value) => etag.is_some_and(|etag| value.as_bytes() == etag.as_bytes()),
    }
}

/// One byte range from a `Range` header; `None` for anything else (another
/// unit, several ranges, bad syntax), which means "send the whole file".
fn parse_range(value: &str) -> Option<ByteRange> {
    let (unit, spec) = value.trim().split_once('=')?;
    if !unit.trim().eq_ignore_ascii_case("bytes") || spec.contains(',') {
        return None;
    }
    let (first, last) = spec.trim().split_once('-')?;
    let number = |s: &str| {
        let s = s.trim();
        (!s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse::<u64>().ok())
            .flatten()
    };
    if first.trim().is_empty() {
        return number(last).map(ByteRange::Last);
    }
    let start = number(first)?;
    let end = if last.trim().is_empty() {
        None
    } else {
        Some(number(last).filter(|&end| end >= start)?)
    };
    Some(ByteRange::From { start, end })
}

fn header_value(value: String) -> HeaderValue {
    HeaderValue::try_from(value).unwrap_or_else(|_| HeaderValue::from_static(""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_parse_one_span_in_bytes() {
        let from = |start, end| Some(ByteRange::From { start, end });
        assert_eq!(parse_range("bytes=0-9"), from(0, Some(9)));
        assert_eq!(parse_range("bytes=100-"), from(100, None));
        assert_eq!(parse_range("bytes=-5"), Some(ByteRange::Last(5)));
        assert_eq!(parse_range("Bytes = 3 - 4"), from(3, Some(4)));
        assert_eq!(parse_range("bytes=-0"), Some(ByteRange::Last(0)));
        for ignored in [
            "bytes=0-1,5-6",
            "items=0-1",
            "bytes=5-4",
            "bytes=a-b",
            "bytes=-",
            "bytes=+1-2",
            "bytes=1",
            "bytes=99999999999999999999-",
            "",
        ] {
            assert_eq!(parse_range(ignored), None, "{ignored}");
        }
    }

    #[test]
    fn media_opens_inline_and_everything_else_is_saved() {
        for inline in [
            "image/png",
            "image/jpeg",
            "video/mp4",
            "audio/mpeg",
            "application/pdf",
            "Application/PDF",
        ] {
            assert!(is_inline(inline), "{inline}");
        }
        for attachment in [
            "image/svg+xml",
            "text/plain",
            "text/html",
            "application/msword",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "application/octet-stream",
            "",
        ] {
            assert!(!is_inline(attachment), "{attachment}");
        }
    }

    #[test]
    fn file_names_are_quoted_and_encoded() {
        assert_eq!(
            content_disposition("application/pdf", "report.pdf"),
            "inline; filename=\"report.pdf\"; filename*=UTF-8''report.pdf"
        );
        assert_eq!(
            content_disposition("text/plain", "Résumé \"final\".txt"),
            "attachment; filename=\"R_sum_ _final_.txt\"; filename*=UTF-8''R%C3%A9sum%C3%A9%20%22final%22.txt"
        );
        assert_eq!(
            content_disposition("image/png", "C:\\Users\\ada\\photo;1.png"),
            "inline; filename=\"photo;1.png\"; filename*=UTF-8''photo%3B1.png"
        );
        assert_eq!(
            content_disposition("text/plain", "../..\r\n"),
            "attachment; filename=\"file\"; filename*=UTF-8''file"
        );
        assert_eq!(
            content_disposition("audio/mpeg", "日本.mp3"),
            "inline; filename=\"__.mp3\"; filename*=UTF-8''%E6%97%A5%E6%9C%AC.mp3"
        );
    }

    #[test]
    fn text_is_labelled_utf8() {
        assert_eq!(content_type("text/plain"), "text/plain; charset=utf-8");
        assert_eq!(
            content_type("text/csv; charset=utf-8"),
            "text/csv; charset=utf-8"
        );
        assert_eq!(content_type("image/png"), "image/png");
        assert_eq!(content_type("bad\nvalue"), "application/octet-stream");
    }

    #[test]
    fn entity_tags_compare_weakly_for_if_none_match() {
        let tag = etag("ABCDEF").expect("hex");
        assert_eq!(tag, "\"abcdef\"");
        assert!(none_match_hits("\"abcdef\"", &tag));
        assert!(none_match_hits("W/\"abcdef\"", &tag));
        assert!(none_match_hits("\"x\", \"abcdef\"", &tag));
        assert!(none_match_hits("*", &tag));
        assert!(!none_match_hits("\"abcde\"", &tag));
        assert!(etag("not hex").is_none());
        assert!(etag("").is_none());
    }
}
