//! PNG baking: one `iTXt` chunk right after `IHDR`.
//!
//! A PNG is the 8-byte signature followed by chunks, each `length` (4 bytes,
//! big-endian, at most 2^31-1), `type` (4 ASCII letters), `data` and a CRC-32
//! over type and data. Chunks are walked without copying; the image data is
//! never decoded.

use std::io::Read as _;

use flate2::read::ZlibDecoder;

use super::{BadgeVersion, BakeError, MAX_IMAGE_BYTES, MAX_PAYLOAD_BYTES, V2_KEYWORD, V3_KEYWORD};

/// The eight bytes every PNG starts with.
pub(super) const SIGNATURE: [u8; 8] = [0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a];

/// Largest chunk length the PNG specification allows.
const MAX_CHUNK_LENGTH: u32 = 0x7fff_ffff;

/// One chunk, borrowed from the image.
struct Chunk<'a> {
    kind: [u8; 4],
    data: &'a [u8],
    /// The whole chunk: length, type, data and CRC.
    raw: &'a [u8],
}

impl Chunk<'_> {
    fn is(&self, kind: &[u8; 4]) -> bool {
        &self.kind == kind
    }

    fn is_text(&self) -> bool {
        self.is(b"iTXt") || self.is(b"tEXt") || self.is(b"zTXt")
    }

    /// For a text chunk, its keyword: the bytes before the first NUL.
    fn keyword(&self) -> &[u8] {
        let end = self
            .data
            .iter()
            .position(|&byte| byte == 0)
            .unwrap_or(self.data.len());
        self.data.get(..end).unwrap_or_default()
    }
}

/// Prints a chunk type for an error message.
fn name(kind: &[u8]) -> String {
    kind.escape_ascii().to_string()
}

/// Walks the chunks after the signature, validating each, up to and
/// including `IEND`. Yields an error (and then stops) if the file is
/// damaged or ends before `IEND`.
struct Chunks<'a> {
    rest: &'a [u8],
    done: bool,
}

impl<'a> Chunks<'a> {
    /// Checks the signature and starts after it.
    fn new(png: &'a [u8]) -> Result<Self, BakeError> {
        match png.strip_prefix(&SIGNATURE) {
            Some(rest) => Ok(Self { rest, done: false }),
            None => Err(BakeError::NotPng),
        }
    }

    fn read(&mut self) -> Result<Chunk<'a>, BakeError> {
        if self.rest.is_empty() {
            return Err(BakeError::TruncatedPng("it has no IEND chunk".into()));
        }
        let header = self
            .rest
            .split_first_chunk::<4>()
            .and_then(|(length, rest)| {
                let (kind, _) = rest.split_first_chunk::<4>()?;
                Some((u32::from_be_bytes(*length), *kind))
            });
        let Some((length, kind)) = header else {
            return Err(BakeError::TruncatedPng(
                "it ends inside a chunk header".into(),
            ));
        };
        if !kind.iter().all(u8::is_ascii_alphabetic) {
            return Err(BakeError::BadChunkType(name(&kind)));
        }
        if length > MAX_CHUNK_LENGTH {
            return Err(BakeError::ChunkTooLong {
                chunk: name(&kind),
                length,
            });
        }
        // Lengths are at most 2^31-1, so this cannot overflow a usize of 32
        // bits or more; `checked_add` keeps it so on any target.
        let total = usize::try_from(length)
            .ok()
            .and_then(|length| length.checked_add(12));
        let Some((raw, rest)) = total.and_then(|total| self.rest.split_at_checked(total)) else {
            return Err(BakeError::TruncatedPng(format!(
                "it ends inside chunk '{}'",
                name(&kind)
            )));
        };
        // `raw` is length, type, data, CRC; the CRC covers type and data.
        let Some((covered, crc)) = raw.get(4..).and_then(<[u8]>::split_last_chunk::<4>) else {
            return Err(BakeError::TruncatedPng(format!(
                "it ends inside chunk '{}'",
                name(&kind)
            )));
        };
        if crc32fast::hash(covered).to_be_bytes() != *crc {
            return Err(BakeError::BadChecksum(name(&kind)));
        }
        let data = covered.get(4..).unwrap_or_default();
        self.rest = rest;
        Ok(Chunk { kind, data, raw })
    }
}

impl<'a> Iterator for Chunks<'a> {
    type Item = Result<Chunk<'a>, BakeError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let chunk = self.read();
        self.done = chunk.as_ref().map_or(true, |chunk| chunk.is(b"IEND"));
        Some(chunk)
    }
}

/// Starts walking a PNG: checks the signature and that `IHDR` comes first.
fn open(png: &[u8]) -> Result<(Chunk<'_>, Chunks<'_>), BakeError> {
    let mut chunks = Chunks::new(png)?;
    match chunks.next() {
        Some(Ok(header)) if header.is(b"IHDR") => Ok((header, chunks)),
        Some(Err(error)) => Err(error),
        Some(Ok(_)) | None => Err(BakeError::MissingIhdr),
    }
}

/// Bakes `text` under `keyword` (see [`super::bake_png`]).
pub(super) fn bake(png: &[u8], keyword: &str, text: &str) -> Result<Vec<u8>, BakeError> {
    let (header, chunks) = open(png)?;
    let mut out = Vec::with_capacity(png.len().saturating_add(text.len()).saturating_add(64));
    out.extend_from_slice(&SIGNATURE);
    out.extend_from_slice(header.raw);
    write_itxt(&mut out, keyword, text)?;
    for chunk in chunks {
        let chunk = chunk?;
        if chunk.is_text() && chunk.keyword() == keyword.as_bytes() {
            continue;
        }
        out.extend_from_slice(chunk.raw);
        if out.len() > MAX_IMAGE_BYTES {
            return Err(BakeError::ImageTooLarge);
        }
    }
    if out.len() > MAX_IMAGE_BYTES {
        return Err(BakeError::ImageTooLarge);
    }
    Ok(out)
}

/// Appends an uncompressed `iTXt` chunk with no language tag and no
/// translated keyword.
fn write_itxt(out: &mut Vec<u8>, keyword: &str, text: &str) -> Result<(), BakeError> {
    // keyword NUL, compression flag 0, method 0, empty language NUL, empty
    // translated keyword NUL, text.
    let length = keyword.len() + 5 + text.len();
    let length = u32::try_from(length)
        .ok()
        .filter(|&length| length <= MAX_CHUNK_LENGTH)
        .ok_or(BakeError::PayloadTooLarge)?;
    let start = out.len();
    out.extend_from_slice(&length.to_be_bytes());
    out.extend_from_slice(b"iTXt");
    out.extend_from_slice(keyword.as_bytes());
    out.extend_from_slice(&[0, 0, 0, 0, 0]);
    out.extend_from_slice(text.as_bytes());
    let crc = crc32fast::hash(out.get(start + 4..).unwrap_or_default());
    out.extend_from_slice(&crc.to_be_bytes());
    Ok(())
}

/// Reads the baked text (see [`super::unbake`]): the 3.0 credential if
/// there is one, else the 2.0 assertion. The whole file is validated.
pub(super) fn unbake(png: &[u8]) -> Result<(BadgeVersion, String), BakeError> {
    let (_, chunks) = open(png)?;
    let mut v3 = None;
    let mut v2 = None;
    for chunk in chunks {
        let chunk = chunk?;
        if !chunk.is_text() {
            continue;
        }
        let keyword = chunk.keyword();
        if keyword == V3_KEYWORD.as_bytes() && v3.is_none() {
            v3 = Some(text_of(&chunk)?);
        } else if keyword == V2_KEYWORD.as_bytes() && v2.is_none() {
            v2 = Some(text_of(&chunk)?);
        }
    }
    match (v3, v2) {
        (Some(text), _) => Ok((BadgeVersion::V3, text)),
        (None, Some(text)) => Ok((BadgeVersion::V2, text)),
        (None, None) => Err(BakeError::NotBaked),
    }
}

/// The text of an `iTXt`, `tEXt` or `zTXt` chunk, decompressed if needed.
fn text_of(chunk: &Chunk<'_>) -> Result<String, BakeError> {
    let bad = |reason| BakeError::BadTextChunk {
        chunk: name(&chunk.kind),
        reason,
    };
    let after_keyword = chunk
        .data
        .get(chunk.keyword().len() + 1..)
        .ok_or_else(|| bad("its keyword is not terminated"))?;
    if chunk.is(b"tEXt") {
        if after_keyword.len() > MAX_PAYLOAD_BYTES {
            return Err(BakeError::PayloadTooLarge);
        }
        return Ok(latin1(after_keyword));
    }
    if chunk.is(b"zTXt") {
        let (&method, compressed) = after_keyword
            .split_first()
            .ok_or_else(|| bad("it has no compression method"))?;
        if method != 0 {
            return Err(bad("it uses an unknown compression method"));
        }
        return Ok(latin1(&inflate(compressed).map_err(|error| {
            error.unwrap_or_else(|| bad("its compressed text is corrupt"))
        })?));
    }
    // iTXt: compression flag, compression method, language tag NUL,
    // translated keyword NUL, text.
    let [flag, method, rest @ ..] = after_keyword else {
        return Err(bad("its header is truncated"));
    };
    let mut fields = rest.splitn(3, |&byte| byte == 0);
    let (Some(_language), Some(_translated), Some(text)) =
        (fields.next(), fields.next(), fields.next())
    else {
        return Err(bad(
            "its language tag or translated keyword is not terminated",
        ));
    };
    let text = match (flag, method) {
        (0, _) => text.to_vec(),
        (1, 0) => inflate(text)
            .map_err(|error| error.unwrap_or_else(|| bad("its compressed text is corrupt")))?,
        (1, _) => return Err(bad("it uses an unknown compression method")),
        _ => return Err(bad("its compression flag is neither 0 nor 1")),
    };
    if text.len() > MAX_PAYLOAD_BYTES {
        return Err(BakeError::PayloadTooLarge);
    }
    String::from_utf8(text).map_err(|_| bad("its text is not UTF-8"))
}

/// Decompresses a zlib stream, reading at most one byte more than
/// [`MAX_PAYLOAD_BYTES`]. `Err(Some(_))` if the text is too large,
/// `Err(None)` if the stream is corrupt.
fn inflate(compressed: &[u8]) -> Result<Vec<u8>, Option<BakeError>> {
    let limit = u64::try_from(MAX_PAYLOAD_BYTES)
        .unwrap_or(u64::MAX)
        .saturating_add(1);
    let mut text = Vec::new();
    ZlibDecoder::new(compressed)
        .take(limit)
        .read_to_end(&mut text)
        .map_err(|_| None)?;
    if text.len() > MAX_PAYLOAD_BYTES {
        return Err(Some(BakeError::PayloadTooLarge));
    }
    Ok(text)
}

/// Decodes ISO 8859-1, the encoding of `tEXt` and `zTXt`.
fn latin1(bytes: &[u8]) -> String {
    bytes.iter().map(|&byte| char::from(byte)).collect()
}
