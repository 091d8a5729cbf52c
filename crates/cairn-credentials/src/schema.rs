//! Structure checks against 1EdTech's Open Badges 3.0 JSON Schemas
//! (bundled from `testdata/ob3/schema/`).

use serde_json::Value;
use std::sync::OnceLock;

/// Which schema to check against.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Schema {
    /// `OpenBadgeCredential` / `AchievementCredential`.
    AchievementCredential,
    /// `EndorsementCredential`.
    EndorsementCredential,
    /// An issuer `Profile`.
    Profile,
}

const ACHIEVEMENT_CREDENTIAL: &str =
    include_str!("../../../testdata/ob3/schema/achievementcredential.json");
const ENDORSEMENT_CREDENTIAL: &str =
    include_str!("../../../testdata/ob3/schema/endorsementcredential.json");
const PROFILE: &str = include_str!("../../../testdata/ob3/schema/profile.json");

fn compile(text: &str) -> Option<jsonschema::Validator> {
    let schema: Value = serde_json::from_str(text).ok()?;
    jsonschema::validator_for(&schema).ok()
}

fn validator(schema: Schema) -> Option<&'static jsonschema::Validator> {
    static ACHIEVEMENT: OnceLock<Option<jsonschema::Validator>> = OnceLock::new();
    static ENDORSEMENT: OnceLock<Option<jsonschema::Validator>> = OnceLock::new();
    static PROFILE_SCHEMA: OnceLock<Option<jsonschema::Validator>> = OnceLock::new();
    match schema {
        Schema::AchievementCredential => ACHIEVEMENT
            .get_or_init(|| compile(ACHIEVEMENT_CREDENTIAL))
            .as_ref(),
        Schema::EndorsementCredential => ENDORSEMENT
            .get_or_init(|| compile(ENDORSEMENT_CREDENTIAL))
            .as_ref(),
        Schema::Profile => PROFILE_SCHEMA.get_or_init(|| compile(PROFILE)).as_ref(),
    }
}

/// Checks a document; on failure, one line per problem: where it is (a
/// JSON pointer) and what is wrong.
pub fn validate(schema: Schema, document: &Value) -> Result<(), Vec<String>> {
    let Some(validator) = validator(schema) else {
        return Err(vec!["the bundled schema could not be compiled".into()]);
    };
    let problems: Vec<String> = validator
        .iter_errors(document)
        .map(|e| {
            let at = e.instance_path().to_string();
            if at.is_empty() {
                e.to_string()
            } else {
                format!("{at}: {e}")
            }
        })
        .take(20)
        .collect();
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_schema_wants_proofs_as_an_array() {
        let vector: Value = serde_json::from_str(include_str!(
            "../../../testdata/ob3/canon-vectors/obv3p0/vector.json"
        ))
        .expect("json");
        let mut credential = vector["signedCredential"].clone();
        let problems = validate(Schema::AchievementCredential, &credential)
            .expect_err("a single proof object is refused");
        assert!(
            problems.iter().any(|p| p.contains("/proof")),
            "{problems:?}"
        );
        credential["proof"] = json!([credential["proof"].clone()]);
        validate(Schema::AchievementCredential, &credential).expect("valid with a proof array");
    }

    #[test]
    fn problems_name_the_place() {
        let problems =
            validate(Schema::AchievementCredential, &json!({"type": "nope"})).expect_err("invalid");
        assert!(!problems.is_empty());
        assert!(problems.len() <= 20);
    }
}
