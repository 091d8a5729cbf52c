//! Reading an achievement defined elsewhere, so that it can become a draft:
//! an Open Badges 2.0 `BadgeClass` or an Open Badges 3.0 `Achievement`,
//! given as JSON, turned into an [`ImportedAchievement`] — plain data that
//! depends on neither specification.
//!
//! Accepted documents:
//!
//! - an OB 2.0 `BadgeClass`, with or without `@context`: `criteria` as a
//!   URL or a `Criteria` object (`id`, `narrative`), `image` as a URL, a
//!   `data:` URI or an `Image` object (`id`), `alignment[]`, `tags[]`, and
//!   the `issuer`'s name when the Issuer is embedded;
//! - an OB 3.0 `Achievement` (`type` a string or an array containing
//!   `Achievement`): the same, with `tag[]`, `achievementType`,
//!   `creditsAvailable`, `humanCode`, `fieldOfStudy`, the `creator`'s name
//!   when embedded, and the rubric (`resultDescription[]` of `resultType`
//!   `RubricCriterionLevel`);
//! - for convenience, a document that embeds one of these: an OB 3.0
//!   `OpenBadgeCredential` or `AchievementCredential`
//!   (`credentialSubject.achievement`) or an OB 2.0 `Assertion` (`badge`).
//!   One that names its achievement only by URL is refused: nothing here
//!   fetches anything.
//!
//! Text is trimmed, and empty text counts as absent. A JSON-LD value object
//! (`{"@value": …}`), a language map (`{"en": …, "nl": …}`) or an array
//! gives its first value. Lengths and counts are capped (the `MAX_*`
//! constants) to refuse absurd documents; Cairn's own, tighter rules are
//! the application's to check on the draft. The URLs in the result are
//! `http` or `https`; an image embedded as a `data:` URI is decoded, and
//! only PNG and SVG images are accepted.

use std::fmt;

use base64::Engine as _;
use base64::alphabet;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use serde_json::{Map, Value};

/// The largest document [`parse_achievement_bytes`] reads.
pub const MAX_DOCUMENT_BYTES: usize = 1024 * 1024;
/// The largest image accepted in a `data:` URI, once decoded.
pub const MAX_IMAGE_BYTES: usize = 1024 * 1024;
/// The longest one-line text: a name, tag, code, framework, type, level.
pub const MAX_LINE_CHARS: usize = 1_000;
/// The longest description or criteria narrative.
pub const MAX_TEXT_CHARS: usize = 50_000;
/// The longest id or URL (`data:` URIs excepted; see [`MAX_IMAGE_BYTES`]).
pub const MAX_URL_CHARS: usize = 4_096;
/// The most tags, alignments, rubric criteria, or levels in one criterion.
pub const MAX_ITEMS: usize = 200;
/// The most credits (`creditsAvailable`) an achievement may offer.
pub const MAX_CREDITS: f64 = 10_000.0;

/// How much of a value from the document an error message quotes.
const QUOTE_CHARS: usize = 200;

/// Which kind of document the achievement was read from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    /// An Open Badges 2.0 `BadgeClass`.
    Ob2BadgeClass,
    /// An Open Badges 3.0 `Achievement`.
    Ob3Achievement,
}

impl Source {
    /// The type's name in its specification: `BadgeClass` or `Achievement`.
    #[must_use]
    pub fn type_name(self) -> &'static str {
        match self {
            Self::Ob2BadgeClass => "BadgeClass",
            Self::Ob3Achievement => "Achievement",
        }
    }

    fn with_article(self) -> &'static str {
        match self {
            Self::Ob2BadgeClass => "a BadgeClass",
            Self::Ob3Achievement => "an Achievement",
        }
    }
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.type_name())
    }
}

/// The achievement's image.
#[derive(Clone, PartialEq, Eq)]
pub enum ImportedImage {
    /// An `http` or `https` URL, to fetch the image from.
    Url(String),
    /// An image embedded as a `data:` URI, decoded.
    Data {
        /// `image/png` or `image/svg+xml`.
        media_type: String,
        bytes: Vec<u8>,
    },
}

impl fmt::Debug for ImportedImage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Url(url) => f.debug_tuple("Url").field(url).finish(),
            Self::Data { media_type, bytes } => f
                .debug_struct("Data")
                .field("media_type", media_type)
                .field("bytes", &format_args!("<{} bytes>", bytes.len()))
                .finish(),
        }
    }
}

/// An alignment to a framework, standard or competency.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportedAlignment {
    pub target_name: String,
    /// An `http` or `https` URL.
    pub target_url: String,
    pub target_framework: Option<String>,
    pub target_code: Option<String>,
    pub target_description: Option<String>,
}

/// One performance level of a rubric criterion (`RubricCriterionLevel`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportedRubricLevel {
    pub id: Option<String>,
    pub name: String,
    /// The level's label in the rubric (`level`), e.g. `Mastered`.
    pub level: Option<String>,
    pub description: Option<String>,
    /// As the document gives them: Open Badges 3.0 defines `points` as text.
    pub points: Option<String>,
}

/// One rubric criterion: a `ResultDescription` of `resultType`
/// `RubricCriterionLevel`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportedRubricCriterion {
    pub id: Option<String>,
    pub name: String,
    /// The levels, in the document's order.
    pub levels: Vec<ImportedRubricLevel>,
    /// The id of the level needed to pass (`requiredLevel`), as given.
    pub required_level: Option<String>,
}

/// The rubric of an Open Badges 3.0 achievement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportedRubric {
    /// The criteria, in the document's order.
    pub criteria: Vec<ImportedRubricCriterion>,
}

/// An achievement read from an Open Badges document.
#[derive(Clone, Debug, PartialEq)]
pub struct ImportedAchievement {
    pub source: Source,
    /// The document's id (an IRI), if it has one.
    pub id: Option<String>,
    pub name: String,
    pub description: String,
    /// What earning requires, in Markdown.
    pub criteria_narrative: Option<String>,
    /// The web page describing the criteria. A criteria id that is not an
    /// `http`/`https` URL (a `urn:uuid:…`) identifies rather than locates,
    /// and is left out.
    pub criteria_url: Option<String>,
    pub image: Option<ImportedImage>,
    /// Deduplicated without regard to case; the first spelling is kept.
    pub tags: Vec<String>,
    pub alignments: Vec<ImportedAlignment>,
    /// Open Badges 3.0 `achievementType`: `Badge`, `MicroCredential`, …
    pub achievement_type: Option<String>,
    /// Open Badges 3.0 `creditsAvailable`.
    pub credits_available: Option<f64>,
    /// Open Badges 3.0 `humanCode`.
    pub human_code: Option<String>,
    /// Open Badges 3.0 `fieldOfStudy`.
    pub field_of_study: Option<String>,
    /// The name of the OB 2.0 `issuer` or the OB 3.0 `creator`, when the
    /// document embeds it as an object with a name.
    pub issuer_name: Option<String>,
    /// Open Badges 3.0 rubric criteria; `None` when there are none.
    pub rubric: Option<ImportedRubric>,
}

/// Why a document could not be read as an achievement. Messages are meant
/// for the person who supplied the document.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ImportError {
    /// More than [`MAX_DOCUMENT_BYTES`].
    #[error(
        "the file is too large for a badge definition ({bytes} bytes; at most {limit} are accepted)"
    )]
    DocumentTooLarge { bytes: usize, limit: usize },
    /// Not JSON text; the reason says what it looks like when that helps.
    #[error("this is not JSON: {0}")]
    NotJson(String),
    /// JSON, but not an object.
    #[error(
        "this is a JSON {found}, not an Open Badges BadgeClass or Achievement (one JSON object is expected)"
    )]
    NotAnObject {
        /// `array`, `string`, `number`, `boolean` or `null`.
        found: &'static str,
    },
    /// An object of another type, or of none.
    #[error(
        "this is not an Open Badges BadgeClass or Achievement ({})",
        type_found(.found)
    )]
    WrongType {
        /// The `type` as JSON, or `None` when there is none.
        found: Option<String>,
    },
    /// A credential or assertion whose embedded achievement has another
    /// type.
    #[error(
        "the {path} of this {container} is not {} ({})",
        .kind.with_article(),
        type_found(.found)
    )]
    EmbeddedWrongType {
        container: &'static str,
        path: &'static str,
        kind: Source,
        /// The `type` as JSON, or `None` when there is none.
        found: Option<String>,
    },
    /// A credential or assertion that names its achievement only by URL.
    #[error(
        "this {container} refers to its {kind} only by URL ({url}); fetch the {kind} from there first and import that document"
    )]
    OnlyReferenced {
        container: &'static str,
        kind: Source,
        url: String,
    },
    /// A credential or assertion without its achievement.
    #[error("this {container} has no {path}, so there is no {kind} in it to import")]
    NothingEmbedded {
        container: &'static str,
        path: &'static str,
        kind: Source,
    },
    /// A required property is absent or empty.
    #[error("the {document} has no {field}")]
    Missing { document: Source, field: String },
    /// A property that should be text is a number, a boolean, …
    #[error("the {document}'s {field} is not text")]
    NotText { document: Source, field: String },
    /// Text longer than its cap.
    #[error(
        "the {document}'s {field} is too long ({chars} characters; at most {limit} are accepted)"
    )]
    TooLong {
        document: Source,
        field: String,
        chars: usize,
        limit: usize,
    },
    /// More items than [`MAX_ITEMS`].
    #[error("the {document} has too many {field} ({count}; at most {limit} are accepted)")]
    TooMany {
        document: Source,
        field: String,
        count: usize,
        limit: usize,
    },
    /// A URL that is not `http` or `https`.
    #[error("the {document}'s {field} is not a web address (http or https): {value}")]
    NotWebUrl {
        document: Source,
        field: String,
        /// The value, shortened when long.
        value: String,
    },
    /// A property with a value that cannot be used.
    #[error("the {document}'s {field} {problem}")]
    Invalid {
        document: Source,
        field: String,
        problem: String,
    },
    /// A `data:` image that is neither PNG nor SVG.
    #[error("image type {media_type} is not supported; use PNG or SVG")]
    UnsupportedImageType { media_type: String },
    /// A `data:` image that cannot be decoded, or is not what it says.
    #[error("the image's data: URI cannot be read: {0}")]
    BadImageData(String),
    /// A `data:` image larger than [`MAX_IMAGE_BYTES`].
    #[error("the image is too large ({bytes} bytes; at most {limit} are accepted)")]
    ImageTooLarge { bytes: usize, limit: usize },
}

fn type_found(found: &Option<String>) -> String {
    match found {
        Some(found) => format!("type is {found}"),
        None => "it has no type".to_owned(),
    }
}

/// Reads an achievement from JSON text: the document must be at most
/// [`MAX_DOCUMENT_BYTES`] (a UTF-8 byte order mark is ignored). See
/// [`parse_achievement`] for what is accepted.
pub fn parse_achievement_bytes(bytes: &[u8]) -> Result<ImportedAchievement, ImportError> {
    if bytes.len() > MAX_DOCUMENT_BYTES {
        return Err(ImportError::DocumentTooLarge {
            bytes: bytes.len(),
            limit: MAX_DOCUMENT_BYTES,
        });
    }
    let text = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match serde_json::from_slice::<Value>(text) {
        Ok(doc) => parse_achievement(&doc),
        Err(e) => Err(ImportError::NotJson(not_json_reason(text, &e))),
    }
}

fn not_json_reason(bytes: &[u8], error: &serde_json::Error) -> String {
    let trimmed = bytes.trim_ascii();
    if trimmed.is_empty() {
        "the file is empty".to_owned()
    } else if trimmed.starts_with(b"\x89PNG\r\n\x1a\n") {
        "it is a PNG image; if it is a baked badge, import the badge JSON it carries".to_owned()
    } else if trimmed.starts_with(b"<") {
        "it looks like XML or SVG; if it is a baked badge, import the badge JSON it carries"
            .to_owned()
    } else if looks_like_compact_jws(trimmed) {
        "it looks like a signed JWT (a compact JWS); import the JSON credential or badge inside it"
            .to_owned()
    } else {
        error.to_string()
    }
}

fn looks_like_compact_jws(bytes: &[u8]) -> bool {
    bytes.starts_with(b"eyJ")
        && bytes.iter().filter(|&&b| b == b'.').count() == 2
        && bytes
            .iter()
            .all(|&b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

/// Reads an achievement from a JSON document: an OB 2.0 `BadgeClass`, an
/// OB 3.0 `Achievement`, or a credential or assertion that embeds one (see
/// the [module documentation](self)).
pub fn parse_achievement(doc: &Value) -> Result<ImportedAchievement, ImportError> {
    let Value::Object(map) = doc else {
        return Err(ImportError::NotAnObject {
            found: json_kind(doc),
        });
    };
    let types = types_of(map);
    let has = |name: &str| types.contains(&name);
    if has("Achievement") {
        read(Source::Ob3Achievement, map)
    } else if has("BadgeClass") {
        read(Source::Ob2BadgeClass, map)
    } else if has("OpenBadgeCredential") || has("AchievementCredential") {
        let container = if has("OpenBadgeCredential") {
            "OpenBadgeCredential"
        } else {
            "AchievementCredential"
        };
        let achievement = single(map.get("credentialSubject"))
            .and_then(Value::as_object)
            .and_then(|subject| single(subject.get("achievement")));
        unwrap(
            container,
            "credentialSubject.achievement",
            Source::Ob3Achievement,
            achievement,
        )
    } else if has("Assertion") {
        unwrap(
            "Assertion",
            "badge",
            Source::Ob2BadgeClass,
            single(map.get("badge")),
        )
    } else {
        Err(ImportError::WrongType {
            found: type_text(map),
        })
    }
}

fn unwrap(
    container: &'static str,
    path: &'static str,
    kind: Source,
    embedded: Option<&Value>,
) -> Result<ImportedAchievement, ImportError> {
    match embedded {
        Some(Value::Object(inner)) => {
            let types = types_of(inner);
            if !types.is_empty() && !types.contains(&kind.type_name()) {
                return Err(ImportError::EmbeddedWrongType {
                    container,
                    path,
                    kind,
                    found: type_text(inner),
                });
            }
            read(kind, inner)
        }
        Some(Value::String(url)) if !url.trim().is_empty() => Err(ImportError::OnlyReferenced {
            container,
            kind,
            url: quote(url.trim()),
        }),
        _ => Err(ImportError::NothingEmbedded {
            container,
            path,
            kind,
        }),
    }
}

/// Reads a `BadgeClass` or an `Achievement`. The two share most
/// properties; OB 2.0 spells tags `tags` and names its `issuer`, OB 3.0
/// spells them `tag` and names its `creator`, and has more.
fn read(document: Source, map: &Map<String, Value>) -> Result<ImportedAchievement, ImportError> {
    let doc = Reader { document };
    let ob3 = document == Source::Ob3Achievement;
    let (tags, party) = if ob3 {
        ("tag", "creator")
    } else {
        ("tags", "issuer")
    };
    let name = doc.required(map.get("name"), "name", MAX_LINE_CHARS)?;
    let description = doc.required(map.get("description"), "description", MAX_TEXT_CHARS)?;
    let (criteria_narrative, criteria_url) = doc.criteria(map.get("criteria"))?;
    let mut imported = ImportedAchievement {
        source: document,
        id: doc.id(map)?,
        name,
        description,
        criteria_narrative,
        criteria_url,
        image: doc.image(map.get("image"))?,
        tags: doc.tags(map.get(tags))?,
        alignments: doc.alignments(map.get("alignment"))?,
        achievement_type: None,
        credits_available: None,
        human_code: None,
        field_of_study: None,
        issuer_name: doc.party_name(map.get(party), party)?,
        rubric: None,
    };
    if ob3 {
        imported.achievement_type = doc.text(
            map.get("achievementType"),
            "achievementType",
            MAX_LINE_CHARS,
        )?;
        imported.credits_available = doc.credits(map.get("creditsAvailable"))?;
        imported.human_code = doc.text(map.get("humanCode"), "humanCode", MAX_LINE_CHARS)?;
        imported.field_of_study =
            doc.text(map.get("fieldOfStudy"), "fieldOfStudy", MAX_LINE_CHARS)?;
        imported.rubric = doc.rubric(map.get("resultDescription"))?;
    }
    Ok(imported)
}

/// Reads the properties of one document, naming it in errors.
struct Reader {
    document: Source,
}

impl Reader {
    fn missing(&self, field: impl Into<String>) -> ImportError {
        ImportError::Missing {
            document: self.document,
            field: field.into(),
        }
    }

    fn invalid(&self, field: impl Into<String>, problem: impl Into<String>) -> ImportError {
        ImportError::Invalid {
            document: self.document,
            field: field.into(),
            problem: problem.into(),
        }
    }

    fn too_many(&self, field: &str, count: usize) -> Result<(), ImportError> {
        if count > MAX_ITEMS {
            return Err(ImportError::TooMany {
                document: self.document,
                field: field.to_owned(),
                count,
                limit: MAX_ITEMS,
            });
        }
        Ok(())
    }

    /// Optional text: trimmed, `None` when absent or empty.
    fn text(
        &self,
        value: Option<&Value>,
        field: &str,
        limit: usize,
    ) -> Result<Option<String>, ImportError> {
        let Some(value) = value else {
            return Ok(None);
        };
        let text = text_of(value).map_err(|()| ImportError::NotText {
            document: self.document,
            field: field.to_owned(),
        })?;
        let Some(text) = text.map(str::trim).filter(|t| !t.is_empty()) else {
            return Ok(None);
        };
        if text.contains('\0') {
            return Err(self.invalid(field, "contains a NUL character"));
        }
        let chars = text.chars().count();
        if chars > limit {
            return Err(ImportError::TooLong {
                document: self.document,
                field: field.to_owned(),
                chars,
                limit,
            });
        }
        Ok(Some(text.to_owned()))
    }

    fn required(
        &self,
        value: Option<&Value>,
        field: &str,
        limit: usize,
    ) -> Result<String, ImportError> {
        self.text(value, field, limit)?
            .ok_or_else(|| self.missing(field))
    }

    /// `id`, or its JSON-LD spelling `@id`.
    fn id(&self, map: &Map<String, Value>) -> Result<Option<String>, ImportError> {
        self.text(
            map.get("id").or_else(|| map.get("@id")),
            "id",
            MAX_URL_CHARS,
        )
    }

    /// A required `http`/`https` URL.
    fn web_url(&self, value: Option<&Value>, field: &str) -> Result<String, ImportError> {
        let url = self.required(value, field, MAX_URL_CHARS)?;
        self.check_web_url(url, field)
    }

    fn check_web_url(&self, url: String, field: &str) -> Result<String, ImportError> {
        let chars = url.chars().count();
        if chars > MAX_URL_CHARS {
            return Err(ImportError::TooLong {
                document: self.document,
                field: field.to_owned(),
                chars,
                limit: MAX_URL_CHARS,
            });
        }
        if !is_web_url(&url) {
            return Err(ImportError::NotWebUrl {
                document: self.document,
                field: field.to_owned(),
                value: quote(&url),
            });
        }
        Ok(url)
    }

    /// `criteria`: a URL, or an object with `id` and `narrative`.
    fn criteria(
        &self,
        value: Option<&Value>,
    ) -> Result<(Option<String>, Option<String>), ImportError> {
        let (narrative, id) = match single(value) {
            None => (None, None),
            Some(Value::Object(criteria)) => (
                self.text(
                    criteria.get("narrative"),
                    "criteria narrative",
                    MAX_TEXT_CHARS,
                )?,
                self.text(
                    criteria.get("id").or_else(|| criteria.get("@id")),
                    "criteria id",
                    MAX_URL_CHARS,
                )?,
            ),
            Some(other) => (None, self.text(Some(other), "criteria", MAX_URL_CHARS)?),
        };
        Ok((narrative, id.filter(|id| is_web_url(id))))
    }

    /// `image`: a URL or `data:` URI, or an `Image` object with one as `id`.
    fn image(&self, value: Option<&Value>) -> Result<Option<ImportedImage>, ImportError> {
        let (target, field) = match single(value) {
            None => return Ok(None),
            Some(Value::Object(image)) => {
                let id = image.get("id").or_else(|| image.get("@id"));
                if id.is_none_or(Value::is_null) {
                    return Err(self.missing("image id (its URL)"));
                }
                (id, "image id")
            }
            Some(other) => (Some(other), "image"),
        };
        let Some(Value::String(target)) = single(target) else {
            return Err(ImportError::NotText {
                document: self.document,
                field: field.to_owned(),
            });
        };
        let target = target.trim();
        if target.is_empty() {
            return Ok(None);
        }
        if let Some(rest) = strip_prefix_ignore_case(target, "data:") {
            return decode_data_uri(rest).map(Some);
        }
        self.check_web_url(target.to_owned(), field)
            .map(|url| Some(ImportedImage::Url(url)))
    }

    /// `tags` (OB 2.0) or `tag` (OB 3.0).
    fn tags(&self, value: Option<&Value>) -> Result<Vec<String>, ImportError> {
        let items = many(value);
        self.too_many("tags", items.len())?;
        let mut tags: Vec<String> = Vec::new();
        let mut seen: Vec<String> = Vec::new();
        for (n, item) in (1..).zip(items) {
            let Some(tag) = self.text(Some(item), &format!("tag {n}"), MAX_LINE_CHARS)? else {
                continue;
            };
            let folded = tag.to_lowercase();
            if !seen.contains(&folded) {
                seen.push(folded);
                tags.push(tag);
            }
        }
        Ok(tags)
    }

    fn alignments(&self, value: Option<&Value>) -> Result<Vec<ImportedAlignment>, ImportError> {
        let items = many(value);
        self.too_many("alignments", items.len())?;
        let mut alignments = Vec::with_capacity(items.len());
        for (n, item) in (1..).zip(items) {
            let Value::Object(alignment) = item else {
                return Err(self.invalid(format!("alignment {n}"), "is not an Alignment object"));
            };
            let field = |name: &str| format!("{name} in alignment {n}");
            alignments.push(ImportedAlignment {
                target_name: self.required(
                    alignment.get("targetName"),
                    &field("targetName"),
                    MAX_LINE_CHARS,
                )?,
                target_url: self.web_url(alignment.get("targetUrl"), &field("targetUrl"))?,
                target_framework: self.text(
                    alignment.get("targetFramework"),
                    &field("targetFramework"),
                    MAX_LINE_CHARS,
                )?,
                target_code: self.text(
                    alignment.get("targetCode"),
                    &field("targetCode"),
                    MAX_LINE_CHARS,
                )?,
                target_description: self.text(
                    alignment.get("targetDescription"),
                    &field("targetDescription"),
                    MAX_TEXT_CHARS,
                )?,
            });
        }
        Ok(alignments)
    }

    /// The `name` of an embedded `issuer` or `creator`; `None` for a URL.
    fn party_name(
        &self,
        value: Option<&Value>,
        field: &str,
    ) -> Result<Option<String>, ImportError> {
        match single(value) {
            Some(Value::Object(party)) => {
                self.text(party.get("name"), &format!("{field} name"), MAX_LINE_CHARS)
            }
            _ => Ok(None),
        }
    }

    /// `creditsAvailable`: a number (or numeric text) from 0 to
    /// [`MAX_CREDITS`].
    fn credits(&self, value: Option<&Value>) -> Result<Option<f64>, ImportError> {
        const FIELD: &str = "creditsAvailable";
        let credits = match single(value) {
            None => return Ok(None),
            Some(Value::Number(n)) => n.as_f64(),
            Some(other) => match self.text(Some(other), FIELD, MAX_LINE_CHARS)? {
                None => return Ok(None),
                Some(text) => text.parse::<f64>().ok(),
            },
        };
        match credits {
            Some(credits) if (0.0..=MAX_CREDITS).contains(&credits) => Ok(Some(credits)),
            _ => Err(self.invalid(FIELD, format!("must be a number from 0 to {MAX_CREDITS}"))),
        }
    }

    /// The `resultDescription`s of `resultType` `RubricCriterionLevel`;
    /// other result descriptions (grades, statuses, …) are not a rubric.
    fn rubric(&self, value: Option<&Value>) -> Result<Option<ImportedRubric>, ImportError> {
        let items = many(value);
        self.too_many("resultDescriptions", items.len())?;
        let mut criteria = Vec::new();
        for (n, item) in (1..).zip(items) {
            let Value::Object(result) = item else {
                return Err(self.invalid(
                    format!("resultDescription {n}"),
                    "is not a ResultDescription object",
                ));
            };
            let at = |name: &str| format!("{name} in resultDescription {n}");
            let result_type =
                self.text(result.get("resultType"), &at("resultType"), MAX_LINE_CHARS)?;
            if result_type.as_deref() != Some("RubricCriterionLevel") {
                continue;
            }
            let levels = many(result.get("rubricCriterionLevel"));
            self.too_many(&format!("levels in resultDescription {n}"), levels.len())?;
            let mut criterion = ImportedRubricCriterion {
                id: self.text(
                    result.get("id").or_else(|| result.get("@id")),
                    &at("id"),
                    MAX_URL_CHARS,
                )?,
                name: self.required(result.get("name"), &at("name"), MAX_LINE_CHARS)?,
                levels: Vec::with_capacity(levels.len()),
                required_level: self.text(
                    result.get("requiredLevel"),
                    &at("requiredLevel"),
                    MAX_URL_CHARS,
                )?,
            };
            for (k, level) in (1..).zip(levels) {
                let at_level = |name: &str| format!("{name} in level {k} of resultDescription {n}");
                let Value::Object(level) = level else {
                    return Err(self.invalid(
                        format!("level {k} of resultDescription {n}"),
                        "is not a RubricCriterionLevel object",
                    ));
                };
                let points = match single(level.get("points")) {
                    Some(Value::Number(points)) => Some(points.to_string()),
                    other => self.text(other, &at_level("points"), MAX_LINE_CHARS)?,
                };
                criterion.levels.push(ImportedRubricLevel {
                    id: self.text(
                        level.get("id").or_else(|| level.get("@id")),
                        &at_level("id"),
                        MAX_URL_CHARS,
                    )?,
                    name: self.required(level.get("name"), &at_level("name"), MAX_LINE_CHARS)?,
                    level: self.text(level.get("level"), &at_level("level"), MAX_LINE_CHARS)?,
                    description: self.text(
                        level.get("description"),
                        &at_level("description"),
                        MAX_TEXT_CHARS,
                    )?,
                    points,
                });
            }
            criteria.push(criterion);
        }
        Ok((!criteria.is_empty()).then_some(ImportedRubric { criteria }))
    }
}

/// The text a JSON-LD value stands for: a string; the `@value` of a value
/// object; the first value of a language map or an array. `Ok(None)` when
/// there is none (null, empty array or map); `Err` when it is not text.
fn text_of(value: &Value) -> Result<Option<&str>, ()> {
    const DEPTH: usize = 4;
    let mut value = value;
    for _ in 0..DEPTH {
        value = match value {
            Value::Null => return Ok(None),
            Value::String(text) => return Ok(Some(text)),
            Value::Array(items) => match items.iter().find(|v| !v.is_null()) {
                Some(first) => first,
                None => return Ok(None),
            },
            Value::Object(map) => match map.get("@value") {
                Some(inner) => inner,
                None => match map.values().next() {
                    Some(first) => first,
                    None => return Ok(None),
                },
            },
            Value::Bool(_) | Value::Number(_) => return Err(()),
        };
    }
    Err(())
}

/// A property that holds one value: the value, or the first of an array.
/// `None` when absent, null or empty.
fn single(value: Option<&Value>) -> Option<&Value> {
    match value? {
        Value::Null => None,
        Value::Array(items) => items.iter().find(|v| !v.is_null()),
        other => Some(other),
    }
}

/// A property that holds several values: an array, or one value alone.
fn many(value: Option<&Value>) -> Vec<&Value> {
    match value {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(items)) => items.iter().filter(|v| !v.is_null()).collect(),
        Some(other) => vec![other],
    }
}

/// The names in `type` (or `@type`), a string or an array of strings.
fn types_of(map: &Map<String, Value>) -> Vec<&str> {
    match map.get("type").or_else(|| map.get("@type")) {
        Some(Value::String(name)) => vec![name.trim()],
        Some(Value::Array(names)) => names
            .iter()
            .filter_map(Value::as_str)
            .map(str::trim)
            .collect(),
        _ => Vec::new(),
    }
}

/// The `type` as JSON for an error message, shortened when long.
fn type_text(map: &Map<String, Value>) -> Option<String> {
    map.get("type")
        .or_else(|| map.get("@type"))
        .filter(|t| !t.is_null())
        .map(|t| quote(&t.to_string()))
}

fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// A value to quote in a message: at most [`QUOTE_CHARS`] characters.
fn quote(text: &str) -> String {
    if text.chars().count() <= QUOTE_CHARS {
        text.to_owned()
    } else {
        let mut short: String = text.chars().take(QUOTE_CHARS).collect();
        short.push('…');
        short
    }
}

fn strip_prefix_ignore_case<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &text[prefix.len()..])
}

/// An absolute `http` or `https` URL with a host, and without spaces,
/// control characters or backslashes.
fn is_web_url(url: &str) -> bool {
    let Some(rest) = strip_prefix_ignore_case(url, "https://")
        .or_else(|| strip_prefix_ignore_case(url, "http://"))
    else {
        return false;
    };
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    !host.is_empty()
        && !url
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || c == '\\')
}

/// Decodes what follows `data:`: `[<media type>][;<parameter>]*[;base64],<data>`.
fn decode_data_uri(rest: &str) -> Result<ImportedImage, ImportError> {
    let Some((header, data)) = rest.split_once(',') else {
        return Err(ImportError::BadImageData(
            "there is no comma before the data".to_owned(),
        ));
    };
    let mut parts = header.split(';');
    let media_type = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
    let is_base64 = parts.any(|p| p.trim().eq_ignore_ascii_case("base64"));
    let media_type = if media_type.is_empty() {
        "text/plain".to_owned()
    } else {
        media_type
    };
    if media_type != "image/png" && media_type != "image/svg+xml" {
        return Err(ImportError::UnsupportedImageType {
            media_type: quote(&media_type),
        });
    }
    let encoded = percent_decode(data.as_bytes());
    let bytes = if is_base64 {
        let compact: Vec<u8> = encoded
            .into_iter()
            .filter(|b| !b.is_ascii_whitespace())
            .collect();
        let engine = GeneralPurpose::new(
            &alphabet::STANDARD,
            GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
        );
        engine
            .decode(&compact)
            .map_err(|e| ImportError::BadImageData(format!("the base64 data is invalid ({e})")))?
    } else {
        encoded
    };
    if bytes.len() > MAX_IMAGE_BYTES {
        return Err(ImportError::ImageTooLarge {
            bytes: bytes.len(),
            limit: MAX_IMAGE_BYTES,
        });
    }
    let fits = if media_type == "image/png" {
        bytes.starts_with(b"\x89PNG\r\n\x1a\n")
    } else {
        std::str::from_utf8(&bytes).is_ok_and(|svg| svg.contains("<svg"))
    };
    if !fits {
        let what = if media_type == "image/png" {
            "a PNG image"
        } else {
            "an SVG image"
        };
        return Err(ImportError::BadImageData(format!(
            "it says {media_type}, but the data is not {what}"
        )));
    }
    Ok(ImportedImage::Data { media_type, bytes })
}

/// `%XX` sequences to bytes; anything else, a lone `%` included, as is.
fn percent_decode(input: &[u8]) -> Vec<u8> {
    fn hex(b: u8) -> Option<u8> {
        match b {
            b'0'..=b'9' => Some(b - b'0'),
            b'a'..=b'f' => Some(b - b'a' + 10),
            b'A'..=b'F' => Some(b - b'A' + 10),
            _ => None,
        }
    }
    let mut out = Vec::with_capacity(input.len());
    let mut i = 0;
    while i < input.len() {
        let decoded = match input.get(i..i + 3) {
            Some(&[b'%', high, low]) => hex(high).zip(hex(low)).map(|(h, l)| (h << 4) | l),
            _ => None,
        };
        match decoded {
            Some(byte) => {
                out.push(byte);
                i += 3;
            }
            None => {
                out.push(input[i]);
                i += 1;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_decoding_leaves_stray_percent_signs() {
        assert_eq!(percent_decode(b"%3Csvg%3e"), b"<svg>");
        assert_eq!(percent_decode(b"100%"), b"100%");
        assert_eq!(percent_decode(b"%zz%4"), b"%zz%4");
    }

    #[test]
    fn only_http_and_https_urls_with_a_host_are_web_urls() {
        assert!(is_web_url("https://example.org/a?b#c"));
        assert!(is_web_url("HTTP://example.org"));
        assert!(!is_web_url("https://"));
        assert!(!is_web_url("https:///path"));
        assert!(!is_web_url("javascript:alert(1)"));
        assert!(!is_web_url("urn:uuid:1"));
        assert!(!is_web_url("https://example.org/a b"));
        assert!(!is_web_url("https://example.org\\@evil.example"));
    }

    #[test]
    fn text_comes_from_strings_value_objects_language_maps_and_arrays() {
        let text = |v: Value| text_of(&v).map(|t| t.map(str::to_owned));
        assert_eq!(text(serde_json::json!("a")), Ok(Some("a".into())));
        assert_eq!(
            text(serde_json::json!({"@value": "b", "@language": "en"})),
            Ok(Some("b".into()))
        );
        assert_eq!(
            text(serde_json::json!({"nl": "c", "en": "d"})),
            Ok(Some("c".into()))
        );
        assert_eq!(text(serde_json::json!([null, "e"])), Ok(Some("e".into())));
        assert_eq!(text(serde_json::json!([])), Ok(None));
        assert_eq!(text(serde_json::json!(3)), Err(()));
        assert_eq!(text(serde_json::json!([[[[["deep"]]]]])), Err(()));
    }

    #[test]
    fn image_debug_output_does_not_dump_the_bytes() {
        let image = ImportedImage::Data {
            media_type: "image/png".into(),
            bytes: vec![0; 5000],
        };
        assert_eq!(
            format!("{image:?}"),
            "Data { media_type: \"image/png\", bytes: <5000 bytes> }"
        );
    }
}
