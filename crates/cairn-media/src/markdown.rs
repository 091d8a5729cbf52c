//! Learners' reflections and comment threads, written in Markdown.
//!
//! [`to_safe_html`] turns Markdown into HTML that can be placed in a page as
//! is; [`to_plain_text`] turns it into a short excerpt for notifications,
//! emails and previews.
//!
//! The Markdown is CommonMark with three GitHub extensions: tables,
//! strikethrough (`~~gone~~`) and task lists (`- [x] done`). It is parsed by
//! `pulldown-cmark`; the events are rewritten (below), written as HTML, and
//! the HTML is then cleaned by `ammonia` against an allowlist, so a mistake in
//! one step is caught by the other.
//!
//! What comes out:
//!
//! - **Elements:** `p`, `h2`–`h6`, `em`, `strong`, `del`, `code`, `pre`,
//!   `blockquote`, `ul`, `ol` (with `start`), `li`, `table`, `thead`, `tbody`,
//!   `tr`, `th`, `td`, `hr`, `br`, `a`, and `input` only as a task list's
//!   checkbox (`type="checkbox"`, always `disabled`, `checked` when done).
//!   No `style`, `class` or `id` attribute anywhere, and no other attribute
//!   than those named here and on links.
//! - **Headings move one level down** (`#` → `h2`, `##` → `h3`, …, `######`
//!   stays `h6`): the page's own title is the one `h1`, and a reflection keeps
//!   the shape of its outline under it.
//! - **Links** keep `href` (and `title`) only for `http:`, `https:` and
//!   `mailto:` URLs, and always carry `rel="nofollow noopener noreferrer
//!   ugc"` and no `target`. Any other link (`javascript:`, `data:`,
//!   relative, protocol-relative, …) is shown as its text alone. Email
//!   autolinks (`<someone@example.org>`) become `mailto:` links.
//! - **Images are shown as links** to their URL, with the description (or
//!   the URL, when there is none) as the link's text. Evidence images are
//!   uploaded and shown separately; loading a learner's arbitrary image
//!   addresses in a reviewer's browser would let anyone plant tracking
//!   pixels, so none is ever loaded from a reflection. An image inside a link
//!   is shown as its description, since links do not nest.
//! - **Raw HTML is text:** `<b>`, `<script>…</script>` and HTML blocks are
//!   shown as the characters the author typed (escaped), never as markup.
//!   Line breaks inside an HTML block are kept as `<br>`.
//! - **Tables lose column alignment**: it could only be carried by a `style`
//!   attribute, which the allowlist refuses (and the site's CSP would ignore).
//! - **Code blocks lose their language label** (`class="language-…"`).
//! - **Nesting is capped at [`MAX_NESTING`]**: block quotes, lists and
//!   emphasis opened deeper than that are flattened into their surroundings
//!   (their text stays). Parsing and cleaning take time in proportion to the
//!   input, so pathological input (thousands of `>` or `[`) stays quick.
//!
//! **Length is the caller's to check.** Both functions accept any input and
//! never fail; a form that takes Markdown should refuse more than
//! [`MAX_MARKDOWN_BYTES`] with a message the person understands, rather than
//! store something that is then cut off unexpectedly.

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::LazyLock;

use ammonia::{Builder, Url, UrlRelative};
use pulldown_cmark::{
    Alignment, CodeBlockKind, CowStr, Event, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd,
};

/// The longest Markdown a reflection or comment should hold, in bytes
/// (100 kB, about 15,000 words). Callers validate input against it; the
/// functions here work on longer input too.
pub const MAX_MARKDOWN_BYTES: usize = 100_000;

/// The deepest nesting of elements written into the HTML. Block quotes, lists
/// and emphasis that would open deeper are left out (their content stays).
pub const MAX_NESTING: usize = 32;

/// The `rel` attribute of every link: no ranking credit for what users
/// write, no access to the opening page, no referrer, and marked as user
/// content.
pub const LINK_REL: &str = "nofollow noopener noreferrer ugc";

/// URL schemes a link may use.
const URL_SCHEMES: [&str; 3] = ["http", "https", "mailto"];

/// Elements the cleaned HTML may contain.
const ALLOWED_TAGS: [&str; 25] = [
    "p",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "em",
    "strong",
    "del",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "input",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "hr",
    "br",
    "a",
];

/// Characters dropped from the end of a cut excerpt, before the ellipsis.
const DANGLING: &[char] = &[',', ';', ':', '-', '–', '—', '(', '[', '{', '/'];

/// A reflection or comment, written in Markdown, as HTML that is safe to
/// insert into a page without further escaping. See the [module](self) for
/// what is kept and what is not.
///
/// ```
/// use cairn_media::markdown::to_safe_html;
///
/// let html = to_safe_html("# Week 1\n\nI *finally* ran the [lab](https://example.org).");
/// assert_eq!(
///     html,
///     "<h2>Week 1</h2>\n<p>I <em>finally</em> ran the <a href=\"https://example.org\" \
///      rel=\"nofollow noopener noreferrer ugc\">lab</a>.</p>\n"
/// );
/// assert_eq!(to_safe_html("<script>alert(1)</script>"), "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>\n");
/// ```
pub fn to_safe_html(markdown: &str) -> String {
    let events = Rewrite::new(Parser::new_ext(markdown, options()));
    let mut html = String::with_capacity(markdown.len().saturating_mul(2));
    pulldown_cmark::html::push_html(&mut html, events);
    SANITIZER.clean(&html).to_string()
}

/// A plain-text excerpt of Markdown, for notifications, emails and
/// previews: the words without markup, whitespace collapsed to single
/// spaces, at most `max_chars` characters (Unicode scalar values) long.
///
/// A longer text is cut at the last word boundary that leaves room for an
/// ellipsis ("…", counted in `max_chars`); a single word longer than that is
/// cut inside. Link and image addresses are left out (their text stays),
/// raw HTML is kept as the characters typed, task list items read `[x]` or
/// `[ ]`. Control characters and bidirectional formatting characters are
/// dropped, so a cut can never leave text reversed after the excerpt.
///
/// The result is plain text, not HTML: escape it when placing it in markup.
///
/// ```
/// use cairn_media::markdown::to_plain_text;
///
/// let text = to_plain_text("## Week 1\n\nI **finally** ran the [lab](https://example.org) today.", 32);
/// assert_eq!(text, "Week 1 I finally ran the lab…");
/// ```
pub fn to_plain_text(markdown: &str, max_chars: usize) -> String {
    let mut excerpt = Excerpt::new(max_chars);
    for event in Parser::new_ext(markdown, options()) {
        match event {
            Event::Text(text)
            | Event::Code(text)
            | Event::Html(text)
            | Event::InlineHtml(text)
            | Event::InlineMath(text)
            | Event::DisplayMath(text) => excerpt.push(&text),
            Event::FootnoteReference(name) => {
                excerpt.push("[^");
                excerpt.push(&name);
                excerpt.push("]");
            }
            Event::TaskListMarker(done) => {
                excerpt.push(if done { "[x]" } else { "[ ]" });
                excerpt.gap();
            }
            Event::SoftBreak | Event::HardBreak | Event::Rule => excerpt.gap(),
            Event::Start(tag) => {
                if !is_inline(&tag.to_end()) {
                    excerpt.gap();
                }
            }
            Event::End(end) => {
                if !is_inline(&end) {
                    excerpt.gap();
                }
            }
        }
        if excerpt.is_over() {
            break;
        }
    }
    excerpt.finish()
}

fn options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS
}

/// Whether an element sits inside a line of text (no word break around it).
fn is_inline(end: &TagEnd) -> bool {
    matches!(
        end,
        TagEnd::Emphasis
            | TagEnd::Strong
            | TagEnd::Strikethrough
            | TagEnd::Superscript
            | TagEnd::Subscript
            | TagEnd::Link
            | TagEnd::Image
    )
}

/// Whether a link to `url` may be followed: an absolute URL with an allowed
/// scheme. Parsed the way browsers and the cleaner parse it, so entity and
/// whitespace tricks (`jav&#x61;script:`, `java\tscript:`) are judged by what
/// they turn into.
fn is_allowed_url(url: &str) -> bool {
    Url::parse(url).is_ok_and(|url| URL_SCHEMES.contains(&url.scheme()))
}

/// `#` becomes `h2`, and so on down; `h6` stays.
fn lower(level: HeadingLevel) -> HeadingLevel {
    match level {
        HeadingLevel::H1 => HeadingLevel::H2,
        HeadingLevel::H2 => HeadingLevel::H3,
        HeadingLevel::H3 => HeadingLevel::H4,
        HeadingLevel::H4 => HeadingLevel::H5,
        HeadingLevel::H5 | HeadingLevel::H6 => HeadingLevel::H6,
    }
}

/// The last word on the HTML: only [`ALLOWED_TAGS`], only the attributes
/// named in the module documentation, only [`URL_SCHEMES`].
static SANITIZER: LazyLock<Builder<'static>> = LazyLock::new(|| {
    let mut builder = Builder::empty();
    builder
        .tags(HashSet::from(ALLOWED_TAGS))
        .generic_attributes(HashSet::new())
        .tag_attributes(HashMap::from([
            ("a", HashSet::from(["href", "title"])),
            ("ol", HashSet::from(["start"])),
            ("input", HashSet::from(["disabled", "type", "checked"])),
        ]))
        .tag_attribute_values(HashMap::new())
        .set_tag_attribute_values(HashMap::from([(
            "input",
            HashMap::from([("type", "checkbox"), ("disabled", "")]),
        )]))
        .allowed_classes(HashMap::new())
        .url_schemes(HashSet::from(URL_SCHEMES))
        .url_relative(UrlRelative::Deny)
        .link_rel(Some(LINK_REL))
        .id_prefix(None)
        .strip_comments(true);
    builder
});

/// What an opened element became, so its end can be written to match.
#[derive(Debug)]
enum Frame<'a> {
    /// Written as `end`'s element; `link` when it is an `<a>`.
    Kept { end: TagEnd, link: bool },
    /// An image written as a link to `url`; `text_mark` is the count of
    /// visible text pieces when it opened, to tell whether it has any.
    ImageLink { url: CowStr<'a>, text_mark: usize },
    /// An HTML block, written as a paragraph of its text.
    HtmlBlock { lines: usize },
    /// Left out, content kept.
    Dropped(Dropped),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Dropped {
    Other,
    /// A list left out: its items are left out too.
    List,
    /// An item of a list left out: ends with a line break.
    Item,
}

/// The Markdown events, rewritten to what may be written (see the module
/// documentation): an iterator adapter in front of the HTML writer.
#[derive(Debug)]
struct Rewrite<'a> {
    parser: Parser<'a>,
    out: VecDeque<Event<'a>>,
    frames: Vec<Frame<'a>>,
    /// Elements currently open in the output.
    depth: usize,
    /// Links currently open in the output (0 or 1).
    links: usize,
    /// Pieces of visible text written so far.
    texts: usize,
}

impl<'a> Rewrite<'a> {
    fn new(parser: Parser<'a>) -> Self {
        Self {
            parser,
            out: VecDeque::new(),
            frames: Vec::new(),
            depth: 0,
            links: 0,
            texts: 0,
        }
    }

    fn event(&mut self, event: Event<'a>) {
        match event {
            Event::Start(tag) => self.start(tag),
            Event::End(_) => self.end(),
            Event::Text(text) => self.text(Event::Text(text)),
            Event::Code(text) => self.text(Event::Code(text)),
            Event::Html(html) => self.html(html),
            Event::InlineHtml(text) | Event::InlineMath(text) | Event::DisplayMath(text) => {
                self.text(Event::Text(text));
            }
            Event::FootnoteReference(name) => {
                self.text(Event::Text(CowStr::from(format!("[^{name}]"))));
            }
            event @ (Event::SoftBreak
            | Event::HardBreak
            | Event::Rule
            | Event::TaskListMarker(_)) => self.out.push_back(event),
        }
    }

    fn text(&mut self, event: Event<'a>) {
        if let Event::Text(text) | Event::Code(text) = &event
            && !text.trim().is_empty()
        {
            self.texts += 1;
        }
        self.out.push_back(event);
    }

    /// Raw HTML: its text, one line per line.
    fn html(&mut self, html: CowStr<'a>) {
        let Some(Frame::HtmlBlock { lines }) = self.frames.last_mut() else {
            self.text(Event::Text(html));
            return;
        };
        let mut events = Vec::new();
        for line in html.split_inclusive('\n') {
            if *lines > 0 {
                events.push(Event::HardBreak);
            }
            *lines += 1;
            let line = line.trim_end_matches(['\n', '\r']);
            events.push(Event::Text(CowStr::from(line.to_owned())));
        }
        for event in events {
            self.text(event);
        }
    }

    fn start(&mut self, tag: Tag<'a>) {
        let nests = matches!(
            tag,
            Tag::BlockQuote(_) | Tag::List(_) | Tag::Emphasis | Tag::Strong | Tag::Strikethrough
        );
        if nests && self.depth >= MAX_NESTING {
            let dropped = if matches!(tag, Tag::List(_)) {
                Dropped::List
            } else {
                Dropped::Other
            };
            self.frames.push(Frame::Dropped(dropped));
            return;
        }
        let kept = match tag {
            Tag::Paragraph
            | Tag::Emphasis
            | Tag::Strong
            | Tag::Strikethrough
            | Tag::List(_)
            | Tag::TableHead
            | Tag::TableRow
            | Tag::TableCell
            | Tag::CodeBlock(CodeBlockKind::Indented) => tag,
            Tag::Item => {
                if matches!(self.frames.last(), Some(Frame::Dropped(Dropped::List))) {
                    self.frames.push(Frame::Dropped(Dropped::Item));
                    return;
                }
                tag
            }
            Tag::BlockQuote(_) => Tag::BlockQuote(None),
            Tag::Heading { level, .. } => Tag::Heading {
                level: lower(level),
                id: None,
                classes: Vec::new(),
                attrs: Vec::new(),
            },
            Tag::CodeBlock(CodeBlockKind::Fenced(_)) => {
                Tag::CodeBlock(CodeBlockKind::Fenced(CowStr::Borrowed("")))
            }
            Tag::Table(alignments) => Tag::Table(vec![Alignment::None; alignments.len()]),
            Tag::HtmlBlock => {
                self.open(Frame::HtmlBlock { lines: 0 }, Tag::Paragraph);
                return;
            }
            Tag::Link {
                link_type,
                dest_url,
                title,
                ..
            } => {
                let href = if link_type == LinkType::Email {
                    CowStr::from(format!("mailto:{dest_url}"))
                } else {
                    dest_url
                };
                if self.links > 0 || !is_allowed_url(&href) {
                    self.frames.push(Frame::Dropped(Dropped::Other));
                    return;
                }
                self.links += 1;
                let end = TagEnd::Link;
                self.open(Frame::Kept { end, link: true }, link_to(href, title));
                return;
            }
            Tag::Image {
                dest_url, title, ..
            } => {
                if self.links > 0 || !is_allowed_url(&dest_url) {
                    self.frames.push(Frame::Dropped(Dropped::Other));
                    return;
                }
                self.links += 1;
                let frame = Frame::ImageLink {
                    url: dest_url.clone(),
                    text_mark: self.texts,
                };
                self.open(frame, link_to(dest_url, title));
                return;
            }
            Tag::FootnoteDefinition(_)
            | Tag::DefinitionList
            | Tag::DefinitionListTitle
            | Tag::DefinitionListDefinition
            | Tag::Superscript
            | Tag::Subscript
            | Tag::MetadataBlock(_) => {
                self.frames.push(Frame::Dropped(Dropped::Other));
                return;
            }
        };
        let end = kept.to_end();
        self.open(Frame::Kept { end, link: false }, kept);
    }

    fn open(&mut self, frame: Frame<'a>, tag: Tag<'a>) {
        self.depth += 1;
        self.frames.push(frame);
        self.out.push_back(Event::Start(tag));
    }

    fn end(&mut self) {
        let end = match self.frames.pop() {
            Some(Frame::Kept { end, link }) => {
                if link {
                    self.links -= 1;
                }
                end
            }
            Some(Frame::ImageLink { url, text_mark }) => {
                if self.texts == text_mark {
                    self.text(Event::Text(url));
                }
                self.links -= 1;
                TagEnd::Link
            }
            Some(Frame::HtmlBlock { .. }) => TagEnd::Paragraph,
            Some(Frame::Dropped(Dropped::Item)) => {
                self.out.push_back(Event::SoftBreak);
                return;
            }
            Some(Frame::Dropped(_)) | None => return,
        };
        self.depth -= 1;
        self.out.push_back(Event::End(end));
    }
}

impl<'a> Iterator for Rewrite<'a> {
    type Item = Event<'a>;

    fn next(&mut self) -> Option<Event<'a>> {
        loop {
            if let Some(event) = self.out.pop_front() {
                return Some(event);
            }
            let event = self.parser.next()?;
            self.event(event);
        }
    }
}

fn link_to<'a>(href: CowStr<'a>, title: CowStr<'a>) -> Tag<'a> {
    Tag::Link {
        link_type: LinkType::Inline,
        dest_url: href,
        title,
        id: CowStr::Borrowed(""),
    }
}

/// Collects words up to just past a limit, whitespace collapsed.
#[derive(Debug)]
struct Excerpt {
    text: String,
    chars: usize,
    max_chars: usize,
    /// Whitespace seen since the last character written.
    gap: bool,
}

impl Excerpt {
    fn new(max_chars: usize) -> Self {
        Self {
            text: String::new(),
            chars: 0,
            max_chars,
            gap: false,
        }
    }

    fn gap(&mut self) {
        self.gap = true;
    }

    fn is_over(&self) -> bool {
        self.chars > self.max_chars
    }

    fn push(&mut self, text: &str) {
        for c in text.chars() {
            if self.is_over() {
                return;
            }
            if c.is_whitespace() {
                self.gap = true;
            } else if !c.is_control() && !is_bidi_control(c) {
                if self.gap && !self.text.is_empty() {
                    self.text.push(' ');
                    self.chars += 1;
                }
                self.gap = false;
                self.text.push(c);
                self.chars += 1;
            }
        }
    }

    fn finish(self) -> String {
        if !self.is_over() {
            return self.text;
        }
        let keep = self.max_chars.saturating_sub(1);
        let end = self
            .text
            .char_indices()
            .nth(keep)
            .map_or(self.text.len(), |(i, _)| i);
        let head = &self.text[..end];
        let cut = if self.text[end..].starts_with(' ') {
            head
        } else {
            head.rfind(' ').map_or(head, |i| &head[..i])
        };
        let cut = cut.trim_end_matches(|c: char| c == ' ' || DANGLING.contains(&c));
        let cut = if cut.is_empty() { head.trim_end() } else { cut };
        let mut excerpt = String::with_capacity(cut.len() + '…'.len_utf8());
        excerpt.push_str(cut);
        if self.max_chars > 0 {
            excerpt.push('…');
        }
        excerpt
    }
}

/// Explicit bidirectional embeddings, overrides and isolates: a cut excerpt
/// could leave one open and reverse whatever follows it in a message.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant};

    use proptest::prelude::*;

    use super::*;

    const REL: &str = r#"rel="nofollow noopener noreferrer ugc""#;

    fn link(href: &str, text: &str) -> String {
        format!(r#"<a href="{href}" {REL}>{text}</a>"#)
    }

    /// The start and end tags of serialized HTML, each with its attributes.
    /// Text has `<` escaped, so every `<` outside an attribute value opens a
    /// tag.
    fn tags(html: &str) -> Vec<(String, Vec<(String, String)>)> {
        let mut tags = Vec::new();
        let mut rest = html;
        while let Some(i) = rest.find('<') {
            let body = rest[i + 1..].trim_start_matches('/');
            let name_len = body
                .find(|c: char| !c.is_ascii_alphanumeric())
                .unwrap_or(body.len());
            let name = body[..name_len].to_owned();
            let mut attrs = Vec::new();
            let mut at = &body[name_len..];
            loop {
                at = at.trim_start();
                if at.is_empty() || at.starts_with('>') {
                    rest = at.get(1..).unwrap_or("");
                    break;
                }
                let n = at
                    .find(|c: char| c == '=' || c == '>' || c.is_whitespace())
                    .unwrap_or(at.len());
                let attr = at[..n].to_owned();
                at = &at[n..];
                let mut value = String::new();
                if let Some(quoted) = at.strip_prefix("=\"") {
                    let close = quoted.find('"').expect("a closing quote");
                    value = quoted[..close].to_owned();
                    at = &quoted[close + 1..];
                }
                attrs.push((attr, value));
            }
            tags.push((name, attrs));
        }
        tags
    }

    /// Only allowed elements and attributes, links only to allowed schemes
    /// and always with `rel`, checkboxes only disabled.
    fn assert_harmless(html: &str) {
        for (tag, attrs) in tags(html) {
            assert!(
                ALLOWED_TAGS.contains(&tag.as_str()),
                "<{tag}> is not allowed, in {html}"
            );
            let allowed: &[&str] = match tag.as_str() {
                "a" => &["href", "title", "rel"],
                "ol" => &["start"],
                "input" => &["disabled", "type", "checked"],
                _ => &[],
            };
            for (name, value) in &attrs {
                assert!(
                    allowed.contains(&name.as_str()),
                    "{name}={value:?} on <{tag}>, in {html}"
                );
                if name == "href" {
                    let href = value.to_ascii_lowercase();
                    assert!(
                        ["http://", "https://", "mailto:"]
                            .iter()
                            .any(|scheme| href.starts_with(scheme)),
                        "a link to {value:?}, in {html}"
                    );
                }
            }
            let has = |name: &str, value: &str| attrs.iter().any(|(n, v)| n == name && v == value);
            if tag == "input" {
                assert!(has("type", "checkbox") && has("disabled", ""), "{html}");
            }
            if tag == "a" && !attrs.is_empty() {
                assert!(has("rel", LINK_REL), "{html}");
            }
        }
    }

    fn html(markdown: &str) -> String {
        let html = to_safe_html(markdown);
        assert_harmless(&html);
        html
    }

    #[test]
    fn paragraphs_emphasis_and_breaks() {
        assert_eq!(
            html("One *two* **three** ~~four~~ `five`.\nSix  \nseven\n\n---\n\nEight"),
            "<p>One <em>two</em> <strong>three</strong> <del>four</del> <code>five</code>.\n\
             Six<br>\nseven</p>\n<hr>\n<p>Eight</p>\n"
        );
    }

    #[test]
    fn headings_move_one_level_down() {
        assert_eq!(
            html("# One\n## Two\n### Three\n#### Four\n##### Five\n###### Six\n\nTitle\n====="),
            "<h2>One</h2>\n<h3>Two</h3>\n<h4>Three</h4>\n<h5>Four</h5>\n<h6>Five</h6>\n\
             <h6>Six</h6>\n<h2>Title</h2>\n"
        );
    }

    #[test]
    fn heading_attribute_syntax_is_text() {
        assert_eq!(
            html("# Title {#main .big onclick=x}"),
            "<h2>Title {#main .big onclick=x}</h2>\n"
        );
    }

    #[test]
    fn lists_and_quotes() {
        assert_eq!(
            html("> quoted\n>\n> - a\n> - b\n\n3. three\n4. four"),
            "<blockquote>\n<p>quoted</p>\n<ul>\n<li>a</li>\n<li>b</li>\n</ul>\n</blockquote>\n\
             <ol start=\"3\">\n<li>three</li>\n<li>four</li>\n</ol>\n"
        );
    }

    #[test]
    fn alert_syntax_is_a_plain_quote() {
        assert_eq!(
            html("> [!WARNING]\n> careful"),
            "<blockquote>\n<p>[!WARNING]\ncareful</p>\n</blockquote>\n"
        );
    }

    #[test]
    fn task_lists_have_disabled_checkboxes() {
        assert_eq!(
            html("- [x] read the brief\n- [ ] write it up"),
            "<ul>\n<li><input disabled=\"\" type=\"checkbox\" checked=\"\">\nread the brief</li>\n\
             <li><input disabled=\"\" type=\"checkbox\">\nwrite it up</li>\n</ul>\n"
        );
    }

    #[test]
    fn tables_without_alignment_styles() {
        assert_eq!(
            html("| Week | Hours |\n|:-----|------:|\n| 1 | *3* |\n| 2 |"),
            "<table><thead><tr><th>Week</th><th>Hours</th></tr></thead><tbody>\n\
             <tr><td>1</td><td><em>3</em></td></tr>\n<tr><td>2</td><td></td></tr>\n\
             </tbody></table>\n"
        );
    }

    #[test]
    fn code_blocks_escape_markup_and_drop_the_language() {
        assert_eq!(
            html("```html\n<b onclick=\"x()\">&amp;</b>\n```\n\n    if a < b && c > d {}\n"),
            "<pre><code>&lt;b onclick=\"x()\"&gt;&amp;amp;&lt;/b&gt;\n</code></pre>\n\
             <pre><code>if a &lt; b &amp;&amp; c &gt; d {}\n</code></pre>\n"
        );
        assert_eq!(
            html("Use `<script>` here"),
            "<p>Use <code>&lt;script&gt;</code> here</p>\n"
        );
    }

    #[test]
    fn links_get_rel_and_no_target() {
        assert_eq!(
            html("[site](https://example.org/a?b=1&c=2 \"Our site\") <http://example.org>"),
            format!(
                "<p><a href=\"https://example.org/a?b=1&amp;c=2\" title=\"Our site\" {REL}>site</a> {}</p>\n",
                link("http://example.org", "http://example.org")
            )
        );
        assert_eq!(
            html("Write to <coach@example.org> or [me](mailto:me@example.org)."),
            format!(
                "<p>Write to {} or {}.</p>\n",
                link("mailto:coach@example.org", "coach@example.org"),
                link("mailto:me@example.org", "me")
            )
        );
    }

    #[test]
    fn reference_links_are_checked_too() {
        assert_eq!(
            html("[good] and [bad]\n\n[good]: https://example.org\n[bad]: javascript:alert(1)"),
            format!("<p>{} and bad</p>\n", link("https://example.org", "good"))
        );
    }

    #[test]
    fn relative_and_other_scheme_links_are_text() {
        for markdown in [
            "[x](/orgs/kucrl)",
            "[x](#top)",
            "[x](//evil.example/)",
            "[x](ftp://example.org/)",
            "[x](file:///etc/passwd)",
            "[x](vbscript:msgbox)",
            "[x](tel:+15555550100)",
        ] {
            assert_eq!(html(markdown), "<p>x</p>\n", "{markdown}");
        }
    }

    #[test]
    fn script_and_raw_html_are_shown_as_text() {
        assert_eq!(
            html("<script>alert(1)</script>"),
            "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>\n"
        );
        assert_eq!(
            html("Hi <b onclick=\"alert(1)\">there</b><!-- hidden -->"),
            "<p>Hi &lt;b onclick=\"alert(1)\"&gt;there&lt;/b&gt;&lt;!-- hidden --&gt;</p>\n"
        );
        assert_eq!(
            html("<div>\n<img src=x onerror=alert(1)>\n</div>\n\nAfter"),
            "<p>&lt;div&gt;<br>\n&lt;img src=x onerror=alert(1)&gt;<br>\n&lt;/div&gt;</p>\n<p>After</p>\n"
        );
        assert_eq!(
            html(
                "<style>body{display:none}</style>\n<iframe src=\"https://evil.example\"></iframe>"
            ),
            "<p>&lt;style&gt;body{display:none}&lt;/style&gt;</p>\n\
             <p>&lt;iframe src=\"https://evil.example\"&gt;&lt;/iframe&gt;</p>\n"
        );
        assert_eq!(
            html("<svg/onload=alert(1)>"),
            "<p>&lt;svg/onload=alert(1)&gt;</p>\n"
        );
    }

    #[test]
    fn javascript_links_in_every_disguise_are_text() {
        for markdown in [
            "[x](javascript:alert(1))",
            "[x](JavaScript:alert(1))",
            "[x]( javascript:alert(1) )",
            "[x](<javascript:alert(1)>)",
            "[x](jav&#x61;script:alert(1))",
            "[x](&#106;avascript:alert(1))",
            "[x](javascript&colon;alert(1))",
            "[x](<java\tscript:alert(1)>)",
            "[x](%6Aavascript:alert(1))",
            "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
            "[x](DATA:text/html,<script>alert(1)</script>)",
        ] {
            let out = html(markdown);
            assert!(!out.contains("href"), "{markdown} gave {out}");
            assert!(out.starts_with("<p>x</p>"), "{markdown} gave {out}");
        }
    }

    #[test]
    fn javascript_autolinks_are_text() {
        assert_eq!(
            html("<javascript:alert(1)>"),
            "<p>javascript:alert(1)</p>\n"
        );
        assert_eq!(html("<data:text/html,hi>"), "<p>data:text/html,hi</p>\n");
    }

    #[test]
    fn titles_cannot_inject_attributes() {
        assert_eq!(
            html("[a](http://x \"onmouseover=alert(1)\")"),
            format!("<p><a href=\"http://x\" title=\"onmouseover=alert(1)\" {REL}>a</a></p>\n")
        );
        assert_eq!(
            html("[a](http://x \"\\\" onmouseover=\\\"alert(1)\")"),
            format!(
                "<p><a href=\"http://x\" title=\"&quot; onmouseover=&quot;alert(1)\" {REL}>a</a></p>\n"
            )
        );
        assert_eq!(
            html("[a](http://x 'x\" onmouseover=\"alert(1)')"),
            format!(
                "<p><a href=\"http://x\" title=\"x&quot; onmouseover=&quot;alert(1)\" {REL}>a</a></p>\n"
            )
        );
    }

    #[test]
    fn urls_cannot_break_out_of_the_attribute() {
        let out = html("[a](<http://x/\" onmouseover=\"alert(1)>)");
        assert!(
            out.contains("href=\"http://x/%22%20onmouseover=%22alert(1)\""),
            "{out}"
        );
    }

    #[test]
    fn images_become_links_to_their_url() {
        assert_eq!(
            html("![My poster](https://example.org/poster.png \"Poster\")"),
            format!(
                "<p><a href=\"https://example.org/poster.png\" title=\"Poster\" {REL}>My poster</a></p>\n"
            )
        );
        assert_eq!(
            html("![](https://tracker.example/pixel.gif)"),
            format!(
                "<p>{}</p>\n",
                link(
                    "https://tracker.example/pixel.gif",
                    "https://tracker.example/pixel.gif"
                )
            )
        );
        assert_eq!(
            html("![x](javascript:alert(1)) ![y](data:image/png;base64,AAAA) ![z](/a.png)"),
            "<p>x y z</p>\n"
        );
        assert_eq!(
            html("[![badge](https://example.org/b.png)](https://example.org)"),
            format!("<p>{}</p>\n", link("https://example.org", "badge"))
        );
        assert_eq!(
            html("![*important* chart](https://example.org/c.png)"),
            format!(
                "<p>{}</p>\n",
                link("https://example.org/c.png", "<em>important</em> chart")
            )
        );
    }

    #[test]
    fn unicode_is_kept() {
        assert_eq!(
            html("# Réflexion 🌱\n\n日本語のテキスト — **ünïcödé** ‎עברית"),
            "<h2>Réflexion 🌱</h2>\n<p>日本語のテキスト — <strong>ünïcödé</strong> ‎עברית</p>\n"
        );
    }

    #[test]
    fn entities_are_decoded_then_escaped() {
        assert_eq!(
            html("&lt;script&gt; &amp; &#60;b&#62; &copy;"),
            "<p>&lt;script&gt; &amp; &lt;b&gt; ©</p>\n"
        );
    }

    #[test]
    fn deep_quotes_are_flattened_quickly() {
        let markdown = format!("{} deep", ">".repeat(10_000));
        let out = timed(|| html(&markdown));
        assert_eq!(out.matches("<blockquote>").count(), MAX_NESTING);
        assert!(out.contains("deep"));
    }

    #[test]
    fn deep_lists_are_flattened_quickly() {
        let markdown: String = (0..300)
            .map(|i| format!("{}- item {i}\n", "  ".repeat(i)))
            .collect();
        let out = timed(|| html(&markdown));
        assert_eq!(out.matches("<ul>").count(), MAX_NESTING / 2);
        assert!(out.contains("item 0") && out.contains("item 299"));
        for markdown in [
            "1. ".repeat(30_000),
            "* + ".repeat(20_000),
            "> - ".repeat(20_000),
        ] {
            let out = timed(|| html(&markdown));
            let lists = out.matches("<ul>").count() + out.matches("<ol>").count();
            assert!(lists > 0 && lists <= MAX_NESTING, "{lists}");
        }
    }

    #[test]
    fn deep_emphasis_is_flattened_quickly() {
        let markdown = format!("{}x{}", "*".repeat(10_000), "*".repeat(10_000));
        let out = timed(|| html(&markdown));
        assert!(out.matches("<em>").count() + out.matches("<strong>").count() <= MAX_NESTING);
        let markdown = format!("{}x{}", "_a ".repeat(5_000), " b_".repeat(5_000));
        timed(|| html(&markdown));
    }

    #[test]
    fn brackets_finish_quickly() {
        let out = timed(|| html(&"[".repeat(10_000)));
        assert_eq!(out, format!("<p>{}</p>\n", "[".repeat(10_000)));
        timed(|| html(&format!("{}a{}", "[".repeat(10_000), "](x)".repeat(10_000))));
        timed(|| html(&"![[".repeat(5_000)));
        timed(|| html(&"[a](".repeat(10_000)));
        timed(|| html(&"<a".repeat(10_000)));
        timed(|| html(&"`a".repeat(20_000)));
    }

    #[test]
    fn a_wide_table_finishes_quickly() {
        // Short rows are padded with empty cells; the parser stops padding
        // (and ends the table) after 2^18 of them.
        let markdown = format!(
            "{}\n{}\n{}",
            "|a".repeat(5_000),
            "|-".repeat(5_000),
            "|a\n".repeat(1_000)
        );
        let out = timed(|| html(&markdown));
        assert!(out.contains("<table>"));
        assert!(out.len() < 3_000_000, "{}", out.len());
    }

    #[test]
    fn a_large_reflection_finishes_quickly() {
        let paragraph = "I **tried** the [rubric](https://example.org/r) on *three* samples, \
                         compared `scores`, and ~~gave up~~ wrote notes.\n\n- [x] one\n- [ ] two\n\n\
                         > A quote with <b>markup</b>.\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n";
        let markdown = paragraph.repeat(MAX_MARKDOWN_BYTES / paragraph.len() + 1);
        assert!(markdown.len() > MAX_MARKDOWN_BYTES);
        let out = timed(|| html(&markdown));
        assert!(out.contains("wrote notes"));
        let text = timed(|| to_plain_text(&markdown, 200));
        assert!(text.chars().count() <= 200);
    }

    fn timed<T>(f: impl FnOnce() -> T) -> T {
        let start = Instant::now();
        let value = f();
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "took {:?}",
            start.elapsed()
        );
        value
    }

    #[test]
    fn plain_text_drops_markup_and_collapses_whitespace() {
        assert_eq!(
            to_plain_text(
                "# Week 1\n\nI  *tried*   the [rubric](https://example.org)\n\
                 on ![a chart](https://example.org/c.png).\n\n- [x] done\n- [ ] next\n\n\
                 | a | b |\n|---|---|\n| 1 | 2 |\n\n```\ncode  here\n```\n<b>raw</b>",
                500
            ),
            "Week 1 I tried the rubric on a chart. [x] done [ ] next a b 1 2 code here <b>raw</b>"
        );
        assert_eq!(to_plain_text("**bo**ld wo*rd*", 100), "bold word");
        assert_eq!(to_plain_text("", 10), "");
        assert_eq!(to_plain_text("   \n\n  ", 10), "");
        assert_eq!(to_plain_text("&amp; &lt;b&gt;", 10), "& <b>");
    }

    #[test]
    fn plain_text_is_cut_at_a_word_boundary() {
        let text = "The quick brown fox jumps over the lazy dog";
        assert_eq!(to_plain_text(text, 100), text);
        assert_eq!(to_plain_text(text, text.len()), text);
        assert_eq!(
            to_plain_text(text, text.len() - 1),
            "The quick brown fox jumps over the lazy…"
        );
        assert_eq!(to_plain_text(text, 16), "The quick brown…");
        assert_eq!(to_plain_text(text, 15), "The quick…");
        assert_eq!(to_plain_text(text, 11), "The quick…");
        assert_eq!(to_plain_text(text, 10), "The quick…");
        assert_eq!(to_plain_text(text, 9), "The…");
        assert_eq!(to_plain_text("Hello, world and more", 12), "Hello…");
    }

    #[test]
    fn plain_text_cuts_a_long_word_inside() {
        assert_eq!(to_plain_text("Supercalifragilistic", 6), "Super…");
        assert_eq!(to_plain_text("a b", 1), "…");
        assert_eq!(to_plain_text("a b", 0), "");
    }

    #[test]
    fn plain_text_counts_characters_not_bytes() {
        assert_eq!(to_plain_text("日本語 のテキスト です", 8), "日本語…");
        assert_eq!(to_plain_text("🌱🌱🌱🌱🌱", 3), "🌱🌱…");
        assert_eq!(to_plain_text("Réflexion écrite", 16), "Réflexion écrite");
    }

    #[test]
    fn plain_text_drops_control_and_bidi_characters() {
        assert_eq!(
            to_plain_text("a\u{7}b \u{202E}evil\u{202C} c\u{2067}d", 50),
            "ab evil cd"
        );
    }

    fn markdownish() -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            Just("<script>"),
            Just("<img src=x onerror=alert(1)>"),
            Just("javascript:alert(1)"),
            Just("jav&#x61;script:"),
            Just("data:text/html,x"),
            Just("[a]("),
            Just("]("),
            Just(")"),
            Just("!["),
            Just("<"),
            Just(">"),
            Just("\""),
            Just("'"),
            Just("\n"),
            Just("\n\n"),
            Just("> "),
            Just("- "),
            Just("1. "),
            Just("[x] "),
            Just("|"),
            Just("|-|"),
            Just("*"),
            Just("_"),
            Just("~~"),
            Just("`"),
            Just("```"),
            Just("    "),
            Just("#"),
            Just("&"),
            Just("&#"),
            Just("http://x"),
            Just("mailto:a@b"),
            Just(" "),
            Just("word"),
        ];
        prop::collection::vec(piece, 0..64).prop_map(|pieces| pieces.concat())
    }

    proptest! {
        #[test]
        fn any_markdown_comes_out_harmless(markdown in markdownish()) {
            html(&markdown);
        }

        #[test]
        fn any_text_comes_out_harmless(markdown in ".{0,300}") {
            html(&markdown);
        }

        #[test]
        fn excerpts_stay_within_the_limit(markdown in markdownish(), max in 0_usize..80) {
            let text = to_plain_text(&markdown, max);
            prop_assert!(text.chars().count() <= max);
            prop_assert!(!text.contains("  ") && !text.contains('\n'));
            prop_assert_eq!(text.trim(), text.as_str());
        }
    }
}
