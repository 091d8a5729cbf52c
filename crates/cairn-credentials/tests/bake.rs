//! Baking Open Badges into PNG and SVG images and reading them back.

use std::io::Write as _;

use cairn_credentials::bake::{
    BadgeVersion, BakeError, Baked, ImageFormat, MAX_IMAGE_BYTES, MAX_PAYLOAD_BYTES, Payload,
    bake_png, bake_svg, detect_format, unbake,
};
use flate2::Compression;
use flate2::write::ZlibEncoder;
use proptest::prelude::*;

const SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";

const CREDENTIAL: &str = r#"{"@context":["https://www.w3.org/ns/credentials/v2","https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],"id":"urn:uuid:2a5b0c6e-4d3f-4b8a-9f7e-1c2d3e4f5a6b","type":["VerifiableCredential","OpenBadgeCredential"],"name":"Rope access, level 1"}"#;
const ASSERTION: &str = r#"{"@context":"https://w3id.org/openbadges/v2","type":"Assertion","id":"https://badges.example.org/assertions/17?lang=en&v=2","recipient":{"type":"email","identity":"learner@example.org","hashed":false}}"#;
const JWS: &str =
    "eyJhbGciOiJFZERTQSJ9.eyJpc3MiOiJodHRwczovL2V4YW1wbGUub3JnIn0.c2lnbmF0dXJlLWJ5dGVz_-";
const URL: &str = "https://badges.example.org/assertions/17?lang=en&v=2";

// --- A tiny PNG encoder and chunk reader, independent of the crate -------

/// One chunk: length, type, data, CRC over type and data.
fn chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len() + 12);
    out.extend_from_slice(
        &u32::try_from(data.len())
            .expect("chunk fits a u32 length")
            .to_be_bytes(),
    );
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let mut crc = crc32fast::Hasher::new();
    crc.update(kind);
    crc.update(data);
    out.extend_from_slice(&crc.finalize().to_be_bytes());
    out
}

fn zlib(data: &[u8]) -> Vec<u8> {
    let mut encoder = ZlibEncoder::new(Vec::new(), Compression::default());
    encoder.write_all(data).expect("zlib writes");
    encoder.finish().expect("zlib finishes")
}

/// An 8-bit RGB PNG of `width` × `height` whose pixels come from `pixel`,
/// with `extra` chunks between IHDR and IDAT.
fn encode_png(
    width: u32,
    height: u32,
    extra: &[Vec<u8>],
    pixel: impl Fn(u32, u32) -> [u8; 3],
) -> Vec<u8> {
    let mut header = Vec::new();
    header.extend_from_slice(&width.to_be_bytes());
    header.extend_from_slice(&height.to_be_bytes());
    header.extend_from_slice(&[8, 2, 0, 0, 0]); // depth 8, RGB, deflate, filter 0, no interlace
    let mut rows = Vec::new();
    for y in 0..height {
        rows.push(0); // filter: none
        for x in 0..width {
            rows.extend_from_slice(&pixel(x, y));
        }
    }
    let mut png = SIGNATURE.to_vec();
    png.extend(chunk(b"IHDR", &header));
    for extra in extra {
        png.extend_from_slice(extra);
    }
    png.extend(chunk(b"IDAT", &zlib(&rows)));
    png.extend(chunk(b"IEND", &[]));
    png
}

/// A 4 × 4 gradient with a gamma and a title chunk.
fn small_png() -> Vec<u8> {
    let extra = [
        chunk(b"gAMA", &45455_u32.to_be_bytes()),
        chunk(b"tEXt", b"Title\0Rope access"),
    ];
    encode_png(4, 4, &extra, |x, y| {
        [
            u8::try_from(x * 60).expect("small"),
            u8::try_from(y * 60).expect("small"),
            128,
        ]
    })
}

/// A 128 × 128 PNG of noise, about 50 KB since noise does not compress.
fn noisy_png() -> Vec<u8> {
    encode_png(128, 128, &[], |x, y| {
        // A small integer hash: deterministic, but looks random to zlib.
        let mut h =
            (x.wrapping_mul(0x9e37_79b9) ^ y.wrapping_mul(0x85eb_ca6b)).wrapping_add(0x27d4_eb2f);
        h ^= h >> 15;
        h = h.wrapping_mul(0x2c1b_3c6d);
        h ^= h >> 12;
        let [r, g, b, _] = h.to_le_bytes();
        [r, g, b]
    })
}

/// The chunks of a PNG as (type, data), read independently of the crate.
fn chunks(png: &[u8]) -> Vec<(String, Vec<u8>)> {
    assert_eq!(&png[..8], SIGNATURE);
    let mut out = Vec::new();
    let mut at = 8;
    while at < png.len() {
        let length = usize::try_from(u32::from_be_bytes(
            png[at..at + 4].try_into().expect("4 bytes"),
        ))
        .expect("fits");
        let kind = String::from_utf8(png[at + 4..at + 8].to_vec()).expect("ASCII chunk type");
        let data = png[at + 8..at + 8 + length].to_vec();
        assert_eq!(
            png[at + 8 + length..at + 12 + length],
            crc32fast::hash(&png[at + 4..at + 8 + length]).to_be_bytes()
        );
        at += 12 + length;
        out.push((kind, data));
    }
    out
}

/// The keyword of a text chunk's data.
fn keyword(data: &[u8]) -> &[u8] {
    data.split(|&byte| byte == 0)
        .next()
        .expect("split yields at least one part")
}

fn text_chunks_with<'a>(chunks: &'a [(String, Vec<u8>)], word: &str) -> Vec<&'a (String, Vec<u8>)> {
    chunks
        .iter()
        .filter(|(kind, data)| kind.ends_with("Xt") && keyword(data) == word.as_bytes())
        .collect()
}

/// `png` with `inserted` chunks right after IHDR.
fn with_chunks_after_ihdr(png: &[u8], inserted: &[Vec<u8>]) -> Vec<u8> {
    let after_ihdr = 8 + 12 + 13;
    let mut out = png[..after_ihdr].to_vec();
    for chunk in inserted {
        out.extend_from_slice(chunk);
    }
    out.extend_from_slice(&png[after_ihdr..]);
    out
}

fn json(text: &str) -> Payload {
    Payload::Json(text.to_owned())
}

fn all_payloads() -> Vec<(BadgeVersion, Payload)> {
    vec![
        (BadgeVersion::V3, json(CREDENTIAL)),
        (BadgeVersion::V3, Payload::Jws(JWS.into())),
        (BadgeVersion::V2, json(ASSERTION)),
        (BadgeVersion::V2, Payload::Jws(JWS.into())),
        (BadgeVersion::V2, Payload::Url(URL.into())),
    ]
}

// --- PNG ------------------------------------------------------------------

#[test]
fn png_round_trips_every_version_and_payload() {
    for (version, payload) in all_payloads() {
        let baked = bake_png(&small_png(), version, &payload).expect("bakes");
        assert_eq!(
            unbake(&baked),
            Ok(Baked {
                version,
                payload: payload.clone(),
                format: ImageFormat::Png
            })
        );
    }
}

#[test]
fn png_round_trips_unicode_json() {
    let text = r#"{"name":"Sécurité en hauteur — 高所作業 🧗","description":"naïve ǅ \u00e9 ﬁ"}"#;
    let baked = bake_png(&small_png(), BadgeVersion::V3, &json(text)).expect("bakes");
    assert_eq!(unbake(&baked).expect("unbakes").payload, json(text));
}

#[test]
fn png_credential_is_one_uncompressed_itxt_right_after_ihdr() {
    let baked = bake_png(&small_png(), BadgeVersion::V3, &json(CREDENTIAL)).expect("bakes");
    let chunks = chunks(&baked);
    assert_eq!(chunks[0].0, "IHDR");
    assert_eq!(chunks[1].0, "iTXt");
    let mut expected = b"openbadgecredential\0\0\0\0\0".to_vec();
    expected.extend_from_slice(CREDENTIAL.as_bytes());
    assert_eq!(chunks[1].1, expected);
    assert_eq!(text_chunks_with(&chunks, "openbadgecredential").len(), 1);
}

#[test]
fn png_other_chunks_are_kept_byte_for_byte() {
    for original in [small_png(), noisy_png()] {
        let baked = bake_png(&original, BadgeVersion::V2, &json(ASSERTION)).expect("bakes");
        let mut after = chunks(&baked);
        assert_eq!(after.remove(1).0, "iTXt");
        assert_eq!(after, chunks(&original));
        // And the bytes themselves: IHDR, then the credential, then the rest.
        let inserted = baked.len() - original.len();
        assert_eq!(baked[..33], original[..33]);
        assert_eq!(baked[33 + inserted..], original[33..]);
    }
}

#[test]
fn png_baking_twice_keeps_one_credential_the_new_one() {
    let first = bake_png(&small_png(), BadgeVersion::V3, &json(CREDENTIAL)).expect("bakes");
    let second = bake_png(&first, BadgeVersion::V3, &Payload::Jws(JWS.into())).expect("bakes");
    let chunks = chunks(&second);
    assert_eq!(text_chunks_with(&chunks, "openbadgecredential").len(), 1);
    assert_eq!(
        unbake(&second).expect("unbakes").payload,
        Payload::Jws(JWS.into())
    );
    // Baking the same credential again gives the same image.
    assert_eq!(
        bake_png(&first, BadgeVersion::V3, &json(CREDENTIAL)).expect("bakes"),
        first
    );
}

#[test]
fn png_v2_and_v3_live_side_by_side_and_v3_is_read_first() {
    let v2 = bake_png(&small_png(), BadgeVersion::V2, &Payload::Url(URL.into())).expect("bakes");
    let both = bake_png(&v2, BadgeVersion::V3, &json(CREDENTIAL)).expect("bakes");
    let chunks = chunks(&both);
    assert_eq!(text_chunks_with(&chunks, "openbadges").len(), 1);
    assert_eq!(text_chunks_with(&chunks, "openbadgecredential").len(), 1);
    assert_eq!(unbake(&both).expect("unbakes").version, BadgeVersion::V3);
}

#[test]
fn png_baking_replaces_text_and_compressed_chunks_with_the_same_keyword() {
    let mut compressed = b"openbadges\0\x01\0en\0\0".to_vec();
    compressed.extend(zlib(URL.as_bytes()));
    let mut ztxt = b"openbadges\0\0".to_vec();
    ztxt.extend(zlib(URL.as_bytes()));
    let old = [
        chunk(b"tEXt", format!("openbadges\0{URL}").as_bytes()),
        chunk(b"iTXt", &compressed),
        chunk(b"zTXt", &ztxt),
        chunk(b"tEXt", b"openbadgesX\0not ours"),
    ];
    let png = with_chunks_after_ihdr(&small_png(), &old);
    let baked = bake_png(&png, BadgeVersion::V2, &json(ASSERTION)).expect("bakes");
    let chunks = chunks(&baked);
    let ours = text_chunks_with(&chunks, "openbadges");
    assert_eq!(ours.len(), 1);
    assert_eq!(ours[0].0, "iTXt");
    assert_eq!(text_chunks_with(&chunks, "openbadgesX").len(), 1);
    assert_eq!(unbake(&baked).expect("unbakes").payload, json(ASSERTION));
}

#[test]
fn png_compressed_itxt_is_read() {
    let mut data = b"openbadgecredential\0\x01\0\0\0".to_vec();
    data.extend(zlib(CREDENTIAL.as_bytes()));
    let png = with_chunks_after_ihdr(&small_png(), &[chunk(b"iTXt", &data)]);
    assert_eq!(
        unbake(&png),
        Ok(Baked {
            version: BadgeVersion::V3,
            payload: json(CREDENTIAL),
            format: ImageFormat::Png
        })
    );
}

#[test]
fn png_text_and_ztxt_openbadges_chunks_are_read() {
    let text = chunk(b"tEXt", format!("openbadges\0{URL}").as_bytes());
    let png = with_chunks_after_ihdr(&small_png(), &[text]);
    assert_eq!(
        unbake(&png),
        Ok(Baked {
            version: BadgeVersion::V2,
            payload: Payload::Url(URL.into()),
            format: ImageFormat::Png
        })
    );

    let mut data = b"openbadges\0\0".to_vec();
    data.extend(zlib(JWS.as_bytes()));
    let png = with_chunks_after_ihdr(&small_png(), &[chunk(b"zTXt", &data)]);
    assert_eq!(
        unbake(&png).expect("unbakes").payload,
        Payload::Jws(JWS.into())
    );
}

#[test]
fn png_with_a_bad_checksum_is_refused() {
    let mut png = bake_png(&small_png(), BadgeVersion::V3, &json(CREDENTIAL)).expect("bakes");
    // Flip a bit in the last byte of IDAT's data (just before its CRC, IEND's 12 bytes at the end).
    let at = png.len() - 12 - 5;
    png[at] ^= 1;
    let error = unbake(&png).expect_err("is refused");
    assert_eq!(error, BakeError::BadChecksum("IDAT".into()));
    assert_eq!(error.to_string(), "PNG chunk 'IDAT' has a bad checksum");
    assert_eq!(
        bake_png(&png, BadgeVersion::V3, &json(CREDENTIAL)),
        Err(BakeError::BadChecksum("IDAT".into()))
    );
}

#[test]
fn truncated_png_is_refused() {
    let png = bake_png(&small_png(), BadgeVersion::V3, &json(CREDENTIAL)).expect("bakes");
    // Inside the IDAT chunk.
    let cut = &png[..png.len() - 20];
    assert!(
        matches!(unbake(cut), Err(BakeError::TruncatedPng(why)) if why.contains("IDAT")),
        "{:?}",
        unbake(cut)
    );
    // Cleanly between chunks, but without IEND.
    let cut = &png[..png.len() - 12];
    assert!(matches!(unbake(cut), Err(BakeError::TruncatedPng(why)) if why.contains("IEND")));
    // Inside a chunk header.
    let cut = &png[..png.len() - 6];
    assert!(matches!(unbake(cut), Err(BakeError::TruncatedPng(_))));
    // Just the signature.
    assert!(matches!(unbake(SIGNATURE), Err(BakeError::TruncatedPng(_))));
}

#[test]
fn png_chunk_longer_than_the_file_or_the_format_is_refused() {
    let mut png = small_png();
    // IHDR's length says 2^31 - 1: runs past the end of the file.
    png[8..12].copy_from_slice(&0x7fff_ffff_u32.to_be_bytes());
    assert!(matches!(unbake(&png), Err(BakeError::TruncatedPng(_))));
    png[8..12].copy_from_slice(&0x8000_0000_u32.to_be_bytes());
    assert_eq!(
        unbake(&png),
        Err(BakeError::ChunkTooLong {
            chunk: "IHDR".into(),
            length: 0x8000_0000
        })
    );
}

#[test]
fn wrong_signature_is_not_a_png() {
    let mut png = small_png();
    png[0] = 0x88;
    assert_eq!(unbake(&png), Err(BakeError::NotPng));
    assert_eq!(
        unbake(&png).expect_err("is refused").to_string(),
        "not a PNG image"
    );
    assert_eq!(
        bake_png(b"GIF89a", BadgeVersion::V3, &json(CREDENTIAL)),
        Err(BakeError::NotPng)
    );
    assert_eq!(unbake(b"GIF89a\x01\x00"), Err(BakeError::UnknownFormat));
    assert_eq!(unbake(b""), Err(BakeError::UnknownFormat));
}

#[test]
fn png_must_start_with_ihdr() {
    let png = small_png();
    let mut swapped = SIGNATURE.to_vec();
    swapped.extend(chunk(b"gAMA", &45455_u32.to_be_bytes()));
    swapped.extend_from_slice(&png[8..]);
    assert_eq!(unbake(&swapped), Err(BakeError::MissingIhdr));
}

#[test]
fn png_without_a_credential_says_so() {
    let error = unbake(&small_png()).expect_err("is refused");
    assert_eq!(error, BakeError::NotBaked);
    assert_eq!(
        error.to_string(),
        "no Open Badges credential is baked into this image"
    );
}

#[test]
fn png_malformed_credential_chunk_is_reported() {
    let bad = [
        chunk(b"iTXt", b"openbadgecredential\0\x02\0\0\0{}"),
        chunk(b"iTXt", b"openbadgecredential\0\x01\0\0\0not zlib"),
        chunk(b"iTXt", b"openbadgecredential\0\0"),
        chunk(b"iTXt", b"openbadgecredential\0\0\0\0\0\xff\xfe"),
    ];
    for chunk in bad {
        let png = with_chunks_after_ihdr(&small_png(), &[chunk]);
        assert!(
            matches!(unbake(&png), Err(BakeError::BadTextChunk { .. })),
            "{:?}",
            unbake(&png)
        );
    }
    let png = with_chunks_after_ihdr(
        &small_png(),
        &[chunk(b"iTXt", b"openbadgecredential\0\0\0\0\0hello")],
    );
    assert_eq!(unbake(&png), Err(BakeError::UnrecognizedPayload));
}

#[test]
fn compressed_text_over_the_limit_is_refused() {
    let mut data = b"openbadgecredential\0\x01\0\0\0".to_vec();
    // The best level, so the image stays small whichever zlib backend
    // the dependency graph selects.
    let mut encoder = ZlibEncoder::new(Vec::new(), Compression::best());
    let spaces = vec![b' '; 1024 * 1024];
    for _ in 0..=MAX_PAYLOAD_BYTES / spaces.len() {
        encoder.write_all(&spaces).expect("zlib writes");
    }
    data.extend(encoder.finish().expect("zlib finishes"));
    let png = with_chunks_after_ihdr(&small_png(), &[chunk(b"iTXt", &data)]);
    assert!(png.len() < 100_000);
    assert_eq!(unbake(&png), Err(BakeError::PayloadTooLarge));
}

#[test]
fn images_over_the_limit_are_refused() {
    let mut huge = small_png();
    huge.resize(MAX_IMAGE_BYTES + 1, 0);
    assert_eq!(unbake(&huge), Err(BakeError::ImageTooLarge));
    assert_eq!(
        BakeError::ImageTooLarge.to_string(),
        "image larger than 50 MiB"
    );
    assert_eq!(
        bake_png(&huge, BadgeVersion::V3, &json(CREDENTIAL)),
        Err(BakeError::ImageTooLarge)
    );
}

#[test]
fn bad_payloads_are_refused() {
    let png = small_png();
    let cases = [
        (BadgeVersion::V3, Payload::Url(URL.into())),
        (BadgeVersion::V3, json("[1, 2]")),
        (BadgeVersion::V3, json("{\"a\":")),
        (BadgeVersion::V3, Payload::Jws("not a jws".into())),
        (BadgeVersion::V2, Payload::Url("javascript:alert(1)".into())),
    ];
    for (version, payload) in cases {
        assert!(
            matches!(
                bake_png(&png, version, &payload),
                Err(BakeError::InvalidPayload(_))
            ),
            "{payload:?}"
        );
        assert!(
            matches!(
                bake_svg(SIMPLE_SVG, version, &payload),
                Err(BakeError::InvalidPayload(_))
            ),
            "{payload:?}"
        );
    }
}

#[test]
fn noisy_png_is_about_50_kb_and_round_trips() {
    let png = noisy_png();
    assert!((45_000..60_000).contains(&png.len()), "{} bytes", png.len());
    let baked = bake_png(&png, BadgeVersion::V3, &json(CREDENTIAL)).expect("bakes");
    assert_eq!(unbake(&baked).expect("unbakes").payload, json(CREDENTIAL));
}

// --- SVG ------------------------------------------------------------------

const SIMPLE_SVG: &str = r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><circle cx="5" cy="5" r="4"/></svg>"#;

const FANCY_SVG: &str = "\u{feff}<?xml version='1.0' encoding='UTF-8' standalone='no'?>
<!-- Drawn by hand: <svg> in a comment is not the root -->
<!DOCTYPE svg PUBLIC \"-//W3C//DTD SVG 1.1//EN\" \"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd\" [
  <!ENTITY badge-colour \"#c0ffee\">
  <!-- a > in the internal subset -->
  <!ATTLIST svg data-x CDATA 'a > b'>
]>
<?xml-stylesheet href='style.css' type='text/css'?>
<svg xmlns='http://www.w3.org/2000/svg' data-note='a > b &amp; \"c\"' viewBox='0 0 10 10'
     xmlns:xlink=\"http://www.w3.org/1999/xlink\">
  <title>Rope access &amp; rescue</title>
  <![CDATA[ <openbadges:credential> in CDATA is text ]]>
  <g fill='&badge-colour;'><circle cx='5' cy='5' r='4'/></g>
</svg>
<!-- trailing comment -->
";

#[test]
fn svg_round_trips_every_version_and_payload() {
    for svg in [SIMPLE_SVG, FANCY_SVG] {
        for (version, payload) in all_payloads() {
            let baked = bake_svg(svg, version, &payload).expect("bakes");
            assert_eq!(
                unbake(baked.as_bytes()),
                Ok(Baked {
                    version,
                    payload: payload.clone(),
                    format: ImageFormat::Svg
                }),
                "{baked}"
            );
        }
    }
}

#[test]
fn svg_v3_json_is_cdata_in_the_first_child_and_the_rest_is_kept() {
    let baked = bake_svg(SIMPLE_SVG, BadgeVersion::V3, &json(CREDENTIAL)).expect("bakes");
    let expected = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10" xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"><openbadges:credential><![CDATA[{CREDENTIAL}]]></openbadges:credential><circle cx="5" cy="5" r="4"/></svg>"#
    );
    assert_eq!(baked, expected);
}

#[test]
fn svg_jws_goes_into_verify() {
    let baked = bake_svg(SIMPLE_SVG, BadgeVersion::V3, &Payload::Jws(JWS.into())).expect("bakes");
    assert!(
        baked.contains(&format!(
            r#"<openbadges:credential verify="{JWS}"></openbadges:credential>"#
        )),
        "{baked}"
    );
    let baked = bake_svg(SIMPLE_SVG, BadgeVersion::V2, &Payload::Url(URL.into())).expect("bakes");
    assert!(baked.contains(r#"xmlns:openbadges="http://openbadges.org""#));
    assert!(
        baked.contains(r#"<openbadges:assertion verify="https://badges.example.org/assertions/17?lang=en&amp;v=2"></openbadges:assertion>"#),
        "{baked}"
    );
}

#[test]
fn svg_v2_json_carries_its_id_as_verify() {
    let baked = bake_svg(SIMPLE_SVG, BadgeVersion::V2, &json(ASSERTION)).expect("bakes");
    assert!(
        baked.contains(r#"<openbadges:assertion verify="https://badges.example.org/assertions/17?lang=en&amp;v=2"><![CDATA["#),
        "{baked}"
    );
    assert_eq!(
        unbake(baked.as_bytes()).expect("unbakes").payload,
        json(ASSERTION)
    );
}

#[test]
fn svg_with_prolog_comments_doctype_and_single_quotes_keeps_everything_else() {
    let baked = bake_svg(FANCY_SVG, BadgeVersion::V3, &json(CREDENTIAL)).expect("bakes");
    // The root tag gets the namespace, just before its '>'.
    let root_end = FANCY_SVG.find("xlink\">").expect("root tag end") + "xlink\"".len();
    let insert = format!(
        r#" xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"><openbadges:credential><![CDATA[{CREDENTIAL}]]></openbadges:credential>"#
    );
    let expected = format!(
        "{}{insert}{}",
        &FANCY_SVG[..root_end],
        &FANCY_SVG[root_end + 1..]
    );
    assert_eq!(baked, expected);
    assert_eq!(detect_format(baked.as_bytes()), Some(ImageFormat::Svg));
}

#[test]
fn svg_baking_twice_keeps_one_element_the_new_one() {
    let first = bake_svg(FANCY_SVG, BadgeVersion::V3, &json(CREDENTIAL)).expect("bakes");
    let second = bake_svg(&first, BadgeVersion::V3, &Payload::Jws(JWS.into())).expect("bakes");
    // (FANCY_SVG also has a `<openbadges:credential>` in a CDATA text section.)
    assert_eq!(
        second.matches("</openbadges:credential>").count(),
        1,
        "{second}"
    );
    assert_eq!(
        second.matches("<openbadges:credential").count(),
        2,
        "{second}"
    );
    assert_eq!(second.matches("xmlns:openbadges=").count(), 1);
    assert_eq!(
        unbake(second.as_bytes()).expect("unbakes").payload,
        Payload::Jws(JWS.into())
    );
    assert_eq!(
        bake_svg(&second, BadgeVersion::V3, &json(CREDENTIAL)).expect("bakes"),
        first
    );
}

#[test]
fn svg_v2_and_v3_live_side_by_side() {
    let v2 = bake_svg(SIMPLE_SVG, BadgeVersion::V2, &json(ASSERTION)).expect("bakes");
    let both = bake_svg(&v2, BadgeVersion::V3, &json(CREDENTIAL)).expect("bakes");
    // `openbadges` is taken by the 2.0 namespace, so 3.0 gets another prefix.
    assert!(
        both.contains(r#"xmlns:openbadges2="https://purl.imsglobal.org/ob/v3p0""#),
        "{both}"
    );
    assert!(both.contains("<openbadges2:credential>"));
    assert_eq!(
        unbake(both.as_bytes()).expect("unbakes").payload,
        json(CREDENTIAL)
    );
    let again = bake_svg(&both, BadgeVersion::V2, &Payload::Url(URL.into())).expect("bakes");
    assert_eq!(again.matches("<openbadges:assertion").count(), 1);
    assert_eq!(again.matches("<openbadges2:credential").count(), 1);
}

#[test]
fn svg_cdata_end_inside_the_payload_round_trips() {
    let text = r#"{"name":"a]]>b","note":"]]]]>>","end":"]]"}"#;
    let baked = bake_svg(SIMPLE_SVG, BadgeVersion::V3, &json(text)).expect("bakes");
    assert!(
        baked.contains("<![CDATA[{\"name\":\"a]]]]><![CDATA[>b\""),
        "{baked}"
    );
    assert_eq!(
        unbake(baked.as_bytes()).expect("unbakes").payload,
        json(text)
    );
    let baked = bake_png(&small_png(), BadgeVersion::V3, &json(text)).expect("bakes");
    assert_eq!(unbake(&baked).expect("unbakes").payload, json(text));
}

#[test]
fn svg_unicode_json_round_trips() {
    let text = r#"{"name":"Sécurité en hauteur — 高所作業 🧗","note":"<&>\"'"}"#;
    let baked = bake_svg(FANCY_SVG, BadgeVersion::V2, &json(text)).expect("bakes");
    assert_eq!(
        unbake(baked.as_bytes()).expect("unbakes").payload,
        json(text)
    );
}

#[test]
fn svg_element_is_found_by_namespace_not_by_prefix() {
    let svg = r#"<s:svg xmlns:s="http://www.w3.org/2000/svg" xmlns:ob="https://purl.imsglobal.org/ob/v3p0" xmlns:openbadges="urn:something-else">
  <openbadges:credential>{"not":"this one"}</openbadges:credential>
  <ob:credential><![CDATA[{"id":"urn:x:1"}]]></ob:credential>
</s:svg>"#;
    assert_eq!(
        unbake(svg.as_bytes()).expect("unbakes").payload,
        json(r#"{"id":"urn:x:1"}"#)
    );
    // Baking reuses the prefix the root binds, and replaces that element.
    let baked = bake_svg(svg, BadgeVersion::V3, &json(CREDENTIAL)).expect("bakes");
    assert!(
        baked.contains(&format!(
            "<ob:credential><![CDATA[{CREDENTIAL}]]></ob:credential>"
        )),
        "{baked}"
    );
    assert!(!baked.contains("urn:x:1"));
    assert!(baked.contains(r#"{"not":"this one"}"#));
    assert_eq!(
        unbake(baked.as_bytes()).expect("unbakes").payload,
        json(CREDENTIAL)
    );
}

#[test]
fn svg_namespace_declared_deeper_or_by_default_is_honoured() {
    let svg = r#"<svg xmlns="http://www.w3.org/2000/svg"><g><assertion xmlns="http://openbadges.org" verify="https://example.org/a/1"/></g></svg>"#;
    assert_eq!(
        unbake(svg.as_bytes()).expect("unbakes").payload,
        Payload::Url("https://example.org/a/1".into())
    );
    let svg = r#"<svg xmlns="http://www.w3.org/2000/svg"><g xmlns:b="http://openbadges.org"><g xmlns:b="urn:other"><b:assertion verify="https://example.org/a/1"/></g></g></svg>"#;
    assert_eq!(unbake(svg.as_bytes()), Err(BakeError::NotBaked));
}

#[test]
fn svg_ob2_spec_example_with_whitespace_and_entities_is_read() {
    let svg = "<?xml version=\"1.0\"?>
<svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:openbadges=\"http://openbadges.org\" viewBox=\"0 0 512 512\">
  <openbadges:assertion verify=\"https://example.org/beths-robotics-badge.json\">
    <![CDATA[
      {\"id\": \"https://example.org/beths-robotics-badge.json\", \"type\": \"Assertion\"}
    ]]>
  </openbadges:assertion>
</svg>";
    assert_eq!(
        unbake(svg.as_bytes()).expect("unbakes").payload,
        json(r#"{"id": "https://example.org/beths-robotics-badge.json", "type": "Assertion"}"#)
    );
    let signed = format!(
        "<svg xmlns:openbadges='http://openbadges.org'><openbadges:assertion verify='{}'/></svg>",
        JWS.replace('_', "&#x5F;").replace('-', "&#45;")
    );
    assert_eq!(
        unbake(signed.as_bytes()).expect("unbakes").payload,
        Payload::Jws(JWS.into())
    );
    let escaped_text = "<svg xmlns:openbadges='http://openbadges.org'><openbadges:assertion>{&quot;a&quot;:&quot;&lt;&amp;&gt;&quot;}</openbadges:assertion></svg>";
    assert_eq!(
        unbake(escaped_text.as_bytes()).expect("unbakes").payload,
        json(r#"{"a":"<&>"}"#)
    );
}

#[test]
fn self_closing_svg_root_is_baked() {
    let baked = bake_svg(
        "<svg xmlns='http://www.w3.org/2000/svg'/>",
        BadgeVersion::V3,
        &json(CREDENTIAL),
    )
    .expect("bakes");
    assert!(
        baked.starts_with("<svg xmlns='http://www.w3.org/2000/svg' xmlns:openbadges="),
        "{baked}"
    );
    assert!(baked.ends_with("</openbadges:credential></svg>"), "{baked}");
    assert_eq!(
        unbake(baked.as_bytes()).expect("unbakes").payload,
        json(CREDENTIAL)
    );
}

#[test]
fn svg_errors_are_reported() {
    assert_eq!(unbake(SIMPLE_SVG.as_bytes()), Err(BakeError::NotBaked));
    assert_eq!(
        bake_svg("<html><body/></html>", BadgeVersion::V3, &json(CREDENTIAL)),
        Err(BakeError::NotSvg)
    );
    assert_eq!(
        bake_svg("hello <svg/>", BadgeVersion::V3, &json(CREDENTIAL)),
        Err(BakeError::NotSvg)
    );
    for broken in [
        "<svg xmlns:openbadges='http://openbadges.org'><openbadges:assertion>",
        "<svg><g>",
        "<svg a='1></svg>",
        "<svg a=1></svg>",
        "<svg><!-- never closed</svg>",
        "<svg><![CDATA[ never closed</svg>",
        "<svg a='1'b='2'></svg>",
    ] {
        assert!(
            matches!(
                bake_svg(broken, BadgeVersion::V3, &json(CREDENTIAL)),
                Err(BakeError::MalformedSvg(_))
            ),
            "{broken}"
        );
    }
    let empty = "<svg xmlns:openbadges='http://openbadges.org'><openbadges:assertion> </openbadges:assertion></svg>";
    assert_eq!(
        unbake(empty.as_bytes()),
        Err(BakeError::UnrecognizedPayload)
    );
    let latin1 = b"<svg xmlns:openbadges='http://openbadges.org'><title>caf\xe9</title></svg>";
    assert!(matches!(unbake(latin1), Err(BakeError::MalformedSvg(_))));
    let control = json("{\"a\":\"\u{fffe}\"}");
    assert!(matches!(
        bake_svg(SIMPLE_SVG, BadgeVersion::V3, &control),
        Err(BakeError::InvalidPayload(_))
    ));
}

#[test]
fn formats_are_detected() {
    assert_eq!(detect_format(&small_png()), Some(ImageFormat::Png));
    assert_eq!(detect_format(SIMPLE_SVG.as_bytes()), Some(ImageFormat::Svg));
    assert_eq!(detect_format(FANCY_SVG.as_bytes()), Some(ImageFormat::Svg));
    assert_eq!(
        detect_format(b"<svg:svg xmlns:svg='http://www.w3.org/2000/svg'/>"),
        Some(ImageFormat::Svg)
    );
    assert_eq!(detect_format(b"<html><svg/></html>"), None);
    assert_eq!(detect_format(b"GIF89a"), None);
    assert_eq!(detect_format(b"   "), None);
    assert_eq!(detect_format(b"<!-- <svg> -->"), None);
}

// --- Never panics -----------------------------------------------------------

/// `unbake`'s answer respects the bounds, whatever the input.
fn check_bounds(result: &Result<Baked, BakeError>) {
    if let Ok(baked) = result {
        assert!(baked.payload.as_str().len() <= MAX_PAYLOAD_BYTES);
    }
}

fn baked_png() -> Vec<u8> {
    bake_png(&small_png(), BadgeVersion::V3, &json(CREDENTIAL)).expect("bakes")
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn unbake_never_panics_on_arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        check_bounds(&unbake(&bytes));
        let mut png = SIGNATURE.to_vec();
        png.extend_from_slice(&bytes);
        check_bounds(&unbake(&png));
    }

    #[test]
    fn unbake_never_panics_on_a_mutated_baked_png(
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8),
        cut in any::<prop::sample::Index>(),
        truncate in any::<bool>(),
    ) {
        let mut png = baked_png();
        for (at, byte) in edits {
            let at = at.index(png.len());
            png[at] = byte;
        }
        if truncate {
            png.truncate(cut.index(png.len()));
        }
        check_bounds(&unbake(&png));
        let _ = bake_png(&png, BadgeVersion::V2, &Payload::Url(URL.into()));
    }

    #[test]
    fn unbake_never_panics_on_a_mutated_baked_png_with_fixed_checksums(
        at in any::<prop::sample::Index>(),
        byte in any::<u8>(),
    ) {
        // Mutate the credential chunk's data and recompute its CRC, so that
        // the text parser, not the checksum, sees the damage.
        let png = baked_png();
        let mut chunks = chunks(&png);
        let data = &mut chunks[1].1;
        let at = at.index(data.len());
        data[at] = byte;
        let mut rebuilt = SIGNATURE.to_vec();
        for (kind, data) in &chunks {
            rebuilt.extend(chunk(kind.as_bytes().try_into().expect("4-byte type"), data));
        }
        check_bounds(&unbake(&rebuilt));
    }

    #[test]
    fn unbake_never_panics_on_strings_wrapped_in_svg(
        attrs in ".{0,64}",
        body in ".{0,512}",
        xml_ish in "[<>/!?\\[\\]'\"=:& a-z-]{0,256}",
    ) {
        for inner in [&body, &xml_ish] {
            let svg = format!(
                "<svg xmlns:openbadges='https://purl.imsglobal.org/ob/v3p0' {attrs}>{inner}<openbadges:credential>{inner}</openbadges:credential>{inner}</svg>"
            );
            check_bounds(&unbake(svg.as_bytes()));
            let _ = bake_svg(&svg, BadgeVersion::V3, &json(CREDENTIAL));
            let svg = format!("<svg {attrs}>{inner}</svg>");
            check_bounds(&unbake(svg.as_bytes()));
            let _ = bake_svg(&svg, BadgeVersion::V2, &Payload::Jws(JWS.into()));
        }
    }

    #[test]
    fn unbake_never_panics_on_a_truncated_baked_svg(cut in any::<prop::sample::Index>()) {
        let svg = bake_svg(FANCY_SVG, BadgeVersion::V2, &json(ASSERTION)).expect("bakes");
        let bytes = &svg.as_bytes()[..cut.index(svg.len())];
        check_bounds(&unbake(bytes));
    }

    #[test]
    fn any_json_string_round_trips(value in ".{0,200}") {
        let text = serde_json::json!({ "name": value }).to_string();
        let svg = bake_svg(SIMPLE_SVG, BadgeVersion::V3, &json(&text));
        // XML cannot carry some characters (U+FFFE, most controls are escaped by JSON).
        if let Ok(svg) = svg {
            prop_assert_eq!(unbake(svg.as_bytes()).expect("unbakes").payload, json(&text));
        }
        let png = bake_png(&small_png(), BadgeVersion::V3, &json(&text)).expect("bakes");
        prop_assert_eq!(unbake(&png).expect("unbakes").payload, json(&text));
    }
}
