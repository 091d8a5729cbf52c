//! `cairn verify`, `cairn bake`, `cairn unbake`: the credentials library
//! from the command line, offline.

use anyhow::{Context, bail};
use cairn_credentials::bake::{self, BadgeVersion, Payload};
use cairn_credentials::fast::Auto;
use cairn_credentials::keys::{ChainResolver, DidKeyResolver, DocumentResolver};
use cairn_credentials::verify::{self, Outcome};
use clap::Args;
use serde_json::Value;
use std::path::PathBuf;
use std::process::ExitCode;

/// `cairn verify`.
#[derive(Args, Debug)]
pub struct VerifyArgs {
    /// The credential: a .json file, or a baked .png or .svg image.
    pub file: PathBuf,
    /// A document with the issuer's keys (a Multikey document, a DID
    /// document or an issuer profile); repeat for several. `did:key`
    /// issuers need none.
    #[arg(long = "key-document", value_name = "FILE")]
    pub key_documents: Vec<PathBuf>,
    /// Another document the credential refers to, found by its `id`: a
    /// status list credential, an Open Badges 2.0 badge class, issuer,
    /// key or revocation list, a hosted assertion; repeat for several.
    #[arg(long = "document", value_name = "FILE")]
    pub documents: Vec<PathBuf>,
    /// The issuer's JSON Web Key Set, for a VC-JWT.
    #[arg(long, value_name = "FILE")]
    pub jwks: Option<PathBuf>,
    /// Check validity at this time (RFC 3339) instead of now.
    #[arg(long, value_name = "TIME")]
    pub at: Option<String>,
}

fn read_json(path: &PathBuf) -> anyhow::Result<Value> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    serde_json::from_str(&text).with_context(|| format!("{} is not JSON", path.display()))
}

#[expect(clippy::print_stdout, reason = "the report is the command's output")]
pub fn verify(args: &VerifyArgs) -> ExitCode {
    match run_verify(args) {
        Ok(report) => {
            println!("{}", report.kind);
            for check in &report.checks {
                let mark = match check.outcome {
                    Outcome::Passed => "pass",
                    Outcome::Failed => "FAIL",
                    Outcome::Skipped => "skip",
                };
                println!("  [{mark}] {}: {}", check.title, check.reason);
            }
            if report.verified() {
                println!("Verified.");
                ExitCode::SUCCESS
            } else {
                println!("Not verified.");
                ExitCode::FAILURE
            }
        }
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::from(2)
        }
    }
}

fn run_verify(args: &VerifyArgs) -> anyhow::Result<verify::Report> {
    let input =
        std::fs::read(&args.file).with_context(|| format!("reading {}", args.file.display()))?;
    let mut documents = DocumentResolver::new();
    for path in &args.key_documents {
        documents
            .add_document(&read_json(path)?)
            .with_context(|| format!("reading the keys in {}", path.display()))?;
    }
    let resolver = ChainResolver::new().with(DidKeyResolver).with(documents);
    let documents = args
        .documents
        .iter()
        .map(read_json)
        .collect::<anyhow::Result<Vec<_>>>()?;
    let jwks = args.jwks.as_ref().map(read_json).transpose()?;
    let lookup = |url: &str| {
        documents
            .iter()
            .find(|d| d.get("id").and_then(Value::as_str) == Some(url))
            .cloned()
            .or_else(|| {
                jwks.clone()
                    .filter(|_| url.ends_with("jwks.json") || url.contains("/keys"))
            })
    };
    let now = match &args.at {
        Some(at) => chrono::DateTime::parse_from_rfc3339(at)
            .with_context(|| format!("--at {at} is not an RFC 3339 time"))?
            .with_timezone(&chrono::Utc),
        None => chrono::Utc::now(),
    };
    Ok(verify::verify(
        &input,
        &verify::Context {
            now,
            keys: &resolver,
            documents: &lookup,
            canon: &Auto,
        },
    ))
}

/// `cairn bake`.
#[derive(Args, Debug)]
pub struct BakeArgs {
    /// The image to bake into (.png or .svg).
    pub image: PathBuf,
    /// The credential: a JSON file (Open Badges 3.0 credential or 2.0
    /// assertion) or a file holding a compact JWS.
    pub credential: PathBuf,
    /// Where to write the baked image.
    #[arg(short, long)]
    pub output: PathBuf,
}

pub fn bake(args: &BakeArgs) -> anyhow::Result<()> {
    let image =
        std::fs::read(&args.image).with_context(|| format!("reading {}", args.image.display()))?;
    let text = std::fs::read_to_string(&args.credential)
        .with_context(|| format!("reading {}", args.credential.display()))?;
    let text = text.trim();
    let (payload, version) = match serde_json::from_str::<Value>(text) {
        Ok(json) => {
            let is_v3 = json.get("@context").is_some_and(|c| {
                c.to_string().contains("credentials/v2")
                    || c.to_string().contains("2018/credentials")
            });
            (
                Payload::Json(text.to_owned()),
                if is_v3 {
                    BadgeVersion::V3
                } else {
                    BadgeVersion::V2
                },
            )
        }
        Err(_) if text.split('.').count() == 3 => (Payload::Jws(text.to_owned()), BadgeVersion::V3),
        Err(_) => bail!(
            "{} is neither JSON nor a compact JWS",
            args.credential.display()
        ),
    };
    let baked = match bake::detect_format(&image) {
        Some(bake::ImageFormat::Png) => bake::bake_png(&image, version, &payload)?,
        Some(bake::ImageFormat::Svg) => {
            let svg = String::from_utf8(image).context("the SVG is not UTF-8")?;
            bake::bake_svg(&svg, version, &payload)?.into_bytes()
        }
        None => bail!("{} is neither a PNG nor an SVG image", args.image.display()),
    };
    std::fs::write(&args.output, baked)
        .with_context(|| format!("writing {}", args.output.display()))
}

/// `cairn unbake`.
#[derive(Args, Debug)]
pub struct UnbakeArgs {
    /// The baked image (.png or .svg).
    pub image: PathBuf,
}

#[expect(
    clippy::print_stdout,
    reason = "the credential is the command's output"
)]
pub fn unbake(args: &UnbakeArgs) -> anyhow::Result<()> {
    let image =
        std::fs::read(&args.image).with_context(|| format!("reading {}", args.image.display()))?;
    let baked = bake::unbake(&image)?;
    println!("{}", baked.payload.as_str());
    Ok(())
}
