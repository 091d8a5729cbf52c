//! Blob storage on a real folder: streamed writes, limits, ranges, keys.

use bytes::Bytes;
use cairn_store::StoreError;
use cairn_store::blobs::{ByteRange, HEAD_LEN, LocalBlobs};
use futures::{StreamExt, stream};
use sha2::{Digest, Sha256};
use std::path::Path;
use std::time::Duration;
use tokio::io::AsyncReadExt;

type Chunk = Result<Bytes, std::io::Error>;

fn blobs() -> (tempfile::TempDir, LocalBlobs) {
    let dir = tempfile::tempdir().expect("temporary folder");
    let blobs = LocalBlobs::open(dir.path().join("uploads")).expect("open");
    (dir, blobs)
}

/// Deterministic bytes that do not repeat with any small period.
fn sample(len: usize, seed: u32) -> Vec<u8> {
    let mut state = seed.wrapping_mul(2_654_435_761).wrapping_add(1);
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            state.to_le_bytes()[0]
        })
        .collect()
}

/// `bytes` cut into chunks of uneven sizes, as a network would deliver them.
fn chunks(bytes: &[u8]) -> Vec<Chunk> {
    let sizes = [1, 7, 4096, 65_536, 300_000, 13, 262_144, 100_003];
    let mut out = Vec::new();
    let mut at = 0;
    let mut i = 0;
    while at < bytes.len() {
        let n = sizes[i % sizes.len()].min(bytes.len() - at);
        out.push(Ok(Bytes::copy_from_slice(&bytes[at..at + n])));
        at += n;
        i += 1;
    }
    out
}

/// Every file under `dir`, relative, sorted.
fn files(dir: &Path) -> Vec<String> {
    fn walk(base: &Path, dir: &Path, out: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).expect("read folder") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                walk(base, &path, out);
            } else {
                let relative = path.strip_prefix(base).expect("inside");
                out.push(relative.to_string_lossy().into_owned());
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

#[tokio::test]
async fn a_streamed_blob_round_trips_with_its_size_hash_and_head() {
    let (_dir, blobs) = blobs();
    let bytes = sample(1_300_000, 1);
    let stored = blobs
        .put_stream("evidence/one.bin", stream::iter(chunks(&bytes)), 2_000_000)
        .await
        .expect("stored");
    assert_eq!(stored.key, "evidence/one.bin");
    assert_eq!(stored.size, 1_300_000);
    assert_eq!(stored.sha256_hex, sha256_hex(&bytes));
    assert_eq!(stored.head, bytes[..HEAD_LEN]);
    assert_eq!(blobs.get("evidence/one.bin").await.expect("read"), bytes);
    assert_eq!(files(blobs.root()), ["evidence/one.bin"]);
}

#[tokio::test]
async fn the_hash_is_sha256_of_the_bytes() {
    let (_dir, blobs) = blobs();
    let parts: Vec<Chunk> = vec![Ok(Bytes::from_static(b"a")), Ok(Bytes::from_static(b"bc"))];
    let stored = blobs
        .put_stream("abc", stream::iter(parts), 10)
        .await
        .expect("stored");
    assert_eq!(
        stored.sha256_hex,
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
    assert_eq!(stored.head, b"abc");

    let empty = blobs
        .put_stream("empty", stream::iter(Vec::<Chunk>::new()), 10)
        .await
        .expect("stored");
    assert_eq!(empty.size, 0);
    assert!(empty.head.is_empty());
    assert_eq!(
        empty.sha256_hex,
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    );
    assert_eq!(blobs.get("empty").await.expect("read"), b"");
}

#[tokio::test]
async fn a_blob_over_the_limit_is_refused_and_leaves_no_file() {
    let (_dir, blobs) = blobs();
    let bytes = sample(1_000_000, 2);
    let err = blobs
        .put_stream("big/file", stream::iter(chunks(&bytes)), 999_999)
        .await
        .expect_err("too large");
    assert!(
        matches!(err, StoreError::TooLarge { limit: 999_999 }),
        "{err:?}"
    );
    assert!(err.to_string().contains("999999"), "{err}");
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert_eq!(files(blobs.root()), Vec::<String>::new());

    // Exactly the limit is fine.
    let stored = blobs
        .put_stream("big/file", stream::iter(chunks(&bytes)), 1_000_000)
        .await
        .expect("at the limit");
    assert_eq!(stored.size, 1_000_000);
}

#[tokio::test]
async fn a_failing_stream_leaves_no_file_and_keeps_the_old_blob() {
    let (_dir, blobs) = blobs();
    blobs.put("kept", b"old").await.expect("put");
    let mut parts = chunks(&sample(600_000, 3));
    parts.push(Err(std::io::Error::other("connection reset")));
    let err = blobs
        .put_stream("kept", stream::iter(parts), u64::MAX)
        .await
        .expect_err("cut off");
    assert!(matches!(err, StoreError::Upload(_)), "{err:?}");
    assert!(err.to_string().contains("connection reset"), "{err}");
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert_eq!(files(blobs.root()), ["kept"]);
    assert_eq!(blobs.get("kept").await.expect("read"), b"old");
}

#[tokio::test]
async fn a_write_dropped_part_way_leaves_no_file() {
    let (_dir, blobs) = blobs();
    let first: Vec<Chunk> = chunks(&sample(400_000, 4));
    let stalled = stream::iter(first).chain(stream::pending());
    let outcome = tokio::time::timeout(
        Duration::from_millis(200),
        blobs.put_stream("stalled", stalled, u64::MAX),
    )
    .await;
    assert!(outcome.is_err(), "the stream never ends");
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(files(blobs.root()), Vec::<String>::new());
}

#[tokio::test]
async fn a_streamed_blob_replaces_an_existing_one() {
    let (_dir, blobs) = blobs();
    blobs.put("same", b"first").await.expect("put");
    let parts: Vec<Chunk> = vec![Ok(Bytes::from_static(b"second"))];
    blobs
        .put_stream("same", stream::iter(parts), 100)
        .await
        .expect("stored");
    assert_eq!(blobs.get("same").await.expect("read"), b"second");
    assert_eq!(files(blobs.root()), ["same"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_writes_to_different_keys_do_not_mix() {
    let (_dir, blobs) = blobs();
    let writes = (0..8u32).map(|i| {
        let blobs = blobs.clone();
        tokio::spawn(async move {
            let bytes = sample(300_000 + usize::try_from(i).expect("small") * 70_001, i);
            let key = format!("c/{i}.bin");
            let stored = blobs
                .put_stream(&key, stream::iter(chunks(&bytes)), u64::MAX)
                .await
                .expect("stored");
            (key, bytes, stored)
        })
    });
    for write in futures::future::join_all(writes).await {
        let (key, bytes, stored) = write.expect("task");
        assert_eq!(stored.sha256_hex, sha256_hex(&bytes));
        assert_eq!(blobs.get(&key).await.expect("read"), bytes);
    }
    assert_eq!(files(blobs.root()).len(), 8);
}

#[tokio::test]
async fn keys_that_could_escape_the_folder_are_refused() {
    let (dir, blobs) = blobs();
    let bad = [
        "",
        "..",
        "../outside",
        "a/../../outside",
        "/etc/passwd",
        "a//b",
        "./a",
        "a/",
        "a\\..\\b",
        "C:evil",
        "spaces are not allowed",
    ];
    for key in bad {
        let parts: Vec<Chunk> = vec![Ok(Bytes::from_static(b"x"))];
        let err = blobs
            .put_stream(key, stream::iter(parts), 10)
            .await
            .expect_err(key);
        assert!(matches!(err, StoreError::Config(_)), "{key}: {err:?}");
        assert!(blobs.put(key, b"x").await.is_err(), "{key}");
        assert!(blobs.get(key).await.is_err(), "{key}");
        assert!(blobs.open_range(key, None).await.is_err(), "{key}");
        assert!(blobs.delete(key).await.is_err(), "{key}");
    }
    assert_eq!(files(dir.path()), Vec::<String>::new());
}

#[tokio::test]
async fn deleting_a_missing_key_is_quiet() {
    let (_dir, blobs) = blobs();
    blobs.delete("never/stored").await.expect("quiet");
    blobs.put("gone", b"x").await.expect("put");
    blobs.delete("gone").await.expect("delete");
    blobs.delete("gone").await.expect("again");
    assert!(matches!(blobs.get("gone").await, Err(StoreError::NotFound)));
}

async fn read_all(slice: cairn_store::blobs::BlobSlice) -> Vec<u8> {
    let mut out = Vec::new();
    let mut reader = slice.reader;
    reader.read_to_end(&mut out).await.expect("read");
    out
}

#[tokio::test]
async fn ranges_read_the_span_asked_for() {
    let (_dir, blobs) = blobs();
    let bytes = sample(1000, 5);
    blobs.put("r", &bytes).await.expect("put");

    let whole = blobs.open_range("r", None).await.expect("open");
    assert_eq!((whole.start, whole.len, whole.total_len), (0, 1000, 1000));
    assert_eq!(read_all(whole).await, bytes);

    let first = blobs
        .open_range(
            "r",
            Some(ByteRange::From {
                start: 0,
                end: Some(9),
            }),
        )
        .await
        .expect("open");
    assert_eq!((first.start, first.len), (0, 10));
    assert_eq!(read_all(first).await, bytes[..10]);

    let middle = blobs
        .open_range(
            "r",
            Some(ByteRange::From {
                start: 500,
                end: None,
            }),
        )
        .await
        .expect("open");
    assert_eq!(read_all(middle).await, bytes[500..]);

    let last = blobs
        .open_range("r", Some(ByteRange::Last(5)))
        .await
        .expect("open");
    assert_eq!((last.start, last.len, last.total_len), (995, 5, 1000));
    assert_eq!(read_all(last).await, bytes[995..]);

    let err = blobs
        .open_range(
            "r",
            Some(ByteRange::From {
                start: 1000,
                end: None,
            }),
        )
        .await
        .expect_err("past the end");
    assert!(
        matches!(err, StoreError::RangeNotSatisfiable { total_len: 1000 }),
        "{err:?}"
    );

    assert!(matches!(
        blobs.open_range("missing", None).await,
        Err(StoreError::NotFound)
    ));
    blobs.put("dir/inside", b"x").await.expect("put");
    assert!(matches!(
        blobs.open_range("dir", None).await,
        Err(StoreError::NotFound)
    ));
}
