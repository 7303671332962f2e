//! `rapport`: the one binary. The command line (`rapport-cli`) with the web server it serves
//! with (`rapport-web`); this crate only joins the two, turning the configuration's `[server]`
//! section into the web edge's settings.
use std::sync::Arc;

use rapport_cli::Serving;
use rapport_domain::SystemClock;
use rapport_store::LockoutPolicy;
use rapport_web::{AppState, IdentifierSearchLimits, WebConfig};

fn main() -> std::process::ExitCode {
    rapport_cli::main(|serving| Box::pin(serve(serving)))
}

async fn serve(serving: Serving) -> anyhow::Result<()> {
    let bound = serving.listener.local_addr()?;
    let s = &serving.server;
    let config = WebConfig {
        session_idle: chrono::Duration::minutes(s.session_idle_minutes),
        session_absolute: chrono::Duration::hours(s.session_absolute_hours),
        lockout: LockoutPolicy {
            max_failures: s.lockout_max_failures,
            lock_for: chrono::Duration::minutes(s.lockout_minutes),
        },
        login_failures_per_address: s.lockout_max_failures_per_address,
        trusted_proxies: s.trusted_proxies.clone(),
        identifier_searches: IdentifierSearchLimits {
            per_minute: s.identifier_searches_per_minute,
            misses_per_masked_value: s.identifier_misses_per_masked_value,
            ..IdentifierSearchLimits::default()
        },
        // Plain HTTP is only for loopback; anywhere else cookies require HTTPS.
        secure_cookies: !bound.ip().is_loopback(),
        import_dir: Some(serving.import_dir),
        ..WebConfig::default()
    };
    let state = AppState::new(serving.store, Arc::new(SystemClock), serving.bank, config);
    // Segments are checked and evaluated in the warehouse; without it they are read-only.
    let state = match serving.segments {
        Some(engine) => state.with_segment_engine(engine),
        None => state,
    };
    rapport_web::serve(serving.listener, state).await?;
    Ok(())
}
