//! W3C Bitstring Status List v1.0: revocation (and suspension) of issued
//! credentials through a published, compressed bitstring.
//!
//! - A credential carries a `credentialStatus` entry ([`entry`]) naming the
//!   list credential's URL and its index in the list.
//! - The list is published as a credential ([`list_credential_unsigned`],
//!   signed elsewhere) whose subject's `encodedList` is
//!   [`StatusList::encode`]: `u` (multibase base64url, no padding) followed by
//!   the GZIP-compressed bitstring.
//! - Bit `i` is bit `7 - i % 8` of byte `i / 8`: index 0 is the left-most,
//!   most significant bit of the first byte, as the specification requires.
//!   A set bit (1) means revoked.
//! - A list has at least 131,072 bits (16 KiB), the specification's minimum
//!   for group privacy; [`StatusList::decode`] refuses shorter lists and
//!   anything that decompresses to more than [`MAX_DECODED_BYTES`].
//! - [`IndexAllocator`] hands out list positions in an order that does not
//!   reveal issuance order.
//! - [`is_revoked`] / [`check_status`] read an entry against a list.

use std::fmt;
use std::io::{Read as _, Write as _};

use base64::Engine as _;
use base64::alphabet::URL_SAFE;
use base64::engine::DecodePaddingMode;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig, URL_SAFE_NO_PAD};
use chrono::{DateTime, SecondsFormat, Utc};
use flate2::Compression;
use flate2::read::GzDecoder;
use flate2::write::GzEncoder;
use rand::RngCore;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

/// The specification's minimum list length in bits (16 KiB).
pub const MIN_BITS: usize = 131_072;

/// The largest decompressed list [`StatusList::decode`] accepts: 16 MiB,
/// 134,217,728 positions.
pub const MAX_DECODED_BYTES: usize = 16 * 1024 * 1024;

/// The longest `encodedList` text read: enough for an incompressible
/// [`MAX_DECODED_BYTES`] list.
const MAX_ENCODED_LEN: usize = MAX_DECODED_BYTES / 3 * 4 + 64 * 1024;

/// `statusPurpose` for revocation: a set bit means revoked for good.
pub const PURPOSE_REVOCATION: &str = "revocation";
/// `statusPurpose` for suspension: a set bit means suspended until cleared.
pub const PURPOSE_SUSPENSION: &str = "suspension";

/// `type` of a status entry in a credential.
pub const ENTRY_TYPE: &str = "BitstringStatusListEntry";
/// `type` of the list credential (with `VerifiableCredential`).
pub const LIST_CREDENTIAL_TYPE: &str = "BitstringStatusListCredential";
/// `type` of the list credential's subject.
pub const LIST_TYPE: &str = "BitstringStatusList";

/// base64url that accepts input with or without padding (the specification
/// says without; a padded list is still read).
const LENIENT_BASE64URL: GeneralPurpose = GeneralPurpose::new(
    &URL_SAFE,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// Why a status list or entry could not be built or read. The comments in
/// parentheses name the specification's error types where one applies.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StatusError {
    /// A list size below the minimum or not a whole number of bytes.
    #[error(
        "a status list of {size} bits: the size must be at least {MIN_BITS} and a multiple of 8"
    )]
    InvalidSize {
        /// The size asked for.
        size: usize,
    },
    /// An index beyond the end of the list (RANGE_ERROR).
    #[error("status list index {index} is outside the list of {size} bits (RANGE_ERROR)")]
    IndexOutOfRange {
        /// The index.
        index: usize,
        /// The list's size in bits.
        size: usize,
    },
    /// `encodedList` without the multibase `u` prefix.
    #[error("encodedList must start with 'u' (multibase base64url without padding)")]
    MissingMultibasePrefix,
    /// `encodedList` longer than any list this crate accepts.
    #[error("encodedList is {len} characters long, more than any accepted list")]
    EncodedTooLong {
        /// Its length.
        len: usize,
    },
    /// `encodedList` that is not base64url.
    #[error("encodedList is not base64url: {0}")]
    Base64(String),
    /// Bytes that are not GZIP data.
    #[error("encodedList is not valid GZIP data: {0}")]
    Gzip(String),
    /// More than [`MAX_DECODED_BYTES`] once decompressed.
    #[error("the status list decompresses to more than {limit} bytes")]
    TooLarge {
        /// The limit in bytes.
        limit: usize,
    },
    /// Fewer than [`MIN_BITS`] once decompressed (STATUS_LIST_LENGTH_ERROR).
    #[error(
        "the status list has {bits} bits; the minimum is {MIN_BITS} (STATUS_LIST_LENGTH_ERROR)"
    )]
    TooShort {
        /// Its length in bits.
        bits: usize,
    },
    /// A `credentialStatus` entry that is not a well-formed
    /// `BitstringStatusListEntry`.
    #[error("invalid status entry: {0}")]
    InvalidEntry(String),
    /// The entry's `statusPurpose` is not the one asked about, or not the
    /// list's (STATUS_VERIFICATION_ERROR).
    #[error("status purpose {found:?} where {expected:?} was expected (STATUS_VERIFICATION_ERROR)")]
    PurposeMismatch {
        /// The purpose needed.
        expected: String,
        /// The purpose found.
        found: String,
    },
    /// `statusSize` other than 1 (multi-bit statuses are not supported).
    #[error("statusSize {0} is not supported: only 1-bit statuses are")]
    UnsupportedStatusSize(u64),
    /// A list credential that is not a well-formed
    /// `BitstringStatusListCredential`.
    #[error("invalid status list credential: {0}")]
    InvalidListCredential(String),
    /// The entry names another list than the credential given
    /// (STATUS_VERIFICATION_ERROR).
    #[error(
        "the entry's statusListCredential {entry:?} is not the list credential {list:?} (STATUS_VERIFICATION_ERROR)"
    )]
    ListMismatch {
        /// `statusListCredential` of the entry.
        entry: String,
        /// `id` of the list credential.
        list: String,
    },
    /// Every position of the list has been handed out.
    #[error("all {size} positions of the status list are allocated")]
    ListFull {
        /// The list's size in bits.
        size: usize,
    },
}

/// A bitstring of credential statuses; index 0 is the most significant bit
/// of the first byte.
#[derive(Clone, PartialEq, Eq)]
pub struct StatusList {
    bits: Vec<u8>,
}

impl fmt::Debug for StatusList {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StatusList")
            .field("size", &self.size())
            .field("set", &self.count_set())
            .finish()
    }
}

impl StatusList {
    /// An all-clear list of `size` bits: at least [`MIN_BITS`] and a
    /// multiple of 8. [`MIN_BITS`] is the usual choice.
    pub fn new(size: usize) -> Result<Self, StatusError> {
        if size < MIN_BITS || !size.is_multiple_of(8) || size / 8 > MAX_DECODED_BYTES {
            return Err(StatusError::InvalidSize { size });
        }
        Ok(Self {
            bits: vec![0; size / 8],
        })
    }

    /// The list's length in bits (the number of positions).
    #[must_use]
    pub fn size(&self) -> usize {
        self.bits.len() * 8
    }

    /// The raw bitstring, index 0 being the most significant bit of byte 0.
    #[must_use]
    pub fn as_bytes(&self) -> &[u8] {
        &self.bits
    }

    /// How many positions are set (revoked).
    #[must_use]
    pub fn count_set(&self) -> usize {
        self.bits.iter().map(|b| b.count_ones() as usize).sum()
    }

    fn locate(&self, index: usize) -> Result<(usize, u8), StatusError> {
        if index >= self.size() {
            return Err(StatusError::IndexOutOfRange {
                index,
                size: self.size(),
            });
        }
        Ok((index / 8, 0x80 >> (index % 8)))
    }

    /// Sets (`true`, revoked) or clears (`false`) position `index`.
    pub fn set(&mut self, index: usize, revoked: bool) -> Result<(), StatusError> {
        let (byte, mask) = self.locate(index)?;
        if let Some(b) = self.bits.get_mut(byte) {
            if revoked {
                *b |= mask;
            } else {
                *b &= !mask;
            }
        }
        Ok(())
    }

    /// Whether position `index` is set (revoked).
    pub fn get(&self, index: usize) -> Result<bool, StatusError> {
        let (byte, mask) = self.locate(index)?;
        Ok(self.bits.get(byte).is_some_and(|b| b & mask != 0))
    }

    /// The `encodedList` value: `u` + base64url-no-pad(GZIP(bitstring)).
    #[must_use]
    pub fn encode(&self) -> String {
        let mut encoder = GzEncoder::new(Vec::new(), Compression::best());
        // Writing into a Vec does not fail.
        let compressed = encoder
            .write_all(&self.bits)
            .and_then(|()| encoder.finish())
            .expect("GZIP into memory cannot fail");
        format!("u{}", URL_SAFE_NO_PAD.encode(compressed))
    }

    /// Reads an `encodedList` value. Bounded: refuses text longer than an
    /// incompressible 16 MiB list, and stops decompressing past
    /// [`MAX_DECODED_BYTES`], so a GZIP bomb costs at most that much memory.
    /// Refuses lists shorter than [`MIN_BITS`].
    pub fn decode(encoded: &str) -> Result<Self, StatusError> {
        let text = encoded
            .strip_prefix('u')
            .ok_or(StatusError::MissingMultibasePrefix)?;
        if text.len() > MAX_ENCODED_LEN {
            return Err(StatusError::EncodedTooLong { len: encoded.len() });
        }
        let compressed = LENIENT_BASE64URL
            .decode(text)
            .map_err(|e| StatusError::Base64(e.to_string()))?;
        let mut bits = Vec::new();
        let limit = u64::try_from(MAX_DECODED_BYTES).map_or(u64::MAX, |l| l.saturating_add(1));
        GzDecoder::new(compressed.as_slice())
            .take(limit)
            .read_to_end(&mut bits)
            .map_err(|e| StatusError::Gzip(e.to_string()))?;
        if bits.len() > MAX_DECODED_BYTES {
            return Err(StatusError::TooLarge {
                limit: MAX_DECODED_BYTES,
            });
        }
        if bits.len() * 8 < MIN_BITS {
            return Err(StatusError::TooShort {
                bits: bits.len() * 8,
            });
        }
        Ok(Self { bits })
    }
}

/// Hands out list positions so that a credential's position does not reveal
/// when it was issued.
///
/// The n-th credential issued on a list (n = 0, 1, 2, … kept by the caller)
/// gets position `P(n)`, where `P` is a pseudo-random permutation of
/// `0..size` chosen by a 32-byte key kept with the list. `P` is a Feistel
/// network of 4 rounds (round function: SHA-256 of key, round and half-block)
/// over the smallest even power of two ≥ `size`, walked until it lands inside
/// the list ("cycle walking"). Being a permutation, distinct counters always
/// give distinct positions: no look-up of used positions is needed, and the
/// list is full when the counter reaches `size`.
///
/// The permutation is fixed for a given key and size: changing this code's
/// function would let a list in use hand out positions already given.
///
/// Keep the key with the list (it is not a signing secret: someone who has
/// it can tell the issue order of published positions, nothing more).
#[derive(Clone, PartialEq, Eq)]
pub struct IndexAllocator {
    key: [u8; 32],
    size: usize,
    half_bits: u32,
}

impl fmt::Debug for IndexAllocator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IndexAllocator")
            .field("size", &self.size)
            .finish_non_exhaustive()
    }
}

/// Four rounds with a pseudo-random round function make a strong
/// pseudo-random permutation (Luby–Rackoff).
const FEISTEL_ROUNDS: u8 = 4;

impl IndexAllocator {
    /// An allocator for a new list of `size` bits, with a fresh random key.
    pub fn new(size: usize) -> Result<Self, StatusError> {
        let mut key = [0u8; 32];
        rand::rng().fill_bytes(&mut key);
        Self::from_key(key, size)
    }

    /// The allocator of an existing list, from its stored key.
    pub fn from_key(key: [u8; 32], size: usize) -> Result<Self, StatusError> {
        // Same rule as StatusList::new, so positions fit the list.
        StatusList::new(size).map(|_| ())?;
        let bits_needed = usize::BITS - (size - 1).leading_zeros();
        Ok(Self {
            key,
            size,
            half_bits: bits_needed.div_ceil(2),
        })
    }

    /// The key to store with the list.
    #[must_use]
    pub fn key(&self) -> &[u8; 32] {
        &self.key
    }

    /// The list size in bits.
    #[must_use]
    pub fn size(&self) -> usize {
        self.size
    }

    /// The position for the `counter`-th credential (counting from 0).
    pub fn index_for(&self, counter: u64) -> Result<usize, StatusError> {
        let full = || StatusError::ListFull { size: self.size };
        let size = u64::try_from(self.size).map_err(|_| full())?;
        if counter >= size {
            return Err(full());
        }
        let mut value = counter;
        // A permutation's cycle through `counter` returns inside 0..size
        // within 4^half_bits steps; in practice within a few.
        let bound = 1u64 << (2 * self.half_bits);
        for _ in 0..bound {
            value = self.permute(value);
            if value < size {
                return usize::try_from(value).map_err(|_| full());
            }
        }
        Err(full())
    }

    fn round(&self, round: u8, half: u64) -> u64 {
        let mut hasher = Sha256::new();
        // 9 + 32 + 1 + 8 = 50 bytes: one SHA-256 block.
        hasher.update(b"cairn-idx");
        hasher.update(self.key);
        hasher.update([round]);
        hasher.update(half.to_be_bytes());
        let digest = hasher.finalize();
        let mut first = [0u8; 8];
        first.copy_from_slice(&digest[..8]);
        u64::from_be_bytes(first)
    }

    fn permute(&self, value: u64) -> u64 {
        let mask = (1u64 << self.half_bits) - 1;
        let mut left = (value >> self.half_bits) & mask;
        let mut right = value & mask;
        for round in 0..FEISTEL_ROUNDS {
            let next = left ^ (self.round(round, right) & mask);
            left = right;
            right = next;
        }
        (left << self.half_bits) | right
    }
}

/// The `credentialStatus` entry for revocation at `index` of the list
/// credential at `list_url`:
///
/// ```json
/// {"id": "<list_url>#<index>", "type": "BitstringStatusListEntry",
///  "statusPurpose": "revocation", "statusListIndex": "<index>",
///  "statusListCredential": "<list_url>"}
/// ```
#[must_use]
pub fn entry(list_url: &str, index: usize) -> Value {
    entry_with_purpose(list_url, index, PURPOSE_REVOCATION)
}

/// [`entry`] for another `statusPurpose` (e.g. [`PURPOSE_SUSPENSION`]); use
/// a separate list per purpose.
#[must_use]
pub fn entry_with_purpose(list_url: &str, index: usize, purpose: &str) -> Value {
    json!({
        "id": format!("{list_url}#{index}"),
        "type": ENTRY_TYPE,
        "statusPurpose": purpose,
        "statusListIndex": index.to_string(),
        "statusListCredential": list_url,
    })
}

/// The unsigned `BitstringStatusListCredential` publishing `list` for
/// revocation (the proof is added by the signing code):
///
/// ```json
/// {"@context": ["https://www.w3.org/ns/credentials/v2"], "id": list_url,
///  "type": ["VerifiableCredential", "BitstringStatusListCredential"],
///  "issuer": issuer_id, "validFrom": "…Z",
///  "credentialSubject": {"id": "<list_url>#list", "type": "BitstringStatusList",
///                        "statusPurpose": "revocation", "encodedList": "u…"}}
/// ```
#[must_use]
pub fn list_credential_unsigned(
    list_url: &str,
    issuer_id: &str,
    valid_from: DateTime<Utc>,
    list: &StatusList,
) -> Value {
    list_credential_unsigned_with_purpose(list_url, issuer_id, valid_from, list, PURPOSE_REVOCATION)
}

/// [`list_credential_unsigned`] for another `statusPurpose`.
#[must_use]
pub fn list_credential_unsigned_with_purpose(
    list_url: &str,
    issuer_id: &str,
    valid_from: DateTime<Utc>,
    list: &StatusList,
    purpose: &str,
) -> Value {
    json!({
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": list_url,
        "type": ["VerifiableCredential", LIST_CREDENTIAL_TYPE],
        "issuer": issuer_id,
        "validFrom": valid_from.to_rfc3339_opts(SecondsFormat::Secs, true),
        "credentialSubject": {
            "id": format!("{list_url}#list"),
            "type": LIST_TYPE,
            "statusPurpose": purpose,
            "encodedList": list.encode(),
        },
    })
}

/// A `BitstringStatusListEntry`, read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusEntry {
    /// The entry's `id`, if it has one.
    pub id: Option<String>,
    /// `statusPurpose`.
    pub purpose: String,
    /// `statusListIndex`.
    pub index: usize,
    /// `statusListCredential`: the URL to fetch the list credential from.
    pub list_credential: String,
}

fn has_type(node: &Value, wanted: &str) -> bool {
    match node.get("type") {
        Some(Value::String(t)) => t == wanted,
        Some(Value::Array(items)) => items.iter().any(|t| t.as_str() == Some(wanted)),
        _ => false,
    }
}

/// Reads a `credentialStatus` entry. `statusListIndex` must be a base-10
/// integer string (a JSON integer is also accepted); `statusSize`, if
/// present, must be 1.
pub fn parse_entry(entry: &Value) -> Result<StatusEntry, StatusError> {
    let invalid = |what: &str| StatusError::InvalidEntry(what.to_owned());
    if !entry.is_object() {
        return Err(invalid("not a JSON object"));
    }
    if !has_type(entry, ENTRY_TYPE) {
        return Err(invalid("type is not BitstringStatusListEntry"));
    }
    let text = |name: &str| entry.get(name).and_then(Value::as_str);
    let purpose = text("statusPurpose").ok_or_else(|| invalid("no statusPurpose string"))?;
    let list_credential =
        text("statusListCredential").ok_or_else(|| invalid("no statusListCredential string"))?;
    let index = match entry.get("statusListIndex") {
        Some(Value::String(digits)) => {
            if digits.is_empty() || !digits.bytes().all(|c| c.is_ascii_digit()) {
                return Err(invalid("statusListIndex is not a base-10 integer"));
            }
            digits
                .parse::<usize>()
                .map_err(|_| invalid("statusListIndex is too large"))?
        }
        Some(Value::Number(number)) => number
            .as_u64()
            .and_then(|n| usize::try_from(n).ok())
            .ok_or_else(|| invalid("statusListIndex is not a non-negative integer"))?,
        _ => return Err(invalid("no statusListIndex")),
    };
    match entry.get("statusSize") {
        None => {}
        Some(Value::Number(n)) if n.as_u64() == Some(1) => {}
        Some(Value::Number(n)) => match n.as_u64() {
            Some(size) if size > 0 => return Err(StatusError::UnsupportedStatusSize(size)),
            _ => return Err(invalid("statusSize is not a positive integer")),
        },
        Some(_) => return Err(invalid("statusSize is not a positive integer")),
    }
    Ok(StatusEntry {
        id: text("id").map(str::to_owned),
        purpose: purpose.to_owned(),
        index,
        list_credential: list_credential.to_owned(),
    })
}

/// Whether the revocation entry `entry` is set in `list`.
///
/// Errors when the entry is malformed, is not for revocation
/// ([`StatusError::PurposeMismatch`]) or points past the list
/// ([`StatusError::IndexOutOfRange`]). This does not check that `list` is
/// the one the entry names: [`check_status`] does, from the list credential.
pub fn is_revoked(entry: &Value, list: &StatusList) -> Result<bool, StatusError> {
    let entry = parse_entry(entry)?;
    if entry.purpose != PURPOSE_REVOCATION {
        return Err(StatusError::PurposeMismatch {
            expected: PURPOSE_REVOCATION.into(),
            found: entry.purpose,
        });
    }
    list.get(entry.index)
}

/// A `BitstringStatusListCredential`, read (its proof must be checked
/// separately).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListCredential {
    /// The credential's `id`, if it has one.
    pub id: Option<String>,
    /// The subject's `statusPurpose` values (one or more).
    pub purposes: Vec<String>,
    /// The decoded list.
    pub list: StatusList,
}

/// Reads a `BitstringStatusListCredential` and decodes its list.
pub fn parse_list_credential(credential: &Value) -> Result<ListCredential, StatusError> {
    let invalid = |what: &str| StatusError::InvalidListCredential(what.to_owned());
    if !has_type(credential, LIST_CREDENTIAL_TYPE) {
        return Err(invalid(
            "type does not include BitstringStatusListCredential",
        ));
    }
    let subject = match credential.get("credentialSubject") {
        Some(Value::Array(subjects)) if subjects.len() == 1 => subjects.first(),
        Some(subject @ Value::Object(_)) => Some(subject),
        _ => None,
    }
    .ok_or_else(|| invalid("credentialSubject is not a single object"))?;
    if !has_type(subject, LIST_TYPE) {
        return Err(invalid("credentialSubject type is not BitstringStatusList"));
    }
    let purposes: Vec<String> = match subject.get("statusPurpose") {
        Some(Value::String(p)) => vec![p.clone()],
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect(),
        _ => Vec::new(),
    };
    if purposes.is_empty() {
        return Err(invalid("credentialSubject has no statusPurpose"));
    }
    let encoded = subject
        .get("encodedList")
        .and_then(Value::as_str)
        .ok_or_else(|| invalid("credentialSubject has no encodedList string"))?;
    Ok(ListCredential {
        id: credential
            .get("id")
            .and_then(Value::as_str)
            .map(str::to_owned),
        purposes,
        list: StatusList::decode(encoded)?,
    })
}

/// The status of `entry` according to the (already verified) list
/// credential: `true` when its bit is set. Checks that the entry names this
/// list credential (when the credential has an `id`) and that the list
/// serves the entry's `statusPurpose`. Whatever the purpose, `true` means
/// the status applies: revoked for `revocation`, suspended for `suspension`.
pub fn check_status(entry: &Value, list_credential: &Value) -> Result<bool, StatusError> {
    let entry = parse_entry(entry)?;
    let list = parse_list_credential(list_credential)?;
    if let Some(id) = &list.id
        && *id != entry.list_credential
    {
        return Err(StatusError::ListMismatch {
            entry: entry.list_credential,
            list: id.clone(),
        });
    }
    if !list.purposes.contains(&entry.purpose) {
        return Err(StatusError::PurposeMismatch {
            expected: list.purposes.join(", "),
            found: entry.purpose,
        });
    }
    list.list.get(entry.index)
}
