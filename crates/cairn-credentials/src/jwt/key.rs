//! JOSE signing keys (RS256, ES256), their public JWKs and JWKS documents.

use std::fmt;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use p256::elliptic_curve::sec1::ToEncodedPoint;
use rsa::pkcs1::{DecodeRsaPrivateKey, EncodeRsaPrivateKey};
use rsa::pkcs8::{DecodePrivateKey, EncodePrivateKey, EncodePublicKey, LineEnding};
use rsa::traits::PublicKeyParts;
use rsa::{RsaPrivateKey, RsaPublicKey};
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};

use super::JwtError;

/// RSA modulus size of generated keys, in bits.
pub const RSA_KEY_BITS: usize = 2048;
/// The smallest RSA modulus accepted, for signing and for verifying (RFC
/// 7518 §3.3: "a key of size 2048 bits or larger MUST be used").
pub const RSA_MIN_BITS: usize = 2048;
/// The largest RSA modulus accepted (the RustCrypto verifier's limit).
pub const RSA_MAX_BITS: usize = 4096;

/// JWK members that hold private key material; [`jwks`] never publishes
/// them.
const PRIVATE_JWK_MEMBERS: [&str; 8] = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"];

/// The JWS algorithms this crate signs and verifies with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum JwtAlgorithm {
    /// RSASSA-PKCS1-v1_5 with SHA-256: the algorithm every Open Badges 3.0
    /// verifier must accept, and the one of Open Badges 2.0 signed
    /// assertions.
    Rs256,
    /// ECDSA on P-256 with SHA-256.
    Es256,
}

impl JwtAlgorithm {
    /// The `alg` value: `RS256` or `ES256`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Rs256 => "RS256",
            Self::Es256 => "ES256",
        }
    }

    /// The algorithm an `alg` header names, when it is one of ours.
    #[must_use]
    pub fn from_name(alg: &str) -> Option<Self> {
        match alg {
            "RS256" => Some(Self::Rs256),
            "ES256" => Some(Self::Es256),
            _ => None,
        }
    }

    /// The JWK `kty` of keys for this algorithm.
    #[must_use]
    pub fn key_type(self) -> &'static str {
        match self {
            Self::Rs256 => "RSA",
            Self::Es256 => "EC",
        }
    }

    pub(crate) fn jsonwebtoken(self) -> jsonwebtoken::Algorithm {
        match self {
            Self::Rs256 => jsonwebtoken::Algorithm::RS256,
            Self::Es256 => jsonwebtoken::Algorithm::ES256,
        }
    }
}

impl fmt::Display for JwtAlgorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The private half of a [`JwtKey`].
#[derive(Clone)]
enum Material {
    Rsa(Box<RsaPrivateKey>),
    P256(p256::SecretKey),
}

/// An issuer's JOSE signing key: RSA 2048 for RS256 or P-256 for ES256,
/// with the `kid` its tokens name.
///
/// The `kid` defaults to the key's RFC 7638 thumbprint; set it with
/// [`JwtKey::with_kid`] to the URL (or DID URL) where the public JWK is
/// published, as Open Badges 3.0 asks. `Debug` prints only the algorithm,
/// the `kid` and the thumbprint; the private key is wiped when dropped.
#[derive(Clone)]
pub struct JwtKey {
    kid: String,
    material: Material,
}

impl JwtKey {
    /// A new 2048-bit RSA key for RS256, from the operating system's random
    /// source.
    pub fn generate_rs256() -> Result<Self, JwtError> {
        let key = RsaPrivateKey::new(&mut Rng06(rand::rng()), RSA_KEY_BITS)
            .map_err(|e| JwtError::InvalidKey(format!("RSA key generation failed: {e}")))?;
        Ok(Self::with_default_kid(Material::Rsa(Box::new(key))))
    }

    /// A new P-256 key for ES256, from the operating system's random source.
    #[must_use]
    pub fn generate_es256() -> Self {
        let key = p256::SecretKey::random(&mut Rng06(rand::rng()));
        Self::with_default_kid(Material::P256(key))
    }

    /// An ES256 key from the 32 bytes of a P-256 private scalar (big
    /// endian), e.g. derived from a sealed secret; refused when the bytes
    /// are zero or not below the curve order.
    pub fn es256_from_bytes(bytes: &[u8; 32]) -> Result<Self, JwtError> {
        let key = p256::SecretKey::from_slice(bytes).map_err(|e| {
            JwtError::InvalidKey(format!("the bytes are not a P-256 private key: {e}"))
        })?;
        Ok(Self::with_default_kid(Material::P256(key)))
    }

    /// An RS256 key from an RSA private key of 2048 to 4096 bits.
    pub fn from_rsa(key: RsaPrivateKey) -> Result<Self, JwtError> {
        check_rsa_size(key.n().bits())?;
        key.validate()
            .map_err(|e| JwtError::InvalidKey(format!("the RSA private key is invalid: {e}")))?;
        Ok(Self::with_default_kid(Material::Rsa(Box::new(key))))
    }

    /// Reads a private key in PEM: PKCS#8 (`-----BEGIN PRIVATE KEY-----`,
    /// RSA or P-256), PKCS#1 (`RSA PRIVATE KEY`) or SEC1 (`EC PRIVATE KEY`).
    /// The `kid` is the key's thumbprint until set with
    /// [`JwtKey::with_kid`].
    pub fn from_pkcs8_pem(pem: &str) -> Result<Self, JwtError> {
        let invalid = |what: &str, e: &dyn fmt::Display| {
            JwtError::InvalidKey(format!("cannot read the {what} private key: {e}"))
        };
        let label = pem_label(pem).ok_or_else(|| {
            JwtError::InvalidKey("not a PEM document (no -----BEGIN …----- line)".into())
        })?;
        match label {
            "PRIVATE KEY" => {
                if let Ok(key) = RsaPrivateKey::from_pkcs8_pem(pem) {
                    return Self::from_rsa(key);
                }
                p256::SecretKey::from_pkcs8_pem(pem)
                    .map(|key| Self::with_default_kid(Material::P256(key)))
                    .map_err(|e| invalid("PKCS#8 (neither RSA nor P-256)", &e))
            }
            "RSA PRIVATE KEY" => RsaPrivateKey::from_pkcs1_pem(pem)
                .map_err(|e| invalid("PKCS#1 RSA", &e))
                .and_then(Self::from_rsa),
            "EC PRIVATE KEY" => p256::SecretKey::from_sec1_pem(pem)
                .map(|key| Self::with_default_kid(Material::P256(key)))
                .map_err(|e| invalid("SEC1 P-256", &e)),
            "ENCRYPTED PRIVATE KEY" => Err(JwtError::InvalidKey(
                "the private key is encrypted: decrypt it first (openssl pkcs8 -nocrypt)".into(),
            )),
            "PUBLIC KEY" | "RSA PUBLIC KEY" => Err(JwtError::InvalidKey(
                "this is a public key; signing needs the private key".into(),
            )),
            other => Err(JwtError::InvalidKey(format!(
                "unexpected PEM type {other:?}; expected PRIVATE KEY"
            ))),
        }
    }

    /// This key with another `kid`: the URL or DID URL of its public JWK,
    /// e.g. `https://example.org/.well-known/jwks.json#key-1`.
    #[must_use]
    pub fn with_kid(mut self, kid: impl Into<String>) -> Self {
        self.kid = kid.into();
        self
    }

    fn with_default_kid(material: Material) -> Self {
        let mut key = Self {
            kid: String::new(),
            material,
        };
        key.kid = key.thumbprint();
        key
    }

    /// The key id put in token headers and in the public JWK.
    #[must_use]
    pub fn kid(&self) -> &str {
        &self.kid
    }

    /// The algorithm this key signs with.
    #[must_use]
    pub fn algorithm(&self) -> JwtAlgorithm {
        match self.material {
            Material::Rsa(_) => JwtAlgorithm::Rs256,
            Material::P256(_) => JwtAlgorithm::Es256,
        }
    }

    /// The private key as PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`). This
    /// is the private key in clear: for export and sealed storage only.
    pub fn to_pkcs8_pem(&self) -> Result<String, JwtError> {
        let pem = match &self.material {
            Material::Rsa(key) => key.to_pkcs8_pem(LineEnding::LF),
            Material::P256(key) => key.to_pkcs8_pem(LineEnding::LF),
        }
        .map_err(|e| JwtError::InvalidKey(format!("cannot encode the private key: {e}")))?;
        Ok(pem.as_str().to_owned())
    }

    /// The public key as SPKI PEM (`-----BEGIN PUBLIC KEY-----`), the form
    /// of an Open Badges 2.0 `CryptographicKey`'s `publicKeyPem`.
    pub fn public_key_pem(&self) -> Result<String, JwtError> {
        match &self.material {
            Material::Rsa(key) => {
                RsaPublicKey::from(key.as_ref()).to_public_key_pem(LineEnding::LF)
            }
            Material::P256(key) => key.public_key().to_public_key_pem(LineEnding::LF),
        }
        .map_err(|e| JwtError::InvalidKey(format!("cannot encode the public key: {e}")))
    }

    /// The public JWK: `{"kty": "RSA", "n", "e", "alg": "RS256", "use":
    /// "sig", "kid"}` or `{"kty": "EC", "crv": "P-256", "x", "y", "alg":
    /// "ES256", "use": "sig", "kid"}`. It never holds private members.
    #[must_use]
    pub fn public_jwk(&self) -> Value {
        let mut jwk = self.public_members();
        jwk.insert(
            "alg".into(),
            Value::String(self.algorithm().as_str().into()),
        );
        jwk.insert("use".into(), Value::String("sig".into()));
        jwk.insert("kid".into(), Value::String(self.kid.clone()));
        Value::Object(jwk)
    }

    /// The RFC 7638 JWK thumbprint (SHA-256, base64url).
    #[must_use]
    pub fn thumbprint(&self) -> String {
        thumbprint_of(&self.public_members()).unwrap_or_default()
    }

    /// `kty` and the public key members, in the order of the JWK.
    fn public_members(&self) -> Map<String, Value> {
        match &self.material {
            Material::Rsa(key) => rsa_members(&key.n().to_bytes_be(), &key.e().to_bytes_be()),
            Material::P256(key) => {
                let point = key.public_key().to_encoded_point(false);
                let coordinate = |c: Option<&p256::FieldBytes>| {
                    Value::String(c.map(|c| b64(c.as_slice())).unwrap_or_default())
                };
                let mut jwk = Map::new();
                jwk.insert("kty".into(), Value::String("EC".into()));
                jwk.insert("crv".into(), Value::String("P-256".into()));
                jwk.insert("x".into(), coordinate(point.x()));
                jwk.insert("y".into(), coordinate(point.y()));
                jwk
            }
        }
    }

    /// The jsonwebtoken key to sign with.
    pub(crate) fn encoding_key(&self) -> Result<jsonwebtoken::EncodingKey, JwtError> {
        let failed = |e: &dyn fmt::Display| {
            JwtError::Signing(format!("cannot prepare the signing key: {e}"))
        };
        match &self.material {
            Material::Rsa(key) => key
                .to_pkcs1_der()
                .map(|der| jsonwebtoken::EncodingKey::from_rsa_der(der.as_bytes()))
                .map_err(|e| failed(&e)),
            Material::P256(key) => key
                .to_pkcs8_der()
                .map(|der| jsonwebtoken::EncodingKey::from_ec_der(der.as_bytes()))
                .map_err(|e| failed(&e)),
        }
    }
}

impl fmt::Debug for JwtKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JwtKey")
            .field("alg", &self.algorithm().as_str())
            .field("kid", &self.kid)
            .field("thumbprint", &self.thumbprint())
            .finish_non_exhaustive()
    }
}

/// One entry of a [`jwks`] document: a key of ours, or a public JWK kept
/// from before (a rotated-out key that old credentials still name).
#[derive(Clone, Copy, Debug)]
pub enum JwksEntry<'a> {
    /// A signing key; its public JWK is published.
    Key(&'a JwtKey),
    /// A JWK; private members (`d`, `p`, `q`, …) are removed.
    Jwk(&'a Value),
}

impl<'a> From<&'a JwtKey> for JwksEntry<'a> {
    fn from(key: &'a JwtKey) -> Self {
        Self::Key(key)
    }
}

impl<'a> From<&'a Value> for JwksEntry<'a> {
    fn from(jwk: &'a Value) -> Self {
        Self::Jwk(jwk)
    }
}

/// The JWK Set an issuer publishes (e.g. at `/.well-known/jwks.json`):
/// `{"keys": [ … ]}`, public members only. Entries that are not JSON
/// objects are skipped.
#[must_use]
pub fn jwks(keys: &[JwksEntry<'_>]) -> Value {
    let keys: Vec<Value> = keys
        .iter()
        .filter_map(|entry| match entry {
            JwksEntry::Key(key) => Some(key.public_jwk()),
            JwksEntry::Jwk(Value::Object(jwk)) => {
                let mut public = jwk.clone();
                for member in PRIVATE_JWK_MEMBERS {
                    public.remove(member);
                }
                Some(Value::Object(public))
            }
            JwksEntry::Jwk(_) => None,
        })
        .collect();
    json!({ "keys": keys })
}

/// The RFC 7638 thumbprint of a public JWK (RSA or EC), or `None` when a
/// required member is missing.
#[must_use]
pub fn jwk_thumbprint(jwk: &Value) -> Option<String> {
    thumbprint_of(jwk.as_object()?)
}

fn thumbprint_of(jwk: &Map<String, Value>) -> Option<String> {
    // The required members in lexicographic order, no whitespace (RFC 7638
    // §3.2). serde_json keeps insertion order here (`preserve_order`).
    let names: &[&str] = match jwk.get("kty").and_then(Value::as_str)? {
        "RSA" => &["e", "kty", "n"],
        "EC" => &["crv", "kty", "x", "y"],
        "OKP" => &["crv", "kty", "x"],
        _ => return None,
    };
    let mut canonical = Map::new();
    for name in names {
        let value = jwk.get(*name).filter(|v| v.is_string())?;
        canonical.insert((*name).to_owned(), value.clone());
    }
    let text = serde_json::to_string(&canonical).ok()?;
    Some(b64(Sha256::digest(text.as_bytes()).as_slice()))
}

fn rsa_members(n: &[u8], e: &[u8]) -> Map<String, Value> {
    let mut jwk = Map::new();
    jwk.insert("kty".into(), Value::String("RSA".into()));
    jwk.insert("n".into(), Value::String(b64(n)));
    jwk.insert("e".into(), Value::String(b64(e)));
    jwk
}

/// The public JWK (`kty`, `n`, `e`) of an RSA public key in PEM: SPKI
/// (`PUBLIC KEY`) or PKCS#1 (`RSA PUBLIC KEY`).
pub fn rsa_public_jwk_from_pem(pem: &str) -> Result<Value, JwtError> {
    let key = rsa_public_key_from_pem(pem)?;
    Ok(Value::Object(rsa_members(
        &key.n().to_bytes_be(),
        &key.e().to_bytes_be(),
    )))
}

/// Reads an RSA public key in PEM and checks its size.
pub(crate) fn rsa_public_key_from_pem(pem: &str) -> Result<RsaPublicKey, JwtError> {
    use rsa::pkcs1::DecodeRsaPublicKey;
    use rsa::pkcs8::DecodePublicKey;
    let key = match pem_label(pem) {
        Some("PUBLIC KEY") => RsaPublicKey::from_public_key_pem(pem).map_err(|e| {
            JwtError::InvalidKey(format!("the PEM public key is not an RSA key: {e}"))
        })?,
        Some("RSA PUBLIC KEY") => RsaPublicKey::from_pkcs1_pem(pem)
            .map_err(|e| JwtError::InvalidKey(format!("cannot read the RSA public key: {e}")))?,
        Some(other) => {
            return Err(JwtError::InvalidKey(format!(
                "unexpected PEM type {other:?}; expected PUBLIC KEY"
            )));
        }
        None => {
            return Err(JwtError::InvalidKey(
                "not a PEM document (no -----BEGIN …----- line)".into(),
            ));
        }
    };
    check_rsa_size(key.n().bits())?;
    Ok(key)
}

/// Refuses RSA moduli outside [`RSA_MIN_BITS`]..=[`RSA_MAX_BITS`].
pub(crate) fn check_rsa_size(bits: usize) -> Result<(), JwtError> {
    if bits < RSA_MIN_BITS {
        return Err(JwtError::InvalidKey(format!(
            "the RSA key has {bits} bits; at least {RSA_MIN_BITS} are required"
        )));
    }
    if bits > RSA_MAX_BITS {
        return Err(JwtError::InvalidKey(format!(
            "the RSA key has {bits} bits; at most {RSA_MAX_BITS} are supported"
        )));
    }
    Ok(())
}

/// The label of the first PEM boundary: `PRIVATE KEY`, `PUBLIC KEY`, …
fn pem_label(pem: &str) -> Option<&str> {
    let start = pem.find("-----BEGIN ")? + "-----BEGIN ".len();
    let rest = pem.get(start..)?;
    let end = rest.find("-----")?;
    rest.get(..end)
}

pub(crate) fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// rand 0.9's thread-local generator (a CSPRNG seeded from the operating
/// system) seen through the rand_core 0.6 traits that `rsa` and `p256`
/// take.
struct Rng06(rand::rngs::ThreadRng);

impl rsa::rand_core::RngCore for Rng06 {
    fn next_u32(&mut self) -> u32 {
        rand::RngCore::next_u32(&mut self.0)
    }

    fn next_u64(&mut self) -> u64 {
        rand::RngCore::next_u64(&mut self.0)
    }

    fn fill_bytes(&mut self, dest: &mut [u8]) {
        rand::RngCore::fill_bytes(&mut self.0, dest);
    }

    fn try_fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), rsa::rand_core::Error> {
        rand::RngCore::fill_bytes(&mut self.0, dest);
        Ok(())
    }
}

impl rsa::rand_core::CryptoRng for Rng06 {}
