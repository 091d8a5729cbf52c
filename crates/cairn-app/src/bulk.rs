//! Bulk awards: an organization's administrators award a published
//! micro-credential to many people from a CSV file (email, name, the day it
//! was earned, an optional evidence URL and narrative).
//!
//! A **check** reads the whole file and reports every problem row by row
//! (row number, column, a sentence to act on) and who already holds the
//! badge, writing nothing. A **real run** checks the same way and, when no
//! row has a problem, stores the import and its rows in one transaction
//! with a job (`bulk.award`). The job issues the rows in file order through
//! the one issuing path, each under the key `bulk:<achievement>:<email>`,
//! and marks each row issued in the same transaction as its award — so
//! running the same file twice awards nobody twice, and a job whose worker
//! died continues where it stopped. The job renews a short lease on itself
//! as it goes (another worker takes it over half a minute after a crash)
//! and hands over to the queue every few seconds, so the emails it queues
//! go out while it works.
//!
//! People whose address is a verified address of an account get the award
//! on that account; others get it on their address alone, with an email
//! that invites them to sign up, and the award joins their account when
//! they verify the address ([`App::attach_awards_to`]).

use crate::accounts::Principal;
use crate::issuing::{NewAward, Origin, Prepared};
use crate::{App, AppError, AppResult, RequestMeta};
use cairn_credentials::ob3;
use cairn_domain::account::{EmailAddress, EmailError};
use cairn_domain::achievement::AchievementStatus;
use cairn_domain::award::AwardSource;
use cairn_domain::policy::Action;
use cairn_domain::{AchievementId, BulkImportId, BulkRowId, JobId, UserId};
use cairn_store::achievements::{Achievement, AchievementVersion};
use cairn_store::bulk::{BulkImport, BulkRow, Channel, ImportStatus, RowCounts, RowStatus};
use cairn_store::jobs::{Job, NewJob};
use cairn_store::organizations::Organization;
use cairn_store::{Repos, StoreError, Tx};
use chrono::{DateTime, Months, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::fmt;
use std::time::{Duration, Instant};

/// The job that issues the rows of a bulk award.
pub const BULK_JOB: &str = "bulk.award";

/// The largest file accepted.
pub const MAX_FILE_BYTES: usize = 5 * 1024 * 1024;
/// The most people in one file.
pub const MAX_ROWS: u32 = 50_000;
/// The longest name (as awards store it).
pub const MAX_NAME_CHARS: usize = 200;
/// The longest narrative.
pub const MAX_NARRATIVE_CHARS: usize = 5_000;
/// The longest evidence URL.
pub const MAX_URL_CHARS: usize = 2_000;

/// What a row of someone who already holds the badge says.
pub const ALREADY_AWARDED: &str = "Already awarded to this person: will be skipped.";

/// Rows read and issued at a time.
const BATCH: u64 = 25;
/// How long the job's claim lasts without renewal: a worker that dies
/// mid-import loses the job this long after its last batch.
const LEASE: chrono::Duration = chrono::Duration::seconds(30);
/// How long one run of the job works before it queues its continuation
/// (so the emails it queued are sent meanwhile).
const SLICE: Duration = Duration::from_secs(10);
/// How many skipped or failed rows an import's page lists.
const LISTED_ROWS: u64 = 500;

/// A column of the file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Column {
    Email,
    Name,
    Date,
    EvidenceUrl,
    Narrative,
}

impl Column {
    pub const ALL: [Column; 5] = [
        Column::Email,
        Column::Name,
        Column::Date,
        Column::EvidenceUrl,
        Column::Narrative,
    ];

    /// How people call it (and how the header row names it).
    pub const fn label(self) -> &'static str {
        match self {
            Column::Email => "email",
            Column::Name => "name",
            Column::Date => "date",
            Column::EvidenceUrl => "evidence URL",
            Column::Narrative => "narrative",
        }
    }

    /// Whether every row needs a value.
    const fn required(self) -> bool {
        matches!(self, Column::Email | Column::Name | Column::Date)
    }

    /// The column a header cell names, read loosely: case, spaces and
    /// punctuation do not matter, and a few usual synonyms are accepted.
    fn of_header(text: &str) -> Option<Column> {
        let folded: String = text
            .chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .collect();
        Some(match folded.as_str() {
            "email" | "emailaddress" | "mail" | "recipientemail" => Column::Email,
            "name" | "fullname" | "earnername" | "recipientname" | "recipient" => Column::Name,
            "date" | "dateearned" | "earned" | "earnedon" | "earnedat" | "awardedon"
            | "dateawarded" | "issuedon" => Column::Date,
            "evidenceurl" | "evidence" | "evidencelink" | "url" | "link" => Column::EvidenceUrl,
            "narrative" | "evidencenarrative" | "notes" | "note" => Column::Narrative,
            _ => return None,
        })
    }
}

/// Something found in the file: where, and what to do about it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// The row as a spreadsheet numbers it (the header is row 1); `None`
    /// for the file as a whole.
    pub row: Option<u32>,
    pub column: Option<Column>,
    pub message: String,
    /// Whether it stops the award. A person who holds the badge already is
    /// not blocking: the real run skips them.
    pub blocking: bool,
}

impl Problem {
    fn file(message: impl Into<String>) -> Self {
        Self {
            row: None,
            column: None,
            message: message.into(),
            blocking: true,
        }
    }
    fn at(row: u32, column: Option<Column>, message: impl Into<String>) -> Self {
        Self {
            row: Some(row),
            column,
            message: message.into(),
            blocking: true,
        }
    }
    fn notice(row: Option<u32>, column: Option<Column>, message: impl Into<String>) -> Self {
        Self {
            row,
            column,
            message: message.into(),
            blocking: false,
        }
    }

    /// "Row 4, date", "Row 4", or "The file".
    pub fn location(&self) -> String {
        match (self.row, self.column) {
            (Some(row), Some(column)) => format!("Row {row}, {}", column.label()),
            (Some(row), None) => format!("Row {row}"),
            (None, Some(column)) => format!("The {} column", column.label()),
            (None, None) => "The file".to_owned(),
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.location(), self.message)
    }
}

/// One person of the file, checked.
#[derive(Clone, Debug)]
struct Entry {
    line: u32,
    /// Lower-cased.
    email: String,
    name: String,
    earned_at: DateTime<Utc>,
    evidence_url: Option<String>,
    narrative: Option<String>,
    /// Holds the badge already.
    already: bool,
}

/// What reading the file gave.
#[derive(Debug, Default)]
struct Parsed {
    /// Rows with values (blank rows are not counted).
    rows: u32,
    /// The rows without a blocking problem.
    entries: Vec<Entry>,
    problems: Vec<Problem>,
}

/// The columns a file has, as the header names them.
const COLUMNS_HINT: &str = "email, name, date (YYYY-MM-DD), evidence URL, narrative";

/// Reads and checks a file, row by row. `today` is the last day a row may
/// give; `valid_months` is how long the badge lasts (for the notice about
/// badges that would be issued expired).
fn parse_file(bytes: &[u8], today: NaiveDate, valid_months: Option<u32>) -> Parsed {
    let mut out = Parsed::default();
    if bytes.len() > MAX_FILE_BYTES {
        out.problems.push(Problem::file(
            "The file is larger than 5 MiB. Split it into smaller files.",
        ));
        return out;
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            let line = bytes[..e.valid_up_to()]
                .iter()
                .filter(|b| **b == b'\n')
                .count()
                + 1;
            out.problems.push(Problem::file(format!(
                "Row {line} is not UTF-8 text. Save the file as “CSV UTF-8” (in Excel: Save As → CSV UTF-8) and try again."
            )));
            return out;
        }
    };
    if text.trim().is_empty() {
        out.problems.push(Problem::file(format!(
            "The file is empty. Its first row names the columns — {COLUMNS_HINT} — and each row after it is one person."
        )));
        return out;
    }
    // One line ending throughout: CRLF and CR files read like LF ones, and
    // a narrative's line breaks are stored the same whatever saved it.
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .delimiter(delimiter_of(&text))
        .from_reader(text.as_bytes());
    let mut rows = RowNumbers::new(&text);
    let mut columns: Vec<Option<Column>> = Vec::new();
    let mut header_seen = false;
    let mut first_row: HashMap<String, u32> = HashMap::new();
    for record in reader.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let at = e
                    .position()
                    .map_or_else(String::new, |p| format!(" at row {}", p.line()));
                out.problems.push(Problem::file(format!(
                    "The file could not be read as CSV{at}: {e}."
                )));
                return out;
            }
        };
        let line = rows.of(&record);
        if record.iter().all(str::is_empty) {
            continue;
        }
        if !header_seen {
            header_seen = true;
            columns = read_header(&record, &mut out.problems);
            if out.problems.iter().any(|p| p.blocking) {
                return out;
            }
            continue;
        }
        out.rows += 1;
        if out.rows > MAX_ROWS {
            out.problems.push(Problem::file(format!(
                "The file has more than {MAX_ROWS} people. Split it into smaller files."
            )));
            out.entries.clear();
            return out;
        }
        if let Some(entry) = read_row(
            line,
            &record,
            &columns,
            today,
            valid_months,
            &mut out.problems,
        ) {
            match first_row.get(&entry.email) {
                Some(first) => out.problems.push(Problem::at(
                    line,
                    Some(Column::Email),
                    format!(
                        "{} is also on row {first}. Give each person once.",
                        entry.email
                    ),
                )),
                None => {
                    first_row.insert(entry.email.clone(), line);
                    out.entries.push(entry);
                }
            }
        }
    }
    if !header_seen || out.rows == 0 {
        out.problems.push(Problem::file(format!(
            "The file names no one. After the header row ({COLUMNS_HINT}), give one row per person."
        )));
    }
    out
}

/// The row number of each record as a spreadsheet shows it: its line in
/// the file, less the line breaks inside quoted values before it (blank
/// lines count, as a spreadsheet shows them as empty rows).
struct RowNumbers<'a> {
    text: &'a str,
    /// Where the last record started, and its line.
    at: usize,
    line: usize,
    /// Line breaks inside the values of the records read.
    inside: usize,
}

impl<'a> RowNumbers<'a> {
    fn new(text: &'a str) -> Self {
        Self {
            text,
            at: 0,
            line: 1,
            inside: 0,
        }
    }

    /// The row of the next record (call once per record, in order).
    fn of(&mut self, record: &csv::StringRecord) -> u32 {
        // The reader's position can point at the line break before a
        // record (after a skipped blank line): the record starts after it.
        let mut start = record
            .position()
            .map_or(self.at, |p| usize::try_from(p.byte()).unwrap_or(self.at))
            .max(self.at);
        let bytes = self.text.as_bytes();
        while bytes.get(start) == Some(&b'\n') {
            start += 1;
        }
        self.line += bytes[self.at..start.min(bytes.len())]
            .iter()
            .filter(|b| **b == b'\n')
            .count();
        self.at = start.min(bytes.len());
        let row = self.line - self.inside;
        self.inside += record
            .iter()
            .map(|v| v.matches('\n').count())
            .sum::<usize>();
        u32::try_from(row).unwrap_or(u32::MAX)
    }
}

/// The separator of a file: a comma, unless the header row is clearly
/// separated by semicolons or tabs (as spreadsheets in some languages save).
fn delimiter_of(text: &str) -> u8 {
    let header = text.lines().next().unwrap_or_default();
    let count = |c: char| header.matches(c).count();
    let (commas, semicolons, tabs) = (count(','), count(';'), count('\t'));
    if tabs > commas && tabs >= semicolons {
        b'\t'
    } else if semicolons > commas {
        b';'
    } else {
        b','
    }
}

fn read_header(record: &csv::StringRecord, problems: &mut Vec<Problem>) -> Vec<Option<Column>> {
    let columns: Vec<Option<Column>> = record.iter().map(Column::of_header).collect();
    if columns.iter().all(Option::is_none) {
        problems.push(Problem::file(format!(
            "The first row must name the columns: {COLUMNS_HINT}. It reads “{}”.",
            record.iter().collect::<Vec<_>>().join(", ")
        )));
        return columns;
    }
    let mut seen: HashMap<Column, usize> = HashMap::new();
    for (i, (cell, column)) in record.iter().zip(&columns).enumerate() {
        if let Some(c) = *column {
            if let Some(first) = seen.get(&c) {
                problems.push(Problem::file(format!(
                    "Columns {} and {} are both the {} column. Keep one.",
                    first + 1,
                    i + 1,
                    c.label()
                )));
            } else {
                seen.insert(c, i);
            }
        } else if !cell.is_empty() {
            problems.push(Problem::notice(
                Some(1),
                None,
                format!("The column “{cell}” is not used; it is ignored."),
            ));
        }
    }
    for c in Column::ALL {
        if c.required() && !seen.contains_key(&c) {
            problems.push(Problem::file(format!(
                "There is no {} column. The first row names the columns: {COLUMNS_HINT}.",
                c.label()
            )));
        }
    }
    columns
}

/// Checks one row; the entry when nothing blocks it.
fn read_row(
    line: u32,
    record: &csv::StringRecord,
    columns: &[Option<Column>],
    today: NaiveDate,
    valid_months: Option<u32>,
    problems: &mut Vec<Problem>,
) -> Option<Entry> {
    let before = problems.iter().filter(|p| p.blocking).count();
    let extra = record
        .iter()
        .skip(columns.len())
        .filter(|v| !v.is_empty())
        .count();
    if extra > 0 {
        problems.push(Problem::at(
            line,
            None,
            format!(
                "This row has more values than the header has columns ({}). A value with a comma in it needs quotes around it.",
                columns.len()
            ),
        ));
    }
    let value = |c: Column| -> &str {
        columns
            .iter()
            .position(|x| *x == Some(c))
            .and_then(|i| record.get(i))
            .unwrap_or_default()
    };
    let email = match EmailAddress::parse(value(Column::Email)) {
        Ok(e) => Some(e.as_str().to_owned()),
        Err(e) => {
            let message = match e {
                EmailError::Empty => "Enter the person's email address.".to_owned(),
                EmailError::TooLong => {
                    "The email address is longer than 254 characters.".to_owned()
                }
                EmailError::Malformed => format!(
                    "“{}” is not an email address like name@example.org.",
                    value(Column::Email)
                ),
            };
            problems.push(Problem::at(line, Some(Column::Email), message));
            None
        }
    };
    let name = value(Column::Name);
    if name.is_empty() {
        problems.push(Problem::at(
            line,
            Some(Column::Name),
            "Enter the person's name, as the badge should show it.",
        ));
    } else if name.chars().count() > MAX_NAME_CHARS {
        problems.push(Problem::at(
            line,
            Some(Column::Name),
            format!("The name is longer than {MAX_NAME_CHARS} characters."),
        ));
    } else if name.chars().any(char::is_control) {
        problems.push(Problem::at(
            line,
            Some(Column::Name),
            "The name has a line break or another control character in it.",
        ));
    }
    let earned_at = match read_date(value(Column::Date), today) {
        Ok(date) => {
            if let Some(months) = valid_months
                && let Some(end) = date.checked_add_months(Months::new(months))
                && end <= today
            {
                problems.push(Problem::notice(
                    Some(line),
                    Some(Column::Date),
                    format!(
                        "Earned on {date} and valid for {months} months, the badge will show as expired (since {end})."
                    ),
                ));
            }
            Some(date.and_time(chrono::NaiveTime::MIN).and_utc())
        }
        Err(message) => {
            problems.push(Problem::at(line, Some(Column::Date), message));
            None
        }
    };
    let url = value(Column::EvidenceUrl);
    let evidence_url = if url.is_empty() {
        None
    } else if url.chars().count() > MAX_URL_CHARS {
        problems.push(Problem::at(
            line,
            Some(Column::EvidenceUrl),
            format!("The evidence URL is longer than {MAX_URL_CHARS} characters."),
        ));
        None
    } else {
        match url::Url::parse(url) {
            Ok(u) if matches!(u.scheme(), "http" | "https") && u.host().is_some() => {
                Some(u.to_string())
            }
            _ => {
                problems.push(Problem::at(
                    line,
                    Some(Column::EvidenceUrl),
                    format!(
                        "“{url}” is not a web address: the evidence URL starts with https:// or http://."
                    ),
                ));
                None
            }
        }
    };
    let narrative = value(Column::Narrative);
    let length = narrative.chars().count();
    if length > MAX_NARRATIVE_CHARS {
        problems.push(Problem::at(
            line,
            Some(Column::Narrative),
            format!(
                "The narrative is {length} characters long; the most is {MAX_NARRATIVE_CHARS}."
            ),
        ));
    }
    if problems.iter().filter(|p| p.blocking).count() > before {
        return None;
    }
    Some(Entry {
        line,
        email: email?,
        name: name.to_owned(),
        earned_at: earned_at?,
        evidence_url,
        narrative: (!narrative.is_empty()).then(|| narrative.to_owned()),
        already: false,
    })
}

/// A date as the file gives it: `YYYY-MM-DD` (a time after it, as some
/// spreadsheets add, is ignored), not after `today`.
fn read_date(text: &str, today: NaiveDate) -> Result<NaiveDate, String> {
    if text.is_empty() {
        return Err("Enter the day it was earned, like 2026-03-14.".to_owned());
    }
    let day = match text.char_indices().nth(10) {
        Some((at, 'T' | ' ')) => &text[..at],
        _ => text,
    };
    let date = NaiveDate::parse_from_str(day, "%Y-%m-%d")
        .map_err(|_| format!("“{text}” is not a date like 2026-03-14 (year, month, day)."))?;
    if date > today {
        return Err(format!(
            "{date} is in the future (today is {today}, UTC). Give the day it was earned."
        ));
    }
    Ok(date)
}

/// The idempotency key of a bulk award of `achievement` to `email`.
pub fn issue_key(achievement: AchievementId, email: &str) -> String {
    format!("bulk:{achievement}:{}", email.to_lowercase())
}

/// Who asks for a bulk award.
#[derive(Clone, Copy, Debug)]
pub enum Requester<'a> {
    /// A signed-in person, who must administer the organization.
    Person(&'a Principal),
    /// The platform's operator at the command line (`cairn award import`),
    /// who holds the database and its secrets already.
    Operator,
}

impl Requester<'_> {
    fn user(&self) -> Option<UserId> {
        match self {
            Requester::Person(p) => Some(p.user.id),
            Requester::Operator => None,
        }
    }
}

/// What a check of a file found.
#[derive(Clone, Debug)]
pub struct BulkCheck {
    pub organization: Organization,
    pub achievement: Achievement,
    /// The version that would be awarded.
    pub version: u32,
    /// People in the file.
    pub rows: u32,
    /// People the real run would award.
    pub to_award: u32,
    /// People who hold the badge already (skipped by the real run).
    pub already: u32,
    /// Every problem, the file's first, then by row.
    pub problems: Vec<Problem>,
}

impl BulkCheck {
    /// Whether the file can be awarded as it is.
    pub fn ok(&self) -> bool {
        !self.problems.iter().any(|p| p.blocking)
    }
    /// The problems that stop the award.
    pub fn errors(&self) -> impl Iterator<Item = &Problem> {
        self.problems.iter().filter(|p| p.blocking)
    }
    /// The notices (skipped people, ignored columns, expired badges).
    pub fn notices(&self) -> impl Iterator<Item = &Problem> {
        self.problems.iter().filter(|p| !p.blocking)
    }
}

/// The answer of a real run.
#[derive(Clone, Debug)]
pub enum Started {
    /// The import is stored and its job queued.
    Started(BulkImport),
    /// The file has problems; nothing was written.
    Refused(Box<BulkCheck>),
}

/// A file to award from.
#[derive(Clone, Copy, Debug)]
pub struct BulkFile<'a> {
    pub bytes: &'a [u8],
    /// Its name, as uploaded (shown in the list of imports).
    pub file_name: Option<&'a str>,
}

/// An import as its page shows it.
#[derive(Clone, Debug)]
pub struct ImportView {
    pub organization: Organization,
    pub achievement: Achievement,
    pub import: BulkImport,
    pub counts: RowCounts,
    /// Rows that could not be issued, with the reason (the first 500).
    pub failed: Vec<BulkRow>,
    /// Rows of people who held the badge already (the first 500).
    pub skipped: Vec<BulkRow>,
    /// The name of who started it; `None` for the command line.
    pub started_by: Option<String>,
}

impl ImportView {
    /// Whether rows are still being issued.
    pub fn running(&self) -> bool {
        self.import.status == ImportStatus::Running
    }
}

/// One import in the organization's list.
#[derive(Clone, Debug)]
pub struct ImportSummary {
    pub import: BulkImport,
    pub title: String,
    pub counts: RowCounts,
}

/// An organization's bulk awards page: its imports, newest first, and the
/// micro-credentials it can award.
#[derive(Clone, Debug)]
pub struct BulkImports {
    pub organization: Organization,
    pub imports: Vec<ImportSummary>,
    /// Published micro-credentials, by title.
    pub achievements: Vec<Achievement>,
}

#[derive(Debug, Serialize, Deserialize)]
struct BulkJob {
    import: BulkImportId,
}

impl App {
    /// The organization, once `who` may award in bulk there.
    async fn bulk_org(&self, who: Requester<'_>, slug: &str) -> AppResult<Organization> {
        match who {
            Requester::Person(principal) => Ok(self
                .org_for(principal, slug, |roles| Action::AwardInBulk { roles })
                .await?
                .0),
            Requester::Operator => self
                .store()
                .organizations()
                .by_slug(slug)
                .await?
                .ok_or_else(|| AppError::not_found("The organization")),
        }
    }

    /// A published micro-credential of `org`, named by its id or slug, and
    /// its current version.
    async fn bulk_achievement(
        &self,
        org: &Organization,
        key: &str,
    ) -> AppResult<(Achievement, AchievementVersion)> {
        let key = key.trim();
        if key.is_empty() {
            return Err(AppError::invalid(
                "achievement",
                "Choose the micro-credential to award.",
            ));
        }
        let store = self.store();
        let found = match uuid::Uuid::parse_str(key) {
            Ok(id) => store.achievements().get(AchievementId(id)).await?,
            Err(_) => store.achievements().by_slug(org.id, key).await?,
        };
        let achievement = found
            .filter(|a| a.organization_id == org.id)
            .ok_or_else(|| AppError::not_found("The micro-credential"))?;
        if achievement.status != AchievementStatus::Published {
            return Err(AppError::invalid(
                "achievement",
                format!(
                    "“{}” is not published: only published micro-credentials can be awarded.",
                    achievement.title
                ),
            ));
        }
        let version = store
            .achievements()
            .version(achievement.current_version_id)
            .await?
            .ok_or_else(|| AppError::not_found("The version"))?;
        Ok((achievement, version))
    }

    /// Reads and checks a file against the database: who holds the badge
    /// already. Writes nothing.
    async fn check_file(
        &self,
        who: Requester<'_>,
        org: &str,
        achievement: &str,
        csv: &[u8],
    ) -> AppResult<(BulkCheck, Vec<Entry>, AchievementVersion)> {
        let organization = self.bulk_org(who, org).await?;
        let (achievement, version) = self.bulk_achievement(&organization, achievement).await?;
        let today = self.now().date_naive();
        let mut parsed = parse_file(csv, today, version.fields.valid_months);
        let emails: Vec<String> = parsed.entries.iter().map(|e| e.email.clone()).collect();
        let keys: Vec<String> = emails
            .iter()
            .map(|e| issue_key(achievement.id, e))
            .collect();
        let store = self.store();
        let held = store.bulk().holders(achievement.id, &emails).await?;
        let used = store.bulk().keys_used(&keys).await?;
        for (entry, key) in parsed.entries.iter_mut().zip(&keys) {
            if held.contains(&entry.email) || used.contains(key) {
                entry.already = true;
                parsed.problems.push(Problem::notice(
                    Some(entry.line),
                    Some(Column::Email),
                    ALREADY_AWARDED,
                ));
            }
        }
        parsed.problems.sort_by_key(|p| p.row.unwrap_or(0));
        let already = parsed.entries.iter().filter(|e| e.already).count();
        let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        let check = BulkCheck {
            organization,
            version: version.number,
            achievement,
            rows: parsed.rows,
            to_award: count(parsed.entries.len() - already),
            already: count(already),
            problems: parsed.problems,
        };
        Ok((check, parsed.entries, version))
    }

    /// Checks a file without writing anything: every problem row by row,
    /// and who would be skipped as holding the badge already.
    pub async fn check_bulk_award(
        &self,
        who: Requester<'_>,
        org: &str,
        achievement: &str,
        csv: &[u8],
    ) -> AppResult<BulkCheck> {
        Ok(self.check_file(who, org, achievement, csv).await?.0)
    }

    /// Awards a micro-credential to the people of a file: checks it as
    /// [`App::check_bulk_award`] does and, when no row has a problem,
    /// stores the import, its rows and the job that issues them in one
    /// transaction.
    pub async fn start_bulk_award(
        &self,
        who: Requester<'_>,
        org: &str,
        achievement: &str,
        file: BulkFile<'_>,
        channel: Channel,
        meta: &RequestMeta,
    ) -> AppResult<Started> {
        let (check, entries, version) = self.check_file(who, org, achievement, file.bytes).await?;
        if !check.ok() {
            return Ok(Started::Refused(Box::new(check)));
        }
        let now = self.now();
        let id = BulkImportId(App::new_id());
        let waiting = check.to_award > 0;
        let import = BulkImport {
            id,
            organization_id: check.organization.id,
            achievement_id: check.achievement.id,
            version_id: version.id,
            created_by: who.user(),
            channel,
            file_name: file.file_name.map(|name| {
                name.rsplit(['/', '\\'])
                    .next()
                    .unwrap_or_default()
                    .chars()
                    .filter(|c| !c.is_control())
                    .take(255)
                    .collect()
            }),
            total_rows: check.rows,
            status: if waiting {
                ImportStatus::Running
            } else {
                ImportStatus::Done
            },
            created_at: now,
            finished_at: (!waiting).then_some(now),
        };
        let rows: Vec<BulkRow> = entries
            .into_iter()
            .map(|e| BulkRow {
                id: BulkRowId(App::new_id()),
                import_id: id,
                line: e.line,
                email: e.email,
                name: e.name,
                earned_at: e.earned_at,
                evidence_url: e.evidence_url,
                narrative: e.narrative,
                status: if e.already {
                    RowStatus::Skipped
                } else {
                    RowStatus::Pending
                },
                message: e.already.then(|| ALREADY_AWARDED.to_owned()),
                award_id: None,
                updated_at: now,
            })
            .collect();
        let tx = self.store().begin().await?;
        tx.bulk().insert_import(&import).await?;
        tx.bulk().insert_rows(&rows).await?;
        if waiting {
            self.enqueue_bulk(&tx, id, &format!("bulk:{id}")).await?;
        }
        self.audit(
            &tx,
            meta,
            who.user(),
            Some(check.organization.id),
            "bulk.started",
            serde_json::json!({
                "import": id,
                "achievement": check.achievement.id,
                "rows": check.rows,
                "to_award": check.to_award,
                "already": check.already,
                "channel": channel.as_str(),
            }),
        )
        .await?;
        tx.commit().await?;
        self.wake_worker();
        Ok(Started::Started(import))
    }

    async fn enqueue_bulk(&self, tx: &Tx, import: BulkImportId, dedupe: &str) -> AppResult<()> {
        let payload =
            serde_json::to_value(BulkJob { import }).map_err(|e| AppError::Internal(e.into()))?;
        let now = self.now();
        tx.jobs()
            .enqueue(NewJob {
                id: JobId(App::new_id()),
                kind: BULK_JOB,
                payload,
                dedupe_key: Some(dedupe),
                run_at: now,
                max_attempts: 10,
                now,
            })
            .await?;
        Ok(())
    }

    /// An import with its counts and the rows skipped or failed.
    pub async fn bulk_import(
        &self,
        who: Requester<'_>,
        org: &str,
        id: BulkImportId,
    ) -> AppResult<ImportView> {
        let organization = self.bulk_org(who, org).await?;
        let store = self.store();
        let import = store
            .bulk()
            .import(id)
            .await?
            .filter(|i| i.organization_id == organization.id)
            .ok_or_else(|| AppError::not_found("The bulk award"))?;
        let achievement = store
            .achievements()
            .get(import.achievement_id)
            .await?
            .ok_or_else(|| AppError::not_found("The micro-credential"))?;
        let counts = store
            .bulk()
            .counts(&[id])
            .await?
            .remove(&id)
            .unwrap_or_default();
        let failed = store
            .bulk()
            .rows(id, RowStatus::Failed, 0, LISTED_ROWS)
            .await?;
        let skipped = store
            .bulk()
            .rows(id, RowStatus::Skipped, 0, LISTED_ROWS)
            .await?;
        let started_by = match import.created_by {
            Some(user) => store.users().get(user).await?.map(|u| u.display_name),
            None => None,
        };
        Ok(ImportView {
            organization,
            achievement,
            import,
            counts,
            failed,
            skipped,
            started_by,
        })
    }

    /// An organization's bulk awards (the latest 100) and the
    /// micro-credentials it can award.
    pub async fn bulk_imports(&self, who: Requester<'_>, org: &str) -> AppResult<BulkImports> {
        let organization = self.bulk_org(who, org).await?;
        let store = self.store();
        let imports = store.bulk().imports_of(organization.id, 100).await?;
        let ids: Vec<BulkImportId> = imports.iter().map(|i| i.id).collect();
        let mut counts = store.bulk().counts(&ids).await?;
        let achievements = store
            .achievements()
            .list_for_organization(organization.id, &[AchievementStatus::Published])
            .await?;
        let title_of: HashMap<AchievementId, String> = store
            .achievements()
            .list_for_organization(
                organization.id,
                &[AchievementStatus::Published, AchievementStatus::Archived],
            )
            .await?
            .into_iter()
            .map(|a| (a.id, a.title))
            .collect();
        let imports = imports
            .into_iter()
            .map(|import| ImportSummary {
                title: title_of
                    .get(&import.achievement_id)
                    .cloned()
                    .unwrap_or_default(),
                counts: counts.remove(&import.id).unwrap_or_default(),
                import,
            })
            .collect();
        Ok(BulkImports {
            organization,
            imports,
            achievements,
        })
    }

    pub(crate) async fn run_bulk_job(&self, job: &Job) -> anyhow::Result<serde_json::Value> {
        let BulkJob { import } = serde_json::from_value(job.payload.clone())?;
        let finished = self.work_on_import(import, job.id).await?;
        Ok(serde_json::json!({ "import": import, "finished": finished }))
    }

    /// Keeps the job's claim for another lease; `false` when it is not
    /// this worker's any more.
    async fn renew_lease(&self, job: JobId) -> AppResult<bool> {
        Ok(self
            .store()
            .jobs()
            .renew_lease(job, self.now() + LEASE)
            .await?)
    }

    /// Issues the pending rows of an import, in file order, for one slice
    /// of time; queues the next slice when rows are left. Returns whether
    /// the import is finished.
    async fn work_on_import(&self, id: BulkImportId, job: JobId) -> AppResult<bool> {
        let started = Instant::now();
        if !self.renew_lease(job).await? {
            return Ok(false);
        }
        let store = self.store();
        let import = store
            .bulk()
            .import(id)
            .await?
            .ok_or_else(|| AppError::not_found("The bulk award"))?;
        if import.status == ImportStatus::Done {
            return Ok(true);
        }
        let organization = store
            .organizations()
            .get(import.organization_id)
            .await?
            .ok_or_else(|| AppError::not_found("The organization"))?;
        let achievement = store
            .achievements()
            .get(import.achievement_id)
            .await?
            .ok_or_else(|| AppError::not_found("The micro-credential"))?;
        let version = store
            .achievements()
            .version(import.version_id)
            .await?
            .ok_or_else(|| AppError::not_found("The version"))?;
        let prepared = self
            .prepare_issue(organization.id, &achievement, &version)
            .await?;
        let target = Target {
            organization: &organization,
            achievement: &achievement,
            version: &version,
            prepared: &prepared,
        };
        let mut after = 0;
        loop {
            let rows = store
                .bulk()
                .rows(id, RowStatus::Pending, after, BATCH)
                .await?;
            let Some(last) = rows.last() else { break };
            after = last.line;
            self.issue_rows(&target, rows).await?;
            if !self.renew_lease(job).await? {
                return Ok(false);
            }
            if started.elapsed() > SLICE {
                let tx = store.begin().await?;
                self.enqueue_bulk(&tx, id, &format!("bulk:{id}:after:{after}"))
                    .await?;
                tx.commit().await?;
                return Ok(false);
            }
        }
        let tx = store.begin().await?;
        if tx.bulk().finish(id, self.now()).await? {
            let counts = tx
                .bulk()
                .counts(&[id])
                .await?
                .remove(&id)
                .unwrap_or_default();
            self.audit(
                &tx,
                &RequestMeta::default(),
                None,
                Some(organization.id),
                "bulk.finished",
                serde_json::json!({
                    "import": id,
                    "issued": counts.issued,
                    "skipped": counts.skipped,
                    "failed": counts.failed,
                }),
            )
            .await?;
        }
        tx.commit().await?;
        Ok(true)
    }

    /// Issues a batch of rows: those whose person holds the badge by now
    /// are skipped, the others issued (each row settled with its award in
    /// the award's transaction), and a row that cannot be issued is marked
    /// failed with the reason. An outage (database, disk) stops the batch
    /// with the rows left pending, for the job's next attempt.
    async fn issue_rows(&self, t: &Target<'_>, rows: Vec<BulkRow>) -> AppResult<()> {
        let store = self.store();
        let emails: Vec<String> = rows.iter().map(|r| r.email.clone()).collect();
        let keys: Vec<String> = emails
            .iter()
            .map(|e| issue_key(t.achievement.id, e))
            .collect();
        let owners = store.bulk().verified_owners(&emails).await?;
        let held = store.bulk().holders(t.achievement.id, &emails).await?;
        let used = store.bulk().keys_used(&keys).await?;
        for (row, key) in rows.into_iter().zip(keys) {
            if held.contains(&row.email) || used.contains(&key) {
                store
                    .bulk()
                    .settle(
                        row.id,
                        RowStatus::Skipped,
                        None,
                        Some(ALREADY_AWARDED),
                        self.now(),
                    )
                    .await?;
                continue;
            }
            let mut evidence = Vec::new();
            if row.evidence_url.is_some() || row.narrative.is_some() {
                let mut item = ob3::Evidence::named("Evidence");
                item.id.clone_from(&row.evidence_url);
                item.narrative.clone_from(&row.narrative);
                evidence.push(item);
            }
            let award = NewAward {
                issue_key: key,
                organization: t.organization.clone(),
                achievement: t.achievement.clone(),
                version: t.version.clone(),
                user_id: owners.get(&row.email).copied(),
                recipient_email: row.email.clone(),
                earner_name: row.name.clone(),
                issued_at: Some(row.earned_at),
                results: Vec::new(),
                evidence,
                source: AwardSource::Bulk,
                origin: Origin::Bulk { row: row.id },
            };
            let mut outcome = self.issue_prepared(award.clone(), t.prepared).await;
            if outcome.as_ref().is_err_and(is_outage) {
                tokio::time::sleep(Duration::from_millis(500)).await;
                outcome = self.issue_prepared(award, t.prepared).await;
            }
            match outcome {
                // Issued here (the row is settled with it), or found under
                // its key: issued meanwhile by another run, which settled
                // the row, or for someone else's import of the same person.
                Ok(award) => {
                    let still_pending = store
                        .bulk()
                        .row(row.id)
                        .await?
                        .is_some_and(|r| r.status == RowStatus::Pending);
                    if still_pending {
                        store
                            .bulk()
                            .settle(
                                row.id,
                                RowStatus::Skipped,
                                Some(award),
                                Some(ALREADY_AWARDED),
                                self.now(),
                            )
                            .await?;
                    }
                }
                // The key was taken, or the row settled, between the
                // checks and the write.
                Err(AppError::Conflict { .. }) => {
                    store
                        .bulk()
                        .settle(
                            row.id,
                            RowStatus::Skipped,
                            None,
                            Some(ALREADY_AWARDED),
                            self.now(),
                        )
                        .await?;
                }
                Err(e) if is_outage(&e) => return Err(e),
                Err(e) => {
                    let message = match &e {
                        AppError::Internal(inner) => {
                            tracing::error!(row = %row.id, line = row.line, error = %format!("{inner:#}"), "a bulk award row could not be issued");
                            "It could not be issued because of an error on the server (recorded in the server's log)."
                                .to_owned()
                        }
                        other => other.to_string(),
                    };
                    store
                        .bulk()
                        .settle(row.id, RowStatus::Failed, None, Some(&message), self.now())
                        .await?;
                }
            }
        }
        Ok(())
    }

    /// Gives an account the awards sent to one of its addresses before it
    /// had one (bulk awards to people without an account), once the
    /// address is verified, and tells the person. Run it in the
    /// verification's transaction.
    pub(crate) async fn attach_awards_to(
        &self,
        tx: &Tx,
        user: UserId,
        email: &EmailAddress,
    ) -> AppResult<()> {
        let attached = tx.bulk().attach_awards(email.as_str(), user).await?;
        if attached > 0 {
            let message = if attached == 1 {
                format!("A badge awarded to {email} is now in your account.")
            } else {
                format!("{attached} badges awarded to {email} are now in your account.")
            };
            self.notify(tx, user, "awards_attached", &message, "/backpack")
                .await?;
            self.audit(
                tx,
                &RequestMeta::default(),
                Some(user),
                None,
                "awards.attached",
                serde_json::json!({ "count": attached }),
            )
            .await?;
        }
        Ok(())
    }
}

/// What the rows of one import are issued as.
struct Target<'a> {
    organization: &'a Organization,
    achievement: &'a Achievement,
    version: &'a AchievementVersion,
    prepared: &'a Prepared,
}

/// Whether an error is an outage (the database or the disk), after which
/// a row is retried later rather than marked failed.
fn is_outage(e: &AppError) -> bool {
    match e {
        AppError::Unavailable(_) => true,
        AppError::Internal(inner) => inner.chain().any(|cause| {
            cause
                .downcast_ref::<StoreError>()
                .is_some_and(|s| matches!(s, StoreError::Database(_) | StoreError::Blob(_)))
        }),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The rows of a parsed file that were accepted.
    fn lines(parsed: &Parsed) -> Vec<u32> {
        parsed.entries.iter().map(|e| e.line).collect()
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 3, 14).expect("date")
    }

    fn parse(text: &str) -> Parsed {
        parse_file(text.as_bytes(), today(), None)
    }

    fn blocking(p: &Parsed) -> Vec<String> {
        p.problems
            .iter()
            .filter(|p| p.blocking)
            .map(ToString::to_string)
            .collect()
    }

    #[test]
    fn a_clean_file_reads_every_person() {
        let p = parse(
            "email,name,date,evidence URL,narrative\nAna@Example.org,Ana Alvarez,2026-03-01,https://example.org/work,Led the unit\nbo@example.org,Bo Brown,2026-03-14,,\n",
        );
        assert_eq!(blocking(&p), Vec::<String>::new());
        assert_eq!(p.rows, 2);
        assert_eq!(p.entries.len(), 2);
        let ana = &p.entries[0];
        assert_eq!(ana.email, "ana@example.org", "lower-cased");
        assert_eq!(ana.line, 2, "the header is row 1");
        assert_eq!(ana.earned_at.to_rfc3339(), "2026-03-01T00:00:00+00:00");
        assert_eq!(
            ana.evidence_url.as_deref(),
            Some("https://example.org/work")
        );
        assert_eq!(ana.narrative.as_deref(), Some("Led the unit"));
        assert_eq!(p.entries[1].evidence_url, None);
        assert_eq!(p.entries[1].narrative, None);
    }

    #[test]
    fn files_are_read_liberally() {
        let text = "\u{feff}E-mail Address ; Full name ; Date earned;Narrative\r\n  ana@example.org ;\"Alvarez; Ana\" ; 2026-03-01T09:00:00;\"Two\r\nlines\"\r\n;;\r\n\r\nbo@example.org;\"Brown, \"\"Bo\"\"\";2026-3-2\r\ncy@example.org;Cy;2026-03-32\r\n";
        let p = parse(text);
        assert_eq!(
            blocking(&p),
            vec![
                "Row 6, date: “2026-03-32” is not a date like 2026-03-14 (year, month, day)."
                    .to_owned()
            ],
            "rows count as a spreadsheet shows them: blank rows count, line breaks in values do not"
        );
        assert_eq!(p.rows, 3, "blank rows are not people");
        assert_eq!(p.entries[0].name, "Alvarez; Ana");
        assert_eq!(p.entries[0].narrative.as_deref(), Some("Two\nlines"));
        assert_eq!(p.entries[1].name, "Brown, \"Bo\"");
        assert_eq!(lines(&p), vec![2, 5]);
        assert_eq!(
            p.entries[1].earned_at.date_naive(),
            NaiveDate::from_ymd_opt(2026, 3, 2).expect("date")
        );
    }

    #[test]
    fn every_bad_row_is_reported_with_its_row_and_column() {
        let long = "x".repeat(MAX_NARRATIVE_CHARS + 1);
        let text = format!(
            "email,name,date,evidence url,narrative\n\
             not-an-email,Ana,2026-03-01,,\n\
             bo@example.org,,2026-03-01,,\n\
             cy@example.org,Cy,14/03/2026,,\n\
             di@example.org,Di,2026-03-15,,\n\
             ed@example.org,Ed,2026-03-01,ftp://example.org/x,\n\
             fa@example.org,Fa,2026-03-01,,{long}\n\
             gu@example.org,Gu,2026-03-01,,\n\
             GU@example.org,Gu again,2026-03-01,,\n\
             ha@example.org,Ha,2026-03-01,,,surplus\n"
        );
        let p = parse(&text);
        let found: Vec<(Option<u32>, Option<Column>)> = p
            .problems
            .iter()
            .filter(|p| p.blocking)
            .map(|p| (p.row, p.column))
            .collect();
        assert_eq!(
            found,
            vec![
                (Some(2), Some(Column::Email)),
                (Some(3), Some(Column::Name)),
                (Some(4), Some(Column::Date)),
                (Some(5), Some(Column::Date)),
                (Some(6), Some(Column::EvidenceUrl)),
                (Some(7), Some(Column::Narrative)),
                (Some(9), Some(Column::Email)),
                (Some(10), None),
            ]
        );
        let text = blocking(&p).join("\n");
        for expected in [
            "Row 2, email: “not-an-email” is not an email address",
            "Row 3, name: Enter the person's name",
            "Row 4, date: “14/03/2026” is not a date like 2026-03-14",
            "Row 5, date: 2026-03-15 is in the future",
            "Row 6, evidence URL: “ftp://example.org/x” is not a web address",
            "Row 7, narrative: The narrative is 5001 characters long; the most is 5000.",
            "Row 9, email: gu@example.org is also on row 8",
            "Row 10: This row has more values than the header has columns",
        ] {
            assert!(text.contains(expected), "{expected:?} in\n{text}");
        }
        assert_eq!(lines(&p), vec![8], "only the clean row is kept");
    }

    #[test]
    fn the_header_row_is_required_and_checked() {
        let p = parse("ana@example.org,Ana,2026-03-01\n");
        assert_eq!(p.problems.len(), 1);
        assert!(
            p.problems[0]
                .to_string()
                .starts_with("The file: The first row must name the columns"),
            "{:?}",
            p.problems
        );

        let p = parse("email,name\nana@example.org,Ana\n");
        assert_eq!(blocking(&p), vec!["The file: There is no date column. The first row names the columns: email, name, date (YYYY-MM-DD), evidence URL, narrative.".to_owned()]);

        let p = parse("email,name,date,Department\nana@example.org,Ana,2026-03-01,Science\n");
        assert!(blocking(&p).is_empty());
        assert_eq!(
            p.problems[0].to_string(),
            "Row 1: The column “Department” is not used; it is ignored."
        );

        let p = parse("email,name,date,mail\n");
        assert!(blocking(&p)[0].contains("Columns 1 and 4 are both the email column"));

        let p = parse("email,name,date\n\n");
        assert!(blocking(&p)[0].contains("The file names no one"));
        assert!(blocking(&parse("  \n"))[0].contains("The file is empty"));
    }

    #[test]
    fn text_that_is_not_utf8_says_how_to_save_it() {
        let p = parse_file(
            b"email,name,date\nana@example.org,Jos\xe9,2026-03-01\n",
            today(),
            None,
        );
        assert_eq!(
            blocking(&p),
            vec!["The file: Row 2 is not UTF-8 text. Save the file as “CSV UTF-8” (in Excel: Save As → CSV UTF-8) and try again.".to_owned()]
        );
    }

    #[test]
    fn a_badge_that_would_be_issued_expired_is_a_notice() {
        let p = parse_file(
            b"email,name,date\nana@example.org,Ana,2024-01-10\nbo@example.org,Bo,2026-01-10\n",
            today(),
            Some(12),
        );
        assert!(blocking(&p).is_empty());
        assert_eq!(p.entries.len(), 2, "still awarded");
        assert_eq!(p.problems.len(), 1);
        assert_eq!(
            p.problems[0].to_string(),
            "Row 2, date: Earned on 2024-01-10 and valid for 12 months, the badge will show as expired (since 2025-01-10)."
        );
    }

    #[test]
    fn too_many_people_is_refused() {
        let mut text = String::from("email,name,date\n");
        for n in 0..=MAX_ROWS {
            text.push_str(&format!("p{n}@example.org,P,2026-01-01\n"));
        }
        let p = parse(&text);
        assert!(blocking(&p)[0].contains("more than 50000 people"));
        assert!(p.entries.is_empty());
    }

    #[test]
    fn issue_keys_ignore_case() {
        let id = AchievementId(uuid::Uuid::nil());
        assert_eq!(
            issue_key(id, "Ana@Example.org"),
            "bulk:00000000-0000-0000-0000-000000000000:ana@example.org"
        );
    }
}
