//! `cairn demo` and `cairn serve --demo`: sample organizations,
//! micro-credentials and log-ins in an empty database, and a summary that
//! says where to look and how to log in.

use crate::config::Config;
use crate::serve;
use cairn_app::App;
use cairn_app::demo::{DEMO_PASSWORD, DemoSummary};
use std::fmt::Write as _;

/// `cairn demo`: loads the demo into the configured database and prints
/// the summary.
pub async fn load(config: Config) -> anyhow::Result<()> {
    let (app, _) = serve::build_app(&config).await?;
    let summary = app.load_demo().await?;
    crate::print_out(&summary_text(&summary, &config.public_url(), false));
    app.store().clone().close().await?;
    Ok(())
}

/// For `cairn serve --demo`: loads the demo when the database is empty;
/// otherwise says why not and leaves the data as it is.
pub async fn load_if_empty(app: &App, config: &Config) -> anyhow::Result<()> {
    if !app.demo_can_load().await? {
        tracing::info!("the database is not empty, so the demo data was not loaded");
        crate::print_out(
            "\n  The database already has accounts or organizations, so the demo data was not loaded.\n  To try the demo, start with an empty data folder (data_dir) or database (database_url).\n",
        );
        return Ok(());
    }
    let summary = app.load_demo().await?;
    tracing::info!(
        organizations = summary.organizations.len(),
        micro_credentials = summary.achievements(),
        accounts = summary.accounts.len(),
        "demo data loaded"
    );
    crate::print_out(&summary_text(&summary, &config.public_url(), true));
    Ok(())
}

/// The summary: what was loaded, the pages to open, and the log-in table.
pub fn summary_text(summary: &DemoSummary, public_url: &str, serving: bool) -> String {
    let base = public_url.trim_end_matches('/');
    let mut out = String::new();
    let _ = writeln!(
        out,
        "\nDemo data loaded: {} organizations, {} published micro-credentials, {} accounts.\n",
        summary.organizations.len(),
        summary.achievements(),
        summary.accounts.len()
    );
    if serving {
        let _ = writeln!(out, "Open these once the server is listening:");
    } else {
        let _ = writeln!(out, "Start the server with `cairn serve`, then open:");
    }
    let _ = writeln!(out, "  Catalog   {base}/catalog");
    let _ = writeln!(out, "  Log in    {base}/login\n");
    for org in &summary.organizations {
        let _ = writeln!(out, "{}", org.name);
        let _ = writeln!(out, "  {base}/orgs/{}", org.slug);
        let mut counts = vec![format!("{} micro-credentials", org.achievements)];
        if !org.levels.is_empty() {
            counts.push(format!("{} levels", org.levels.len()));
        }
        if !org.departments.is_empty() {
            counts.push(format!("departments: {}", org.departments.join(", ")));
        }
        if org.templates > 0 {
            counts.push(format!("{} shared templates", org.templates));
        }
        let _ = writeln!(out, "  {}", counts.join(" · "));
        let _ = writeln!(out, "  Look at {}.", org.highlight);
        for stack in &org.stacks {
            let _ = writeln!(out, "  Stack: {base}/orgs/{}/stacks/{stack}", org.slug);
        }
        out.push('\n');
    }
    let _ = writeln!(
        out,
        "Log-ins (every demo account has the password {DEMO_PASSWORD}):\n"
    );
    let rows: Vec<[&str; 3]> = summary
        .accounts
        .iter()
        .map(|a| [a.email.as_str(), a.password.as_str(), a.role.as_str()])
        .collect();
    let header = ["Email", "Password", "Role"];
    let width = |column: usize| {
        rows.iter()
            .map(|r| r[column].chars().count())
            .chain([header[column].len()])
            .max()
            .unwrap_or(0)
    };
    let (email_width, password_width) = (width(0), width(1));
    for row in std::iter::once(header).chain(rows.iter().copied()) {
        let _ = writeln!(
            out,
            "  {:<email_width$}  {:<password_width$}  {}",
            row[0], row[1], row[2]
        );
    }
    let _ = writeln!(
        out,
        "\nThese accounts and their password are sample data, printed here only. Use a fresh data folder or database for real work."
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use cairn_app::demo::{DemoAccount, DemoOrganization};

    #[test]
    fn the_summary_lists_pages_and_aligned_log_ins() {
        let summary = DemoSummary {
            organizations: vec![DemoOrganization {
                name: "Center".into(),
                slug: "center".into(),
                highlight: "the ladder".into(),
                departments: vec!["Strategies".into()],
                levels: vec!["One".into(), "Two".into()],
                achievements: 2,
                templates: 0,
                stacks: vec!["ladder".into()],
            }],
            accounts: vec![
                DemoAccount {
                    name: "Ada".into(),
                    email: "ada@demo.cairn.test".into(),
                    password: DEMO_PASSWORD.into(),
                    role: "Administrator at Center".into(),
                },
                DemoAccount {
                    name: "Bo".into(),
                    email: "bo.longer.name@demo.cairn.test".into(),
                    password: DEMO_PASSWORD.into(),
                    role: "Learner with no organization".into(),
                },
            ],
        };
        let text = summary_text(&summary, "http://localhost:8080/", false);
        assert!(text.contains("http://localhost:8080/orgs/center\n"));
        assert!(text.contains("http://localhost:8080/orgs/center/stacks/ladder"));
        assert!(text.contains("2 micro-credentials · 2 levels · departments: Strategies"));
        assert!(text.contains("cairn serve"));
        let table: Vec<&str> = text
            .lines()
            .filter(|l| l.contains(DEMO_PASSWORD) && l.contains('@'))
            .collect();
        assert_eq!(table.len(), 2);
        let column = |line: &str| line.find(DEMO_PASSWORD);
        assert_eq!(column(table[0]), column(table[1]), "{text}");
        assert!(!summary_text(&summary, "http://x", true).contains("cairn serve"));
    }
}
