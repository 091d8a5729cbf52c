//! `cairn award import` as the platform's operator uses it: a dry run
//! prints every problem row by row and fails; a real run issues, prints a
//! summary and emails everyone; the same file again awards nobody twice.

use std::path::Path;
use std::process::{Command, Output};

fn cairn(dir: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_cairn"));
    for (key, _) in std::env::vars_os() {
        if key.to_string_lossy().starts_with("CAIRN_") {
            command.env_remove(key);
        }
    }
    command
        .current_dir(dir)
        .env("CAIRN_DATA_DIR", dir.join("data"))
        .env("CAIRN_LOG_FORMAT", "json");
    command
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn import(dir: &Path, file: &str, extra: &[&str]) -> Output {
    cairn(dir)
        .args([
            "award",
            "import",
            file,
            "--org",
            "meadowlark-usd",
            "--achievement",
            "academic-vocabulary",
        ])
        .args(extra)
        .output()
        .expect("run cairn award import")
}

#[test]
fn award_import_checks_issues_and_never_awards_twice() {
    let dir = tempfile::tempdir().expect("temp dir");
    let demo = cairn(dir.path()).arg("demo").output().expect("cairn demo");
    assert!(demo.status.success(), "{}", text(&demo));
    let earned = (chrono::Utc::now() - chrono::Duration::days(2)).format("%Y-%m-%d");
    let tomorrow = (chrono::Utc::now() + chrono::Duration::days(1)).format("%Y-%m-%d");
    std::fs::write(
        dir.path().join("bad.csv"),
        format!(
            "email,name,date\nana@example.org,Ana,{earned}\nnot-an-address,Bo,{earned}\ncy@example.org,Cy,{tomorrow}\n"
        ),
    )
    .expect("write");
    let mut good = String::from("email,name,date,narrative\n");
    for n in 1..=5 {
        good.push_str(&format!(
            "person{n}@example.org,Person {n},{earned},Taught unit {n}\n"
        ));
    }
    std::fs::write(dir.path().join("people.csv"), good).expect("write");

    let bad = import(dir.path(), "bad.csv", &["--dry-run"]);
    let out = text(&bad);
    assert_eq!(bad.status.code(), Some(1), "{out}");
    assert!(
        out.contains("Row 3, email: “not-an-address” is not an email address"),
        "{out}"
    );
    assert!(
        out.contains("Row 4, date: ") && out.contains("is in the future"),
        "{out}"
    );
    assert!(out.contains("Nobody would be awarded"), "{out}");
    let bad = import(dir.path(), "bad.csv", &[]);
    assert_eq!(bad.status.code(), Some(1), "{}", text(&bad));
    assert!(text(&bad).contains("nobody was awarded"), "{}", text(&bad));

    let checked = import(dir.path(), "people.csv", &["--dry-run"]);
    assert!(checked.status.success(), "{}", text(&checked));
    assert!(text(&checked).contains("5 people in the file, 5 to award, 0 already hold it"));

    let awarded = import(dir.path(), "people.csv", &[]);
    let out = text(&awarded);
    assert!(awarded.status.success(), "{out}");
    assert!(
        out.contains("Done: 5 issued, 0 skipped (already awarded), 0 failed, of 5 rows."),
        "{out}"
    );
    assert!(
        !out.contains("\"level\":\"INFO\""),
        "info logs stay out of the way: {out}"
    );
    let emails = std::fs::read_dir(dir.path().join("data/outbox"))
        .expect("outbox")
        .filter_map(|e| std::fs::read_to_string(e.expect("entry").path()).ok())
        .filter(|e| e.contains("Congratulations:"))
        .count();
    assert_eq!(emails, 5, "each person is emailed by the command itself");

    let again = import(dir.path(), "people.csv", &[]);
    let out = text(&again);
    assert!(again.status.success(), "{out}");
    assert!(
        out.contains("Done: 0 issued, 5 skipped (already awarded), 0 failed, of 5 rows."),
        "{out}"
    );

    let missing = import(dir.path(), "nope.csv", &[]);
    assert_eq!(missing.status.code(), Some(1));
    assert!(text(&missing).contains("reading nope.csv"));
}
