//! `cairn`: the one binary. `serve` runs the platform (web server and job
//! worker), `migrate` brings the database up to date, `demo` loads sample
//! organizations and log-ins into an empty database, `award import` awards
//! a micro-credential to the people of a CSV file, `config example`
//! prints every setting with its default.

mod award;
mod badges;
mod config;
mod demo;
mod serve;

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser, Debug)]
#[command(
    name = "cairn",
    version,
    about = "Cairn: micro-credentials with the evidence behind them"
)]
struct Cli {
    /// A TOML configuration file (default: ./cairn.toml when it exists).
    #[arg(long, global = true, env = "CAIRN_CONFIG")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Run the platform: the web server and the job worker.
    Serve {
        /// Load the demo organizations, micro-credentials and log-ins first
        /// when the database is empty (a database with data is left as it is).
        #[arg(long)]
        demo: bool,
    },
    /// Load demo organizations, micro-credentials and log-ins into an empty
    /// database, and print where to look and how to log in.
    Demo,
    /// Apply database migrations without serving.
    Migrate,
    /// Work with the configuration.
    Config {
        #[command(subcommand)]
        command: ConfigCommand,
    },
    /// Verify a credential (JSON, or a baked PNG or SVG) and print every check.
    Verify(badges::VerifyArgs),
    /// Bake a credential into a PNG or SVG image.
    Bake(badges::BakeArgs),
    /// Print the credential baked into a PNG or SVG image.
    Unbake(badges::UnbakeArgs),
    /// Award micro-credentials from the command line.
    Award {
        #[command(subcommand)]
        command: award::AwardCommand,
    },
}

#[derive(Subcommand, Debug)]
enum ConfigCommand {
    /// Print every setting with its default value.
    Example,
    /// Print the configuration in effect (secrets hidden).
    Show,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Config {
            command: ConfigCommand::Example,
        } => {
            print_out(&config::example());
            Ok(())
        }
        Command::Config {
            command: ConfigCommand::Show,
        } => config::Config::load(cli.config.as_deref()).map(|c| print_out(&c.show())),
        Command::Verify(args) => return badges::verify(&args),
        Command::Bake(args) => badges::bake(&args),
        Command::Unbake(args) => badges::unbake(&args),
        Command::Serve { demo } => run(cli.config.as_deref(), |config| serve::serve(config, demo)),
        Command::Demo => run(cli.config.as_deref(), demo::load),
        Command::Migrate => run(cli.config.as_deref(), serve::migrate),
        Command::Award { command } => award::main(cli.config.as_deref(), command),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

#[expect(clippy::print_stdout, reason = "the CLI's output")]
fn print_out(text: &str) {
    println!("{text}");
}

fn run<F, Fut>(config_path: Option<&std::path::Path>, command: F) -> anyhow::Result<()>
where
    F: FnOnce(config::Config) -> Fut,
    Fut: Future<Output = anyhow::Result<()>>,
{
    let config = config::Config::load(config_path)?;
    serve::init_logging(&config)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(command(config))
}
