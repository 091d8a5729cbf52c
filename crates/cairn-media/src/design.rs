//! Badges designed in Cairn itself, from a handful of parameters.
//!
//! A [`Design`] is what a badge author picks in a form: a [`Shape`], a fill
//! and an accent [`Colour`], a [`Border`], one of the built-in [`Icon`]s, a
//! title and an optional ribbon. The application stores it as JSON (the
//! names are stable: `snake_case` variants, colours as `#rrggbb`), so the
//! author can come back and change it, and draws it with
//! [`Design::to_svg`].
//!
//! The SVG written here is a standalone 512 × 512 image that uses only what
//! [`crate::svg::sanitize`] allows, so it passes the sanitizer with nothing
//! removed and renders with [`crate::render::render_png`] like an upload.
//! All text is escaped, and the title is wrapped onto at most three lines and
//! shrunk until it fits inside the shape, measured with an estimate of the
//! advance widths of DejaVu Sans (the font the renderer bundles).
//!
//! ```
//! use cairn_media::design::{Design, Icon, Shape};
//!
//! let design = Design {
//!     shape: Shape::Hexagon,
//!     icon: Icon::Microscope,
//!     title: "Lab Safety".to_owned(),
//!     ribbon: Some("Level 1".to_owned()),
//!     ..Design::default()
//! };
//! assert!(design.validate().is_ok());
//! let svg = design.to_svg();
//! assert!(svg.contains("Lab Safety"));
//! ```

use std::fmt::{self, Write as _};

use serde::{Deserialize, Serialize};

/// The width and height of a designed badge, in pixels.
pub const SIZE: u32 = 512;
/// The longest title accepted, in characters.
pub const TITLE_MAX_CHARS: usize = 60;
/// The longest ribbon text accepted, in characters.
pub const RIBBON_MAX_CHARS: usize = 30;

/// The form keys [`Design::from_fields`] reads, in the order a form shows
/// them (and errors are listed).
pub const FIELDS: [&str; 8] = [
    "shape",
    "fill",
    "accent",
    "border",
    "border_colour",
    "icon",
    "title",
    "ribbon",
];

/// The colours offered in the designer, with names for people.
pub const PALETTE: [(&str, Colour); 14] = [
    ("Navy", Colour::rgb(0x1f, 0x3b, 0x5c)),
    ("Ocean", Colour::rgb(0x1f, 0x6f, 0x9f)),
    ("Teal", Colour::rgb(0x0f, 0x7c, 0x74)),
    ("Forest", Colour::rgb(0x2e, 0x6b, 0x3a)),
    ("Olive", Colour::rgb(0x5e, 0x6b, 0x1f)),
    ("Plum", Colour::rgb(0x6a, 0x3d, 0x8f)),
    ("Berry", Colour::rgb(0xa3, 0x24, 0x5a)),
    ("Crimson", Colour::rgb(0xb3, 0x26, 0x1e)),
    ("Orange", Colour::rgb(0xe0, 0x70, 0x1b)),
    ("Gold", Colour::rgb(0xe8, 0xb3, 0x3a)),
    ("Sand", Colour::rgb(0xe9, 0xdc, 0xc0)),
    ("Slate", Colour::rgb(0x4a, 0x55, 0x68)),
    ("Charcoal", Colour::rgb(0x22, 0x26, 0x2b)),
    ("White", Colour::rgb(0xff, 0xff, 0xff)),
];

/// Everything an author chooses about a designed badge.
///
/// Serialized with these field names; a missing field takes its value from
/// [`Design::default`], so designs stored before a field existed still load.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Design {
    pub shape: Shape,
    /// The colour of the shape.
    pub fill: Colour,
    /// The colour of the disc behind the icon, the inner ring and the ribbon.
    pub accent: Colour,
    pub border: Border,
    pub icon: Icon,
    /// Up to [`TITLE_MAX_CHARS`] characters, drawn on the badge.
    pub title: String,
    /// Up to [`RIBBON_MAX_CHARS`] characters on a banner across the lower
    /// part of the badge, or no banner.
    pub ribbon: Option<String>,
}

impl Default for Design {
    fn default() -> Self {
        Design {
            shape: Shape::Circle,
            fill: Colour::rgb(0x1f, 0x3b, 0x5c),
            accent: Colour::rgb(0xe8, 0xb3, 0x3a),
            border: Border {
                width: BorderWidth::Thick,
                colour: Colour::rgb(0xe8, 0xb3, 0x3a),
            },
            icon: Icon::GraduationCap,
            title: "Achievement".to_owned(),
            ribbon: None,
        }
    }
}

/// A problem with one field of a [`Design`], in words for the author.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DesignError {
    /// The form key of the field, one of [`FIELDS`].
    pub field: &'static str,
    pub message: String,
}

impl DesignError {
    fn new(field: &'static str, message: impl Into<String>) -> Self {
        DesignError {
            field,
            message: message.into(),
        }
    }
}

impl fmt::Display for DesignError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for DesignError {}

/// A colour without transparency, written `#rrggbb`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Colour {
    pub r: u8,
    pub g: u8,
    pub b: u8,
}

impl Colour {
    pub const WHITE: Colour = Colour::rgb(0xff, 0xff, 0xff);
    /// The dark text colour: near-black, softer than pure black.
    pub const INK: Colour = Colour::rgb(0x1b, 0x1b, 0x1f);

    pub const fn rgb(r: u8, g: u8, b: u8) -> Colour {
        Colour { r, g, b }
    }

    /// Read `#rrggbb` (any case, surrounding whitespace ignored).
    pub fn parse(s: &str) -> Option<Colour> {
        let hex = s.trim().strip_prefix('#')?;
        if hex.len() != 6 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        let channel = |at: usize| {
            hex.get(at..at + 2)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        };
        Some(Colour::rgb(channel(0)?, channel(2)?, channel(4)?))
    }

    /// Relative luminance as WCAG defines it: 0 for black, 1 for white.
    pub fn luminance(self) -> f64 {
        let linear = |c: u8| {
            let c = f64::from(c) / 255.0;
            if c <= 0.040_45 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * linear(self.r) + 0.7152 * linear(self.g) + 0.0722 * linear(self.b)
    }

    /// The WCAG contrast ratio between two colours, from 1 to 21.
    pub fn contrast(self, other: Colour) -> f64 {
        let (a, b) = (self.luminance(), other.luminance());
        (a.max(b) + 0.05) / (a.min(b) + 0.05)
    }

    /// White or near-black, whichever reads better on this colour.
    pub fn readable_text(self) -> Colour {
        if self.contrast(Colour::WHITE) >= self.contrast(Colour::INK) {
            Colour::WHITE
        } else {
            Colour::INK
        }
    }

    /// This colour moved `amount` (0 to 1) of the way towards `other`.
    fn mix(self, other: Colour, amount: f64) -> Colour {
        let channel = |a: u8, b: u8| {
            let v = f64::from(a) + (f64::from(b) - f64::from(a)) * amount.clamp(0.0, 1.0);
            // Between two u8 values, so within 0..=255.
            v.round() as u8
        };
        Colour::rgb(
            channel(self.r, other.r),
            channel(self.g, other.g),
            channel(self.b, other.b),
        )
    }
}

impl fmt::Display for Colour {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{:02x}{:02x}{:02x}", self.r, self.g, self.b)
    }
}

impl TryFrom<String> for Colour {
    type Error = String;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        Colour::parse(&s).ok_or_else(|| format!("{s:?} is not a colour like #1f6f9f"))
    }
}

impl From<Colour> for String {
    fn from(c: Colour) -> Self {
        c.to_string()
    }
}

/// Declares a field-less enum with stable names, labels and `ALL`.
macro_rules! choices {
    (
        $(#[$meta:meta])*
        $name:ident { $($variant:ident => $key:literal, $label:literal;)+ }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $(#[doc = $label] $variant,)+
        }

        impl $name {
            /// Every choice, in the order a form lists them.
            pub const ALL: &[$name] = &[$($name::$variant,)+];

            /// The stable name, as stored and as sent by a form.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $key,)+
                }
            }

            /// The name shown to people.
            pub fn label(self) -> &'static str {
                match self {
                    $($name::$variant => $label,)+
                }
            }

            /// Read a stable name (any case, surrounding whitespace ignored).
            pub fn parse(s: &str) -> Option<$name> {
                let s = s.trim();
                Self::ALL.iter().copied().find(|c| c.as_str().eq_ignore_ascii_case(s))
            }
        }
    };
}

choices! {
    /// The outline of the badge.
    Shape {
        Circle => "circle", "Circle";
        Shield => "shield", "Shield";
        Hexagon => "hexagon", "Hexagon";
        RoundedSquare => "rounded_square", "Rounded square";
        Rosette => "rosette", "Rosette";
    }
}

choices! {
    /// How wide the border around the shape is.
    BorderWidth {
        None => "none", "No border";
        Thin => "thin", "Thin";
        Thick => "thick", "Thick";
    }
}

choices! {
    /// The built-in pictures, drawn on a disc in the accent colour.
    Icon {
        Book => "book", "Book";
        GraduationCap => "graduation_cap", "Graduation cap";
        Lightbulb => "lightbulb", "Light bulb";
        Star => "star", "Star";
        Check => "check", "Check mark";
        People => "people", "People";
        Chart => "chart", "Bar chart";
        Pencil => "pencil", "Pencil";
        Microscope => "microscope", "Microscope";
        Flask => "flask", "Flask";
        Globe => "globe", "Globe";
        Compass => "compass", "Compass";
        Heart => "heart", "Heart";
        Trophy => "trophy", "Trophy";
        Code => "code", "Code";
        Leaf => "leaf", "Leaf";
        SpeechBubble => "speech_bubble", "Speech bubble";
        Music => "music", "Music note";
        Laptop => "laptop", "Laptop";
    }
}

/// The line drawn around the shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Border {
    pub width: BorderWidth,
    pub colour: Colour,
}

impl BorderWidth {
    fn pixels(self) -> f64 {
        match self {
            BorderWidth::None => 0.0,
            BorderWidth::Thin => 6.0,
            BorderWidth::Thick => 14.0,
        }
    }
}

impl Design {
    /// Build a design from form fields, reading these keys:
    ///
    /// | key             | value                                          |
    /// |-----------------|------------------------------------------------|
    /// | `shape`         | a [`Shape`] name, e.g. `rounded_square`        |
    /// | `fill`          | `#rrggbb`                                      |
    /// | `accent`        | `#rrggbb`                                      |
    /// | `border`        | a [`BorderWidth`] name: `none`, `thin`, `thick` |
    /// | `border_colour` | `#rrggbb`                                      |
    /// | `icon`          | an [`Icon`] name, e.g. `graduation_cap`        |
    /// | `title`         | the title (required)                           |
    /// | `ribbon`        | the ribbon text; empty or missing for none     |
    ///
    /// Values are trimmed, and runs of whitespace in the texts (line breaks
    /// included) become single spaces. A choice or colour that is missing or
    /// empty takes its value from [`Design::default`]. Every field that is
    /// wrong is reported, then the result is checked with
    /// [`Design::validate`].
    pub fn from_fields(get: impl Fn(&str) -> Option<String>) -> Result<Design, Vec<DesignError>> {
        let defaults = Design::default();
        let mut errors = Vec::new();
        let value = |key: &str| {
            get(key)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };
        let mut choose = |field: &'static str, message: &str| {
            errors.push(DesignError::new(field, message));
        };

        let shape = match value("shape") {
            None => defaults.shape,
            Some(v) => Shape::parse(&v).unwrap_or_else(|| {
                choose("shape", "Choose one of the shapes offered.");
                defaults.shape
            }),
        };
        let mut colour = |field: &'static str, what: &str, default: Colour| match value(field) {
            None => default,
            Some(v) => Colour::parse(&v).unwrap_or_else(|| {
                choose(
                    field,
                    &format!("Give the {what} as #rrggbb, for example #1f6f9f."),
                );
                default
            }),
        };
        let fill = colour("fill", "fill colour", defaults.fill);
        let accent = colour("accent", "accent colour", defaults.accent);
        let border_colour = colour("border_colour", "border colour", defaults.border.colour);
        let width = match value("border") {
            None => defaults.border.width,
            Some(v) => BorderWidth::parse(&v).unwrap_or_else(|| {
                choose("border", "Choose no border, a thin one or a thick one.");
                defaults.border.width
            }),
        };
        let icon = match value("icon") {
            None => defaults.icon,
            Some(v) => Icon::parse(&v).unwrap_or_else(|| {
                choose("icon", "Choose one of the icons offered.");
                defaults.icon
            }),
        };
        let title = get("title").map(|t| clean_text(&t)).unwrap_or_default();
        let ribbon = get("ribbon")
            .map(|r| clean_text(&r))
            .filter(|r| !r.is_empty());

        let design = Design {
            shape,
            fill,
            accent,
            border: Border {
                width,
                colour: border_colour,
            },
            icon,
            title,
            ribbon,
        };
        if let Err(more) = design.validate() {
            errors.extend(more);
        }
        errors.sort_by_key(|e| FIELDS.iter().position(|f| *f == e.field));
        if errors.is_empty() {
            Ok(design)
        } else {
            Err(errors)
        }
    }

    /// Check what a form cannot: the texts. Every problem is reported.
    pub fn validate(&self) -> Result<(), Vec<DesignError>> {
        let mut errors = Vec::new();
        let title = clean_text(&self.title);
        let title_chars = title.chars().count();
        if title.is_empty() {
            errors.push(DesignError::new("title", "Give the badge a title."));
        } else if title_chars > TITLE_MAX_CHARS {
            errors.push(DesignError::new(
                "title",
                format!(
                    "The title is {title_chars} characters long; it can be at most {TITLE_MAX_CHARS}."
                ),
            ));
        }
        if has_unshowable(&self.title) {
            errors.push(DesignError::new(
                "title",
                "The title contains line breaks or other characters that cannot be shown.",
            ));
        }
        if let Some(ribbon) = &self.ribbon {
            let text = clean_text(ribbon);
            let chars = text.chars().count();
            if text.is_empty() {
                errors.push(DesignError::new(
                    "ribbon",
                    "The ribbon has no text: give it some, or leave the ribbon out.",
                ));
            } else if chars > RIBBON_MAX_CHARS {
                errors.push(DesignError::new(
                    "ribbon",
                    format!(
                        "The ribbon text is {chars} characters long; it can be at most {RIBBON_MAX_CHARS}."
                    ),
                ));
            }
            if has_unshowable(ribbon) {
                errors.push(DesignError::new(
                    "ribbon",
                    "The ribbon text contains line breaks or other characters that cannot be shown.",
                ));
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }

    /// Draw the badge: a standalone SVG, 512 × 512.
    ///
    /// Any design can be drawn, valid or not: texts are cleaned (characters
    /// XML cannot carry are dropped, whitespace collapsed), escaped, and if
    /// still too long at the smallest size, cut short with an ellipsis. The
    /// same design always gives the same bytes.
    pub fn to_svg(&self) -> String {
        let mut out = String::with_capacity(4096);
        let title = clean_text(&self.title);
        let ribbon = self
            .ribbon
            .as_deref()
            .map(clean_text)
            .filter(|r| !r.is_empty());

        let _ = write!(
            out,
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="{SIZE}" height="{SIZE}" viewBox="0 0 {SIZE} {SIZE}">"#
        );
        if !title.is_empty() {
            out.push_str("<title>");
            escape_into(&mut out, &title);
            out.push_str("</title>");
        }

        // The shape, its border and the inner ring.
        let _ = write!(
            out,
            r#"<path d="{}" fill="{}""#,
            self.shape.outline(1.0),
            self.fill
        );
        if self.border.width != BorderWidth::None {
            let _ = write!(
                out,
                r#" stroke="{}" stroke-width="{}" stroke-linejoin="round""#,
                self.border.colour,
                Num(self.border.width.pixels())
            );
        }
        out.push_str("/>");
        let _ = write!(
            out,
            r#"<path d="{}" fill="none" stroke="{}" stroke-width="{}"/>"#,
            self.shape.ring(),
            self.accent,
            Num(RING_WIDTH)
        );

        // The icon on its disc.
        let _ = write!(
            out,
            r#"<circle cx="{}" cy="{}" r="{}" fill="{}"/>"#,
            Num(CENTRE),
            Num(ICON_Y),
            Num(ICON_DISC),
            self.accent
        );
        let scale = ICON_SIZE / ICON_BOX;
        let _ = write!(
            out,
            r#"<g transform="translate({} {}) scale({})" color="{}" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round">{}</g>"#,
            Num(CENTRE - ICON_SIZE / 2.0),
            Num(ICON_Y - ICON_SIZE / 2.0),
            Num(scale),
            self.accent.readable_text(),
            self.icon.markup()
        );

        // The title.
        if !title.is_empty() {
            let block = fit_title(&title, self.shape, ribbon.is_some());
            let ink = self.fill.readable_text();
            let _ = write!(
                out,
                r#"<g font-family="DejaVu Sans" font-size="{}" text-anchor="middle" fill="{ink}" stroke="{ink}" stroke-width="{}" stroke-linejoin="round">"#,
                Num(block.size),
                Num(block.size * EMBOLDEN)
            );
            for (line, y) in block.lines.iter().zip(&block.baselines) {
                let _ = write!(out, r#"<text x="{}" y="{}">"#, Num(CENTRE), Num(*y));
                escape_into(&mut out, line);
                out.push_str("</text>");
            }
            out.push_str("</g>");
        }

        // The ribbon.
        if let Some(text) = ribbon {
            self.write_ribbon(&mut out, &text);
        }

        out.push_str("</svg>");
        out
    }

    fn write_ribbon(&self, out: &mut String, text: &str) {
        let tail = self.accent.mix(Colour::rgb(0, 0, 0), 0.22);
        let fold = self.accent.mix(Colour::rgb(0, 0, 0), 0.45);
        let top = RIBBON_TOP;
        let bottom = RIBBON_TOP + RIBBON_HEIGHT;
        let (band, under) = (RIBBON_HALF, RIBBON_HALF - RIBBON_DROP);
        // Each tail hangs lower than the band, behind it, with a notch cut
        // into its outer end; a darker fold joins it to the band.
        for side in [-1.0, 1.0] {
            let x = |from_centre: f64| CENTRE + side * from_centre;
            polygon(
                out,
                &[
                    (x(under), top + RIBBON_DROP),
                    (x(RIBBON_TAIL), top + RIBBON_DROP),
                    (
                        x(RIBBON_TAIL - RIBBON_NOTCH),
                        (top + bottom) / 2.0 + RIBBON_DROP,
                    ),
                    (x(RIBBON_TAIL), bottom + RIBBON_DROP),
                    (x(under), bottom + RIBBON_DROP),
                ],
                tail,
            );
            polygon(
                out,
                &[
                    (x(band), bottom),
                    (x(under), bottom + RIBBON_DROP),
                    (x(under), bottom),
                ],
                fold,
            );
        }
        let _ = write!(
            out,
            r#"<rect x="{}" y="{}" width="{}" height="{}" fill="{}"/>"#,
            Num(CENTRE - band),
            Num(top),
            Num(2.0 * band),
            Num(RIBBON_HEIGHT),
            self.accent
        );
        let (size, line) = fit_line(
            text,
            RIBBON_MAX_SIZE,
            RIBBON_MIN_SIZE,
            2.0 * (band - RIBBON_PAD),
        );
        let ink = self.accent.readable_text();
        let _ = write!(
            out,
            r#"<text x="{}" y="{}" font-family="DejaVu Sans" font-size="{}" text-anchor="middle" fill="{ink}">"#,
            Num(CENTRE),
            Num((top + bottom) / 2.0 + BASELINE_DROP * size),
            Num(size)
        );
        escape_into(out, &line);
        out.push_str("</text>");
    }
}

fn polygon(out: &mut String, points: &[(f64, f64)], colour: Colour) {
    out.push_str(r#"<polygon points=""#);
    for (i, (x, y)) in points.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        let _ = write!(out, "{},{}", Num(*x), Num(*y));
    }
    let _ = write!(out, r#"" fill="{colour}"/>"#);
}

// Layout, in pixels of the 512 × 512 badge.
const SIZE_F: f64 = SIZE as f64;
const CENTRE: f64 = SIZE_F / 2.0;
/// The inner ring is the outline scaled by this much about the centre.
const RING_SCALE: f64 = 0.88;
const RING_WIDTH: f64 = 4.0;
/// The least distance between the title and the inner ring.
const TEXT_PAD: f64 = 16.0;
const ICON_Y: f64 = 156.0;
const ICON_DISC: f64 = 68.0;
const ICON_SIZE: f64 = 84.0;
/// The icons are drawn in a 24 × 24 box.
const ICON_BOX: f64 = 24.0;
const TITLE_TOP: f64 = 240.0;
const TITLE_BOTTOM_ABOVE_RIBBON: f64 = 344.0;
const TITLE_MAX_SIZE: f64 = 46.0;
const TITLE_MIN_SIZE: f64 = 16.0;
const TITLE_MAX_LINES: usize = 3;
const LINE_HEIGHT: f64 = 1.2;
/// The title is drawn with a stroke this fraction of its size, to look bold
/// with only the regular face of the font.
const EMBOLDEN: f64 = 0.03;
/// From the middle of a line to its baseline, as a fraction of the size:
/// centres capitals and lower case letters on the middle.
const BASELINE_DROP: f64 = 0.36;
const RIBBON_TOP: f64 = 352.0;
const RIBBON_HEIGHT: f64 = 60.0;
/// Half the width of the band: it spans 56 to 456.
const RIBBON_HALF: f64 = 200.0;
/// The tails sit this much lower than the band, and start this far inside it.
const RIBBON_DROP: f64 = 20.0;
/// How far from the centre the tails reach (16 pixels from the edge).
const RIBBON_TAIL: f64 = 240.0;
/// How deep the notch in the end of each tail is.
const RIBBON_NOTCH: f64 = 20.0;
const RIBBON_PAD: f64 = 18.0;
const RIBBON_MAX_SIZE: f64 = 28.0;
const RIBBON_MIN_SIZE: f64 = 12.0;

/// One step of an outline, in pixels from the centre of the badge.
#[derive(Debug, Clone, Copy)]
enum Seg {
    Move(f64, f64),
    Line(f64, f64),
    Cubic(f64, f64, f64, f64, f64, f64),
    /// A clockwise arc of the given radius, the smaller of the two.
    Arc(f64, f64, f64),
    Close,
}

const CIRCLE_R: f64 = 236.0;
const SQUARE_HALF: f64 = 228.0;
const SQUARE_CORNER: f64 = 64.0;
const HEXAGON_R: f64 = 244.0;
const ROSETTE_LOBES: usize = 18;
/// The lobes of the rosette meet at this radius.
const ROSETTE_VALLEY: f64 = 212.0;
const ROSETTE_LOBE_R: f64 = 40.0;
/// No point of the rosette's edge is nearer the centre than this.
const ROSETTE_INSIDE: f64 = ROSETTE_VALLEY - 4.0;
/// The rosette's inner ring is a circle.
const ROSETTE_RING: f64 = ROSETTE_INSIDE * RING_SCALE;

/// The shield: a peaked top, straight sides, a curve down to a point.
const SHIELD: [Seg; 8] = [
    Seg::Move(0.0, -236.0),
    Seg::Cubic(66.0, -208.0, 140.0, -200.0, SHIELD_HALF, -204.0),
    Seg::Line(SHIELD_HALF, -6.0),
    Seg::Cubic(SHIELD_HALF, 114.0, 128.0, 194.0, 0.0, 244.0),
    Seg::Cubic(-128.0, 194.0, -SHIELD_HALF, 114.0, -SHIELD_HALF, -6.0),
    Seg::Line(-SHIELD_HALF, -204.0),
    Seg::Cubic(-140.0, -200.0, -66.0, -208.0, 0.0, -236.0),
    Seg::Close,
];
const SHIELD_HALF: f64 = 212.0;

impl Shape {
    fn segments(self) -> Vec<Seg> {
        match self {
            Shape::Circle => vec![
                Seg::Move(0.0, -CIRCLE_R),
                Seg::Arc(CIRCLE_R, 0.0, CIRCLE_R),
                Seg::Arc(CIRCLE_R, 0.0, -CIRCLE_R),
                Seg::Close,
            ],
            Shape::RoundedSquare => {
                let (h, c) = (SQUARE_HALF, SQUARE_CORNER);
                vec![
                    Seg::Move(c - h, -h),
                    Seg::Line(h - c, -h),
                    Seg::Arc(c, h, c - h),
                    Seg::Line(h, h - c),
                    Seg::Arc(c, h - c, h),
                    Seg::Line(c - h, h),
                    Seg::Arc(c, -h, h - c),
                    Seg::Line(-h, c - h),
                    Seg::Arc(c, c - h, -h),
                    Seg::Close,
                ]
            }
            Shape::Hexagon => {
                let (r, w) = (HEXAGON_R, HEXAGON_R * 3f64.sqrt() / 2.0);
                vec![
                    Seg::Move(0.0, -r),
                    Seg::Line(w, -r / 2.0),
                    Seg::Line(w, r / 2.0),
                    Seg::Line(0.0, r),
                    Seg::Line(-w, r / 2.0),
                    Seg::Line(-w, -r / 2.0),
                    Seg::Close,
                ]
            }
            Shape::Shield => SHIELD.to_vec(),
            Shape::Rosette => {
                let valley = |i: usize| {
                    let step = std::f64::consts::TAU / ROSETTE_LOBES as f64;
                    let angle = -std::f64::consts::FRAC_PI_2 + (i as f64 + 0.5) * step;
                    (ROSETTE_VALLEY * angle.cos(), ROSETTE_VALLEY * angle.sin())
                };
                let (x, y) = valley(0);
                let mut segs = vec![Seg::Move(x, y)];
                for i in 1..=ROSETTE_LOBES {
                    let (x, y) = valley(i % ROSETTE_LOBES);
                    segs.push(Seg::Arc(ROSETTE_LOBE_R, x, y));
                }
                segs.push(Seg::Close);
                segs
            }
        }
    }

    /// The outline as path data, scaled by `k` about the centre.
    fn outline(self, k: f64) -> String {
        let mut d = String::new();
        let p = |v: f64| Num(CENTRE + k * v);
        for seg in self.segments() {
            if !d.is_empty() {
                d.push(' ');
            }
            let _ = match seg {
                Seg::Move(x, y) => write!(d, "M{} {}", p(x), p(y)),
                Seg::Line(x, y) => write!(d, "L{} {}", p(x), p(y)),
                Seg::Cubic(x1, y1, x2, y2, x, y) => write!(
                    d,
                    "C{} {} {} {} {} {}",
                    p(x1),
                    p(y1),
                    p(x2),
                    p(y2),
                    p(x),
                    p(y)
                ),
                Seg::Arc(r, x, y) => {
                    write!(d, "A{} {} 0 0 1 {} {}", Num(k * r), Num(k * r), p(x), p(y))
                }
                Seg::Close => write!(d, "Z"),
            };
        }
        d
    }

    /// The inner ring, drawn in the accent colour inside the outline.
    fn ring(self) -> String {
        match self {
            // Lobes this small would crowd each other: a plain circle.
            Shape::Rosette => Shape::Circle.outline(ROSETTE_RING / CIRCLE_R),
            _ => self.outline(RING_SCALE),
        }
    }

    /// Half the width of the outline `dy` pixels below the centre (above,
    /// if negative); never more than the true value.
    fn half_width(self, dy: f64) -> f64 {
        let a = dy.abs();
        let w = match self {
            Shape::Circle => (CIRCLE_R * CIRCLE_R - dy * dy).max(0.0).sqrt(),
            Shape::Rosette => (ROSETTE_INSIDE * ROSETTE_INSIDE - dy * dy).max(0.0).sqrt(),
            Shape::RoundedSquare => {
                let (h, c) = (SQUARE_HALF, SQUARE_CORNER);
                if a <= h - c {
                    h
                } else {
                    let into = a - (h - c);
                    h - c + (c * c - into * into).max(0.0).sqrt()
                }
            }
            Shape::Hexagon => {
                let side = HEXAGON_R * 3f64.sqrt() / 2.0;
                if a <= HEXAGON_R / 2.0 {
                    side
                } else {
                    3f64.sqrt() * (HEXAGON_R - a)
                }
            }
            Shape::Shield => {
                if dy < -200.0 {
                    0.0
                } else if dy <= -6.0 {
                    SHIELD_HALF
                } else {
                    // The lower curve: x falls and y rises along it.
                    let x = [SHIELD_HALF, SHIELD_HALF, 128.0, 0.0];
                    let y = [-6.0, 114.0, 194.0, 244.0];
                    if dy >= y[3] {
                        0.0
                    } else {
                        let (mut lo, mut hi) = (0.0, 1.0);
                        for _ in 0..40 {
                            let mid = (lo + hi) / 2.0;
                            if cubic(y, mid) < dy {
                                lo = mid;
                            } else {
                                hi = mid;
                            }
                        }
                        cubic(x, hi)
                    }
                }
            }
        };
        w.max(0.0)
    }

    /// Half the width available to the title at height `y` of the badge.
    fn text_half_width(self, y: f64) -> f64 {
        let dy = y - CENTRE;
        let inside = match self {
            Shape::Rosette => (ROSETTE_RING * ROSETTE_RING - dy * dy).max(0.0).sqrt(),
            _ => RING_SCALE * self.half_width(dy / RING_SCALE),
        };
        (inside - RING_WIDTH / 2.0 - TEXT_PAD).max(0.0)
    }

    /// Where the title may reach down to when there is no ribbon.
    fn title_bottom(self) -> f64 {
        match self {
            Shape::Circle => 428.0,
            Shape::RoundedSquare => 440.0,
            Shape::Hexagon | Shape::Rosette => 420.0,
            Shape::Shield => 392.0,
        }
    }
}

fn cubic(p: [f64; 4], t: f64) -> f64 {
    let u = 1.0 - t;
    u * u * u * p[0] + 3.0 * u * u * t * p[1] + 3.0 * u * t * t * p[2] + t * t * t * p[3]
}

impl Icon {
    /// The drawing, in a 24 × 24 box, stroked in `currentColor` unless a part
    /// says otherwise.
    fn markup(self) -> &'static str {
        match self {
            Icon::Book => {
                r#"<path d="M12 6.5C10 5 6.5 4.5 3 5V18.5C6.5 18 10 18.5 12 20C14 18.5 17.5 18 21 18.5V5C17.5 4.5 14 5 12 6.5Z"/><path d="M12 6.5V20"/>"#
            }
            Icon::GraduationCap => {
                r#"<path d="M2 9.5L12 5L22 9.5L12 14Z" fill="currentColor"/><path d="M6 11.5V16C6 17.6 8.7 19 12 19C15.3 19 18 17.6 18 16V11.5"/><path d="M21 10V15.5"/>"#
            }
            Icon::Lightbulb => {
                r#"<path d="M9 16.5C9 14.5 6.6 13.2 6.2 11A6 6 0 1 1 17.8 11C17.4 13.2 15 14.5 15 16.5Z"/><path d="M9.5 19.5H14.5"/><path d="M10.5 22H13.5"/><path d="M10.5 11.5L12 13L13.5 11.5"/>"#
            }
            Icon::Star => {
                r#"<path d="M12 2.6L14.4 9.3L21.5 9.5L15.9 13.9L17.9 20.7L12 16.7L6.1 20.7L8.1 13.9L2.5 9.5L9.6 9.3Z" fill="currentColor"/>"#
            }
            Icon::Check => {
                r#"<circle cx="12" cy="12" r="9.5"/><path d="M7.5 12.5L10.5 15.5L16.5 9"/>"#
            }
            Icon::People => {
                r#"<circle cx="9" cy="8" r="3.5"/><path d="M2.5 20C2.5 16 5.4 13.5 9 13.5C12.6 13.5 15.5 16 15.5 20"/><circle cx="17" cy="8.5" r="2.8"/><path d="M17 13.5C19.6 13.7 21.5 16.2 21.5 19.5"/>"#
            }
            Icon::Chart => {
                r#"<path d="M3 3V21H21"/><rect x="6.5" y="13" width="3" height="5" fill="currentColor" stroke="none"/><rect x="11.5" y="9" width="3" height="9" fill="currentColor" stroke="none"/><rect x="16.5" y="5" width="3" height="13" fill="currentColor" stroke="none"/>"#
            }
            Icon::Pencil => {
                r#"<path d="M4 20L5 15.5L15.8 4.7A2.1 2.1 0 0 1 19.3 8.2L8.5 19Z"/><path d="M13.8 6.7L17.3 10.2"/><path d="M5 15.5L8.5 19"/>"#
            }
            Icon::Microscope => {
                r#"<path d="M7.6 4.3L10.4 2.7L14.4 9.6L11.6 11.2Z"/><path d="M12.2 11.4L13.4 13.5"/><path d="M9.5 16.5H14.5"/><path d="M15.6 7.2C18.8 8.5 20.3 11.4 19.8 14.6C19.3 17.6 17.3 19.8 14.5 21"/><path d="M4 21H20"/>"#
            }
            Icon::Flask => {
                r#"<path d="M9 3H15"/><path d="M10 3V9.5L4.6 18.9A1.4 1.4 0 0 0 5.8 21H18.2A1.4 1.4 0 0 0 19.4 18.9L14 9.5V3"/><path d="M7.3 15H16.7"/>"#
            }
            Icon::Globe => {
                r#"<circle cx="12" cy="12" r="9.5"/><ellipse cx="12" cy="12" rx="4" ry="9.5"/><path d="M2.5 12H21.5"/><path d="M3.8 7.5H20.2"/><path d="M3.8 16.5H20.2"/>"#
            }
            Icon::Compass => {
                r#"<circle cx="12" cy="12" r="9.5"/><path d="M15.8 8.2L13.4 13.4L8.2 15.8L10.6 10.6Z" fill="currentColor"/><path d="M12 2.5V4.5"/><path d="M12 19.5V21.5"/><path d="M2.5 12H4.5"/><path d="M19.5 12H21.5"/>"#
            }
            Icon::Heart => {
                r#"<path d="M12 20.5C6.3 16.3 2.5 13 2.5 8.8C2.5 5.8 4.8 3.7 7.5 3.7C9.5 3.7 11 4.8 12 6.4C13 4.8 14.5 3.7 16.5 3.7C19.2 3.7 21.5 5.8 21.5 8.8C21.5 13 17.7 16.3 12 20.5Z" fill="currentColor"/>"#
            }
            Icon::Trophy => {
                r#"<path d="M7 3.5H17V9A5 5 0 0 1 7 9Z"/><path d="M7 5.5H3.5V7.5A3.8 3.8 0 0 0 7.6 11.3"/><path d="M17 5.5H20.5V7.5A3.8 3.8 0 0 1 16.4 11.3"/><path d="M12 14V17.5"/><path d="M8.5 21V19.8C8.5 18.5 9.3 17.5 10.5 17.5H13.5C14.7 17.5 15.5 18.5 15.5 19.8V21Z"/><path d="M7 21H17"/>"#
            }
            Icon::Code => {
                r#"<path d="M8 7L3 12L8 17"/><path d="M16 7L21 12L16 17"/><path d="M13.5 4.5L10.5 19.5"/>"#
            }
            Icon::Leaf => {
                r#"<path d="M5.5 18.5C4 11 8.5 4.5 20.5 3.5C21 13.5 16 19.5 8.5 19.5C7.4 19.5 6.4 19.2 5.5 18.5Z"/><path d="M3 21.5C6.5 15.5 10.5 11.5 15.5 8.5"/>"#
            }
            Icon::SpeechBubble => {
                r#"<path d="M4 4H20A1.5 1.5 0 0 1 21.5 5.5V15A1.5 1.5 0 0 1 20 16.5H11L6 20.5V16.5H4A1.5 1.5 0 0 1 2.5 15V5.5A1.5 1.5 0 0 1 4 4Z"/><path d="M7 9H17"/><path d="M7 12.5H14"/>"#
            }
            Icon::Music => {
                r#"<path d="M9 17.5V5.5L20 3.5V15.5"/><path d="M9 9.5L20 7.5"/><circle cx="6.5" cy="17.5" r="2.5" fill="currentColor"/><circle cx="17.5" cy="15.5" r="2.5" fill="currentColor"/>"#
            }
            Icon::Laptop => {
                r#"<rect x="4.5" y="5" width="15" height="10.5" rx="1.5"/><path d="M2 19H22"/><path d="M10 19V18.5H14V19"/>"#
            }
        }
    }
}

/// A title laid out: its size, lines and their baselines.
#[derive(Debug, Clone, PartialEq)]
struct TitleBlock {
    size: f64,
    lines: Vec<String>,
    baselines: Vec<f64>,
}

/// The largest size (and, for it, the fewest lines) at which `title` fits
/// inside `shape` below the icon, lines balanced in length.
fn fit_title(title: &str, shape: Shape, ribbon: bool) -> TitleBlock {
    let top = TITLE_TOP;
    let bottom = if ribbon {
        TITLE_BOTTOM_ABOVE_RIBBON
    } else {
        shape.title_bottom()
    };
    // Where a block of `n` lines can go, and the width it allows there:
    // centred in the band, else at its top (where a shield is wider).
    let places = |size: f64, n: usize| -> Vec<(f64, f64)> {
        let height = n as f64 * size * LINE_HEIGHT;
        if height > bottom - top {
            return Vec::new();
        }
        let width = |y0: f64| {
            2.0 * shape
                .text_half_width(y0)
                .min(shape.text_half_width(y0 + height))
        };
        let centred = top + (bottom - top - height) / 2.0;
        vec![(centred, width(centred)), (top, width(top))]
    };
    let block = |size: f64, y0: f64, lines: Vec<String>| {
        let baselines = (0..lines.len())
            .map(|i| y0 + (i as f64 + 0.5) * size * LINE_HEIGHT + BASELINE_DROP * size)
            .collect();
        TitleBlock {
            size,
            lines,
            baselines,
        }
    };

    let mut size = TITLE_MAX_SIZE;
    while size >= TITLE_MIN_SIZE {
        for n in 1..=TITLE_MAX_LINES {
            for (y0, width) in places(size, n) {
                if wrap(title, size, width).len() <= n {
                    return block(size, y0, balance(title, size, width, n));
                }
            }
        }
        size -= 2.0;
    }

    // Too long even at the smallest size: as many lines as fit, cut short.
    let size = TITLE_MIN_SIZE;
    let (n, (y0, width)) = (1..=TITLE_MAX_LINES)
        .rev()
        .find_map(|n| {
            let best = places(size, n)
                .into_iter()
                .max_by(|a, b| a.1.total_cmp(&b.1))?;
            Some((n, best))
        })
        .unwrap_or((1, (top, 2.0 * shape.text_half_width(top))));
    let mut lines = wrap(title, size, width);
    if lines.len() > n {
        lines.truncate(n);
        if let Some(last) = lines.last_mut() {
            *last = ellipsize(&format!("{last}…"), size, width);
        }
    }
    block(size, y0, lines)
}

/// The narrowest wrapping into at most `n` lines no wider than `width`,
/// without breaking words that fit whole.
fn balance(text: &str, size: f64, width: f64, n: usize) -> Vec<String> {
    let widest_word = text
        .split(' ')
        .map(|w| text_width(w, size))
        .fold(0.0, f64::max);
    let mut best = wrap(text, size, width);
    if widest_word > width {
        return best;
    }
    let (mut lo, mut hi) = (widest_word, width);
    for _ in 0..24 {
        let mid = (lo + hi) / 2.0;
        let lines = wrap(text, size, mid);
        if lines.len() <= n {
            best = lines;
            hi = mid;
        } else {
            lo = mid;
        }
    }
    if wrap(text, size, lo).len() <= n {
        best = wrap(text, size, lo);
    }
    best
}

/// Break `text` into lines no wider than `width` at spaces, and inside a
/// word only where the word alone is too wide.
fn wrap(text: &str, size: f64, width: f64) -> Vec<String> {
    let space = text_width(" ", size);
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    let mut line_width = 0.0;
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        let word_width = text_width(word, size);
        if !line.is_empty() && line_width + space + word_width <= width {
            line.push(' ');
            line.push_str(word);
            line_width += space + word_width;
            continue;
        }
        if !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        if word_width <= width {
            line.push_str(word);
            line_width = word_width;
            continue;
        }
        // A word wider than a whole line: as many characters as fit.
        line_width = 0.0;
        for c in word.chars() {
            let w = char_em(c) * size;
            if !line.is_empty() && line_width + w > width {
                lines.push(std::mem::take(&mut line));
                line_width = 0.0;
            }
            line.push(c);
            line_width += w;
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// The largest size from `max` down to `min` at which `text` fits on one
/// line `width` wide; at `min`, cut short with an ellipsis if need be.
fn fit_line(text: &str, max: f64, min: f64, width: f64) -> (f64, String) {
    let em = text_width(text, 1.0);
    let size = if em > 0.0 {
        (width / em).clamp(min, max)
    } else {
        max
    };
    let size = (size * 2.0).floor() / 2.0;
    (size, ellipsize(text, size.max(min), width))
}

/// `text`, or as much of it as fits in `width` followed by an ellipsis.
fn ellipsize(text: &str, size: f64, width: f64) -> String {
    if text_width(text, size) <= width {
        return text.to_owned();
    }
    let ellipsis = text_width("…", size);
    let mut out = String::new();
    let mut used = 0.0;
    for c in text.chars() {
        let w = char_em(c) * size;
        if used + w + ellipsis > width {
            break;
        }
        out.push(c);
        used += w;
    }
    let mut out = out.trim_end().to_owned();
    out.push('…');
    out
}

/// The estimated width of `text` set in DejaVu Sans at `size` pixels.
fn text_width(text: &str, size: f64) -> f64 {
    text.chars().map(char_em).sum::<f64>() * size
}

/// An estimate of a character's advance in DejaVu Sans, in ems: at least
/// the real advance for Basic Latin, generous for everything else.
fn char_em(c: char) -> f64 {
    match c {
        'i' | 'j' | 'l' | '\'' => 0.28,
        'I' => 0.30,
        ' ' | ',' | '.' | ':' | ';' | '/' | '\\' | '|' => 0.34,
        'f' | '-' => 0.37,
        '(' | ')' | '[' | ']' | 't' | '!' | 'r' => 0.42,
        '"' => 0.46,
        '*' | '_' | '`' => 0.5,
        's' | 'z' | '?' => 0.54,
        'c' | 'L' => 0.56,
        'F' | 'k' => 0.58,
        'v' | 'x' | 'y' | 'P' | 'T' | 'Y' => 0.62,
        'K' => 0.66,
        'A' | 'V' | 'X' | 'Z' | 'B' | 'R' | 'C' => 0.70,
        'U' | 'N' | 'H' => 0.76,
        'D' | 'G' | 'O' | 'Q' | '&' => 0.79,
        'w' => 0.82,
        '#' | '+' | '<' | '=' | '>' | '^' | '~' => 0.84,
        'M' => 0.87,
        '%' => 0.95,
        'm' => 0.98,
        'W' | '@' => 1.0,
        c if c.is_ascii() => 0.64,
        // Combining marks sit on the previous letter.
        '\u{0300}'..='\u{036f}' => 0.0,
        'æ' | 'œ' | 'Æ' | 'Œ' => 1.08,
        '‘' | '’' | '‚' | '\u{2009}' => 0.34,
        '–' | '“' | '”' | '„' => 0.54,
        c if c.is_lowercase() => 0.72,
        c if c.is_uppercase() => 0.82,
        _ => 1.0,
    }
}

/// Whitespace collapsed (control characters count as whitespace) and
/// characters XML cannot carry dropped.
fn clean_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    for c in text.chars() {
        if c.is_whitespace() || c.is_control() {
            space = !out.is_empty();
        } else if xml_char(c) {
            if space {
                out.push(' ');
                space = false;
            }
            out.push(c);
        }
    }
    out
}

/// Whether `text` has line breaks, tabs, other control characters or
/// characters XML cannot carry.
fn has_unshowable(text: &str) -> bool {
    text.chars().any(|c| !xml_char(c))
}

/// Characters allowed in an XML 1.0 document, less control characters.
fn xml_char(c: char) -> bool {
    !c.is_control() && !matches!(c, '\u{fffe}' | '\u{ffff}')
}

fn escape_into(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
}

/// A coordinate or length, to two decimals without trailing zeros.
struct Num(f64);

impl fmt::Display for Num {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let rounded = (self.0 * 100.0).round() / 100.0;
        if rounded.abs() < 0.005 || !rounded.is_finite() {
            return f.write_str("0");
        }
        let text = format!("{rounded:.2}");
        f.write_str(text.trim_end_matches('0').trim_end_matches('.'))
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;
    use std::sync::Arc;

    use resvg::usvg;

    use super::*;

    fn fields(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        move |key| map.get(key).cloned()
    }

    fn fields_of(errors: &[DesignError]) -> Vec<&'static str> {
        errors.iter().map(|e| e.field).collect()
    }

    /// The texts drawn, one string per `<text>` element.
    fn drawn_texts(svg: &str) -> Vec<String> {
        let doc = roxmltree::Document::parse(svg).expect("well-formed");
        doc.descendants()
            .filter(|n| n.has_tag_name("text"))
            .map(|n| n.text().unwrap_or_default().to_owned())
            .collect()
    }

    #[test]
    fn colours_parse_in_any_case_and_print_in_lower_case() {
        let c = Colour::parse("#1F6f9F").expect("a colour");
        assert_eq!(c, Colour::rgb(0x1f, 0x6f, 0x9f));
        assert_eq!(c.to_string(), "#1f6f9f");
        assert_eq!(Colour::parse("  #ffffff\n"), Some(Colour::WHITE));
        assert_eq!(Colour::parse("#000000"), Some(Colour::rgb(0, 0, 0)));
        for bad in [
            "",
            "#",
            "1f6f9f",
            "#1f6f9",
            "#1f6f9f0",
            "#fff",
            "#gg0000",
            "#+f+f+f",
            "#-10000",
            "# 1f6f9",
            "#1f6f9é",
            "rgb(1,2,3)",
            "red",
            "##1f6f9f",
        ] {
            assert_eq!(Colour::parse(bad), None, "{bad:?}");
        }
        for (name, colour) in PALETTE {
            assert_eq!(Colour::parse(&colour.to_string()), Some(colour), "{name}");
        }
    }

    #[test]
    fn text_colour_is_the_more_readable_of_white_and_ink() {
        for dark in ["#1f3b5c", "#000000", "#6a3d8f", "#b3261e", "#0f7c74"] {
            let c = Colour::parse(dark).expect("a colour");
            assert_eq!(c.readable_text(), Colour::WHITE, "{dark}");
        }
        for light in ["#ffffff", "#e8b33a", "#e9dcc0", "#ffff00", "#7fdbff"] {
            let c = Colour::parse(light).expect("a colour");
            assert_eq!(c.readable_text(), Colour::INK, "{light}");
        }
        for (_, colour) in PALETTE {
            assert!(colour.contrast(colour.readable_text()) >= 4.5, "{colour}");
        }
    }

    #[test]
    fn choices_have_stable_unique_names_that_parse_back() {
        fn check<T: Copy + PartialEq + fmt::Debug>(
            all: &[T],
            name: fn(T) -> &'static str,
            label: fn(T) -> &'static str,
            parse: fn(&str) -> Option<T>,
        ) {
            let mut names: Vec<&str> = all.iter().map(|c| name(*c)).collect();
            for c in all {
                assert_eq!(parse(name(*c)), Some(*c));
                assert_eq!(parse(&name(*c).to_ascii_uppercase()), Some(*c));
                assert!(!label(*c).is_empty());
                let json = serde_json::to_string(&name(*c)).expect("json");
                assert!(
                    json.trim_matches('"')
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b == b'_')
                );
            }
            names.sort_unstable();
            names.dedup();
            assert_eq!(names.len(), all.len());
            assert_eq!(parse("nonsense"), None);
            assert_eq!(parse(""), None);
        }
        check(Shape::ALL, Shape::as_str, Shape::label, Shape::parse);
        check(Icon::ALL, Icon::as_str, Icon::label, Icon::parse);
        check(
            BorderWidth::ALL,
            BorderWidth::as_str,
            BorderWidth::label,
            BorderWidth::parse,
        );
        assert!(Shape::ALL.len() >= 5);
        assert!(Icon::ALL.len() >= 12);
        for icon in Icon::ALL {
            let json = serde_json::to_string(icon).expect("json");
            assert_eq!(json, format!("\"{}\"", icon.as_str()));
        }
        assert_eq!(Shape::parse(" rounded_square "), Some(Shape::RoundedSquare));
    }

    #[test]
    fn designs_are_stored_as_json_with_stable_names() {
        let design = Design {
            shape: Shape::RoundedSquare,
            icon: Icon::GraduationCap,
            ribbon: Some("2025".to_owned()),
            ..Design::default()
        };
        let json = serde_json::to_value(&design).expect("json");
        assert_eq!(
            json,
            serde_json::json!({
                "shape": "rounded_square",
                "fill": "#1f3b5c",
                "accent": "#e8b33a",
                "border": { "width": "thick", "colour": "#e8b33a" },
                "icon": "graduation_cap",
                "title": "Achievement",
                "ribbon": "2025",
            })
        );
        let back: Design = serde_json::from_value(json).expect("reads back");
        assert_eq!(back, design);
        // Fields stored later default; a bad colour is refused.
        let old: Design =
            serde_json::from_str(r#"{"shape":"hexagon","title":"Old"}"#).expect("reads");
        assert_eq!(old.shape, Shape::Hexagon);
        assert_eq!(old.fill, Design::default().fill);
        assert_eq!(old.ribbon, None);
        let bad = serde_json::from_str::<Design>(r#"{"fill":"blue"}"#);
        assert!(bad.is_err());
        let bad = serde_json::from_str::<Design>(r#"{"shape":"Circle"}"#);
        assert!(bad.is_err());
    }

    #[test]
    fn the_default_design_is_valid() {
        assert_eq!(Design::default().validate(), Ok(()));
    }

    #[test]
    fn fields_make_a_design() {
        let design = Design::from_fields(fields(&[
            ("shape", "shield"),
            ("fill", "#0F7C74"),
            ("accent", " #e9dcc0 "),
            ("border", "thin"),
            ("border_colour", "#222222"),
            ("icon", "microscope"),
            ("title", "  Lab\n  Safety "),
            ("ribbon", "Level 1"),
        ]))
        .expect("valid");
        assert_eq!(
            design,
            Design {
                shape: Shape::Shield,
                fill: Colour::rgb(0x0f, 0x7c, 0x74),
                accent: Colour::rgb(0xe9, 0xdc, 0xc0),
                border: Border {
                    width: BorderWidth::Thin,
                    colour: Colour::rgb(0x22, 0x22, 0x22),
                },
                icon: Icon::Microscope,
                title: "Lab Safety".to_owned(),
                ribbon: Some("Level 1".to_owned()),
            }
        );
        // Choices left out take the defaults; an empty ribbon is no ribbon.
        let design = Design::from_fields(fields(&[
            ("title", "Teamwork"),
            ("ribbon", "  "),
            ("fill", ""),
        ]))
        .expect("valid");
        assert_eq!(
            design,
            Design {
                title: "Teamwork".to_owned(),
                ..Design::default()
            }
        );
    }

    #[test]
    fn every_bad_field_is_named() {
        let errors = Design::from_fields(fields(&[
            ("shape", "triangle"),
            ("fill", "blue"),
            ("accent", "#12345"),
            ("border", "medium"),
            ("border_colour", "#zzzzzz"),
            ("icon", "<script>"),
            ("title", &"x".repeat(61)),
            ("ribbon", &"y".repeat(31)),
        ]))
        .expect_err("invalid");
        assert_eq!(fields_of(&errors), FIELDS);
        assert!(errors.iter().all(|e| e.message.ends_with('.')));
        let fill = errors.iter().find(|e| e.field == "fill").expect("fill");
        assert_eq!(
            fill.message,
            "Give the fill colour as #rrggbb, for example #1f6f9f."
        );
        assert_eq!(fill.to_string(), fill.message);
        let title = errors.iter().find(|e| e.field == "title").expect("title");
        assert_eq!(
            title.message,
            "The title is 61 characters long; it can be at most 60."
        );

        let errors = Design::from_fields(fields(&[])).expect_err("no title");
        assert_eq!(fields_of(&errors), ["title"]);
        assert_eq!(errors[0].message, "Give the badge a title.");
        let errors = Design::from_fields(fields(&[("title", " \n\t ")])).expect_err("blank");
        assert_eq!(fields_of(&errors), ["title"]);
    }

    #[test]
    fn limits_count_characters_not_bytes() {
        let title = "é".repeat(TITLE_MAX_CHARS);
        let ribbon = "ü".repeat(RIBBON_MAX_CHARS);
        let design = Design::from_fields(fields(&[("title", &title), ("ribbon", &ribbon)]))
            .expect("at the limits");
        assert_eq!(design.validate(), Ok(()));
        let too_long = Design {
            title: format!("{title}é"),
            ribbon: Some(format!("{ribbon}ü")),
            ..Design::default()
        };
        let errors = too_long.validate().expect_err("over the limits");
        assert_eq!(fields_of(&errors), ["title", "ribbon"]);
    }

    #[test]
    fn stored_texts_with_control_characters_are_refused_and_drawn_without_them() {
        let design = Design {
            title: "Line\nbreak\u{0}\u{7}".to_owned(),
            ribbon: Some("\t".to_owned()),
            ..Design::default()
        };
        let errors = design.validate().expect_err("invalid");
        assert_eq!(fields_of(&errors), ["title", "ribbon", "ribbon"]);
        let svg = design.to_svg();
        assert_eq!(drawn_texts(&svg), ["Line break"]);
        assert!(crate::svg::sanitize(svg.as_bytes()).is_ok());
    }

    #[test]
    fn hostile_text_is_escaped() {
        let hostile = [
            r#"<script>&"'"#,
            "</text><script>alert(1)</script>",
            "]]><!-- --><?php ?>",
            r#"" onload="alert(1)"#,
            "&amp; &lt; &#x3c;",
            "url(javascript:alert(1)) @import",
        ];
        for title in hostile {
            let design = Design {
                title: title.to_owned(),
                ribbon: Some(title.chars().take(RIBBON_MAX_CHARS).collect()),
                ..Design::default()
            };
            let svg = design.to_svg();
            let doc = roxmltree::Document::parse(&svg).expect("well-formed");
            assert!(
                doc.descendants()
                    .filter(|n| n.is_element())
                    .all(|n| !n.has_tag_name("script") && n.attribute("onload").is_none()),
                "{svg}"
            );
            assert!(!doc.descendants().any(|n| n.is_comment() || n.is_pi()));
            let title_text = doc
                .descendants()
                .find(|n| n.has_tag_name("title"))
                .and_then(|n| n.text());
            assert_eq!(title_text, Some(title));
            let texts = drawn_texts(&svg);
            let (ribbon, lines) = texts.split_last().expect("texts");
            // Words too wide for a line are broken across lines.
            assert_eq!(lines.concat().replace(' ', ""), title.replace(' ', ""));
            assert_eq!(ribbon, &design.ribbon.clone().unwrap_or_default());
        }
        let mut escaped = String::new();
        escape_into(&mut escaped, r#"<script>&"'"#);
        assert_eq!(escaped, "&lt;script&gt;&amp;&quot;&apos;");
    }

    #[test]
    fn non_ascii_titles_are_kept() {
        let title = "Café für Niño — Señor";
        let svg = Design {
            title: title.to_owned(),
            ..Design::default()
        }
        .to_svg();
        assert_eq!(drawn_texts(&svg).join(" "), title);
    }

    #[test]
    fn wrapping_keeps_words_whole_and_lines_within_the_width() {
        let text = "Introduction to Machine Learning with Python";
        for width in [160.0, 200.0, 300.0, 1000.0] {
            let lines = wrap(text, 20.0, width);
            assert_eq!(lines.join(" "), text, "{width}");
            for line in &lines {
                assert!(text_width(line, 20.0) <= width, "{line:?} at {width}");
            }
        }
        assert_eq!(wrap(text, 20.0, 1000.0), [text]);
        assert_eq!(wrap("", 20.0, 100.0), Vec::<String>::new());
        // A word wider than a line is broken where it must be.
        let long = "Pneumonoultramicroscopicsilicovolcanoconiosis";
        let lines = wrap(long, 20.0, 150.0);
        assert!(lines.len() > 1);
        assert_eq!(lines.concat(), long);
        assert!(lines.iter().all(|l| text_width(l, 20.0) <= 150.0));
    }

    #[test]
    fn balanced_lines_are_even_without_adding_lines() {
        let widest = |lines: &[String]| {
            lines
                .iter()
                .map(|l| text_width(l, 30.0))
                .fold(0.0, f64::max)
        };
        let text = "Foundations of Digital Literacy for All";
        let width = text_width("Foundations of Digital Literacy", 30.0) + 1.0;
        let greedy = wrap(text, 30.0, width);
        assert_eq!(greedy, ["Foundations of Digital Literacy", "for All"]);
        let balanced = balance(text, 30.0, width, 2);
        assert_eq!(balanced, ["Foundations of", "Digital Literacy for All"]);
        assert!(widest(&balanced) < widest(&greedy));
        // Never narrower than the widest word, so no word is broken.
        assert_eq!(
            balance("A Supercalifragilistic", 30.0, width, 2),
            ["A", "Supercalifragilistic"]
        );
    }

    #[test]
    fn titles_shrink_to_fit_three_lines_and_are_cut_short_only_past_the_limit() {
        for shape in Shape::ALL {
            for ribbon in [false, true] {
                let short = fit_title("Teamwork", *shape, ribbon);
                assert_eq!(short.lines, ["Teamwork"]);
                assert_eq!(short.size, TITLE_MAX_SIZE);

                // The widest titles a person can enter fit without cutting.
                for title in [
                    "W".repeat(TITLE_MAX_CHARS),
                    "Mmmm Wwww ".repeat(6).trim_end().to_owned(),
                    "Introduction to Machine Learning with Python and R (Part 2)".to_owned(),
                ] {
                    let block = fit_title(&title, *shape, ribbon);
                    assert!(block.lines.len() <= TITLE_MAX_LINES);
                    assert!(block.size >= TITLE_MIN_SIZE);
                    assert!(!block.lines.concat().contains('…'), "{shape:?} {title}");
                    let joined = block.lines.concat();
                    assert_eq!(joined.replace(' ', ""), title.replace(' ', ""));
                }

                let absurd = "Wide ".repeat(100);
                let block = fit_title(absurd.trim_end(), *shape, ribbon);
                assert_eq!(block.lines.len(), TITLE_MAX_LINES);
                assert_eq!(block.size, TITLE_MIN_SIZE);
                assert!(block.lines.last().expect("a line").ends_with('…'));
            }
        }
    }

    #[test]
    fn the_same_design_gives_the_same_bytes() {
        let design = Design {
            shape: Shape::Rosette,
            icon: Icon::Compass,
            title: "Orienteering and Map Reading Fundamentals".to_owned(),
            ribbon: Some("Outdoor Skills".to_owned()),
            ..Design::default()
        };
        let svg = design.to_svg();
        assert_eq!(design.clone().to_svg(), svg);
        let json = serde_json::to_string(&design).expect("json");
        let back: Design = serde_json::from_str(&json).expect("reads back");
        assert_eq!(back.to_svg(), svg);
        assert_ne!(
            Design {
                ribbon: None,
                ..design
            }
            .to_svg(),
            svg
        );
    }

    #[test]
    fn numbers_are_written_short() {
        assert_eq!(Num(256.0).to_string(), "256");
        assert_eq!(Num(0.5).to_string(), "0.5");
        assert_eq!(Num(211.310_274).to_string(), "211.31");
        assert_eq!(Num(-0.001).to_string(), "0");
        assert_eq!(Num(-3.456).to_string(), "-3.46");
    }

    /// The estimate never falls short of the width the renderer lays out
    /// with the bundled font, and is not wildly generous either.
    #[test]
    fn the_width_estimate_covers_the_real_font() {
        let mut fonts = usvg::fontdb::Database::new();
        fonts.load_font_data(crate::render::FONT.to_vec());
        let options = usvg::Options {
            font_family: crate::render::FONT_FAMILY.to_owned(),
            fontdb: Arc::new(fonts),
            ..usvg::Options::default()
        };
        let samples = [
            "Introduction to Machine Learning",
            "WWWWWWWWWW",
            "iiiiiiiiiillllllllll",
            "Mmmm Wwww Mmmm Wwww",
            "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
            "abcdefghijklmnopqrstuvwxyz 0123456789",
            "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~",
            "Café für Niño — Señor, Œuvre Æsthetic",
            "ÀÉÎÕÜ ÇÑ àéîõü çñ ß øå",
            "Первая помощь и безопасность",
            "Ελληνικά γράμματα",
            "“Quoted” ‘text’ – dash…",
        ];
        for sample in samples {
            let mut escaped = String::new();
            escape_into(&mut escaped, sample);
            let svg = format!(
                r#"<svg xmlns="http://www.w3.org/2000/svg" width="4000" height="100"><text x="0" y="50" font-family="DejaVu Sans" font-size="100">{escaped}</text></svg>"#
            );
            let tree = usvg::Tree::from_str(&svg, &options).expect("parses");
            let real = tree
                .root()
                .children()
                .iter()
                .find_map(|node| match node {
                    usvg::Node::Text(text) => Some(f64::from(text.bounding_box().width())),
                    _ => None,
                })
                .expect("a text");
            let estimate = text_width(sample, 100.0);
            assert!(
                estimate >= real,
                "{sample}: estimate {estimate}, laid out {real}"
            );
            assert!(
                estimate <= real * 1.25,
                "{sample}: estimate {estimate}, laid out {real}"
            );
        }
    }
}
