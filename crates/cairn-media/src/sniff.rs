//! Tell what an uploaded file is from its first bytes, never from its name.
//!
//! [`sniff`] looks at the head of a file (the first [`HEAD_LEN`] bytes are
//! plenty; fewer work for most kinds) and answers with the media type Cairn
//! will store and serve it as, a broad [`Category`], and the usual file
//! extension. [`check`] answers the same, or a [`Refusal`] a person
//! understands.
//!
//! Accepted, by content:
//!
//! - **Documents**: PDF; Word, Excel and PowerPoint (`.docx`, `.xlsx`,
//!   `.pptx`: a ZIP whose first entries name `word/`, `xl/` or `ppt/`);
//!   OpenDocument (a ZIP that starts with a `mimetype` entry); the legacy
//!   binary Office formats (`.doc`, `.xls`, `.ppt`: an OLE compound file
//!   whose stream names or first sectors say which); RTF.
//! - **Images**: JPEG, PNG, GIF, WebP, HEIC/HEIF and AVIF (by `ftyp` brand).
//! - **Video**: MP4, MOV, M4V and 3GP (by `ftyp` brand); WebM and Matroska
//!   (EBML with its `DocType`); Ogg with a Theora stream.
//! - **Audio**: MP3 (an ID3 tag, or two MPEG Layer III frame headers in a
//!   row), M4A, Ogg (Vorbis, Opus, FLAC, Speex), WAV.
//! - **Text**: anything else that is valid UTF-8 without NUL bytes (plain
//!   text, CSV, Markdown). Which of those it is cannot be told from the
//!   bytes, so it is `text/plain`.
//!
//! **SVG is refused** ([`Refusal::Svg`]): an SVG is a document that can
//! carry scripts and links, and evidence is served as uploaded. Plain ZIP
//! archives, executables, HTML-like markup with an `<svg>` root and anything
//! not listed above are refused too.

use thiserror::Error;

/// How many leading bytes [`sniff`] may look at. Passing more is harmless;
/// the ZIP- and OLE-based Office formats may need this much.
pub const HEAD_LEN: usize = 8 * 1024;

/// The broad kind of a piece of evidence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Category {
    /// PDF, word-processing, spreadsheet and presentation files.
    Document,
    /// Still pictures.
    Image,
    /// Moving pictures (possibly with sound).
    Video,
    /// Sound only.
    Audio,
    /// UTF-8 text.
    Text,
}

/// What a file is, as told by its content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sniffed {
    /// The media type to store and serve it as, e.g. `application/pdf`.
    pub media_type: &'static str,
    /// The broad kind.
    pub category: Category,
    /// The usual extension, without a dot, e.g. `pdf`.
    pub extension: &'static str,
}

/// Why a file is not accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum Refusal {
    /// Nothing to look at.
    #[error("The file is empty.")]
    Empty,
    /// An SVG drawing.
    #[error(
        "SVG files are not accepted as evidence, because they can contain scripts. Export the drawing as PNG or PDF and upload that instead."
    )]
    Svg,
    /// An OLE compound file whose kind could not be told from its start.
    #[error(
        "This looks like an older Microsoft Office file, but its kind could not be recognized. Save it as .docx, .xlsx, .pptx or PDF and upload that instead."
    )]
    UnrecognizedOffice,
    /// Anything else.
    #[error(
        "This kind of file is not accepted as evidence. Upload a document (PDF, Word, Excel, PowerPoint, OpenDocument, RTF or plain text), an image (JPEG, PNG, GIF, WebP, HEIC or AVIF), a video (MP4, MOV, WebM or MKV) or a sound recording (MP3, M4A, Ogg or WAV)."
    )]
    Unknown,
}

/// What the file starting with `head` is, or `None` when it is not
/// accepted as evidence (see [`check`] for the reason).
pub fn sniff(head: &[u8]) -> Option<Sniffed> {
    check(head).ok()
}

/// What the file starting with `head` is, or why it is not accepted.
pub fn check(head: &[u8]) -> Result<Sniffed, Refusal> {
    if head.is_empty() {
        return Err(Refusal::Empty);
    }
    if let Some(found) = binary(head)? {
        return Ok(found);
    }
    if is_svg(head) {
        return Err(Refusal::Svg);
    }
    if is_text(head) {
        return Ok(TEXT);
    }
    Err(Refusal::Unknown)
}

/// Whether `head` starts an SVG document (after an optional byte order
/// mark, XML declaration, comments and DOCTYPE).
pub fn is_svg(head: &[u8]) -> bool {
    let mut rest = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    loop {
        rest = trim_start(rest);
        if rest.starts_with(b"<?") {
            match after(rest, b"?>") {
                Some(next) => rest = next,
                None => return contains_svg_tag(head),
            }
        } else if rest.starts_with(b"<!--") {
            match after(rest, b"-->") {
                Some(next) => rest = next,
                None => return contains_svg_tag(head),
            }
        } else if starts_with_ignore_case(rest, b"<!doctype") {
            let end = rest.iter().position(|&b| b == b'>');
            let subset = rest.iter().position(|&b| b == b'[');
            let doctype_end = match (subset, end) {
                (Some(open), Some(close)) if open < close => {
                    after(rest, b"]>").map(|next| rest.len() - next.len())
                }
                (_, Some(close)) => Some(close + 1),
                (_, None) => None,
            };
            let Some(doctype_end) = doctype_end else {
                return contains_svg_tag(head);
            };
            if contains_ignore_case(&rest[..doctype_end], b"svg") {
                return true;
            }
            rest = &rest[doctype_end..];
        } else {
            break;
        }
    }
    let Some(tag) = rest.strip_prefix(b"<") else {
        return false;
    };
    let name_len = tag
        .iter()
        .position(|&b| b.is_ascii_whitespace() || b == b'>' || b == b'/')
        .unwrap_or(tag.len());
    let name = &tag[..name_len];
    let local = match name.iter().rposition(|&b| b == b':') {
        Some(colon) => &name[colon + 1..],
        None => name,
    };
    local.eq_ignore_ascii_case(b"svg")
}

const TEXT: Sniffed = Sniffed {
    media_type: "text/plain",
    category: Category::Text,
    extension: "txt",
};

const fn kind(media_type: &'static str, category: Category, extension: &'static str) -> Sniffed {
    Sniffed {
        media_type,
        category,
        extension,
    }
}

const PDF: Sniffed = kind("application/pdf", Category::Document, "pdf");
const RTF: Sniffed = kind("application/rtf", Category::Document, "rtf");
const DOCX: Sniffed = kind(
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    Category::Document,
    "docx",
);
const XLSX: Sniffed = kind(
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    Category::Document,
    "xlsx",
);
const PPTX: Sniffed = kind(
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    Category::Document,
    "pptx",
);
const DOC: Sniffed = kind("application/msword", Category::Document, "doc");
const XLS: Sniffed = kind("application/vnd.ms-excel", Category::Document, "xls");
const PPT: Sniffed = kind("application/vnd.ms-powerpoint", Category::Document, "ppt");
const PNG: Sniffed = kind("image/png", Category::Image, "png");
const JPEG: Sniffed = kind("image/jpeg", Category::Image, "jpg");
const GIF: Sniffed = kind("image/gif", Category::Image, "gif");
const WEBP: Sniffed = kind("image/webp", Category::Image, "webp");
const HEIC: Sniffed = kind("image/heic", Category::Image, "heic");
const HEIF: Sniffed = kind("image/heif", Category::Image, "heif");
const AVIF: Sniffed = kind("image/avif", Category::Image, "avif");
const MP4: Sniffed = kind("video/mp4", Category::Video, "mp4");
const MOV: Sniffed = kind("video/quicktime", Category::Video, "mov");
const M4V: Sniffed = kind("video/x-m4v", Category::Video, "m4v");
const THREE_GP: Sniffed = kind("video/3gpp", Category::Video, "3gp");
const WEBM: Sniffed = kind("video/webm", Category::Video, "webm");
const MKV: Sniffed = kind("video/x-matroska", Category::Video, "mkv");
const OGV: Sniffed = kind("video/ogg", Category::Video, "ogv");
const M4A: Sniffed = kind("audio/mp4", Category::Audio, "m4a");
const MP3: Sniffed = kind("audio/mpeg", Category::Audio, "mp3");
const OGG: Sniffed = kind("audio/ogg", Category::Audio, "ogg");
const OPUS: Sniffed = kind("audio/ogg", Category::Audio, "opus");
const WAV: Sniffed = kind("audio/wav", Category::Audio, "wav");

/// The OpenDocument types accepted, by the content of their `mimetype` entry.
const OPEN_DOCUMENT: &[Sniffed] = &[
    kind(
        "application/vnd.oasis.opendocument.text",
        Category::Document,
        "odt",
    ),
    kind(
        "application/vnd.oasis.opendocument.spreadsheet",
        Category::Document,
        "ods",
    ),
    kind(
        "application/vnd.oasis.opendocument.presentation",
        Category::Document,
        "odp",
    ),
    kind(
        "application/vnd.oasis.opendocument.graphics",
        Category::Document,
        "odg",
    ),
];

/// The kinds told by a signature; `Ok(None)` when none matched.
fn binary(h: &[u8]) -> Result<Option<Sniffed>, Refusal> {
    let found = if h.starts_with(b"%PDF-") {
        Some(PDF)
    } else if h.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(PNG)
    } else if h.starts_with(b"\xFF\xD8\xFF") {
        Some(JPEG)
    } else if h.starts_with(b"GIF87a") || h.starts_with(b"GIF89a") {
        Some(GIF)
    } else if h.len() >= 12 && h.starts_with(b"RIFF") {
        match &h[8..12] {
            b"WEBP" => Some(WEBP),
            b"WAVE" => Some(WAV),
            _ => None,
        }
    } else if h.len() >= 12 && &h[4..8] == b"ftyp" {
        iso_media(h)
    } else if h.starts_with(b"\x1A\x45\xDF\xA3") {
        matroska(h)
    } else if h.starts_with(b"OggS") {
        Some(ogg(h))
    } else if h.starts_with(b"ID3") && h.get(3).is_some_and(|v| (2..=4).contains(v)) {
        Some(MP3)
    } else if h.starts_with(b"PK\x03\x04") {
        zip(h)
    } else if h.starts_with(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1") {
        return ole(h).map(Some).ok_or(Refusal::UnrecognizedOffice);
    } else if h.starts_with(b"{\\rtf") {
        Some(RTF)
    } else if mpeg_audio(h) {
        Some(MP3)
    } else {
        None
    };
    Ok(found)
}

// ------------------------------------------------------------ ISO media

/// An ISO base media file (`ftyp` box): the major brand, or the most telling
/// compatible brand when the major one is generic.
fn iso_media(h: &[u8]) -> Option<Sniffed> {
    let box_len = usize::try_from(u32::from_be_bytes([h[0], h[1], h[2], h[3]])).ok()?;
    let end = box_len.min(h.len());
    let major = &h[8..12];
    let compatible = h
        .get(16..end)
        .unwrap_or_default()
        .chunks_exact(4)
        .collect::<Vec<_>>();
    match brand(major) {
        Some((found, true)) => Some(found),
        generic => compatible
            .iter()
            .find_map(|b| brand(b).filter(|(_, specific)| *specific))
            .or(generic)
            .or_else(|| compatible.iter().find_map(|b| brand(b)))
            .map(|(found, _)| found),
    }
}

/// The kind a brand stands for, and whether it is specific (`false` for
/// brands that many kinds share, such as `isom` and `mif1`).
fn brand(brand: &[u8]) -> Option<(Sniffed, bool)> {
    let found = match brand {
        b"avif" | b"avis" => (AVIF, true),
        b"heic" | b"heix" | b"heim" | b"heis" | b"hevc" | b"hevx" => (HEIC, true),
        b"mif1" | b"msf1" => (HEIF, false),
        b"qt  " => (MOV, true),
        b"M4V " | b"M4VH" | b"M4VP" => (M4V, true),
        b"M4A " | b"M4B " => (M4A, true),
        b"3gp4" | b"3gp5" | b"3gp6" | b"3gp7" | b"3ge6" | b"3ge7" | b"3gg6" | b"3g2a" | b"3g2b"
        | b"3g2c" => (THREE_GP, true),
        b"mp41" | b"mp42" | b"mp71" | b"avc1" | b"dash" | b"MSNV" | b"NDAS" | b"F4V " => {
            (MP4, true)
        }
        b"isom" | b"iso2" | b"iso3" | b"iso4" | b"iso5" | b"iso6" | b"iso7" | b"iso8" | b"iso9" => {
            (MP4, false)
        }
        _ => return None,
    };
    Some(found)
}

// ------------------------------------------------------------ Matroska

/// WebM or Matroska, by the EBML header's `DocType` element.
fn matroska(h: &[u8]) -> Option<Sniffed> {
    let mut at = 4;
    while let Some(offset) = find(&h[at..], b"\x42\x82") {
        let start = at + offset + 2;
        if let Some((len, len_size)) = ebml_size(&h[start..]) {
            let value = h.get(start + len_size..start + len_size + len)?;
            let value = trim_nul(value);
            return match value {
                b"webm" => Some(WEBM),
                b"matroska" => Some(MKV),
                _ => None,
            };
        }
        at = start;
    }
    None
}

/// An EBML variable-size integer: its value and how many bytes it took.
fn ebml_size(h: &[u8]) -> Option<(usize, usize)> {
    let first = *h.first()?;
    if first == 0 {
        return None;
    }
    let width = first.leading_zeros() as usize + 1;
    let bytes = h.get(..width)?;
    let mut value = u64::from(first & (0xFF >> width));
    for &b in &bytes[1..] {
        value = (value << 8) | u64::from(b);
    }
    Some((usize::try_from(value).ok()?, width))
}

// ------------------------------------------------------------ Ogg

/// Ogg, by the codec of the first packet.
fn ogg(h: &[u8]) -> Sniffed {
    let packet = h
        .get(26)
        .and_then(|&segments| h.get(27 + usize::from(segments)..))
        .unwrap_or_default();
    if packet.starts_with(b"\x80theora") || packet.starts_with(b"fishead\0") {
        OGV
    } else if packet.starts_with(b"OpusHead") {
        OPUS
    } else {
        OGG
    }
}

// ------------------------------------------------------------ MP3

/// Two MPEG audio Layer III frame headers in a row (or one, when the head
/// ends before the second would start).
fn mpeg_audio(h: &[u8]) -> bool {
    match mp3_frame_len(h) {
        Some(len) if h.len() >= len + 4 => mp3_frame_len(&h[len..]).is_some(),
        Some(_) => true,
        None => false,
    }
}

/// The length of the MPEG audio Layer III frame whose header starts `h`.
fn mp3_frame_len(h: &[u8]) -> Option<usize> {
    const MPEG1_KBPS: [usize; 15] = [
        0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320,
    ];
    const MPEG2_KBPS: [usize; 15] = [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160];
    let header = h.get(..4)?;
    if header[0] != 0xFF || header[1] & 0xE0 != 0xE0 {
        return None;
    }
    let version = (header[1] >> 3) & 0b11;
    let layer = (header[1] >> 1) & 0b11;
    let bitrate = usize::from(header[2] >> 4);
    let rate = usize::from((header[2] >> 2) & 0b11);
    let padding = usize::from((header[2] >> 1) & 1);
    let emphasis = header[3] & 0b11;
    if version == 0b01
        || layer != 0b01
        || bitrate == 0
        || bitrate == 15
        || rate == 3
        || emphasis == 0b10
    {
        return None;
    }
    let (kbps, hz, factor) = match version {
        0b11 => (MPEG1_KBPS[bitrate], [44_100, 48_000, 32_000][rate], 144_000),
        0b10 => (MPEG2_KBPS[bitrate], [22_050, 24_000, 16_000][rate], 72_000),
        _ => (MPEG2_KBPS[bitrate], [11_025, 12_000, 8_000][rate], 72_000),
    };
    Some(factor * kbps / hz + padding)
}

// ------------------------------------------------------------ ZIP

/// Office Open XML or OpenDocument, by the names of the first entries.
fn zip(h: &[u8]) -> Option<Sniffed> {
    let first = zip_entry(h, 0)?;
    if first.name == b"mimetype" {
        let declared = first.stored_data?.trim_ascii();
        return OPEN_DOCUMENT
            .iter()
            .find(|k| k.media_type.as_bytes() == declared)
            .copied();
    }
    // Entries may use data descriptors (sizes written after the data), so
    // find local headers by their signature rather than by walking.
    let mut at = 0;
    while let Some(offset) = find(&h[at..], b"PK\x03\x04") {
        let entry_at = at + offset;
        if let Some(entry) = zip_entry(h, entry_at) {
            let name = entry.name;
            if name.starts_with(b"word/") {
                return Some(DOCX);
            } else if name.starts_with(b"xl/") {
                return Some(XLSX);
            } else if name.starts_with(b"ppt/") {
                return Some(PPTX);
            }
        }
        at = entry_at + 4;
    }
    None
}

#[derive(Debug)]
struct ZipEntry<'a> {
    name: &'a [u8],
    /// The entry's bytes when stored uncompressed with a known size and
    /// wholly within the head.
    stored_data: Option<&'a [u8]>,
}

fn zip_entry(h: &[u8], at: usize) -> Option<ZipEntry<'_>> {
    let header = h.get(at..at + 30)?;
    let u16_at = |i: usize| usize::from(u16::from_le_bytes([header[i], header[i + 1]]));
    let method = u16_at(8);
    let compressed = usize::try_from(u32::from_le_bytes([
        header[18], header[19], header[20], header[21],
    ]))
    .ok()?;
    let name_len = u16_at(26);
    let extra_len = u16_at(28);
    let name = h.get(at + 30..at + 30 + name_len)?;
    let data_at = at + 30 + name_len + extra_len;
    let stored_data = if method == 0 {
        h.get(data_at..data_at.saturating_add(compressed))
    } else {
        None
    };
    Some(ZipEntry { name, stored_data })
}

// ------------------------------------------------------------ OLE

/// Word, Excel or PowerPoint 97–2003, by the stream names in the directory
/// or by how the first sectors begin.
fn ole(h: &[u8]) -> Option<Sniffed> {
    const NAMES: &[(&str, Sniffed)] = &[
        ("WordDocument", DOC),
        ("Workbook", XLS),
        ("Book", XLS),
        ("PowerPoint Document", PPT),
    ];
    for (name, found) in NAMES {
        let mut utf16 = Vec::with_capacity(name.len() * 2 + 2);
        for unit in name.encode_utf16().chain(std::iter::once(0)) {
            utf16.extend_from_slice(&unit.to_le_bytes());
        }
        if find(h, &utf16).is_some() {
            return Some(*found);
        }
    }
    let shift = u32::from(u16::from_le_bytes([*h.get(0x1E)?, *h.get(0x1F)?]));
    if !(7..=16).contains(&shift) {
        return None;
    }
    let sector = 1usize << shift;
    h.chunks(sector).skip(1).find_map(|s| {
        if s.starts_with(b"\xEC\xA5") {
            Some(DOC)
        } else if s.starts_with(b"\x09\x08") && s.get(4..6) == Some(b"\x00\x06") {
            Some(XLS)
        } else if s.starts_with(b"\x0F\x00\xE8\x03") {
            Some(PPT)
        } else {
            None
        }
    })
}

// ------------------------------------------------------------ text

/// Valid UTF-8 (an incomplete character at the very end is allowed: the
/// head may cut one in two) without NUL bytes.
fn is_text(h: &[u8]) -> bool {
    if h.contains(&0) {
        return false;
    }
    match std::str::from_utf8(h) {
        Ok(_) => true,
        Err(e) => e.error_len().is_none(),
    }
}

// ------------------------------------------------------------ bytes

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() || haystack.len() < needle.len() {
        return None;
    }
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn after<'a>(haystack: &'a [u8], needle: &[u8]) -> Option<&'a [u8]> {
    find(haystack, needle).map(|at| &haystack[at + needle.len()..])
}

fn starts_with_ignore_case(haystack: &[u8], prefix: &[u8]) -> bool {
    haystack
        .get(..prefix.len())
        .is_some_and(|start| start.eq_ignore_ascii_case(prefix))
}

fn contains_ignore_case(haystack: &[u8], needle: &[u8]) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w.eq_ignore_ascii_case(needle))
}

fn contains_svg_tag(h: &[u8]) -> bool {
    contains_ignore_case(h, b"<svg")
}

fn trim_start(h: &[u8]) -> &[u8] {
    let start = h
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(h.len());
    &h[start..]
}

fn trim_nul(h: &[u8]) -> &[u8] {
    let end = h.iter().rposition(|&b| b != 0).map_or(0, |i| i + 1);
    &h[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ftyp(major: &[u8; 4], compatible: &[&[u8; 4]]) -> Vec<u8> {
        let len = 16 + 4 * compatible.len();
        let mut h = Vec::new();
        h.extend_from_slice(&u32::try_from(len).expect("small").to_be_bytes());
        h.extend_from_slice(b"ftyp");
        h.extend_from_slice(major);
        h.extend_from_slice(&[0, 0, 0, 0]);
        for b in compatible {
            h.extend_from_slice(*b);
        }
        h.extend_from_slice(b"\x00\x00\x00\x08free");
        h
    }

    fn zip_entry(name: &str, data: &[u8], stored: bool) -> Vec<u8> {
        let mut h = Vec::new();
        h.extend_from_slice(b"PK\x03\x04");
        h.extend_from_slice(&20u16.to_le_bytes()); // version needed
        h.extend_from_slice(&0u16.to_le_bytes()); // flags
        h.extend_from_slice(&(if stored { 0u16 } else { 8 }).to_le_bytes());
        h.extend_from_slice(&[0; 8]); // time, date, crc
        let size = u32::try_from(data.len()).expect("small").to_le_bytes();
        h.extend_from_slice(&size);
        h.extend_from_slice(&size);
        h.extend_from_slice(&u16::try_from(name.len()).expect("small").to_le_bytes());
        h.extend_from_slice(&0u16.to_le_bytes());
        h.extend_from_slice(name.as_bytes());
        h.extend_from_slice(data);
        h
    }

    fn ole_header() -> Vec<u8> {
        let mut h = vec![0u8; 512];
        h[..8].copy_from_slice(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1");
        h[0x1A] = 0x3E; // minor version
        h[0x1C] = 0x03; // major version 3
        h[0x1E] = 9; // 512-byte sectors
        h
    }

    fn utf16(name: &str) -> Vec<u8> {
        name.encode_utf16().flat_map(u16::to_le_bytes).collect()
    }

    fn media(h: &[u8]) -> Option<&'static str> {
        sniff(h).map(|s| s.media_type)
    }

    #[test]
    fn documents() {
        let pdf = sniff(b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n1 0 obj").expect("pdf");
        assert_eq!(pdf, PDF);
        assert_eq!(pdf.category, Category::Document);
        assert_eq!(pdf.extension, "pdf");
        assert_eq!(sniff(b"{\\rtf1\\ansi\\deff0 Hello}"), Some(RTF));
    }

    #[test]
    fn images() {
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"), Some(PNG));
        assert_eq!(sniff(b"\xFF\xD8\xFF\xE0\0\x10JFIF\0"), Some(JPEG));
        assert_eq!(sniff(b"\xFF\xD8\xFF\xE1\0\x10Exif\0"), Some(JPEG));
        assert_eq!(sniff(b"GIF89a\x01\0\x01\0"), Some(GIF));
        assert_eq!(sniff(b"GIF87a\x01\0\x01\0"), Some(GIF));
        assert_eq!(sniff(b"RIFF\x24\0\0\0WEBPVP8 "), Some(WEBP));
        for s in [PNG, JPEG, GIF, WEBP] {
            assert_eq!(s.category, Category::Image);
        }
    }

    #[test]
    fn heic_heif_and_avif_by_brand() {
        assert_eq!(sniff(&ftyp(b"heic", &[b"mif1", b"heic"])), Some(HEIC));
        assert_eq!(sniff(&ftyp(b"mif1", &[b"mif1", b"heic"])), Some(HEIC));
        assert_eq!(sniff(&ftyp(b"mif1", &[b"mif1", b"miaf"])), Some(HEIF));
        assert_eq!(
            sniff(&ftyp(b"avif", &[b"avif", b"mif1", b"miaf"])),
            Some(AVIF)
        );
        assert_eq!(sniff(&ftyp(b"mif1", &[b"avif", b"mif1"])), Some(AVIF));
        assert_eq!(HEIC.extension, "heic");
        assert_eq!(AVIF.category, Category::Image);
    }

    #[test]
    fn mp4_family_by_brand() {
        assert_eq!(
            sniff(&ftyp(b"isom", &[b"isom", b"iso2", b"avc1", b"mp41"])),
            Some(MP4)
        );
        assert_eq!(sniff(&ftyp(b"mp42", &[b"mp42", b"isom"])), Some(MP4));
        assert_eq!(sniff(&ftyp(b"qt  ", &[b"qt  "])), Some(MOV));
        assert_eq!(
            sniff(&ftyp(b"M4V ", &[b"M4V ", b"M4A ", b"mp42", b"isom"])),
            Some(M4V)
        );
        assert_eq!(
            sniff(&ftyp(b"M4A ", &[b"M4A ", b"mp42", b"isom"])),
            Some(M4A)
        );
        assert_eq!(sniff(&ftyp(b"3gp5", &[b"3gp5", b"isom"])), Some(THREE_GP));
        assert_eq!(MOV.media_type, "video/quicktime");
        assert_eq!(M4A.category, Category::Audio);
        assert_eq!(MP4.category, Category::Video);
        // An unknown brand (a camera raw format) is not evidence.
        assert_eq!(sniff(&ftyp(b"crx ", &[b"crx "])), None);
    }

    #[test]
    fn webm_and_matroska_by_doctype() {
        let ebml = |doctype: &[u8]| {
            let mut h = b"\x1A\x45\xDF\xA3\x9F\x42\x86\x81\x01\x42\xF7\x81\x01\x42\xF2\x81\x04\x42\xF3\x81\x08\x42\x82".to_vec();
            h.push(0x80 | u8::try_from(doctype.len()).expect("small"));
            h.extend_from_slice(doctype);
            h.extend_from_slice(b"\x42\x87\x81\x04\x42\x85\x81\x02");
            h
        };
        assert_eq!(sniff(&ebml(b"webm")), Some(WEBM));
        assert_eq!(sniff(&ebml(b"matroska")), Some(MKV));
        assert_eq!(sniff(&ebml(b"other")), None);
        assert_eq!(WEBM.category, Category::Video);
        assert_eq!(MKV.extension, "mkv");
    }

    #[test]
    fn ogg_by_codec() {
        let page = |packet: &[u8]| {
            let mut h = b"OggS\0\x02".to_vec();
            h.extend_from_slice(&[0; 20]);
            h.push(1); // one segment
            h.push(u8::try_from(packet.len()).expect("small"));
            h.extend_from_slice(packet);
            h
        };
        assert_eq!(sniff(&page(b"\x01vorbis\0\0\0\0\x02")), Some(OGG));
        assert_eq!(sniff(&page(b"OpusHead\x01\x02")), Some(OPUS));
        assert_eq!(sniff(&page(b"\x80theora\x03\x02")), Some(OGV));
        assert_eq!(OGG.category, Category::Audio);
        assert_eq!(OGV.category, Category::Video);
    }

    #[test]
    fn mp3_by_id3_tag_or_frame_sync() {
        assert_eq!(sniff(b"ID3\x04\0\0\0\0\x01\x00TIT2"), Some(MP3));
        // MPEG-1 Layer III, 128 kbit/s, 44.1 kHz: frames of 417 bytes.
        let mut frames = vec![0x55u8; 417 * 2];
        frames[..4].copy_from_slice(b"\xFF\xFB\x90\x00");
        frames[417..421].copy_from_slice(b"\xFF\xFB\x90\x00");
        assert_eq!(sniff(&frames), Some(MP3));
        // A lone header at the end of a short head is taken at its word.
        assert_eq!(sniff(b"\xFF\xFB\x90\x00\x55\x55"), Some(MP3));
        // One header, then no second where it should be: not MP3.
        frames[417] = 0;
        assert_eq!(sniff(&frames), None);
        // ADTS AAC (layer bits 00) and reserved bit rates are not MP3.
        assert_eq!(sniff(b"\xFF\xF1\x50\x80\x01\xFF\xFC"), None);
        assert_eq!(sniff(b"\xFF\xFB\xF0\x00\x00\x00\x00\x00"), None);
        assert_eq!(MP3.category, Category::Audio);
    }

    #[test]
    fn wav() {
        let wav = sniff(b"RIFF\x24\x08\0\0WAVEfmt \x10\0\0\0").expect("wav");
        assert_eq!(wav, WAV);
        assert_eq!(wav.category, Category::Audio);
        assert_eq!(sniff(b"RIFF\x24\x08\0\0AVI LIST"), None);
    }

    #[test]
    fn office_open_xml_by_entry_names() {
        let ooxml = |part: &str| {
            let mut h = zip_entry("[Content_Types].xml", &[0x9D; 300], false);
            h.extend(zip_entry("_rels/.rels", &[0x8C; 200], false));
            h.extend(zip_entry(part, &[0x7B; 500], false));
            h
        };
        assert_eq!(sniff(&ooxml("word/document.xml")), Some(DOCX));
        assert_eq!(sniff(&ooxml("xl/workbook.xml")), Some(XLSX));
        assert_eq!(sniff(&ooxml("ppt/presentation.xml")), Some(PPTX));
        assert_eq!(DOCX.extension, "docx");
        assert_eq!(XLSX.category, Category::Document);
        // Any other ZIP is not evidence.
        let mut plain = zip_entry("photo.jpg", &[1; 100], true);
        plain.extend(zip_entry("notes.txt", b"hello", true));
        assert_eq!(sniff(&plain), None);
        // An Office part beyond the head cannot be seen.
        assert_eq!(
            sniff(&zip_entry("[Content_Types].xml", &[0x9D; 300], false)),
            None
        );
    }

    #[test]
    fn open_document_by_mimetype_entry() {
        let odf = |mimetype: &str| {
            let mut h = zip_entry("mimetype", mimetype.as_bytes(), true);
            h.extend(zip_entry("content.xml", &[0x42; 200], false));
            h
        };
        let odt = sniff(&odf("application/vnd.oasis.opendocument.text")).expect("odt");
        assert_eq!(odt.extension, "odt");
        assert_eq!(odt.category, Category::Document);
        assert_eq!(
            media(&odf("application/vnd.oasis.opendocument.spreadsheet")),
            Some("application/vnd.oasis.opendocument.spreadsheet")
        );
        assert_eq!(
            sniff(&odf("application/vnd.oasis.opendocument.presentation")).map(|s| s.extension),
            Some("odp")
        );
        assert_eq!(sniff(&odf("application/epub+zip")), None);
    }

    #[test]
    fn legacy_office_by_stream_names() {
        for (stream, expected) in [
            ("WordDocument", DOC),
            ("Workbook", XLS),
            ("PowerPoint Document", PPT),
        ] {
            let mut h = ole_header();
            h.extend_from_slice(&[0xAB; 512]);
            let mut entry = vec![0u8; 128];
            let root = utf16("Root Entry");
            entry[..root.len()].copy_from_slice(&root);
            h.extend_from_slice(&entry);
            let mut entry = vec![0u8; 128];
            let name = utf16(stream);
            entry[..name.len()].copy_from_slice(&name);
            h.extend_from_slice(&entry);
            assert_eq!(sniff(&h), Some(expected), "{stream}");
        }
        assert_eq!(DOC.media_type, "application/msword");
    }

    #[test]
    fn legacy_office_by_first_sector() {
        let mut h = ole_header();
        let mut sector = vec![0u8; 512];
        sector[..2].copy_from_slice(b"\xEC\xA5");
        h.extend_from_slice(&sector);
        assert_eq!(sniff(&h), Some(DOC));

        let mut h = ole_header();
        let mut sector = vec![0u8; 512];
        sector[..6].copy_from_slice(b"\x09\x08\x10\x00\x00\x06");
        h.extend_from_slice(&sector);
        assert_eq!(sniff(&h), Some(XLS));

        let mut h = ole_header();
        h.extend_from_slice(&[0x11; 1024]);
        assert_eq!(check(&h), Err(Refusal::UnrecognizedOffice));
    }

    #[test]
    fn text_is_utf8_without_nul() {
        assert_eq!(
            sniff(b"Reflection on the placement week\n\nI learned"),
            Some(TEXT)
        );
        assert_eq!(sniff(b"name,score\nAda,9\n"), Some(TEXT));
        assert_eq!(sniff("# R\u{e9}sum\u{e9}\n\n- item".as_bytes()), Some(TEXT));
        assert_eq!(sniff(b"\xEF\xBB\xBFwith a byte order mark"), Some(TEXT));
        // A head that cuts a character in two is still text.
        assert_eq!(sniff(b"caf\xC3"), Some(TEXT));
        assert_eq!(TEXT.category, Category::Text);
        assert_eq!(sniff(b"text\0with a NUL"), None);
        assert_eq!(sniff(b"latin-1 caf\xE9 au lait"), None);
        assert_eq!(sniff(b"<html><body>hello</body></html>"), Some(TEXT));
    }

    #[test]
    fn svg_is_refused() {
        let svgs: [&[u8]; 6] = [
            b"<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>",
            b"<?xml version=\"1.0\"?>\n<!-- drawn -->\n<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
            b"\xEF\xBB\xBF  <SVG>",
            b"<!DOCTYPE svg PUBLIC \"-//W3C//DTD SVG 1.1//EN\" \"x\"><svg/>",
            b"<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY a \"b\">]><svg:svg xmlns:svg=\"http://www.w3.org/2000/svg\"/>",
            b"<?xml version=\"1.0\"?><!-- a comment the head cuts off, then <svg",
        ];
        for svg in svgs {
            assert_eq!(
                check(svg),
                Err(Refusal::Svg),
                "{}",
                String::from_utf8_lossy(svg)
            );
            assert_eq!(sniff(svg), None);
        }
        assert!(Refusal::Svg.to_string().contains("SVG"));
        // XML that is not SVG is text.
        assert_eq!(
            sniff(b"<?xml version=\"1.0\"?><notes>about <svg> files</notes>"),
            Some(TEXT)
        );
    }

    #[test]
    fn refusals() {
        assert_eq!(check(b""), Err(Refusal::Empty));
        assert_eq!(
            check(b"MZ\x90\0\x03\0\0\0\x04\0\0\0\xFF\xFF"),
            Err(Refusal::Unknown)
        );
        assert_eq!(check(b"\x7FELF\x02\x01\x01\0"), Err(Refusal::Unknown));
        assert_eq!(check(b"\x1F\x8B\x08\0\0\0\0\0"), Err(Refusal::Unknown));
        assert!(!Refusal::Unknown.to_string().is_empty());
    }

    #[test]
    fn truncated_heads_do_not_panic() {
        let samples: Vec<Vec<u8>> = vec![
            ftyp(b"isom", &[b"avc1"]),
            b"\x1A\x45\xDF\xA3\x9F\x42\x82\x88web".to_vec(),
            b"OggS\0\x02".to_vec(),
            zip_entry("mimetype", b"application/vnd.oasis.opendocument.text", true),
            ole_header(),
            b"\xFF\xFB\x90\x00".to_vec(),
            b"RIFF\0\0".to_vec(),
        ];
        for sample in samples {
            for len in 0..=sample.len() {
                let _ = check(&sample[..len]);
            }
        }
    }
}
