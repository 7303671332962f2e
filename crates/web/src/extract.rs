//! Extractors whose rejections are `WebError`s naming what was wrong, instead of axum's
//! plain-text defaults.
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use rapport_proto::ErrorCode;
use serde::de::DeserializeOwned;

use crate::WebError;
use crate::i18n::Lang;

/// A JSON body; a wrong content type, bad syntax or a wrong field → 4xx naming the problem.
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = WebError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let headers = req.headers().clone();
        let bytes = axum::body::Bytes::from_request(req, state)
            .await
            .map_err(|e| {
                if e.status().as_u16() == 413 {
                    WebError::new(ErrorCode::PayloadTooLarge, "request body too large")
                } else {
                    WebError::new(ErrorCode::InvalidJson, e.body_text())
                }
            })?;
        // JSON can carry a NUL character (`\u0000`); no text of ours may hold one, and
        // PostgreSQL refuses it: refused here for every field at once.
        if bytes.windows(6).any(|w| w.eq_ignore_ascii_case(b"\\u0000"))
            && let Ok(value) = serde_json::from_slice::<serde_json::Value>(&bytes)
            && let Some(field) = field_with_nul(&value, None)
        {
            return Err(WebError::invalid_parameter(
                &field,
                format!("{field} may not contain the NUL character"),
            ));
        }
        let mut req = Request::new(axum::body::Body::from(bytes));
        *req.headers_mut() = headers;
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(v)) => Ok(Self(v)),
            Err(JsonRejection::MissingJsonContentType(_)) => Err(WebError::new(
                ErrorCode::UnsupportedMediaType,
                "send the body as JSON with Content-Type: application/json",
            )),
            Err(JsonRejection::JsonSyntaxError(e)) => Err(WebError::new(
                ErrorCode::InvalidJson,
                format!("malformed JSON: {}", e.body_text()),
            )),
            Err(JsonRejection::JsonDataError(e)) => Err(WebError::new(
                ErrorCode::InvalidJson,
                format!("JSON does not match the expected shape: {}", e.body_text()),
            )),
            Err(JsonRejection::BytesRejection(e)) if e.status().as_u16() == 413 => Err(
                WebError::new(ErrorCode::PayloadTooLarge, "request body too large"),
            ),
            Err(e) => Err(WebError::new(ErrorCode::InvalidJson, e.body_text())),
        }
    }
}

/// The name of the field whose text holds a NUL character, if one does (`body` for a bare
/// string).
fn field_with_nul(value: &serde_json::Value, name: Option<&str>) -> Option<String> {
    use serde_json::Value;
    match value {
        Value::String(s) if s.contains('\0') => Some(name.unwrap_or("body").to_owned()),
        Value::Array(items) => items.iter().find_map(|v| field_with_nul(v, name)),
        Value::Object(fields) => fields.iter().find_map(|(k, v)| {
            field_with_nul(v, Some(k)).or_else(|| k.contains('\0').then(|| k.clone()))
        }),
        _ => None,
    }
}

/// Query parameters; a bad value → 400 `invalid_parameter` with the parameter named.
pub struct ApiQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        // A NUL character in any parameter: refused for all of them at once (see ApiJson).
        if let Some(name) = parts.uri.query().and_then(|q| {
            q.split('&')
                .find(|pair| pair.contains("%00"))
                .map(|pair| pair.split('=').next().unwrap_or("query").to_owned())
        }) {
            let name: String = name
                .chars()
                .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
                .take(64)
                .collect();
            return Err(WebError::invalid_parameter(
                &name,
                format!("{name} may not contain the NUL character"),
            ));
        }
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(q) => Ok(Self(q.0)),
            Err(QueryRejection::FailedToDeserializeQueryString(e)) => {
                let text = e.body_text();
                let field = text
                    .split(": ")
                    .nth(1)
                    .map(str::to_owned)
                    .filter(|f| f.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'));
                let mut err = WebError::new(ErrorCode::InvalidParameter, text);
                err.field = field;
                Err(err)
            }
            Err(e) => Err(WebError::new(ErrorCode::InvalidParameter, e.body_text())),
        }
    }
}

/// Path parameters; a value of the wrong type → 400 naming the parameter.
pub struct ApiPath<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for ApiPath<T> {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(p) => Ok(Self(p.0)),
            Err(PathRejection::FailedToDeserializePathParams(e)) => Err(WebError::new(
                ErrorCode::InvalidParameter,
                format!("bad path parameter: {}", e.body_text()),
            )
            .with_field("id")),
            Err(e) => Err(WebError::new(ErrorCode::InvalidParameter, e.body_text())),
        }
    }
}

/// The language an API reply's texts are in (reasons of alerts and tasks): see
/// [`Lang::of_api_request`].
pub struct ReplyLang(pub Lang);

impl<S: Send + Sync> FromRequestParts<S> for ReplyLang {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Self(Lang::of_api_request(parts)))
    }
}
