//! `rapport user …`: staff logins. Passwords are never defaults: generated and shown once, or
//! read from standard input.
use std::io::Read;

use anyhow::Context;
use clap::Subcommand;
use rapport_domain::{BranchId, Role, Username};
use rapport_store::NewStaff;

use crate::open::Opened;

pub const MIN_PASSWORD_LEN: usize = 12;

#[derive(Subcommand, Debug)]
pub enum UserCommand {
    /// Create a staff login; prints the generated password once (or reads one from stdin).
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
    /// Set an existing login's password: generated and shown once, to be changed at the next
    /// login, or read from standard input and kept. Either way its sessions are ended.
    Password {
        username: String,
        /// Read the password from standard input instead of generating one.
        #[arg(long)]
        password_stdin: bool,
    },
    /// List staff and their state.
    List,
    /// Disable a login and end its sessions.
    Disable { username: String },
    /// Enable a disabled login.
    Enable { username: String },
}

pub async fn hash(password: String) -> anyhow::Result<String> {
    tokio::task::spawn_blocking(move || rapport_web::hash_password(&password))
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
            let username =
                Username::parse(&username).map_err(|e| anyhow::anyhow!("--username: {e}"))?;
            let role: Role = role.parse().map_err(|e| anyhow::anyhow!("--role: {e}"))?;
            anyhow::ensure!(
                !display_name.trim().is_empty(),
                "--display-name must not be empty"
            );
            anyhow::ensure!(
                role != Role::BranchManager || branch_id.is_some(),
                "--branch-id is required for a branch_manager (their data scope is that branch)"
            );
            let (password, generated) = read_or_generate(password_stdin)?;
            let password_hash = hash(password.clone()).await?;
            let id = ctx
                .store
                .create_staff(&NewStaff {
                    username: username.clone(),
                    display_name,
                    role,
                    branch_id: branch_id.map(BranchId),
                    password_hash,
                    // A generated password is only for the first login.
                    must_change_password: generated,
                })
                .await?;
            println!("created {username} (id {}, role {role})", id.0);
            if generated {
                println!("password (shown once; to be changed at the first login): {password}");
            }
            Ok(())
        }
        UserCommand::Password {
            username,
            password_stdin,
        } => set_password(ctx, &username, password_stdin).await,
        UserCommand::List => {
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
        UserCommand::Disable { username } => set_disabled(ctx, &username, true).await,
        UserCommand::Enable { username } => set_disabled(ctx, &username, false).await,
    }
}

fn read_or_generate(password_stdin: bool) -> anyhow::Result<(String, bool)> {
    let (password, generated) = if password_stdin {
        let mut s = String::new();
        std::io::stdin()
            .read_to_string(&mut s)
            .context("cannot read the password from stdin")?;
        (s.trim_end_matches(['\r', '\n']).to_owned(), false)
    } else {
        (rapport_web::temporary_password(), true)
    };
    anyhow::ensure!(
        password.chars().count() >= MIN_PASSWORD_LEN,
        "password must have at least {MIN_PASSWORD_LEN} characters"
    );
    Ok((password, generated))
}

async fn set_password(ctx: &Opened, username: &str, password_stdin: bool) -> anyhow::Result<()> {
    let username = Username::parse(username).map_err(|e| anyhow::anyhow!("username: {e}"))?;
    let Some(staff) = ctx.store.staff_by_username(&username).await? else {
        anyhow::bail!("no staff member has the username {username}");
    };
    let (password, generated) = read_or_generate(password_stdin)?;
    let password_hash = hash(password.clone()).await?;
    // Either way the staff member's sessions end; a generated password is only for the next
    // login.
    ctx.store
        .reset_password(staff.id, &password_hash, generated)
        .await?;
    if generated {
        println!(
            "password of {username} reset (shown once; to be changed at the next login): {password}"
        );
    } else {
        println!("password of {username} set");
    }
    Ok(())
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
    /// Create an API token for a system caller (shown once). It acts as a service account
    /// `svc.<name>` with the given role, and expires.
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
    use rapport_store::{NewSession, SessionKind};
    let now = chrono::Utc::now();
    match command {
        TokenCommand::Create {
            name,
            role,
            branch_id,
            days,
        } => {
            anyhow::ensure!(
                (1..=366).contains(&days),
                "--days must be between 1 and 366"
            );
            let username = Username::parse(&format!("svc.{name}"))
                .map_err(|e| anyhow::anyhow!("--name: {e}"))?;
            let role: Role = role.parse().map_err(|e| anyhow::anyhow!("--role: {e}"))?;
            // The service account has a password nobody knows: it can only use its token.
            let id = ctx
                .store
                .create_staff(&NewStaff {
                    username: username.clone(),
                    display_name: format!("API token {name}"),
                    role,
                    branch_id: branch_id.map(BranchId),
                    password_hash: hash(
                        rapport_web::temporary_password() + &rapport_web::temporary_password(),
                    )
                    .await?,
                    must_change_password: false,
                })
                .await?;
            let token = rapport_web::new_token();
            let expires = now + chrono::Duration::days(days);
            ctx.store
                .create_session(&NewSession {
                    token_hash: rapport_web::token_digest(&token),
                    staff_id: id,
                    csrf_token: rapport_web::new_token(),
                    created_at: now,
                    idle_expires_at: expires,
                    absolute_expires_at: expires,
                    kind: SessionKind::Token,
                    name: Some(name.clone()),
                })
                .await?;
            println!(
                "token {name} for role {role}, expires {}:",
                expires.format("%Y-%m-%d")
            );
            println!("{token}");
            println!("(shown once; send it as `Authorization: Bearer <token>`)");
            Ok(())
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
