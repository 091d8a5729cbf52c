//! Issuer signing keys: Ed25519 keys in the Multikey encoding, their storage
//! at rest, the documents that publish them and the resolution of a proof's
//! `verificationMethod` to a public key.
//!
//! - [`SigningKey`] signs; its `Debug` output shows only the public key.
//! - [`seal`] / [`open`] keep a private key encrypted at rest under a
//!   key-encryption key from configuration ([`derive_kek`]).
//! - [`multikey_document`], [`did_web_document`], [`set_profile_keys`],
//!   [`did_key_for`], [`did_web_to_url`] and [`url_to_did_web`] build what an
//!   issuer publishes.
//! - [`decode_public_key_multibase`], [`public_key_from_did_key`],
//!   [`public_key_from_jwk`] and [`public_key_from_method`] read public keys
//!   in the forms verifiers meet: Multikey, `did:key`,
//!   `Ed25519VerificationKey2020`, `Ed25519VerificationKey2018` and JWK.
//! - [`KeyResolver`] turns a `verificationMethod` into a [`ResolvedKey`];
//!   [`DidKeyResolver`], [`DocumentResolver`] and [`ChainResolver`] implement
//!   it.
//!
//! Old keys stay published after rotation so that old credentials still
//! verify; a compromised key carries `revoked` (a date and time) and the
//! verifier decides what that means for a proof.

mod documents;
mod multikey;
mod resolver;
mod sealed;

use std::fmt;

pub use ed25519_dalek::VerifyingKey;
use ed25519_dalek::pkcs8::DecodePrivateKey;
use ed25519_dalek::{Signature, Signer};
use rand::RngCore;

pub use documents::{
    CREDENTIALS_V2_CONTEXT, DID_V1_CONTEXT, ISSUER_PROFILE_CONTEXTS, KeyEntry, MULTIKEY_CONTEXT,
    OB_V3P0_CONTEXT, did_web_document, did_web_to_url, multikey_document, set_profile_keys,
    url_to_did_web,
};
pub use multikey::{
    ED25519_PUBLIC_MULTICODEC, ED25519_SECRET_MULTICODEC, decode_public_key_multibase, did_key_for,
    did_key_verification_method, encode_public_key_multibase, public_key_from_base58,
    public_key_from_did_key, public_key_from_jwk, public_key_from_method,
};
pub use resolver::{
    ChainResolver, DidKeyResolver, DocumentResolver, KeyResolver, ResolvedKey,
    resolved_key_from_method,
};
pub use sealed::{SEALED_KEY_PREFIX, derive_kek, open, seal};

/// Why a key could not be read, opened, published or resolved.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum KeyError {
    /// A multibase value that must be base58btc does not start with `z`.
    #[error("{what} is not base58btc multibase: it must start with 'z'")]
    NotBase58Multibase {
        /// What was being read, e.g. "publicKeyMultibase".
        what: &'static str,
    },
    /// Base58, base64url or hex text that does not decode.
    #[error("{what} is not valid {encoding}: {reason}")]
    Encoding {
        /// What was being read.
        what: &'static str,
        /// The encoding expected.
        encoding: &'static str,
        /// The decoder's complaint.
        reason: String,
    },
    /// A multicodec prefix other than Ed25519's.
    #[error("{what} is not an Ed25519 key: multicodec prefix {found}, expected {expected}")]
    NotEd25519 {
        /// What was being read.
        what: &'static str,
        /// The prefix found, in hex.
        found: String,
        /// The prefix expected, in hex.
        expected: &'static str,
    },
    /// Decoded key material of the wrong length.
    #[error("{what} has {found} bytes, expected {expected}")]
    WrongLength {
        /// What was being read.
        what: &'static str,
        /// Bytes expected.
        expected: usize,
        /// Bytes found.
        found: usize,
    },
    /// 32 bytes that are not an Ed25519 curve point.
    #[error("the public key is not a valid Ed25519 point")]
    InvalidPublicKey,
    /// A small-order point: no real key is one, and it would accept forged
    /// signatures.
    #[error("the public key is a weak (small-order) Ed25519 point")]
    WeakPublicKey,
    /// A private key file (PKCS#8) that cannot be read.
    #[error("invalid private key: {0}")]
    InvalidPrivateKey(String),
    /// A sealed key string that is not in the `cairn-key-v1:…:…` form.
    #[error("malformed sealed key: {0}")]
    MalformedSealedKey(&'static str),
    /// Authenticated decryption failed.
    #[error(
        "cannot open the sealed key: wrong key-encryption key, wrong key id, or the text was altered"
    )]
    SealedKeyRejected,
    /// A signature that does not verify (or is not 64 bytes).
    #[error("the signature does not verify")]
    BadSignature,
    /// A DID that is not of the expected method or syntax.
    #[error("invalid DID {did:?}: {reason}")]
    InvalidDid {
        /// The DID as given.
        did: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// A URL that cannot be turned into a `did:web`.
    #[error("invalid URL {url:?}: {reason}")]
    InvalidUrl {
        /// The URL as given.
        url: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// A JSON document or verification method missing something it needs.
    #[error("invalid key document: {0}")]
    InvalidDocument(String),
    /// A verification method whose `type` this crate cannot read.
    #[error("unsupported verification method type {0:?}")]
    UnsupportedMethodType(String),
    /// The resolver does not know this verification method. A
    /// [`ChainResolver`] goes on to the next resolver on this error only
    /// quietly; any other error is kept and reported if no resolver succeeds.
    #[error("verification method {0:?} not found")]
    NotFound(String),
    /// For resolvers that fetch documents: the fetch or its answer failed.
    #[error("cannot resolve {id:?}: {reason}")]
    Resolution {
        /// The verification method asked for.
        id: String,
        /// What went wrong.
        reason: String,
    },
}

/// An Ed25519 signing key.
///
/// Holds the expanded ed25519-dalek key together with its public key, so
/// signing does not recompute the public point. The secret is wiped when the
/// value is dropped (ed25519-dalek's `zeroize`), and `Debug` prints only the
/// public key.
#[derive(Clone, PartialEq, Eq)]
pub struct SigningKey {
    inner: ed25519_dalek::SigningKey,
}

impl SigningKey {
    /// A new key from the operating system's random source.
    #[must_use]
    pub fn generate() -> Self {
        let mut seed = [0u8; 32];
        rand::rng().fill_bytes(&mut seed);
        let key = Self::from_seed(&seed);
        seed.fill(0);
        key
    }

    /// The key for a 32-byte Ed25519 seed (the RFC 8032 private key).
    #[must_use]
    pub fn from_seed(seed: &[u8; 32]) -> Self {
        Self {
            inner: ed25519_dalek::SigningKey::from_bytes(seed),
        }
    }

    /// Reads a Multikey secret: `z` + base58btc(0x80 0x26 ‖ 32-byte seed),
    /// as in `secretKeyMultibase` (some test vectors call it
    /// `privateKeyMultibase`).
    pub fn from_secret_key_multibase(text: &str) -> Result<Self, KeyError> {
        let seed = multikey::decode_secret_key_multibase(text)?;
        Ok(Self::from_seed(&seed))
    }

    /// The Multikey secret for this key (`z` + base58btc(0x80 0x26 ‖ seed)).
    /// This is the private key in clear: for export only.
    #[must_use]
    pub fn secret_key_multibase(&self) -> String {
        multikey::encode_secret_key_multibase(self.inner.as_bytes())
    }

    /// Reads a PKCS#8 PEM private key (`-----BEGIN PRIVATE KEY-----`), such
    /// as `openssl genpkey -algorithm ed25519` writes.
    pub fn from_pkcs8_pem(pem: &str) -> Result<Self, KeyError> {
        ed25519_dalek::SigningKey::from_pkcs8_pem(pem)
            .map(|inner| Self { inner })
            .map_err(|e| KeyError::InvalidPrivateKey(e.to_string()))
    }

    /// The public key as a Multikey `publicKeyMultibase` (`z6Mk…`).
    #[must_use]
    pub fn public_key_multibase(&self) -> String {
        encode_public_key_multibase(&self.inner.verifying_key())
    }

    /// The public key.
    #[must_use]
    pub fn verifying_key(&self) -> VerifyingKey {
        self.inner.verifying_key()
    }

    /// The `did:key` of this key.
    #[must_use]
    pub fn did_key(&self) -> String {
        did_key_for(&self.inner.verifying_key())
    }

    /// An Ed25519 (RFC 8032, pure) signature of `message`.
    #[must_use]
    pub fn sign(&self, message: &[u8]) -> [u8; 64] {
        self.inner.sign(message).to_bytes()
    }

    /// The 32-byte seed, for sealing.
    fn seed(&self) -> &[u8; 32] {
        self.inner.as_bytes()
    }
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningKey")
            .field("public_key_multibase", &self.public_key_multibase())
            .finish_non_exhaustive()
    }
}

/// Checks an Ed25519 signature strictly (RFC 8032 with canonical encodings
/// and no small-order keys, ed25519-dalek's `verify_strict`).
pub fn verify_signature(
    key: &VerifyingKey,
    message: &[u8],
    signature: &[u8],
) -> Result<(), KeyError> {
    let bytes: [u8; 64] = signature.try_into().map_err(|_| KeyError::BadSignature)?;
    key.verify_strict(message, &Signature::from_bytes(&bytes))
        .map_err(|_| KeyError::BadSignature)
}
