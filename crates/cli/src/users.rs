//! `rapport user …`: staff logins. Passwords are never defaults: generated and shown once, or
//! read from standard input.
//!
//! Separation of duties: the command line cannot make an active login alone either. Except for
//! the bootstrap rule — while fewer than two enabled administrators exist, `user add --role
//! admin` takes effect at once, so whoever installs the bank can create the first two — `user
//! add`, `user password`, `user enable` and `token create` record a pending change requested
//! via the command line, which an administrator approves in the web UI or the API (the
//! credential is made at approval and shown to the approver). `user pending` lists them.
//! The rules — what a valid login or token is, when the bootstrap holds — are
//! `rapport_services::staff`'s, shared with the web; this module parses flags and prints.
use std::io::Read;

use anyhow::Context;
use clap::Subcommand;
use rapport_domain::{BranchId, Username};
use rapport_services::passwords;
use rapport_services::staff::{self, LoginRequest, Requester, StaffError, TokenRequest};
use rapport_store::NewStaff;
use rapport_store::staff_changes::{RequestedVia, StaffChange};

use crate::open::Opened;

#[derive(Subcommand, Debug)]
pub enum UserCommand {
    /// Request a staff login, approved by an administrator in the web UI or API. While fewer
    /// than two enabled administrators exist, an admin login is created at once instead and its
    /// generated password printed once (or read from stdin).
    Add {
        #[arg(long)]
        username: String,
        /// rm, branch_manager, service_agent, data_steward, marketing, auditor or admin.
        #[arg(long)]
        role: String,
        #[arg(long)]
        display_name: String,
        /// The staff member's branch (branch managers see its subtree; RMs sit in one).
        #[arg(long)]
        branch_id: Option<i64>,
        /// Read the password from standard input instead of generating one.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Request a new temporary password for a login: made when an administrator approves it
    /// (shown to them once); the login's sessions then end.
    Password {
        username: String,
        /// Refused: a password the requester chose would let them log in alone.
        #[arg(long, hide = true)]
        password_stdin: bool,
    },
    /// List staff and their state.
    List,
    /// Disable a login and end its sessions.
    Disable { username: String },
    /// Request that a disabled login be enabled (approved by an administrator).
    Enable { username: String },
    /// List staff changes waiting for an administrator's approval.
    Pending,
}

pub async fn hash(password: String) -> anyhow::Result<String> {
    tokio::task::spawn_blocking(move || rapport_services::passwords::hash_password(&password))
        .await?
        .map_err(|e| anyhow::anyhow!("cannot hash password: {e}"))
}

pub async fn run(ctx: &Opened, command: UserCommand) -> anyhow::Result<()> {
    match command {
        UserCommand::Add {
            username,
            role,
            display_name,
            branch_id,
            password_stdin,
        } => {
            let login = LoginRequest {
                username: Username::parse(&username)
                    .map_err(|e| anyhow::anyhow!("--username: {e}"))?,
                role: role.parse().map_err(|e| anyhow::anyhow!("--role: {e}"))?,
                display_name,
                branch_id: branch_id.map(BranchId),
            };
            add(ctx, login, password_stdin).await
        }
        UserCommand::Password {
            username,
            password_stdin,
        } => set_password(ctx, &username, password_stdin).await,
        UserCommand::List => list(ctx).await,
        UserCommand::Disable { username } => set_disabled(ctx, &username, true).await,
        UserCommand::Enable { username } => {
            let username = parse_username(&username)?;
            let row = staff::request_enable(ctx.store.as_ref(), username, cli())
                .await
                .map_err(flagged)?;
            announce(&row)
        }
        UserCommand::Pending => pending(ctx).await,
    }
}

/// `user add`: a login request for an administrator to approve, except for the bootstrap
/// administrators (see the module's comment).
async fn add(ctx: &Opened, login: LoginRequest, password_stdin: bool) -> anyhow::Result<()> {
    let store = ctx.store.as_ref();
    let change = staff::check_login(store, &login).await.map_err(flagged)?;
    if staff::is_bootstrap(store, login.role).await? {
        return create_bootstrap_admin(ctx, change, password_stdin).await;
    }
    anyhow::ensure!(
        !password_stdin,
        "--password-stdin: this login waits for an administrator's approval, who \
         gets its temporary password (a password chosen here would let one person \
         log in alone)"
    );
    requested(ctx, change).await
}

/// Who asks from the command line: no staff id (whoever runs it on the server).
fn cli() -> Requester {
    Requester {
        staff: None,
        via: RequestedVia::Cli,
        at: chrono::Utc::now(),
    }
}

/// A staff rule's refusal in the command line's words: the flag at fault first.
fn flagged(e: StaffError) -> anyhow::Error {
    match e {
        StaffError::Invalid { field, message } => {
            anyhow::anyhow!("--{}: {message}", field.replace('_', "-"))
        }
        other => other.into(),
    }
}

fn parse_username(text: &str) -> anyhow::Result<Username> {
    Username::parse(text).map_err(|e| anyhow::anyhow!("username: {e}"))
}

/// One of the first two administrators, made at once; a generated password is printed once.
async fn create_bootstrap_admin(
    ctx: &Opened,
    login: StaffChange,
    password_stdin: bool,
) -> anyhow::Result<()> {
    let StaffChange::CreateLogin {
        username,
        display_name,
        role,
        branch_id,
    } = login
    else {
        anyhow::bail!("a bootstrap administrator is made from a login request");
    };
    let (password, generated) = read_or_generate(password_stdin)?;
    let password_hash = hash(password.clone()).await?;
    let id = ctx
        .store
        .create_staff(&NewStaff {
            username: username.clone(),
            display_name,
            role,
            branch_id,
            password_hash,
            // A generated password is only for the first login.
            must_change_password: generated,
        })
        .await?;
    println!(
        "created {username} (id {}, role {role}): fewer than two administrators existed",
        id.0
    );
    if generated {
        println!("password (shown once; to be changed at the first login): {password}");
    }
    Ok(())
}

/// `user list`: staff and the state of their logins.
async fn list(ctx: &Opened) -> anyhow::Result<()> {
    println!(
        "{:<6} {:<20} {:<16} {:<10} {:<8} login",
        "id", "username", "role", "branch", "state"
    );
    for s in ctx.store.list_staff().await? {
        println!(
            "{:<6} {:<20} {:<16} {:<10} {:<8} {}",
            s.id.0,
            s.username,
            s.role,
            s.branch_id
                .map(|b| b.0.to_string())
                .unwrap_or_else(|| "-".into()),
            if s.disabled { "disabled" } else { "active" },
            match (&s.password_hash, s.must_change_password) {
                (None, _) => "no",
                (Some(_), true) => "temporary",
                (Some(_), false) => "yes",
            },
        );
    }
    Ok(())
}

/// `user pending`: staff changes waiting for an administrator's approval.
async fn pending(ctx: &Opened) -> anyhow::Result<()> {
    let changes = ctx.store.pending_staff_changes().await?;
    if changes.is_empty() {
        println!("no staff changes wait for approval");
    }
    for c in changes {
        println!(
            "#{:<5} {:<15} {:<24} requested {} by {}",
            c.id,
            c.change.kind(),
            c.change.username()?,
            c.requested_at.format("%Y-%m-%d %H:%M UTC"),
            c.requested_by
                .map(|s| format!("staff {}", s.0))
                .unwrap_or_else(|| "the command line".into()),
        );
    }
    Ok(())
}

/// Records a change requested via the command line (no staff id) and says what happens next.
async fn requested(ctx: &Opened, change: StaffChange) -> anyhow::Result<()> {
    let row = staff::request(ctx.store.as_ref(), change, cli()).await?;
    announce(&row)
}

/// What happens next to a requested change.
fn announce(row: &rapport_store::staff_changes::StaffChangeRow) -> anyhow::Result<()> {
    println!(
        "requested staff change #{} ({} {}): it takes effect when an administrator approves it \
         (web: /admin/staff; API: POST /api/v1/admin/staff-changes/{}/approve), who receives \
         any temporary password or token",
        row.id,
        row.change.kind(),
        row.change.username()?,
        row.id
    );
    Ok(())
}

fn read_or_generate(password_stdin: bool) -> anyhow::Result<(String, bool)> {
    let (password, generated) = if password_stdin {
        let mut s = String::new();
        std::io::stdin()
            .read_to_string(&mut s)
            .context("cannot read the password from stdin")?;
        (s.trim_end_matches(['\r', '\n']).to_owned(), false)
    } else {
        (rapport_services::passwords::temporary_password(), true)
    };
    passwords::check_chosen(&password).map_err(|e| anyhow::anyhow!("password: {e}"))?;
    Ok((password, generated))
}

async fn set_password(ctx: &Opened, username: &str, password_stdin: bool) -> anyhow::Result<()> {
    anyhow::ensure!(
        !password_stdin,
        "--password-stdin: a password reset waits for an administrator's approval, who gets the \
         new temporary password (a password chosen here would let one person log in alone)"
    );
    let username = parse_username(username)?;
    let row = staff::request_password_reset(ctx.store.as_ref(), username, cli())
        .await
        .map_err(flagged)?;
    announce(&row)
}

async fn set_disabled(ctx: &Opened, username: &str, disabled: bool) -> anyhow::Result<()> {
    let username = Username::parse(username).map_err(|e| anyhow::anyhow!("username: {e}"))?;
    ctx.store.set_disabled(&username, disabled).await?;
    println!(
        "{username} {}",
        if disabled {
            "disabled; its sessions are ended"
        } else {
            "enabled"
        }
    );
    Ok(())
}

#[derive(Subcommand, Debug)]
pub enum TokenCommand {
    /// Request an API token for a system caller. It acts as a service account `svc.<name>` with
    /// the given role and expires; it is made when an administrator approves the request, and
    /// shown to them once.
    Create {
        #[arg(long)]
        name: String,
        #[arg(long)]
        role: String,
        #[arg(long)]
        branch_id: Option<i64>,
        /// Days until it expires (1–366).
        #[arg(long, default_value_t = 90)]
        days: i64,
    },
    /// List live API tokens (never the tokens themselves).
    List,
    /// Revoke an API token by name.
    Revoke { name: String },
}

pub async fn run_token(ctx: &Opened, command: TokenCommand) -> anyhow::Result<()> {
    use rapport_store::SessionKind;
    let now = chrono::Utc::now();
    match command {
        TokenCommand::Create {
            name,
            role,
            branch_id,
            days,
        } => {
            let token = TokenRequest {
                name,
                role: role.parse().map_err(|e| anyhow::anyhow!("--role: {e}"))?,
                branch_id: branch_id.map(BranchId),
                days,
            };
            let change = staff::check_token(ctx.store.as_ref(), &token)
                .await
                .map_err(flagged)?;
            // The token is made at approval and shown to the approving administrator once.
            requested(ctx, change).await
        }
        TokenCommand::List => {
            for s in ctx
                .store
                .list_sessions(None, now)
                .await?
                .into_iter()
                .filter(|s| s.kind == SessionKind::Token)
            {
                println!(
                    "{:<20} {:<24} expires {}  id {}",
                    s.name.unwrap_or_default(),
                    s.username,
                    s.absolute_expires_at.format("%Y-%m-%d"),
                    s.id
                );
            }
            Ok(())
        }
        TokenCommand::Revoke { name } => {
            let sessions = ctx.store.list_sessions(None, now).await?;
            let found: Vec<_> = sessions
                .iter()
                .filter(|s| {
                    s.kind == SessionKind::Token && s.name.as_deref() == Some(name.as_str())
                })
                .collect();
            anyhow::ensure!(!found.is_empty(), "no live token named {name}");
            for s in found {
                ctx.store.revoke_session(&s.id).await?;
            }
            let account =
                Username::parse(&format!("svc.{name}")).map_err(|e| anyhow::anyhow!("{e}"))?;
            ctx.store.set_disabled(&account, true).await?;
            println!("token {name} revoked");
            Ok(())
        }
    }
}
