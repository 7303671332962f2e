use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Every error answer of the API has this body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ErrorBody {
    /// A stable code from this table (served at `/docs/errors`); clients branch on this, never on `message`.
    pub code: String,
    /// What went wrong, for a person.
    pub message: String,
    /// The request field or parameter at fault, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// Where the code is documented.
    pub link: String,
}

macro_rules! error_codes {
    ($($variant:ident => ($code:literal, $status:literal, $doc:literal)),+ $(,)?) => {
        /// The stable error codes of the API: each has one HTTP status and one meaning.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum ErrorCode { $($variant),+ }

        impl ErrorCode {
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $(ErrorCode::$variant => $code),+ }
            }

            pub fn status(self) -> u16 {
                match self { $(ErrorCode::$variant => $status),+ }
            }

            pub fn description(self) -> &'static str {
                match self { $(ErrorCode::$variant => $doc),+ }
            }
        }
    };
}

error_codes! {
    InvalidJson => ("invalid_json", 400, "The request body is not valid JSON for this operation; the message names the problem."),
    InvalidParameter => ("invalid_parameter", 400, "A field or query parameter has a value that is not allowed; `field` names it."),
    Unauthenticated => ("unauthenticated", 401, "No valid session or token: log in first."),
    InvalidCredentials => ("invalid_credentials", 401, "Wrong username or password."),
    Forbidden => ("forbidden", 403, "Your role may not do this."),
    CsrfRejected => ("csrf_rejected", 403, "A form was posted without the page's anti-forgery token."),
    PasswordChangeRequired => ("password_change_required", 403, "The password is temporary: choose a new one (POST /api/v1/auth/password) before anything else."),
    NotFound => ("not_found", 404, "No such resource, or not within your data scope."),
    MethodNotAllowed => ("method_not_allowed", 405, "The path exists but not with this HTTP method."),
    Conflict => ("conflict", 409, "The change conflicts with the current state."),
    PayloadTooLarge => ("payload_too_large", 413, "The request body is larger than allowed."),
    UnsupportedMediaType => ("unsupported_media_type", 415, "Send `Content-Type: application/json`."),
    AccountLocked => ("account_locked", 423, "Too many failed logins for this username or from this address: wait until the window ends."),
    RateLimited => ("rate_limited", 429, "Too many requests of this kind (searches by a whole identifier): wait and retry; the message says how long."),
    Internal => ("internal", 500, "An unexpected error; it is logged with the request id."),
    StoreUnavailable => ("store_unavailable", 503, "The database cannot be reached; retry later."),
    IndexBuilding => ("index_building", 503, "The matching index is still being built after a start or an import; retry in a minute."),
    SegmentsUnavailable => ("segments_unavailable", 503, "Segments cannot be checked or evaluated: this server runs without the warehouse."),
}

impl ErrorCode {
    pub fn link(self) -> String {
        format!("/docs/errors#{}", self.as_str())
    }

    pub fn body(self, message: impl Into<String>, field: Option<String>) -> ErrorBody {
        ErrorBody {
            code: self.as_str().to_owned(),
            message: message.into(),
            field,
            link: self.link(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_statuses_are_errors() {
        let mut seen = std::collections::HashSet::new();
        for c in ErrorCode::ALL {
            assert!(seen.insert(c.as_str()), "duplicate {}", c.as_str());
            assert!((400..600).contains(&c.status()));
        }
    }
}
