//! The JSON-LD contexts Cairn signs and verifies with, bundled into the
//! binary. Contexts are never fetched from the network at verification
//! time: a credential naming a context not bundled here is reported as such.
//!
//! The files are in `testdata/contexts/` with their sources in
//! `testdata/contexts/index.json`.

/// The W3C Verifiable Credentials Data Model 2.0 context.
pub const VC_V2: &str = "https://www.w3.org/ns/credentials/v2";
/// The W3C Verifiable Credentials Data Model 1.1 context.
pub const VC_V1: &str = "https://www.w3.org/2018/credentials/v1";
/// The Open Badges 3.0 context Cairn issues with (3.0.3).
pub const OB_V3: &str = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json";
/// 1EdTech's extensions context (`1EdTechJsonSchemaValidator2019`, …).
pub const OB_EXTENSIONS: &str = "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json";
/// The CLR 2.0 context.
pub const CLR_V2: &str = "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json";
/// The Open Badges 2.0 context.
pub const OB_V2: &str = "https://w3id.org/openbadges/v2";
/// The DID core context.
pub const DID_V1: &str = "https://www.w3.org/ns/did/v1";
/// The Multikey context.
pub const MULTIKEY_V1: &str = "https://w3id.org/security/multikey/v1";
/// The Data Integrity v2 context.
pub const DATA_INTEGRITY_V2: &str = "https://w3id.org/security/data-integrity/v2";
/// The Ed25519Signature2020 suite context.
pub const ED25519_2020_V1: &str = "https://w3id.org/security/suites/ed25519-2020/v1";

/// Every bundled context: its URL and its text.
pub const BUNDLED: &[(&str, &str)] = &[
    (
        "https://imsglobal.github.io/openbadges-specification/ob_v3p0.html",
        include_str!(
            "../../../testdata/contexts/imsglobal.github.io_openbadges-specification_ob_v3p0.html"
        ),
    ),
    (
        "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json",
        include_str!(
            "../../../testdata/contexts/purl.imsglobal.org_spec_clr_v2p0_context-2.0.1.json"
        ),
    ),
    (
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json",
        include_str!(
            "../../../testdata/contexts/purl.imsglobal.org_spec_ob_v3p0_context-3.0.1.json"
        ),
    ),
    (
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json",
        include_str!(
            "../../../testdata/contexts/purl.imsglobal.org_spec_ob_v3p0_context-3.0.2.json"
        ),
    ),
    (
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        include_str!(
            "../../../testdata/contexts/purl.imsglobal.org_spec_ob_v3p0_context-3.0.3.json"
        ),
    ),
    (
        "https://purl.imsglobal.org/spec/ob/v3p0/context.json",
        include_str!("../../../testdata/contexts/purl.imsglobal.org_spec_ob_v3p0_context.json"),
    ),
    (
        "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json",
        include_str!("../../../testdata/contexts/purl.imsglobal.org_spec_ob_v3p0_extensions.json"),
    ),
    (
        "https://w3c-ccg.github.io/vc-ed/plugfest-1-2022/jff-vc-edu-plugfest-1-context.json",
        include_str!(
            "../../../testdata/contexts/w3c-ccg.github.io_vc-ed_plugfest-1-2022_jff-vc-edu-plugfest-1-context.json"
        ),
    ),
    (
        "https://w3id.org/dcc/v1",
        include_str!("../../../testdata/contexts/w3id.org_dcc_v1"),
    ),
    (
        "https://w3id.org/openbadges/v2",
        include_str!("../../../testdata/contexts/w3id.org_openbadges_v2"),
    ),
    (
        "https://w3id.org/security/data-integrity/v1",
        include_str!("../../../testdata/contexts/w3id.org_security_data-integrity_v1"),
    ),
    (
        "https://w3id.org/security/data-integrity/v2",
        include_str!("../../../testdata/contexts/w3id.org_security_data-integrity_v2"),
    ),
    (
        "https://w3id.org/security/multikey/v1",
        include_str!("../../../testdata/contexts/w3id.org_security_multikey_v1"),
    ),
    (
        "https://w3id.org/security/suites/ed25519-2020/v1",
        include_str!("../../../testdata/contexts/w3id.org_security_suites_ed25519-2020_v1"),
    ),
    (
        "https://w3id.org/security/v1",
        include_str!("../../../testdata/contexts/w3id.org_security_v1"),
    ),
    (
        "https://w3id.org/security/v2",
        include_str!("../../../testdata/contexts/w3id.org_security_v2"),
    ),
    (
        "https://w3id.org/vc/status-list/2021/v1",
        include_str!("../../../testdata/contexts/w3id.org_vc_status-list_2021_v1"),
    ),
    (
        "https://www.w3.org/2018/credentials/v1",
        include_str!("../../../testdata/contexts/www.w3.org_2018_credentials_v1"),
    ),
    (
        "https://www.w3.org/ns/credentials/status/v1",
        include_str!("../../../testdata/contexts/www.w3.org_ns_credentials_status_v1"),
    ),
    (
        "https://www.w3.org/ns/credentials/undefined-terms/v2",
        include_str!("../../../testdata/contexts/www.w3.org_ns_credentials_undefined-terms_v2"),
    ),
    (
        "https://www.w3.org/ns/credentials/v2",
        include_str!("../../../testdata/contexts/www.w3.org_ns_credentials_v2"),
    ),
    (
        "https://www.w3.org/ns/did/v1",
        include_str!("../../../testdata/contexts/www.w3.org_ns_did_v1"),
    ),
];

/// The text of a bundled context.
pub fn get(url: &str) -> Option<&'static str> {
    BUNDLED
        .iter()
        .find(|(u, _)| *u == url)
        .map(|(_, text)| *text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_bundled_context_is_json_with_a_context() {
        for (url, text) in BUNDLED {
            let value: serde_json::Value =
                serde_json::from_str(text).unwrap_or_else(|e| panic!("{url}: {e}"));
            assert!(value.get("@context").is_some(), "{url} has an @context");
        }
        for url in [
            VC_V2,
            VC_V1,
            OB_V3,
            OB_EXTENSIONS,
            CLR_V2,
            OB_V2,
            DID_V1,
            MULTIKEY_V1,
            DATA_INTEGRITY_V2,
            ED25519_2020_V1,
        ] {
            assert!(get(url).is_some(), "{url} is bundled");
        }
    }
}
