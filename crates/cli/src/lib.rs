//! The command line of `rapport`: parses it, opens the store the configuration names, hands
//! over to the library crates and prints what they answer; no business rules live here, and no
//! HTTP: `serve` and `demo` hand the opened store to the web server the executable
//! (crates/rapport) was built with ([`Serve`]), so this crate does not depend on the web crate.

mod alerts;
mod audit;
pub mod config;
mod demo;
mod import;
mod keys;
mod open;
mod oracle;
mod resolve;
mod score;
mod segments;
mod users;
mod warehouse;

pub use open::{Serve, Serving};

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use chrono::NaiveDate;
use clap::{Args, Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "rapport",
    version,
    about = "Rapport — the customer relationship management system for commercial banks"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the web UI and the REST API.
    Serve(ServeArgs),
    /// Generate a synthetic demo bank, load it, create demo logins, then serve.
    Demo(DemoArgs),
    /// Write the synthetic bank's source-system extracts and ground truth as CSV files.
    Synth(SynthArgs),
    /// Import source-system extracts (customers, accounts) with their mapping files.
    Import(import::ImportArgs),
    /// Resolve source records into golden customer records (identity resolution).
    Resolve(resolve::ResolveArgs),
    /// Score every customer: value, tier, RFM, CLV, lifecycle, churn risk, next best products,
    /// credit rating; alerts and tier proposals for the RMs.
    Score {
        #[command(flatten)]
        args: score::ScoreArgs,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Raise the RMs' alerts (maturities, birthdays, new-customer revisits) and make a task
    /// for every open alert that has none.
    Alerts {
        #[command(flatten)]
        args: alerts::AlertArgs,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Manage staff logins.
    User {
        #[command(subcommand)]
        command: users::UserCommand,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// API tokens for system callers.
    Token {
        #[command(subcommand)]
        command: users::TokenCommand,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Rotate the field-encryption key and re-seal identifiers.
    Keys {
        #[command(subcommand)]
        command: keys::KeysCommand,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Verify or anchor the audit trail.
    Audit {
        #[command(subcommand)]
        command: audit::AuditCommand,
        #[command(flatten)]
        store: StoreArgs,
    },
}

/// Where the data lives.
#[derive(Args, Clone, Debug)]
pub struct StoreArgs {
    /// Data directory (SQLite database, configuration, demo files); created if missing.
    #[arg(long, env = "RAPPORT_DATA_DIR", default_value = "data", global = true)]
    pub data_dir: PathBuf,
    /// PostgreSQL URL (`postgres://user:password@host/db`); SQLite in the data directory if unset.
    #[arg(long, env = "RAPPORT_DATABASE_URL", global = true)]
    pub database_url: Option<String>,
    /// PostgreSQL only: the schema owner's URL. Migrations run as this role and the server then
    /// connects with `--database-url` as an application role (privilege separation; README).
    #[arg(long, env = "RAPPORT_MIGRATE_DATABASE_URL", global = true)]
    pub migrate_database_url: Option<String>,
    /// Configuration file (default: rapport.toml in the data directory, if present).
    #[arg(long, env = "RAPPORT_CONFIG", global = true)]
    pub config: Option<PathBuf>,
    /// Key file (default: keys/rapport.keys in the data directory, created on first run).
    /// In production, `RAPPORT_KEYS` may carry the key file's contents instead.
    #[arg(long, env = "RAPPORT_KEY_FILE", global = true)]
    pub key_file: Option<PathBuf>,
}

#[derive(Args, Debug)]
pub struct ServeArgs {
    #[command(flatten)]
    pub store: StoreArgs,
    /// Address to listen on.
    #[arg(long, env = "RAPPORT_LISTEN")]
    pub listen: Option<SocketAddr>,
}

#[derive(Args, Debug)]
pub struct DemoArgs {
    #[command(flatten)]
    pub serve: ServeArgs,
    #[command(flatten)]
    pub bank: BankArgs,
    /// Load and create logins, then exit instead of serving.
    #[arg(long)]
    pub no_serve: bool,
    /// Do not write the source-system extracts (benchmarks of the load alone).
    #[arg(long, hide = true)]
    pub skip_extracts: bool,
    /// Load the generator's true bank directly instead of importing and resolving its
    /// extracts (load benchmarks).
    #[arg(long, hide = true)]
    pub ground_truth: bool,
    /// With --ground-truth: also load the extracts' balances and transactions into the
    /// warehouse, score and run the alert job — a scored bank without import and resolution
    /// (the workbench benchmark).
    #[arg(long, hide = true, requires = "ground_truth")]
    pub scored: bool,
    /// How many of the bank's RMs get a demo login (the workbench benchmark logs in as many;
    /// demo logins are made while the bank is built, before any administrator exists).
    #[arg(long, hide = true, default_value_t = 2)]
    pub demo_rms: usize,
}

#[derive(Args, Debug)]
pub struct SynthArgs {
    /// Output directory for the CSV files.
    #[arg(long)]
    pub out: PathBuf,
    #[command(flatten)]
    pub bank: BankArgs,
}

/// The synthetic bank to generate (`demo`, `synth`).
#[derive(Args, Debug)]
pub struct BankArgs {
    /// Number of customers in the bank.
    #[arg(long, default_value_t = 10_000)]
    pub customers: u64,
    /// Random seed: the same seed gives the same bank.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// The bank's "today" for the generated history (YYYY-MM-DD).
    #[arg(long, default_value = "2026-06-30")]
    pub as_of: NaiveDate,
    /// Leave transactions out (faster for load benchmarks; `demo` then skips scoring, which
    /// learns from transactions, and runs the alert job on balances and dates alone; `synth`
    /// writes no transactions.csv).
    #[arg(long)]
    pub no_transactions: bool,
}

/// Runs the command line of this process with `serve` as its web server.
pub fn main(serve: Serve) -> ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("RAPPORT_LOG").unwrap_or_else(|_| {
                tracing_subscriber::EnvFilter::new("info,sqlx=warn,perpetual=warn")
            }),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli, serve)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // One line, the whole cause chain.
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli, serve: Serve) -> anyhow::Result<()> {
    match cli.command {
        Command::Serve(args) => {
            let ctx = open::Opened::open(&args.store).await?;
            ctx.serve(args.listen, serve).await
        }
        Command::Demo(args) => demo::run(args, serve).await,
        Command::Synth(args) => demo::synth(args).await,
        Command::Import(args) => import::run(args).await,
        Command::Resolve(args) => resolve::run(args).await,
        Command::Score { args, store } => {
            let ctx = open::Opened::open(&store).await?;
            score::run(&ctx, &args).await
        }
        Command::Alerts { args, store } => {
            let ctx = open::Opened::open(&store).await?;
            alerts::run(&ctx, &args).await
        }
        Command::User { command, store } => {
            let ctx = open::Opened::open(&store).await?;
            users::run(&ctx, command).await
        }
        Command::Token { command, store } => {
            let ctx = open::Opened::open(&store).await?;
            users::run_token(&ctx, command).await
        }
        Command::Keys { command, store } => keys::run(&store, command).await,
        Command::Audit { command, store } => {
            let ctx = open::Opened::open(&store).await?;
            audit::run(&ctx, command).await
        }
    }
}
