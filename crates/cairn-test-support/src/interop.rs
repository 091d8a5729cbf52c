//! The harness the interop tests share: installing the independent tools
//! into a cache folder, running their scripts with a JSON job, and the
//! skip-or-fail rule when a tool cannot run.
//!
//! Two test targets use it: `cairn-web`'s `interop_server` (awards issued
//! by a running server, with the documents fetched from it) through this
//! crate, and `cairn-credentials`' `interop` (the library on its own) by
//! including this file with `#[path]`, since the standards library cannot
//! depend on the application crates. So this file uses only the standard
//! library, `serde_json`, `sha2` and `hex`, which both crates have, and
//! nothing of the crate around it.
//!
//! - The tools are installed once into `$CAIRN_INTEROP_CACHE` (else
//!   `~/.cache/cairn-interop`), one folder per manifest named by a hash of
//!   `interop/node/package*.json` or `interop/python/requirements-*.txt`,
//!   never into the repository: [`node_tools`], [`ob3_tools`],
//!   [`ob2_tools`].
//! - [`run_node`] and [`run_python`] run `interop/node/interop.mjs` and
//!   `interop/python/*.py` with a job on stdin, within a time limit, and
//!   return the JSON they print.
//! - Without Node.js or Python, [`available`] skips the check with a note
//!   on stderr; with `CAIRN_REQUIRE_INTEROP=1` (as in CI) it fails instead.
//! - [`Findings`] collects every problem of a test and reports them
//!   together; [`Scratch`] holds the files a job names.
//!
//! Only the package registries are reached when installing; the scripts
//! fetch nothing but what the job gives them or 127.0.0.1 serves.

use serde_json::Value;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::fs;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration as StdDuration, Instant};

// ---------------------------------------------------------------------------
// Where things are, and what to do when a tool is missing

/// Set to `1` (as CI does), a check whose tool cannot run fails instead of
/// being skipped.
pub const REQUIRE_VAR: &str = "CAIRN_REQUIRE_INTEROP";
const COMPLETE_MARKER: &str = ".complete";
const INSTALL_LIMIT: StdDuration = StdDuration::from_secs(20 * 60);
const RUN_LIMIT: StdDuration = StdDuration::from_secs(5 * 60);

/// The repository's root folder.
pub fn repo() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    root.canonicalize().unwrap_or(root)
}

/// Whether interop checks must run (`CAIRN_REQUIRE_INTEROP=1`).
pub fn required() -> bool {
    std::env::var(REQUIRE_VAR).is_ok_and(|v| v == "1")
}

/// A line on stderr, past the test harness's capture.
pub fn note(text: &str) {
    let _ = writeln!(std::io::stderr(), "interop: {text}");
}

/// The tool a check needs, or `None` after saying why the check is skipped
/// (or failing, when interop checks are required).
pub fn available<'a, T>(tool: &'a Result<T, String>, check: &str) -> Option<&'a T> {
    match tool {
        Ok(tool) => Some(tool),
        Err(why) => {
            assert!(
                !required(),
                "{check} cannot run: {why} ({REQUIRE_VAR}=1 requires it)"
            );
            note(&format!(
                "SKIPPED {check}: {why} (set {REQUIRE_VAR}=1 to make this an error)"
            ));
            None
        }
    }
}

/// Where the tools are installed.
pub fn cache_root() -> PathBuf {
    if let Some(dir) = std::env::var_os("CAIRN_INTEROP_CACHE") {
        return dir.into();
    }
    if let Some(home) = std::env::var_os("HOME") {
        return Path::new(&home).join(".cache/cairn-interop");
    }
    std::env::temp_dir().join("cairn-interop-cache")
}

/// The first 16 hex digits of SHA-256 over the files' names and contents.
fn digest(files: &[PathBuf]) -> Result<String, String> {
    let mut hasher = Sha256::new();
    for file in files {
        let bytes = fs::read(file).map_err(|e| format!("cannot read {}: {e}", file.display()))?;
        hasher.update(
            file.file_name()
                .map(|n| n.as_encoded_bytes())
                .unwrap_or_default(),
        );
        hasher.update((bytes.len() as u64).to_le_bytes());
        hasher.update(&bytes);
    }
    Ok(hex::encode(hasher.finalize())[..16].to_owned())
}

// ---------------------------------------------------------------------------
// Running programs, with a time limit

#[derive(Debug)]
struct Ran {
    success: bool,
    stdout: String,
    stderr: String,
    elapsed: StdDuration,
}

fn tail(text: &str, lines: usize) -> String {
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

/// Runs `command` with `input` on stdin; kills it after `limit`.
fn run_bounded(mut command: Command, input: &[u8], limit: StdDuration) -> Result<Ran, String> {
    let started = Instant::now();
    let shown = format!("{command:?}");
    command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = command
        .spawn()
        .map_err(|e| format!("cannot start {shown}: {e}"))?;
    let mut stdin = child.stdin.take().ok_or("no stdin")?;
    let mut stdout = child.stdout.take().ok_or("no stdout")?;
    let mut stderr = child.stderr.take().ok_or("no stderr")?;
    let input = input.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(&input);
    });
    let out = std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = stdout.read_to_end(&mut bytes);
        bytes
    });
    let err = std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = stderr.read_to_end(&mut bytes);
        bytes
    });
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Some(status),
            Ok(None) if started.elapsed() > limit => {
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
            Ok(None) => std::thread::sleep(StdDuration::from_millis(20)),
            Err(e) => return Err(format!("waiting for {shown}: {e}")),
        }
    };
    let _ = writer.join();
    let stdout = String::from_utf8_lossy(&out.join().unwrap_or_default()).into_owned();
    let stderr = String::from_utf8_lossy(&err.join().unwrap_or_default()).into_owned();
    match status {
        None => Err(format!(
            "{shown} did not finish within {limit:?}; its stderr ends with:\n{}",
            tail(&stderr, 30)
        )),
        Some(status) => Ok(Ran {
            success: status.success(),
            stdout,
            stderr,
            elapsed: started.elapsed(),
        }),
    }
}

/// `program args…`'s first line of output, or why it cannot be run.
fn probe(program: &str, args: &[&str]) -> Result<String, String> {
    let mut command = Command::new(program);
    command.args(args);
    match run_bounded(command, b"", StdDuration::from_secs(60)) {
        Ok(ran) if ran.success => Ok(format!("{}{}", ran.stdout, ran.stderr)
            .lines()
            .next()
            .unwrap_or_default()
            .trim()
            .to_owned()),
        Ok(ran) => Err(format!(
            "`{program} {}` failed: {}",
            args.join(" "),
            tail(&ran.stderr, 5)
        )),
        Err(_) => Err(format!("{program} is not installed (not on PATH)")),
    }
}

/// Installs into `dir` once: into a private folder first, then renamed into
/// place with a completion marker, so parallel processes never see half an
/// installation (the loser of a race discards its copy).
fn install_once(
    dir: &Path,
    what: &str,
    install: impl FnOnce(&Path) -> Result<(), String>,
) -> Result<(), String> {
    if dir.join(COMPLETE_MARKER).exists() {
        return Ok(());
    }
    let parent = dir.parent().ok_or("the cache folder has no parent")?;
    fs::create_dir_all(parent).map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let partial = parent.join(format!("{name}.partial-{}", std::process::id()));
    let _ = fs::remove_dir_all(&partial);
    fs::create_dir_all(&partial)
        .map_err(|e| format!("cannot create {}: {e}", partial.display()))?;
    note(&format!(
        "installing {what} into {} (once; later runs reuse it)",
        dir.display()
    ));
    let started = Instant::now();
    if let Err(e) = install(&partial) {
        let _ = fs::remove_dir_all(&partial);
        return Err(e);
    }
    fs::write(partial.join(COMPLETE_MARKER), b"")
        .map_err(|e| format!("cannot write the completion marker: {e}"))?;
    if dir.exists() && !dir.join(COMPLETE_MARKER).exists() {
        let _ = fs::remove_dir_all(dir);
    }
    match fs::rename(&partial, dir) {
        Ok(()) => {
            note(&format!(
                "installed {what} in {:.1} s",
                started.elapsed().as_secs_f64()
            ));
            Ok(())
        }
        Err(_) if dir.join(COMPLETE_MARKER).exists() => {
            let _ = fs::remove_dir_all(&partial);
            Ok(())
        }
        Err(e) => Err(format!("cannot move the installation into place: {e}")),
    }
}

/// Copies a script next to the installed packages (Node resolves modules
/// from the script's folder upwards), under a name that changes with its
/// content, atomically.
pub fn place_script(dir: &Path, source: &Path) -> Result<PathBuf, String> {
    let stem = source
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let target = dir.join(format!("{stem}-{}.mjs", digest(&[source.to_owned()])?));
    if !target.exists() {
        let partial = dir.join(format!(
            "{stem}.{}-{:?}.partial",
            std::process::id(),
            std::thread::current().id()
        ));
        fs::copy(source, &partial).map_err(|e| format!("cannot copy {}: {e}", source.display()))?;
        fs::rename(&partial, &target).map_err(|e| format!("cannot place the script: {e}"))?;
    }
    Ok(target)
}

// ---------------------------------------------------------------------------
// The tools

#[derive(Debug)]
pub struct NodeTools {
    /// The folder with `node_modules`.
    pub dir: PathBuf,
    /// `interop/node/interop.mjs`, placed in `dir`.
    pub script: PathBuf,
}

fn install_node() -> Result<NodeTools, String> {
    let version = probe("node", &["--version"])?;
    probe("npm", &["--version"])?;
    let major: u32 = version
        .trim_start_matches('v')
        .split('.')
        .next()
        .and_then(|m| m.parse().ok())
        .unwrap_or(0);
    if major < 18 {
        return Err(format!("node {version} is too old (18 or later is needed)"));
    }
    let source = repo().join("interop/node");
    let manifest = vec![
        source.join("package.json"),
        source.join("package-lock.json"),
    ];
    let dir = cache_root().join(format!("node-{}", digest(&manifest)?));
    install_once(&dir, "the Node.js verifiers (npm ci)", |partial| {
        for file in &manifest {
            let name = file.file_name().ok_or("no file name")?;
            fs::copy(file, partial.join(name)).map_err(|e| format!("copying {name:?}: {e}"))?;
        }
        let mut npm = Command::new("npm");
        npm.args([
            "ci",
            "--ignore-scripts",
            "--no-audit",
            "--no-fund",
            "--loglevel=error",
            "--prefix",
        ])
        .arg(partial);
        let ran = run_bounded(npm, b"", INSTALL_LIMIT)?;
        if ran.success {
            Ok(())
        } else {
            Err(format!("npm ci failed:\n{}", tail(&ran.stderr, 30)))
        }
    })?;
    let script = place_script(&dir, &source.join("interop.mjs"))?;
    Ok(NodeTools { dir, script })
}

pub fn node_tools() -> &'static Result<NodeTools, String> {
    static NODE: OnceLock<Result<NodeTools, String>> = OnceLock::new();
    NODE.get_or_init(install_node)
}

#[derive(Debug)]
pub struct PythonTools {
    /// The `--target` folder, put on `PYTHONPATH`.
    pub dir: PathBuf,
}

fn install_python(name: &str, no_deps: bool) -> Result<PythonTools, String> {
    let version = probe("python3", &["--version"])?;
    let minor: u32 = version
        .trim_start_matches("Python ")
        .split('.')
        .nth(1)
        .and_then(|m| m.parse().ok())
        .unwrap_or(0);
    if !version.starts_with("Python 3.") || minor < 10 {
        return Err(format!("{version} is too old (3.10 or later is needed)"));
    }
    probe("python3", &["-m", "pip", "--version"])
        .map_err(|e| format!("pip is not available for python3: {e}"))?;
    let requirements = repo().join(format!("interop/python/requirements-{name}.txt"));
    let dir = cache_root().join(format!(
        "python-{name}-{}",
        digest(std::slice::from_ref(&requirements))?
    ));
    install_once(&dir, &format!("the Python {name} tools (pip)"), |partial| {
        let mut pip = Command::new("python3");
        pip.args([
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
        ]);
        if no_deps {
            pip.arg("--no-deps");
        }
        pip.arg("--target")
            .arg(partial)
            .arg("-r")
            .arg(&requirements);
        let ran = run_bounded(pip, b"", INSTALL_LIMIT)?;
        if ran.success {
            Ok(())
        } else {
            Err(format!(
                "pip install -r {} failed:\n{}",
                requirements.display(),
                tail(&ran.stderr, 30)
            ))
        }
    })?;
    Ok(PythonTools { dir })
}

/// openbadgeslib and openbadges-bakery 2.0.0.
pub fn ob3_tools() -> &'static Result<PythonTools, String> {
    static TOOLS: OnceLock<Result<PythonTools, String>> = OnceLock::new();
    TOOLS.get_or_init(|| install_python("ob3", false))
}

/// 1EdTech's `openbadges` 1.1.2 and openbadges-bakery 1.2.4.
pub fn ob2_tools() -> &'static Result<PythonTools, String> {
    static TOOLS: OnceLock<Result<PythonTools, String>> = OnceLock::new();
    TOOLS.get_or_init(|| install_python("ob2", true))
}

fn parse_output(tool: &str, ran: Ran) -> Value {
    assert!(
        ran.success,
        "{tool} failed:\n{}\n{}",
        tail(&ran.stderr, 40),
        tail(&ran.stdout, 10)
    );
    let value: Value = serde_json::from_str(&ran.stdout).unwrap_or_else(|e| {
        panic!(
            "{tool} printed something that is not JSON ({e}):\n{}\n{}",
            tail(&ran.stdout, 20),
            tail(&ran.stderr, 20)
        )
    });
    note(&format!("{tool} ran in {:.1} s", ran.elapsed.as_secs_f64()));
    value
}

/// Runs `interop/node/interop.mjs` with `job`; panics when it fails or
/// prints something that is not JSON.
pub fn run_node(node: &NodeTools, job: &Value) -> Value {
    let mut command = Command::new("node");
    command.arg(&node.script).current_dir(&node.dir);
    let tool = format!("node interop.mjs {}", job["command"]);
    let ran = run_bounded(command, job.to_string().as_bytes(), RUN_LIMIT)
        .unwrap_or_else(|e| panic!("{tool}: {e}"));
    parse_output(&tool, ran)
}

/// Runs `interop/python/{script}` with `job` and the tools on
/// `PYTHONPATH`; panics when it fails or prints something that is not JSON.
pub fn run_python(tools: &PythonTools, script: &str, job: &Value) -> Value {
    let mut command = Command::new("python3");
    command
        .arg("-S")
        .arg(repo().join("interop/python").join(script))
        .env("PYTHONPATH", &tools.dir)
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .env("PYTHONIOENCODING", "utf-8");
    let tool = format!("python {script} {}", job["command"]);
    let ran = run_bounded(command, job.to_string().as_bytes(), RUN_LIMIT)
        .unwrap_or_else(|e| panic!("{tool}: {e}"));
    parse_output(&tool, ran)
}

/// Cairn's bundled contexts, by URL, as files.
pub fn context_files() -> BTreeMap<String, String> {
    let folder = repo().join("testdata/contexts");
    let index: Value = serde_json::from_str(
        &fs::read_to_string(folder.join("index.json")).expect("testdata/contexts/index.json"),
    )
    .expect("the context index is JSON");
    index
        .as_object()
        .expect("the context index is an object")
        .iter()
        .map(|(url, entry)| {
            let file = entry["file"].as_str().expect("a file name");
            (
                url.clone(),
                folder.join(file).to_string_lossy().into_owned(),
            )
        })
        .collect()
}

// ---------------------------------------------------------------------------
// Scratch files and findings

#[derive(Debug)]
/// A temporary folder for the files a job names, removed afterwards (kept
/// when the test fails, for inspection).
pub struct Scratch {
    path: PathBuf,
}

impl Scratch {
    /// A fresh folder under the system's temporary folder.
    pub fn new(name: &str) -> Self {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let path = std::env::temp_dir().join(format!(
            "cairn-interop-{}-{name}-{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = fs::remove_dir_all(&path);
        fs::create_dir_all(&path).expect("a scratch folder");
        Self { path }
    }

    /// Writes a file; returns its path.
    pub fn write(&self, name: &str, bytes: impl AsRef<[u8]>) -> String {
        let path = self.path.join(name);
        fs::write(&path, bytes).expect("a scratch file");
        path.to_string_lossy().into_owned()
    }

    /// Writes a JSON file (pretty); returns its path.
    pub fn json(&self, name: &str, value: &Value) -> String {
        self.write(
            name,
            serde_json::to_string_pretty(value).expect("JSON serializes"),
        )
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        if std::thread::panicking() {
            note(&format!(
                "files kept for inspection in {}",
                self.path.display()
            ));
        } else {
            let _ = fs::remove_dir_all(&self.path);
        }
    }
}

/// What went wrong in one test, reported together at the end.
#[derive(Debug)]
pub struct Findings {
    test: &'static str,
    /// What failed, in words.
    pub failures: Vec<String>,
}

impl Findings {
    pub fn new(test: &'static str) -> Self {
        Self {
            test,
            failures: Vec::new(),
        }
    }

    /// Notes a check that passed, or records one that failed.
    pub fn check(
        &mut self,
        ok: bool,
        passed: impl FnOnce() -> String,
        failed: impl FnOnce() -> String,
    ) {
        if ok {
            note(&format!("ok: {}", passed()));
        } else {
            let text = failed();
            note(&format!("FAILED: {text}"));
            self.failures.push(text);
        }
    }

    /// Fails the test with every recorded problem, if there is one.
    pub fn finish(self) {
        assert!(
            self.failures.is_empty(),
            "{}: {} problem(s):\n- {}",
            self.test,
            self.failures.len(),
            self.failures.join("\n- ")
        );
    }
}

/// A tool's message (a string, a list of strings or anything else) on
/// one line.
pub fn lines(value: &Value) -> String {
    match value {
        Value::Array(items) if items.is_empty() => "(no message)".into(),
        Value::Array(items) => items
            .iter()
            .map(|i| {
                i.as_str()
                    .map(str::to_owned)
                    .unwrap_or_else(|| i.to_string())
            })
            .collect::<Vec<_>>()
            .join(" | "),
        Value::Null => "(no message)".into(),
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

/// The result named `name` in a script's output.
pub fn result_named<'a>(output: &'a Value, name: &str) -> &'a Value {
    output["results"]
        .as_array()
        .and_then(|items| items.iter().find(|r| r["name"] == name))
        .unwrap_or_else(|| panic!("no result for {name} in {output:#}"))
}

/// The validator's tasks, one line each, for failure messages.
pub fn ob2_tasks(result: &Value) -> String {
    result["tasks"]
        .as_array()
        .map(|tasks| {
            tasks
                .iter()
                .map(|t| {
                    format!(
                        "\n      {} {}: {}",
                        if t["success"] == true { "ok" } else { "--" },
                        t["name"].as_str().unwrap_or("?"),
                        t["result"].as_str().unwrap_or("")
                    )
                })
                .collect::<String>()
        })
        .unwrap_or_default()
}

/// The URL of the Open Badges 3.0 credential JSON Schema, as credentials
/// name it in `credentialSchema`.
pub const OB3_SCHEMA_URL: &str =
    "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json";

/// The bundled copy of that schema (`testdata/ob3/schema/`), served to
/// verifiers that fetch it.
pub fn ob3_schema() -> Value {
    serde_json::from_str(
        &fs::read_to_string(repo().join("testdata/ob3/schema/achievementcredential.json"))
            .expect("the OB 3.0 schema"),
    )
    .expect("the schema is JSON")
}
