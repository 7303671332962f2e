//! Source-extract uploads (R2.1): the body is the file, the path names one of the server's
//! mapping files (`<import dir>/mappings/<name>.mapping.toml`). The same ingestion as
//! `rapport import`: refused whole or loaded in atomic batches with a masked rejects report.
use axum::Json;
use axum::extract::Query;
use rapport_domain::Action;
use rapport_ingest::{ImportOptions, ImportReport, IngestError, Mapping, import_file};
use rapport_proto::{ErrorBody, ErrorCode, ImportQuery, ImportRejectDto, ImportReportDto};
use rapport_store::audit::AuditAction;
use rapport_store::ingest::{ImportKind, LoadMode};

use super::{Caller, Errors};
use crate::auth::Authenticated;
use crate::extract::ApiPath;
use crate::{AppState, WebError, audit};

/// Upload a source extract (data stewards and administrators). `mapping` names a mapping file
/// configured on the server; `mode` is `delta` (default) or `full`. The response counts what
/// changed and lists the first rejected rows (line, field, masked value, reason).
#[utoipa::path(post, path = "/api/v1/imports/{mapping}", tag = "identity",
    params(("mapping" = String, Path, description = "Mapping name: letters, digits, `_`"), ImportQuery),
    request_body(content = String, content_type = "text/csv", description = "The file, in the mapping's encoding"),
    responses(
        (status = 200, body = ImportReportDto),
        (status = 400, body = ErrorBody, description = "the file or a parameter is unusable; nothing was loaded"),
        (status = 403, body = ErrorBody, description = "not a data steward or administrator"),
        (status = 404, body = ErrorBody, description = "no such mapping"),
        Errors<401>))]
pub async fn upload(
    Caller { state, auth }: Caller,
    ApiPath(mapping): ApiPath<String>,
    Query(query): Query<ImportQuery>,
    body: axum::body::Body,
) -> Result<Json<ImportReportDto>, WebError> {
    audit::require(&state, &auth, Action::ImportExtracts, None).await?;
    let dir = state.config.import_dir.clone().ok_or_else(|| {
        WebError::new(
            ErrorCode::NotFound,
            "this server has no import directory configured",
        )
    })?;
    check_mapping_name(&mapping)?;
    let mode = match query.mode.as_deref().unwrap_or("delta") {
        "delta" => LoadMode::Delta,
        "full" => LoadMode::Full,
        _ => return Err(WebError::invalid_parameter("mode", "mode is delta or full")),
    };
    let loaded = store_mapping(&dir, &mapping)?;
    let uploads = dir.join("uploads");
    std::fs::create_dir_all(&uploads).map_err(|e| WebError::internal("upload dir", e))?;
    let name = format!(
        "{mapping}-{}.{}",
        crate::new_token(),
        loaded.format.as_str()
    );
    let file = uploads.join(&name);
    if let Err(e) = stream_to_private_file(&file, body).await {
        let _ = std::fs::remove_file(&file);
        return Err(e);
    }
    let options = ImportOptions {
        mode,
        batch_rows: 5_000,
        started_by: auth.staff.username.as_str().to_owned(),
        rejects_path: uploads.join(format!("{name}.rejects.csv")),
    };
    let result = import_file(
        state.store.as_ref(),
        state.clock.as_ref(),
        &loaded,
        &file,
        &options,
        &mut |_| {},
    )
    .await;
    let _ = std::fs::remove_file(&file);
    let report = result.map_err(ingest_error)?;
    audit_import(&state, &auth, &loaded, &report).await?;
    Ok(Json(report_dto(&report)))
}

/// A mapping is named by letters, digits and `_` only: the name becomes part of a path.
fn check_mapping_name(mapping: &str) -> Result<(), WebError> {
    if mapping.is_empty()
        || !mapping
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_')
    {
        return Err(WebError::invalid_parameter(
            "mapping",
            "a mapping name is letters, digits and '_'",
        ));
    }
    Ok(())
}

/// The server's mapping file `name`, for an extract the operational store takes.
fn store_mapping(dir: &std::path::Path, name: &str) -> Result<Mapping, WebError> {
    let mapping_path = dir.join("mappings").join(format!("{name}.mapping.toml"));
    if !mapping_path.exists() {
        return Err(WebError::new(
            ErrorCode::NotFound,
            format!("no mapping named {name}"),
        ));
    }
    let loaded = Mapping::load(&mapping_path).map_err(|e| WebError::internal("mapping file", e))?;
    if !matches!(loaded.kind, ImportKind::Customers | ImportKind::Accounts) {
        return Err(WebError::invalid_parameter(
            "mapping",
            "transactions and balances go to the warehouse: load them with `rapport import`",
        ));
    }
    Ok(loaded)
}

/// An unusable file is the caller's to fix (400); the store's errors keep their own answer.
fn ingest_error(e: IngestError) -> WebError {
    match e {
        IngestError::File { .. } | IngestError::Header(_) | IngestError::WholeFile(_) => {
            WebError::invalid_parameter("body", e.to_string())
        }
        IngestError::Store(s) => WebError::from(s),
        other => WebError::new(ErrorCode::InvalidParameter, other.to_string()),
    }
}

/// The run in the audit trail, with what it changed.
async fn audit_import(
    state: &AppState,
    auth: &Authenticated,
    loaded: &Mapping,
    report: &ImportReport,
) -> Result<(), WebError> {
    let c = report.run.counts;
    let mut e = audit::by(auth, state.clock.now(), AuditAction::CustomerChanged);
    e.detail = Some(format!(
        "import run {} ({} {}): {} inserted, {} updated, {} rejected",
        report.run.id,
        loaded.source_system.as_str(),
        loaded.kind.as_str(),
        c.inserted,
        c.updated,
        report.rows_rejected
    ));
    state.audit.record(e).await?;
    Ok(())
}

fn report_dto(report: &ImportReport) -> ImportReportDto {
    let c = report.run.counts;
    ImportReportDto {
        run_id: report.run.id,
        inserted: c.inserted,
        updated: c.updated,
        unchanged: c.unchanged,
        rejected: report.rows_rejected as i64,
        rejects: report
            .first_rejects
            .iter()
            .map(|r| ImportRejectDto {
                line: r.line,
                field: r.field.clone(),
                value_masked: r.value_masked.clone(),
                reason: r.reason.clone(),
            })
            .collect(),
    }
}

/// Writes the upload to a new file (mode 0600) as it arrives, a chunk at a time: the body is
/// never held in memory whole. The upload router's body limit (`max_upload_bytes`) ends an
/// oversized upload with 413.
async fn stream_to_private_file(
    path: &std::path::Path,
    body: axum::body::Body,
) -> Result<(), WebError> {
    use futures_util::StreamExt;
    use tokio::io::AsyncWriteExt;
    let mut options = tokio::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    options.mode(0o600);
    let mut file = options
        .open(path)
        .await
        .map_err(|e| WebError::internal("upload file", e))?;
    let mut stream = body.into_data_stream();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|e| {
            if e.to_string().contains("length limit") {
                WebError::new(
                    ErrorCode::PayloadTooLarge,
                    "the upload is larger than allowed",
                )
            } else {
                WebError::invalid_parameter("body", format!("the upload was cut off: {e}"))
            }
        })?;
        file.write_all(&chunk)
            .await
            .map_err(|e| WebError::internal("upload file", e))?;
    }
    file.flush()
        .await
        .map_err(|e| WebError::internal("upload file", e))
}
