//! Baking Open Badges into images, and reading them back out.
//!
//! A *baked* badge is an image that carries its own credential, so that the
//! image file alone can be verified. The Open Badges 2.0 and 3.0 baking
//! specifications define where the credential goes:
//!
//! - **PNG**: one uncompressed `iTXt` chunk, right after `IHDR`, keyword
//!   `openbadgecredential` (3.0) or `openbadges` (2.0). Every other chunk is
//!   copied byte for byte; the image data is never decoded.
//! - **SVG**: an `openbadges:credential` (3.0) or `openbadges:assertion` (2.0)
//!   element as the first child of the root `<svg>`, in the namespace
//!   `https://purl.imsglobal.org/ob/v3p0` or `http://openbadges.org`. The rest
//!   of the document is kept byte for byte.
//!
//! Baking replaces a credential of the same version that the image already
//! carries; a 2.0 assertion and a 3.0 credential may live side by side.
//! Reading ([`unbake`]) validates the image (PNG signature, chunk lengths and
//! checksums; SVG well-formedness of the parts it reads), refuses inputs
//! larger than [`MAX_IMAGE_BYTES`] and credentials larger than
//! [`MAX_PAYLOAD_BYTES`], and never panics, whatever the input.

mod png;
mod svg;

use serde::de::IgnoredAny;

/// Largest image, in bytes, that [`unbake`], [`bake_png`] and [`bake_svg`]
/// accept (and that baking may produce): 50 MiB.
pub const MAX_IMAGE_BYTES: usize = 50 * MIB;

/// Largest credential text, in bytes, that can be baked or read back
/// (after decompression for a compressed PNG text chunk): 10 MiB.
pub const MAX_PAYLOAD_BYTES: usize = 10 * MIB;

const MIB: usize = 1024 * 1024;

/// PNG keyword and SVG namespace for Open Badges 3.0.
const V3_KEYWORD: &str = "openbadgecredential";
/// PNG keyword for Open Badges 2.0.
const V2_KEYWORD: &str = "openbadges";
/// SVG namespace URI for Open Badges 3.0.
const V3_NAMESPACE: &str = "https://purl.imsglobal.org/ob/v3p0";
/// SVG namespace URI for Open Badges 2.0.
const V2_NAMESPACE: &str = "http://openbadges.org";

/// Which Open Badges specification a baked credential follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BadgeVersion {
    /// Open Badges 2.0: an assertion (JSON, its URL, or a JWS).
    V2,
    /// Open Badges 3.0: a verifiable credential (JSON, or a VC-JWT).
    V3,
}

impl BadgeVersion {
    /// The PNG text keyword for this version.
    fn png_keyword(self) -> &'static str {
        match self {
            Self::V2 => V2_KEYWORD,
            Self::V3 => V3_KEYWORD,
        }
    }

    /// The SVG namespace URI for this version.
    fn svg_namespace(self) -> &'static str {
        match self {
            Self::V2 => V2_NAMESPACE,
            Self::V3 => V3_NAMESPACE,
        }
    }

    /// Local name of the SVG element that carries the credential.
    fn svg_element(self) -> &'static str {
        match self {
            Self::V2 => "assertion",
            Self::V3 => "credential",
        }
    }
}

/// What is baked into an image.
///
/// Surrounding whitespace is not part of the payload: it is trimmed when
/// baking and when reading.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Payload {
    /// The credential (3.0) or assertion (2.0) as a JSON object.
    Json(String),
    /// A compact JWS: a VC-JWT (3.0) or a signed assertion (2.0).
    Jws(String),
    /// The `http(s)` URL of a hosted assertion (2.0 only).
    Url(String),
}

impl Payload {
    /// The payload's text, whatever its kind.
    #[must_use]
    pub fn as_str(&self) -> &str {
        match self {
            Self::Json(text) | Self::Jws(text) | Self::Url(text) => text,
        }
    }
}

/// The kinds of image a badge can be baked into.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ImageFormat {
    /// Portable Network Graphics.
    Png,
    /// Scalable Vector Graphics (UTF-8 text).
    Svg,
}

/// A credential read out of an image by [`unbake`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Baked {
    /// The specification the image was baked for, from the PNG keyword or
    /// the SVG namespace.
    pub version: BadgeVersion,
    /// The baked credential.
    pub payload: Payload,
    /// The kind of image it was read from.
    pub format: ImageFormat,
}

/// Why an image could not be baked or read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BakeError {
    /// The input is larger than [`MAX_IMAGE_BYTES`], or baking would make
    /// it so.
    #[error("image larger than {} MiB", MAX_IMAGE_BYTES / MIB)]
    ImageTooLarge,
    /// The credential text is larger than [`MAX_PAYLOAD_BYTES`].
    #[error("baked credential larger than {} MiB", MAX_PAYLOAD_BYTES / MIB)]
    PayloadTooLarge,
    /// The bytes are neither a PNG nor an SVG image.
    #[error("not a PNG or SVG image")]
    UnknownFormat,
    /// The bytes do not start with the PNG signature.
    #[error("not a PNG image")]
    NotPng,
    /// The PNG does not start with its `IHDR` header chunk.
    #[error("PNG image does not start with an IHDR chunk")]
    MissingIhdr,
    /// The PNG ends early: inside a chunk, or before its `IEND` chunk.
    #[error("PNG image is truncated: {0}")]
    TruncatedPng(String),
    /// A PNG chunk declares a length over 2^31-1 bytes.
    #[error("PNG chunk '{chunk}' declares {length} bytes, more than a PNG chunk may hold")]
    ChunkTooLong {
        /// The chunk type.
        chunk: String,
        /// The declared length.
        length: u32,
    },
    /// A PNG chunk type is not four ASCII letters.
    #[error("PNG chunk type '{0}' is not four ASCII letters")]
    BadChunkType(String),
    /// A PNG chunk's CRC does not match its contents.
    #[error("PNG chunk '{0}' has a bad checksum")]
    BadChecksum(String),
    /// The PNG text chunk that carries the credential cannot be read.
    #[error("PNG text chunk '{chunk}' is malformed: {reason}")]
    BadTextChunk {
        /// The chunk type (`iTXt`, `tEXt` or `zTXt`).
        chunk: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The text does not have an `<svg>` root element.
    #[error("not an SVG image")]
    NotSvg,
    /// The SVG is not well-formed where it was read.
    #[error("SVG image is malformed: {0}")]
    MalformedSvg(String),
    /// The image carries no Open Badges credential.
    #[error("no Open Badges credential is baked into this image")]
    NotBaked,
    /// The baked text is not a JSON object, a compact JWS or an http(s) URL.
    #[error("the baked credential is neither a JSON object, a compact JWS nor a URL")]
    UnrecognizedPayload,
    /// The payload given to bake is not what its kind says, or the version
    /// does not allow it.
    #[error("cannot bake this payload: {0}")]
    InvalidPayload(&'static str),
}

/// Tells a PNG from an SVG by their first bytes; `None` for anything else.
///
/// An SVG is recognised by its root element being `svg` (with any prefix),
/// after an optional byte order mark, XML declaration, comments, processing
/// instructions and DOCTYPE. Only UTF-8 SVG is recognised.
#[must_use]
pub fn detect_format(bytes: &[u8]) -> Option<ImageFormat> {
    if bytes.starts_with(&png::SIGNATURE) {
        return Some(ImageFormat::Png);
    }
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text,
        // The prolog and root tag may well be valid even if a later byte
        // is not; reading then fails with a clear message.
        Err(error) => std::str::from_utf8(bytes.get(..error.valid_up_to())?).ok()?,
    };
    svg::is_svg(text).then_some(ImageFormat::Svg)
}

/// Bakes `payload` into a PNG image, returning the new image.
///
/// The credential goes into one uncompressed `iTXt` chunk right after
/// `IHDR`; any text chunk with the same keyword (`iTXt`, `tEXt` or `zTXt`)
/// is dropped, every other chunk is copied byte for byte, and anything after
/// `IEND` is dropped. The input must be a valid PNG (signature, lengths,
/// checksums).
///
/// # Errors
///
/// [`BakeError::InvalidPayload`] if the payload is not what its kind says
/// (or is a URL for 3.0), a PNG error if the image is not a valid PNG, and
/// the size errors if the image or payload exceed the limits.
pub fn bake_png(
    png: &[u8],
    version: BadgeVersion,
    payload: &Payload,
) -> Result<Vec<u8>, BakeError> {
    if png.len() > MAX_IMAGE_BYTES {
        return Err(BakeError::ImageTooLarge);
    }
    let text = checked_payload(version, payload)?;
    png::bake(png, version.png_keyword(), text)
}

/// Bakes `payload` into an SVG image, returning the new document.
///
/// The credential element becomes the first child of the root element;
/// any credential element of the same version is removed, the namespace is
/// declared on the root if it is not already bound there, and the rest of
/// the document is kept byte for byte. JSON goes into CDATA (split in
/// several sections if it contains `]]>`); a JWS or URL goes into the
/// `verify` attribute. A 2.0 JSON assertion also gets its `id` as `verify`.
///
/// # Errors
///
/// [`BakeError::InvalidPayload`] if the payload is not what its kind says
/// (or is a URL for 3.0) or holds characters XML cannot carry,
/// [`BakeError::NotSvg`] or [`BakeError::MalformedSvg`] if the document is
/// not an SVG, and the size errors if the image or payload exceed the limits.
pub fn bake_svg(svg: &str, version: BadgeVersion, payload: &Payload) -> Result<String, BakeError> {
    if svg.len() > MAX_IMAGE_BYTES {
        return Err(BakeError::ImageTooLarge);
    }
    let text = checked_payload(version, payload)?;
    svg::bake(svg, version, payload, text)
}

/// Reads the credential baked into a PNG or SVG image.
///
/// If the image carries both, the 3.0 credential is returned rather than
/// the 2.0 assertion. The kind of payload is told from its text: a JSON
/// object, a compact JWS, or an http(s) URL. For SVG, the element's text
/// is preferred to its `verify` attribute.
///
/// # Errors
///
/// [`BakeError::NotBaked`] if the image carries no credential,
/// [`BakeError::UnknownFormat`] if it is neither PNG nor SVG, a PNG or SVG
/// error if it is damaged, [`BakeError::UnrecognizedPayload`] if the baked
/// text is none of the payload kinds, and the size errors.
pub fn unbake(bytes: &[u8]) -> Result<Baked, BakeError> {
    if bytes.len() > MAX_IMAGE_BYTES {
        return Err(BakeError::ImageTooLarge);
    }
    let (version, text, format) = match detect_format(bytes) {
        Some(ImageFormat::Png) => {
            let (version, text) = png::unbake(bytes)?;
            (version, text, ImageFormat::Png)
        }
        Some(ImageFormat::Svg) => {
            let text = std::str::from_utf8(bytes)
                .map_err(|_| BakeError::MalformedSvg("the document is not UTF-8 text".into()))?;
            let (version, payload) = svg::unbake(text)?;
            (version, payload, ImageFormat::Svg)
        }
        // A damaged PNG signature still says "PNG" in its first bytes.
        None if bytes.get(1..4) == Some(b"PNG") => return Err(BakeError::NotPng),
        None => return Err(BakeError::UnknownFormat),
    };
    Ok(Baked {
        version,
        payload: classify(&text)?,
        format,
    })
}

/// Checks that the payload is what its kind says and may be baked for
/// `version`; returns its trimmed text.
fn checked_payload(version: BadgeVersion, payload: &Payload) -> Result<&str, BakeError> {
    let text = payload.as_str().trim();
    if text.len() > MAX_PAYLOAD_BYTES {
        return Err(BakeError::PayloadTooLarge);
    }
    match payload {
        Payload::Json(_) if !is_json_object(text) => Err(BakeError::InvalidPayload(
            "the JSON payload is not a JSON object",
        )),
        Payload::Jws(_) if !is_compact_jws(text) => Err(BakeError::InvalidPayload(
            "the JWS payload is not a compact JWS (three base64url parts separated by dots)",
        )),
        Payload::Url(_) if version == BadgeVersion::V3 => Err(BakeError::InvalidPayload(
            "an Open Badges 3.0 credential is baked as JSON or a JWS, not as a URL",
        )),
        Payload::Url(_) if !is_http_url(text) => Err(BakeError::InvalidPayload(
            "the URL payload is not an http(s) URL without spaces",
        )),
        _ => Ok(text),
    }
}

/// Tells which kind of payload a baked text is.
fn classify(text: &str) -> Result<Payload, BakeError> {
    let text = text.trim();
    if text.len() > MAX_PAYLOAD_BYTES {
        Err(BakeError::PayloadTooLarge)
    } else if is_json_object(text) {
        Ok(Payload::Json(text.to_owned()))
    } else if is_compact_jws(text) {
        Ok(Payload::Jws(text.to_owned()))
    } else if is_http_url(text) {
        Ok(Payload::Url(text.to_owned()))
    } else {
        Err(BakeError::UnrecognizedPayload)
    }
}

/// Whether `text` is one well-formed JSON object.
fn is_json_object(text: &str) -> bool {
    // `IgnoredAny` checks the syntax without building the value; serde_json
    // limits nesting, so deep input cannot overflow the stack.
    text.starts_with('{') && serde_json::from_str::<IgnoredAny>(text).is_ok()
}

/// Whether `text` is a compact JWS: `header.payload.signature`, each part
/// non-empty unpadded base64url.
fn is_compact_jws(text: &str) -> bool {
    let mut parts = 0;
    for part in text.split('.') {
        parts += 1;
        if part.is_empty()
            || !part
                .bytes()
                .all(|byte| byte.is_ascii_alphanumeric() || byte == b'-' || byte == b'_')
        {
            return false;
        }
    }
    parts == 3
}

/// Whether `text` is an absolute http(s) URL with no whitespace or control
/// characters.
fn is_http_url(text: &str) -> bool {
    let rest = ["https://", "http://"].iter().find_map(|scheme| {
        let head = text.get(..scheme.len())?;
        head.eq_ignore_ascii_case(scheme)
            .then(|| text.get(scheme.len()..))
            .flatten()
    });
    rest.is_some_and(|rest| {
        !rest.is_empty() && !text.chars().any(|c| c.is_whitespace() || c.is_control())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payload_kinds_are_told_apart() {
        assert_eq!(
            classify(" {\"a\":1}\n"),
            Ok(Payload::Json("{\"a\":1}".into()))
        );
        assert_eq!(
            classify("eyJh.eyJi.c2ln"),
            Ok(Payload::Jws("eyJh.eyJi.c2ln".into()))
        );
        assert_eq!(
            classify("HTTPS://example.org/a?b=1&c=2"),
            Ok(Payload::Url("HTTPS://example.org/a?b=1&c=2".into()))
        );
        for text in [
            "",
            "[1]",
            "{\"a\":",
            "a.b",
            "a..c",
            "a.b.c.d",
            "a.b=.c",
            "https://",
            "ftp://x",
            "http://a b",
        ] {
            assert_eq!(
                classify(text),
                Err(BakeError::UnrecognizedPayload),
                "{text:?}"
            );
        }
    }

    #[test]
    fn a_url_cannot_be_baked_for_v3() {
        let url = Payload::Url("https://example.org/assertions/1".into());
        assert!(matches!(
            checked_payload(BadgeVersion::V3, &url),
            Err(BakeError::InvalidPayload(_))
        ));
        assert_eq!(
            checked_payload(BadgeVersion::V2, &url),
            Ok("https://example.org/assertions/1")
        );
    }

    #[test]
    fn error_messages_read_well() {
        assert_eq!(
            BakeError::ImageTooLarge.to_string(),
            "image larger than 50 MiB"
        );
        assert_eq!(
            BakeError::BadChecksum("IDAT".into()).to_string(),
            "PNG chunk 'IDAT' has a bad checksum"
        );
        assert_eq!(
            BakeError::NotBaked.to_string(),
            "no Open Badges credential is baked into this image"
        );
    }
}
