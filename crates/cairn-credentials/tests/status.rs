//! Bitstring Status List: bit order, encoding, bounded decoding, entries and
//! list credentials, index allocation.

use std::collections::HashSet;
use std::io::Write as _;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use cairn_credentials::status::{
    IndexAllocator, MAX_DECODED_BYTES, MIN_BITS, StatusError, StatusList, check_status, entry,
    entry_with_purpose, is_revoked, list_credential_unsigned, parse_entry, parse_list_credential,
};
use chrono::{TimeZone, Utc};
use flate2::Compression;
use flate2::read::GzDecoder;
use flate2::write::GzEncoder;
use proptest::prelude::*;
use serde_json::json;

/// First positions for key [7; 32] and 131,072 bits, computed by a separate
/// Python implementation of the documented Feistel construction.
const PINNED: [usize; 6] = [52845, 33975, 56434, 90867, 48889, 113092];

const LIST_URL: &str = "https://example.org/status/1";

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = GzEncoder::new(Vec::new(), Compression::default());
    encoder.write_all(bytes).expect("write");
    encoder.finish().expect("finish")
}

fn gunzip(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    std::io::Read::read_to_end(&mut GzDecoder::new(bytes), &mut out).expect("gunzip");
    out
}

fn multibase(bytes: &[u8]) -> String {
    format!("u{}", URL_SAFE_NO_PAD.encode(bytes))
}

#[test]
fn sizes() {
    assert_eq!(MIN_BITS, 131_072);
    let list = StatusList::new(MIN_BITS).expect("minimum");
    assert_eq!(list.size(), MIN_BITS);
    assert_eq!(list.as_bytes().len(), 16 * 1024);
    assert_eq!(list.count_set(), 0);
    assert!(StatusList::new(MIN_BITS * 4).is_ok());
    for bad in [0, 8, MIN_BITS - 8, MIN_BITS + 1, MIN_BITS + 7] {
        assert!(
            matches!(StatusList::new(bad), Err(StatusError::InvalidSize { .. })),
            "{bad}"
        );
    }
}

#[test]
fn bit_order_is_most_significant_bit_first() {
    let mut list = StatusList::new(MIN_BITS).expect("list");
    list.set(0, true).expect("set 0");
    assert_eq!(list.as_bytes()[0], 0b1000_0000);
    list.set(7, true).expect("set 7");
    assert_eq!(list.as_bytes()[0], 0b1000_0001);
    list.set(8, true).expect("set 8");
    assert_eq!(list.as_bytes()[1], 0b1000_0000);
    list.set(MIN_BITS - 1, true).expect("set last");
    assert_eq!(list.as_bytes()[16 * 1024 - 1], 0b0000_0001);
    assert_eq!(list.count_set(), 4);

    list.set(0, false).expect("clear 0");
    assert_eq!(list.as_bytes()[0], 0b0000_0001);
    assert!(!list.get(0).expect("get"));
    assert!(list.get(7).expect("get"));
    assert!(!list.get(6).expect("get"));

    // Decoding a hand-built bitstring reads the same order.
    let mut raw = vec![0u8; 16 * 1024];
    raw[0] = 0b0100_0000;
    raw[2] = 0b0000_0010;
    let decoded = StatusList::decode(&multibase(&gzip(&raw))).expect("decode");
    let set: Vec<usize> = (0..MIN_BITS)
        .filter(|&i| decoded.get(i).expect("get"))
        .collect();
    assert_eq!(set, vec![1, 22]);

    assert!(matches!(
        list.set(MIN_BITS, true),
        Err(StatusError::IndexOutOfRange {
            index: 131_072,
            size: 131_072
        })
    ));
    assert!(list.get(usize::MAX).is_err());
}

/// The empty 16 KiB list as it appears in the W3C status list
/// specifications' examples (and in many implementations' tests).
const SPEC_EMPTY_LIST: &str =
    "uH4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA";
/// `printf '%16384s' | tr ' ' '\0' | gzip -9n | basenc --base64url`, with
/// `u` in front and the padding removed (Python's `gzip.compress(…,
/// mtime=0)` gives the same).
const GZIP_EMPTY_LIST: &str =
    "uH4sIAAAAAAACA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA";

#[test]
fn empty_list_known_encodings() {
    let empty = StatusList::new(MIN_BITS).expect("list");
    for known in [SPEC_EMPTY_LIST, GZIP_EMPTY_LIST] {
        let decoded = StatusList::decode(known).expect(known);
        assert_eq!(decoded.size(), MIN_BITS);
        assert!(decoded.as_bytes().iter().all(|&b| b == 0));
        assert_eq!(decoded, empty);
    }

    let encoded = empty.encode();
    assert!(encoded.starts_with("uH4sI"), "{encoded}");
    assert!(!encoded.contains('='), "{encoded}");
    assert!(
        !encoded.contains('+') && !encoded.contains('/'),
        "{encoded}"
    );
    assert!(
        encoded.len() < 100,
        "an empty list compresses well: {encoded}"
    );
    // Read back by an independent GZIP reader and by decode.
    let compressed = URL_SAFE_NO_PAD.decode(&encoded[1..]).expect("base64url");
    assert_eq!(gunzip(&compressed), vec![0u8; 16 * 1024]);
    assert_eq!(StatusList::decode(&encoded).expect("decode"), empty);
}

#[test]
fn round_trip_with_bits_set() {
    let mut list = StatusList::new(MIN_BITS * 2).expect("list");
    let set = [0, 1, 7, 8, 1000, 65_535, 131_071, 131_072, 262_143];
    for &i in &set {
        list.set(i, true).expect("set");
    }
    let decoded = StatusList::decode(&list.encode()).expect("decode");
    assert_eq!(decoded, list);
    assert_eq!(decoded.size(), MIN_BITS * 2);
    for i in 0..decoded.size() {
        assert_eq!(decoded.get(i).expect("get"), set.contains(&i), "{i}");
    }
}

#[test]
fn decode_errors_name_the_problem() {
    let good = StatusList::new(MIN_BITS).expect("list").encode();
    assert!(matches!(
        StatusList::decode(&good[1..]),
        Err(StatusError::MissingMultibasePrefix)
    ));
    assert!(matches!(
        StatusList::decode("u!!!"),
        Err(StatusError::Base64(_))
    ));
    assert!(matches!(
        StatusList::decode(&multibase(b"not gzip at all")),
        Err(StatusError::Gzip(_))
    ));
    // Truncated GZIP stream.
    let compressed = gzip(&[0u8; 16 * 1024]);
    assert!(matches!(
        StatusList::decode(&multibase(&compressed[..compressed.len() - 6])),
        Err(StatusError::Gzip(_))
    ));
    // Shorter than the minimum.
    let error = StatusList::decode(&multibase(&gzip(&[0u8; 1024]))).expect_err("short");
    assert!(matches!(error, StatusError::TooShort { bits: 8192 }));
    assert!(error.to_string().contains("131072"), "{error}");
    // Padding is tolerated.
    let padded = format!(
        "u{}",
        base64::engine::general_purpose::URL_SAFE.encode(&compressed)
    );
    assert!(StatusList::decode(&padded).is_ok());
}

#[test]
fn decode_refuses_a_gzip_bomb() {
    // 64 MiB of zeros compresses to about 64 KiB.
    let mut encoder = GzEncoder::new(Vec::new(), Compression::best());
    let chunk = vec![0u8; 1024 * 1024];
    for _ in 0..64 {
        encoder.write_all(&chunk).expect("write");
    }
    let bomb = encoder.finish().expect("finish");
    assert!(bomb.len() < 200 * 1024, "{}", bomb.len());
    let error = StatusList::decode(&multibase(&bomb)).expect_err("bomb");
    assert!(
        matches!(error, StatusError::TooLarge { limit } if limit == MAX_DECODED_BYTES),
        "{error}"
    );

    // Exactly the limit is accepted.
    let at_limit = gzip(&vec![0u8; MAX_DECODED_BYTES]);
    let list = StatusList::decode(&multibase(&at_limit)).expect("at limit");
    assert_eq!(list.size(), MAX_DECODED_BYTES * 8);

    // Text longer than any accepted list is refused before decoding.
    let huge = format!("u{}", "A".repeat(MAX_DECODED_BYTES / 3 * 4 + 100 * 1024));
    assert!(matches!(
        StatusList::decode(&huge),
        Err(StatusError::EncodedTooLong { .. })
    ));
}

#[test]
fn entry_shape_and_check() {
    let e = entry(LIST_URL, 94_567);
    assert_eq!(
        e,
        json!({
            "id": "https://example.org/status/1#94567",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": "94567",
            "statusListCredential": LIST_URL,
        })
    );
    let parsed = parse_entry(&e).expect("parse");
    assert_eq!(parsed.index, 94_567);
    assert_eq!(parsed.list_credential, LIST_URL);
    assert_eq!(parsed.purpose, "revocation");

    let mut list = StatusList::new(MIN_BITS).expect("list");
    assert!(!is_revoked(&e, &list).expect("check"));
    list.set(94_567, true).expect("set");
    assert!(is_revoked(&e, &list).expect("check"));
    assert!(!is_revoked(&entry(LIST_URL, 94_566), &list).expect("neighbour"));

    // Out of range, wrong purpose, malformed entries.
    assert!(matches!(
        is_revoked(&entry(LIST_URL, MIN_BITS), &list),
        Err(StatusError::IndexOutOfRange { .. })
    ));
    assert!(matches!(
        is_revoked(&entry_with_purpose(LIST_URL, 1, "suspension"), &list),
        Err(StatusError::PurposeMismatch { .. })
    ));
    let mut numeric = e.clone();
    numeric["statusListIndex"] = json!(94_567);
    assert!(is_revoked(&numeric, &list).expect("number index accepted"));
    let mut size_one = e.clone();
    size_one["statusSize"] = json!(1);
    assert!(is_revoked(&size_one, &list).expect("statusSize 1"));
    let mut size_two = e.clone();
    size_two["statusSize"] = json!(2);
    assert!(matches!(
        is_revoked(&size_two, &list),
        Err(StatusError::UnsupportedStatusSize(2))
    ));
    for (field, value) in [
        ("statusListIndex", json!("-1")),
        ("statusListIndex", json!("1e3")),
        ("statusListIndex", json!("")),
        ("statusListIndex", json!(" 1")),
        ("statusListIndex", json!("99999999999999999999999999")),
        ("statusListIndex", json!(-1)),
        ("statusListIndex", json!(1.5)),
        ("type", json!("StatusList2021Entry")),
        ("statusPurpose", json!(3)),
        ("statusListCredential", json!(null)),
        ("statusSize", json!(0)),
        ("statusSize", json!("1")),
    ] {
        let mut bad = e.clone();
        bad[field] = value.clone();
        assert!(is_revoked(&bad, &list).is_err(), "{field}: {value}");
    }
    assert!(is_revoked(&json!("not an object"), &list).is_err());
    let mut typed_array = e.clone();
    typed_array["type"] = json!(["BitstringStatusListEntry"]);
    assert!(is_revoked(&typed_array, &list).expect("type array"));
}

#[test]
fn list_credential_shape_and_check() {
    let mut list = StatusList::new(MIN_BITS).expect("list");
    list.set(42, true).expect("set");
    let valid_from = Utc
        .with_ymd_and_hms(2025, 5, 6, 7, 8, 9)
        .single()
        .expect("date");
    let credential =
        list_credential_unsigned(LIST_URL, "https://example.org/issuers/1", valid_from, &list);
    assert_eq!(
        credential,
        json!({
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "id": LIST_URL,
            "type": ["VerifiableCredential", "BitstringStatusListCredential"],
            "issuer": "https://example.org/issuers/1",
            "validFrom": "2025-05-06T07:08:09Z",
            "credentialSubject": {
                "id": "https://example.org/status/1#list",
                "type": "BitstringStatusList",
                "statusPurpose": "revocation",
                "encodedList": list.encode(),
            },
        })
    );
    let keys: Vec<&str> = credential
        .as_object()
        .expect("object")
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(keys[0], "@context");

    let parsed = parse_list_credential(&credential).expect("parse");
    assert_eq!(parsed.list, list);
    assert_eq!(parsed.purposes, vec!["revocation".to_owned()]);

    assert!(check_status(&entry(LIST_URL, 42), &credential).expect("set"));
    assert!(!check_status(&entry(LIST_URL, 43), &credential).expect("clear"));
    assert!(matches!(
        check_status(&entry("https://example.org/status/2", 42), &credential),
        Err(StatusError::ListMismatch { .. })
    ));
    assert!(matches!(
        check_status(&entry_with_purpose(LIST_URL, 42, "suspension"), &credential),
        Err(StatusError::PurposeMismatch { .. })
    ));

    let mut not_a_list = credential.clone();
    not_a_list["type"] = json!(["VerifiableCredential"]);
    assert!(parse_list_credential(&not_a_list).is_err());
    let mut bad_subject = credential.clone();
    bad_subject["credentialSubject"]["type"] = json!("StatusList2021");
    assert!(parse_list_credential(&bad_subject).is_err());
    let mut no_list = credential.clone();
    no_list["credentialSubject"]
        .as_object_mut()
        .expect("subject")
        .remove("encodedList");
    assert!(parse_list_credential(&no_list).is_err());
}

#[test]
fn allocator_hands_out_distinct_positions() {
    // Every counter of the list would take several seconds in a debug
    // build; a quarter of them plus the last ones exercise the same code.
    let allocator = IndexAllocator::new(MIN_BITS).expect("allocator");
    assert_eq!(allocator.size(), MIN_BITS);
    let size = u64::try_from(MIN_BITS).expect("fits");
    let mut seen = vec![false; MIN_BITS];
    for counter in (0..size / 4).chain(size - 1024..size) {
        let index = allocator.index_for(counter).expect("index");
        assert!(index < MIN_BITS);
        assert!(!seen[index], "{index} handed out twice");
        seen[index] = true;
    }
    assert!(matches!(
        allocator.index_for(size),
        Err(StatusError::ListFull { .. })
    ));
    assert!(allocator.index_for(u64::MAX).is_err());
}

/// The permutation must never change: lists in use depend on it to keep
/// handing out positions not yet used.
#[test]
fn allocator_permutation_is_pinned() {
    let allocator = IndexAllocator::from_key([7u8; 32], MIN_BITS).expect("allocator");
    let first: Vec<usize> = (0..6)
        .map(|n| allocator.index_for(n).expect("index"))
        .collect();
    assert_eq!(first, PINNED);
}

#[test]
fn allocator_is_keyed_and_does_not_follow_issue_order() {
    let key = [7u8; 32];
    let a = IndexAllocator::from_key(key, MIN_BITS).expect("a");
    let b = IndexAllocator::from_key(key, MIN_BITS).expect("b");
    let c = IndexAllocator::from_key([8u8; 32], MIN_BITS).expect("c");
    let first: Vec<usize> = (0..100).map(|n| a.index_for(n).expect("a")).collect();
    assert_eq!(
        first,
        (0..100)
            .map(|n| b.index_for(n).expect("b"))
            .collect::<Vec<_>>()
    );
    assert_ne!(
        first,
        (0..100)
            .map(|n| c.index_for(n).expect("c"))
            .collect::<Vec<_>>()
    );
    assert_eq!(a.key(), &key);

    // Not increasing, not clustered.
    let increasing = first.windows(2).filter(|w| w[0] < w[1]).count();
    assert!(
        (20..80).contains(&increasing),
        "{increasing} of 99 steps go up"
    );
    let distinct: HashSet<usize> = first.iter().map(|i| i / 4096).collect();
    assert!(distinct.len() > 20, "{} of 32 blocks used", distinct.len());

    // Non-power-of-two sizes work too.
    let odd = IndexAllocator::from_key(key, MIN_BITS + 8 * 1000).expect("odd");
    let all: HashSet<usize> = (0..5000).map(|n| odd.index_for(n).expect("odd")).collect();
    assert_eq!(all.len(), 5000);
    assert!(all.iter().all(|&i| i < MIN_BITS + 8000));

    assert!(IndexAllocator::new(1000).is_err());
    assert!(!format!("{a:?}").contains("7, 7"), "{a:?}");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn decode_never_panics_on_arbitrary_text(text in ".{0,400}") {
        let _ = StatusList::decode(&text);
        let _ = StatusList::decode(&format!("u{text}"));
    }

    #[test]
    fn decode_never_panics_on_arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
        let _ = StatusList::decode(&multibase(&bytes));
        // Valid GZIP header followed by noise.
        let mut framed = vec![0x1f, 0x8b, 0x08, 0, 0, 0, 0, 0, 0, 0xff];
        framed.extend_from_slice(&bytes);
        let _ = StatusList::decode(&multibase(&framed));
    }

    #[test]
    fn round_trip_arbitrary_sets(indexes in proptest::collection::vec(0usize..MIN_BITS, 0..64)) {
        let mut list = StatusList::new(MIN_BITS).expect("list");
        for &i in &indexes {
            list.set(i, true).expect("set");
        }
        let decoded = StatusList::decode(&list.encode()).expect("decode");
        prop_assert_eq!(&decoded, &list);
        for &i in &indexes {
            prop_assert!(decoded.get(i).expect("get"));
        }
        let distinct: HashSet<usize> = indexes.iter().copied().collect();
        prop_assert_eq!(decoded.count_set(), distinct.len());
    }

    #[test]
    fn entries_parse_their_own_output(index in 0usize..MIN_BITS) {
        let parsed = parse_entry(&entry(LIST_URL, index)).expect("parse");
        prop_assert_eq!(parsed.index, index);
    }
}
