//! Catalog search text: what is searched, and how a query becomes terms.
//!
//! Both sides fold to lower case and split on anything that is not a letter
//! or digit, so "Check-in/Check-out" finds "check in" and the other way
//! round. The store matches every term as a substring of the document.

use super::fields::AchievementFields;

/// The most terms a query keeps.
pub const MAX_TERMS: usize = 8;
/// The longest term kept.
pub const MAX_TERM_CHARS: usize = 40;

fn fold(text: &str, out: &mut String) {
    for word in text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        out.push(' ');
        out.extend(word.chars().flat_map(char::to_lowercase));
    }
}

/// The searchable text of a micro-credential: title, summary, competency
/// and tags, folded, with a space at each end so whole words can be
/// matched as " word ".
pub fn search_document(fields: &AchievementFields) -> String {
    let mut out = String::new();
    fold(&fields.title, &mut out);
    fold(&fields.summary, &mut out);
    fold(&fields.competency, &mut out);
    for tag in &fields.tags {
        fold(tag, &mut out);
    }
    out.push(' ');
    out
}

/// The terms of a search query, folded like the documents; duplicates and
/// excess terms are dropped.
pub fn query_terms(query: &str) -> Vec<String> {
    let mut folded = String::new();
    fold(query, &mut folded);
    let mut terms: Vec<String> = Vec::new();
    for term in folded.split(' ').filter(|t| !t.is_empty()) {
        let term: String = term.chars().take(MAX_TERM_CHARS).collect();
        if !terms.contains(&term) && terms.len() < MAX_TERMS {
            terms.push(term);
        }
    }
    terms
}

/// A tag as filters compare it.
pub fn tag_key(tag: &str) -> String {
    tag.trim().to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::achievement::fields::AchievementInput;

    #[test]
    fn documents_and_queries_fold_alike() {
        let fields = AchievementFields::parse(&AchievementInput {
            title: "Check-In/Check-Out",
            summary: "Daily mentoring for Élèves",
            competency: "Behaviour support",
            criteria: "Show it.",
            tags: "PBIS, tier 2",
            ..AchievementInput::default()
        })
        .expect("valid");
        let doc = search_document(&fields);
        assert!(doc.starts_with(' ') && doc.ends_with(' '));
        for term in query_terms("CHECK out élèves Tier") {
            assert!(doc.contains(&term), "{term} in {doc}");
        }
        assert_eq!(query_terms("a a b, c!"), vec!["a", "b", "c"]);
        assert_eq!(query_terms("  -- "), Vec::<String>::new());
        assert_eq!(query_terms(&"x ".repeat(50)).len(), 1);
        assert_eq!(
            query_terms("one two three four five six seven eight nine").len(),
            MAX_TERMS
        );
        assert_eq!(tag_key(" PBIS "), "pbis");
    }
}
