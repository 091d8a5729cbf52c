//! Private keys at rest: XChaCha20-Poly1305 under a key-encryption key.
//!
//! Format (one line of ASCII):
//!
//! ```text
//! cairn-key-v1:<base64url(nonce)>:<base64url(ciphertext ‖ tag)>
//! ```
//!
//! - the plaintext is the 32-byte Ed25519 seed;
//! - the nonce is 24 random bytes, fresh for every sealing;
//! - the associated data is `cairn-key-v1:` followed by the key id (UTF-8),
//!   so a sealed key copied to another key's row, or read as another format
//!   version, does not open;
//! - base64url is without padding; the ciphertext part is 48 bytes (32 of
//!   seed, 16 of Poly1305 tag).

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chacha20poly1305::aead::AeadInPlace;
use chacha20poly1305::{KeyInit, Tag, XChaCha20Poly1305, XNonce};
use rand::RngCore;
use sha2::{Digest, Sha256};

use super::{KeyError, SigningKey};

/// The version label that starts every sealed key.
pub const SEALED_KEY_PREFIX: &str = "cairn-key-v1";

/// Domain separation for [`derive_kek`].
const KEK_DOMAIN: &[u8] = b"cairn key-encryption key v1\0";

const NONCE_LEN: usize = 24;
const TAG_LEN: usize = 16;
const SEED_LEN: usize = 32;

/// Derives the 32-byte key-encryption key from a configured secret of any
/// length: SHA-256(`"cairn key-encryption key v1"` ‖ 0x00 ‖ secret as UTF-8).
///
/// This is a hash, not a password-stretching function: the secret must
/// already be high-entropy (for example 32 random bytes written in base64,
/// `openssl rand -base64 32`), never a human password. Changing the secret
/// makes every sealed key unreadable: re-seal keys under the new one first.
#[must_use]
pub fn derive_kek(secret: &str) -> [u8; 32] {
    let mut hasher = Sha256::new();
    hasher.update(KEK_DOMAIN);
    hasher.update(secret.as_bytes());
    hasher.finalize().into()
}

fn associated_data(key_id: &str) -> Vec<u8> {
    let mut aad = Vec::with_capacity(SEALED_KEY_PREFIX.len() + 1 + key_id.len());
    aad.extend_from_slice(SEALED_KEY_PREFIX.as_bytes());
    aad.push(b':');
    aad.extend_from_slice(key_id.as_bytes());
    aad
}

/// Encrypts a signing key for storage under `kek`, bound to `key_id` (the
/// identifier the key is stored and looked up under, e.g. its key URL or
/// database id). See the module documentation for the format.
#[must_use]
pub fn seal(key: &SigningKey, kek: &[u8; 32], key_id: &str) -> String {
    let mut nonce = [0u8; NONCE_LEN];
    rand::rng().fill_bytes(&mut nonce);
    let cipher = XChaCha20Poly1305::new(kek.into());
    let mut buffer = [0u8; SEED_LEN + TAG_LEN];
    let (seed_part, tag_part) = buffer.split_at_mut(SEED_LEN);
    seed_part.copy_from_slice(key.seed());
    let tag = cipher
        .encrypt_in_place_detached(
            XNonce::from_slice(&nonce),
            &associated_data(key_id),
            seed_part,
        )
        // The only failure is a plaintext longer than 256 GiB.
        .expect("XChaCha20-Poly1305 encrypts 32 bytes");
    tag_part.copy_from_slice(&tag);
    format!(
        "{SEALED_KEY_PREFIX}:{}:{}",
        URL_SAFE_NO_PAD.encode(nonce),
        URL_SAFE_NO_PAD.encode(buffer)
    )
}

/// Decrypts a key sealed by [`seal`] with the same `kek` and `key_id`.
/// Surrounding whitespace (a trailing newline from a file) is ignored.
///
/// Errors: [`KeyError::MalformedSealedKey`] when the text is not in the
/// format, [`KeyError::SealedKeyRejected`] when it is but does not
/// authenticate (wrong key-encryption key, wrong key id, altered text).
pub fn open(sealed: &str, kek: &[u8; 32], key_id: &str) -> Result<SigningKey, KeyError> {
    let mut parts = sealed.trim().split(':');
    let (Some(version), Some(nonce_text), Some(body_text), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(KeyError::MalformedSealedKey(
            "expected three ':'-separated parts: cairn-key-v1:<nonce>:<ciphertext>",
        ));
    };
    if version != SEALED_KEY_PREFIX {
        return Err(KeyError::MalformedSealedKey(
            "unknown version label (expected cairn-key-v1)",
        ));
    }
    let nonce: [u8; NONCE_LEN] = URL_SAFE_NO_PAD
        .decode(nonce_text)
        .ok()
        .and_then(|bytes| bytes.try_into().ok())
        .ok_or(KeyError::MalformedSealedKey(
            "the nonce is not 24 bytes of base64url",
        ))?;
    let mut body: [u8; SEED_LEN + TAG_LEN] = URL_SAFE_NO_PAD
        .decode(body_text)
        .ok()
        .and_then(|bytes| bytes.try_into().ok())
        .ok_or(KeyError::MalformedSealedKey(
            "the ciphertext is not 48 bytes of base64url",
        ))?;
    let (seed_part, tag_part) = body.split_at_mut(SEED_LEN);
    let tag = Tag::clone_from_slice(tag_part);
    let cipher = XChaCha20Poly1305::new(kek.into());
    let opened = cipher.decrypt_in_place_detached(
        XNonce::from_slice(&nonce),
        &associated_data(key_id),
        seed_part,
        &tag,
    );
    let result = match (opened, <&[u8; SEED_LEN]>::try_from(&*seed_part)) {
        (Ok(()), Ok(seed)) => Ok(SigningKey::from_seed(seed)),
        _ => Err(KeyError::SealedKeyRejected),
    };
    body.fill(0);
    result
}
