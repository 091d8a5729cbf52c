//! Data Integrity proofs: `eddsa-rdfc-2022` (sign and verify) and the
//! legacy `Ed25519Signature2020` (verify).
//!
//! Both sign `SHA-256(canonical proof options) ‖ SHA-256(canonical
//! document)`, where the proof options are the proof without `proofValue`,
//! carrying the document's `@context`, and the document is the credential
//! without its `proof`. The signature is Ed25519, written as `z` + base58btc.

use crate::jsonld::{Canonicalize, JsonLdError};
use crate::keys::SigningKey;
use chrono::{DateTime, SecondsFormat, Utc};
use ed25519_dalek::{Signature, Verifier, VerifyingKey};
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};
use thiserror::Error;

/// The cryptosuite Cairn signs with.
pub const EDDSA_RDFC_2022: &str = "eddsa-rdfc-2022";

/// Why a proof could not be made or checked.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum ProofError {
    /// The document is not a JSON object.
    #[error("the credential is not a JSON object")]
    NotAnObject,
    /// There is no proof to check.
    #[error("the credential has no proof")]
    Missing,
    /// A proof field is missing or has the wrong form.
    #[error("the proof is malformed: {0}")]
    Malformed(String),
    /// The proof type or cryptosuite is not one Cairn checks.
    #[error("the proof type {0} is not supported")]
    Unsupported(String),
    /// The document could not be canonicalized.
    #[error(transparent)]
    JsonLd(#[from] JsonLdError),
    /// The signature does not match the document: it was changed after
    /// signing, or signed with another key.
    #[error(
        "the signature does not match the credential (it was changed after signing, or signed with another key)"
    )]
    BadSignature,
}

/// What a proof says about itself.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProofOptions {
    /// The key that signs: a URL, or a DID URL.
    pub verification_method: String,
    /// When the proof was made.
    pub created: DateTime<Utc>,
    /// Why: `assertionMethod` for credentials.
    pub proof_purpose: String,
}

impl ProofOptions {
    /// Options for an assertion (a credential), made at `created`.
    pub fn assertion(verification_method: impl Into<String>, created: DateTime<Utc>) -> Self {
        Self {
            verification_method: verification_method.into(),
            created,
            proof_purpose: "assertionMethod".into(),
        }
    }
}

fn timestamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// `SHA-256(canonical proof options) ‖ SHA-256(canonical document)`.
fn hash_data(
    canon: &impl Canonicalize,
    proof_config: &Value,
    document: &Value,
) -> Result<[u8; 64], ProofError> {
    let proof_hash = Sha256::digest(canon.canonical_nquads(proof_config)?.as_bytes());
    let doc_hash = Sha256::digest(canon.canonical_nquads(document)?.as_bytes());
    let mut out = [0u8; 64];
    out[..32].copy_from_slice(&proof_hash);
    out[32..].copy_from_slice(&doc_hash);
    Ok(out)
}

/// Signs a credential with `eddsa-rdfc-2022`, returning it with `proof` as
/// an array of one (the form the 1EdTech JSON Schema requires, and every
/// verifier accepts). An existing proof is replaced.
pub fn sign(
    document: &Value,
    key: &SigningKey,
    options: &ProofOptions,
    canon: &impl Canonicalize,
) -> Result<Value, ProofError> {
    let mut unsigned = document.as_object().ok_or(ProofError::NotAnObject)?.clone();
    unsigned.remove("proof");
    let context = unsigned
        .get("@context")
        .cloned()
        .ok_or_else(|| ProofError::Malformed("the credential has no @context".into()))?;
    let mut proof = Map::new();
    proof.insert("type".into(), json!("DataIntegrityProof"));
    proof.insert("created".into(), json!(timestamp(options.created)));
    proof.insert(
        "verificationMethod".into(),
        json!(options.verification_method),
    );
    proof.insert("cryptosuite".into(), json!(EDDSA_RDFC_2022));
    proof.insert("proofPurpose".into(), json!(options.proof_purpose));
    let mut config = proof.clone();
    config.insert("@context".into(), context);
    let unsigned = Value::Object(unsigned);
    let data = hash_data(canon, &Value::Object(config), &unsigned)?;
    let signature = key.sign(&data);
    proof.insert(
        "proofValue".into(),
        json!(format!("z{}", bs58::encode(signature).into_string())),
    );
    let Value::Object(mut signed) = unsigned else {
        return Err(ProofError::NotAnObject);
    };
    signed.insert("proof".into(), Value::Array(vec![Value::Object(proof)]));
    Ok(Value::Object(signed))
}

/// A proof found on a credential, before its key is resolved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FoundProof {
    /// `DataIntegrityProof` or `Ed25519Signature2020`.
    pub proof_type: String,
    /// The cryptosuite, for Data Integrity proofs.
    pub cryptosuite: Option<String>,
    /// The key the proof names.
    pub verification_method: String,
    /// `assertionMethod`, …
    pub proof_purpose: String,
    /// When the proof says it was made.
    pub created: Option<String>,
}

/// The proofs of a credential (a single object or an array).
pub fn proofs(document: &Value) -> Result<Vec<FoundProof>, ProofError> {
    let doc = document.as_object().ok_or(ProofError::NotAnObject)?;
    let proofs: Vec<&Value> = match doc.get("proof") {
        None => return Err(ProofError::Missing),
        Some(Value::Array(items)) => items.iter().collect(),
        Some(single) => vec![single],
    };
    if proofs.is_empty() {
        return Err(ProofError::Missing);
    }
    proofs.into_iter().map(parse_proof).collect()
}

fn text<'a>(proof: &'a Map<String, Value>, field: &str) -> Result<&'a str, ProofError> {
    proof
        .get(field)
        .and_then(Value::as_str)
        .ok_or_else(|| ProofError::Malformed(format!("`{field}` is missing or not a string")))
}

fn parse_proof(value: &Value) -> Result<FoundProof, ProofError> {
    let proof = value
        .as_object()
        .ok_or_else(|| ProofError::Malformed("a proof is not an object".into()))?;
    Ok(FoundProof {
        proof_type: text(proof, "type")?.to_owned(),
        cryptosuite: proof
            .get("cryptosuite")
            .and_then(Value::as_str)
            .map(str::to_owned),
        verification_method: text(proof, "verificationMethod")?.to_owned(),
        proof_purpose: text(proof, "proofPurpose")?.to_owned(),
        created: proof
            .get("created")
            .and_then(Value::as_str)
            .map(str::to_owned),
    })
}

/// Checks the first proof of a credential against `public_key` (which the
/// caller resolved from the proof's `verificationMethod`).
pub fn verify(
    document: &Value,
    public_key: &VerifyingKey,
    canon: &impl Canonicalize,
) -> Result<FoundProof, ProofError> {
    let doc = document.as_object().ok_or(ProofError::NotAnObject)?;
    let proof_value = match doc.get("proof") {
        Some(Value::Array(items)) => items.first().cloned().ok_or(ProofError::Missing)?,
        Some(single) => single.clone(),
        None => return Err(ProofError::Missing),
    };
    let found = parse_proof(&proof_value)?;
    let Value::Object(mut config) = proof_value else {
        return Err(ProofError::Malformed("a proof is not an object".into()));
    };
    match (found.proof_type.as_str(), found.cryptosuite.as_deref()) {
        ("DataIntegrityProof", Some(EDDSA_RDFC_2022)) | ("Ed25519Signature2020", None) => {}
        (t, Some(suite)) => {
            return Err(ProofError::Unsupported(format!(
                "{t} with cryptosuite {suite}"
            )));
        }
        (t, None) => return Err(ProofError::Unsupported(t.to_owned())),
    }
    let proof_value = config
        .remove("proofValue")
        .and_then(|v| v.as_str().map(str::to_owned))
        .ok_or_else(|| ProofError::Malformed("`proofValue` is missing".into()))?;
    let encoded = proof_value.strip_prefix('z').ok_or_else(|| {
        ProofError::Malformed("`proofValue` is not base58btc multibase (z…)".into())
    })?;
    let bytes = bs58::decode(encoded)
        .into_vec()
        .map_err(|_| ProofError::Malformed("`proofValue` is not valid base58".into()))?;
    let signature = Signature::from_slice(&bytes).map_err(|_| {
        ProofError::Malformed("`proofValue` is not a 64-byte Ed25519 signature".into())
    })?;
    let mut unsigned = doc.clone();
    unsigned.remove("proof");
    let context = unsigned
        .get("@context")
        .cloned()
        .ok_or_else(|| ProofError::Malformed("the credential has no @context".into()))?;
    match config.get("@context") {
        Some(own) if *own != context => {
            return Err(ProofError::Malformed(
                "the proof's @context differs from the credential's".into(),
            ));
        }
        _ => {
            config.insert("@context".into(), context);
        }
    }
    let data = hash_data(canon, &Value::Object(config), &Value::Object(unsigned))?;
    public_key
        .verify(&data, &signature)
        .map_err(|_| ProofError::BadSignature)?;
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jsonld::GeneralPath;

    fn testdata(path: &str) -> String {
        let full = format!("{}/../../testdata/{path}", env!("CARGO_MANIFEST_DIR"));
        std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("{full}: {e}"))
    }

    fn json_file(path: &str) -> Value {
        serde_json::from_str(&testdata(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    fn key_from_hex(secret_hex: &str) -> SigningKey {
        let bytes = hex::decode(&secret_hex[..64]).expect("hex");
        SigningKey::from_seed(&bytes.try_into().expect("32 bytes"))
    }

    /// The official Open Badges 3.0 vector, reproduced step by step.
    #[test]
    fn the_open_badges_vector_reproduces_bit_for_bit() {
        let vector = json_file("ob3/canon-vectors/obv3p0/vector.json");
        let signed = vector["signedCredential"].clone();
        let mut unsigned = signed.as_object().expect("object").clone();
        let proof = unsigned.remove("proof").expect("a proof");
        let unsigned = Value::Object(unsigned);
        let canon = GeneralPath::default();

        let doc_canon = canon
            .canonical_nquads(&unsigned)
            .expect("canonical document");
        assert_eq!(
            doc_canon,
            testdata("ob3/canon-vectors/obv3p0/document-canon.txt")
        );
        assert_eq!(
            hex::encode(Sha256::digest(doc_canon.as_bytes())),
            vector["documentHashHex"]
        );

        let mut config = proof.as_object().expect("object").clone();
        config.remove("proofValue");
        config.insert("@context".into(), unsigned["@context"].clone());
        let proof_canon = canon
            .canonical_nquads(&Value::Object(config))
            .expect("canonical proof");
        assert_eq!(
            proof_canon,
            testdata("ob3/canon-vectors/obv3p0/proof-canon.txt")
        );
        assert_eq!(
            hex::encode(Sha256::digest(proof_canon.as_bytes())),
            vector["proofHashHex"]
        );

        let key = key_from_hex(vector["secretKeyHex"].as_str().expect("hex"));
        assert_eq!(
            hex::encode(key.verifying_key().to_bytes()),
            vector["publicKeyHex"]
        );
        let created = DateTime::parse_from_rfc3339(proof["created"].as_str().expect("created"))
            .expect("date")
            .with_timezone(&Utc);
        let options = ProofOptions::assertion(
            proof["verificationMethod"].as_str().expect("method"),
            created,
        );
        let resigned = sign(&unsigned, &key, &options, &canon).expect("signed");
        assert_eq!(resigned["proof"][0]["proofValue"], proof["proofValue"]);
        let value = proof["proofValue"].as_str().expect("text");
        assert_eq!(
            hex::encode(bs58::decode(&value[1..]).into_vec().expect("base58")),
            vector["signatureHex"]
        );

        verify(&signed, &key.verifying_key(), &canon).expect("the published credential verifies");
        verify(&resigned, &key.verifying_key(), &canon).expect("ours verifies");
    }

    const EXAMPLES: &[(&str, &str)] = &[(
        "https://www.w3.org/ns/credentials/examples/v2",
        include_str!("../../../testdata/contexts-extra/www.w3.org_ns_credentials_examples_v2"),
    )];

    /// The W3C vc-di-eddsa `eddsa-rdfc-2022` vector.
    #[test]
    fn the_w3c_eddsa_rdfc_2022_vector_reproduces_bit_for_bit() {
        let canon = GeneralPath { extra: EXAMPLES };
        let unsigned = json_file("vc-di-eddsa/unsigned.json");
        let dir = "vc-di-eddsa/eddsa-rdfc-2022";
        assert_eq!(
            canon.canonical_nquads(&unsigned).expect("canonical"),
            testdata(&format!("{dir}/canonDocDataInt.txt"))
        );
        let config = json_file(&format!("{dir}/proofConfigDataInt.json"));
        assert_eq!(
            canon.canonical_nquads(&config).expect("canonical"),
            testdata(&format!("{dir}/proofCanonDataInt.txt"))
        );

        let pair = json_file("vc-di-eddsa/keyPair.json");
        let secret = bs58::decode(&pair["privateKeyMultibase"].as_str().expect("text")[1..])
            .into_vec()
            .expect("base58");
        assert_eq!(&secret[..2], &[0x80, 0x26], "an Ed25519 private Multikey");
        let key = SigningKey::from_seed(&secret[2..].try_into().expect("32 bytes"));
        let created = DateTime::parse_from_rfc3339(config["created"].as_str().expect("created"))
            .expect("date")
            .with_timezone(&Utc);
        let options = ProofOptions::assertion(
            config["verificationMethod"].as_str().expect("method"),
            created,
        );
        let signed = sign(&unsigned, &key, &options, &canon).expect("signed");
        let expected = json_file(&format!("{dir}/signedDataInt.json"));
        assert_eq!(
            signed["proof"][0]["proofValue"],
            expected["proof"]["proofValue"]
        );
        verify(&expected, &key.verifying_key(), &canon).expect("the published credential verifies");
    }

    /// The W3C vc-di-eddsa `Ed25519Signature2020` vector verifies.
    #[test]
    fn a_legacy_ed25519_signature_2020_proof_verifies() {
        let canon = GeneralPath { extra: EXAMPLES };
        let signed = json_file("vc-di-eddsa/Ed25519Signature2020/signedEdSig.json");
        let pair = json_file("vc-di-eddsa/keyPair.json");
        let public = bs58::decode(&pair["publicKeyMultibase"].as_str().expect("text")[1..])
            .into_vec()
            .expect("base58");
        let key =
            VerifyingKey::from_bytes(&public[2..].try_into().expect("32 bytes")).expect("a key");
        let found = verify(&signed, &key, &canon).expect("verifies");
        assert_eq!(found.proof_type, "Ed25519Signature2020");
    }

    #[test]
    fn a_changed_credential_fails() {
        let vector = json_file("ob3/canon-vectors/obv3p0/vector.json");
        let key = key_from_hex(vector["secretKeyHex"].as_str().expect("hex"));
        let mut tampered = vector["signedCredential"].clone();
        tampered["name"] = json!("Another badge");
        assert_eq!(
            verify(&tampered, &key.verifying_key(), &GeneralPath::default()),
            Err(ProofError::BadSignature)
        );
        let other = SigningKey::from_seed(&[7u8; 32]);
        assert_eq!(
            verify(
                &vector["signedCredential"],
                &other.verifying_key(),
                &GeneralPath::default()
            ),
            Err(ProofError::BadSignature)
        );
        let mut no_proof = vector["signedCredential"].clone();
        no_proof.as_object_mut().expect("object").remove("proof");
        assert_eq!(
            verify(&no_proof, &key.verifying_key(), &GeneralPath::default()),
            Err(ProofError::Missing)
        );
    }
}
