//! The one error type of the service and HTTP layers: a problem document, or a
//! database error that the HTTP layer maps to 503 (busy) or 500 (anything else).

use access_api::{FieldError, Problem, ProblemCode};

/// An error answered as `application/problem+json`.
#[derive(Debug)]
pub enum ApiError {
    Problem(Box<Problem>),
    Db(sqlx::Error),
}

pub type ApiResult<T> = Result<T, ApiError>;

impl ApiError {
    pub fn new(code: ProblemCode, detail: impl Into<String>) -> Self {
        ApiError::Problem(Box::new(Problem::new(code, detail)))
    }

    pub fn not_found(what: &str) -> Self {
        Self::new(ProblemCode::NotFound, format!("{what} not found"))
    }

    pub fn forbidden(detail: impl Into<String>) -> Self {
        Self::new(ProblemCode::Forbidden, detail)
    }

    pub fn invalid(detail: impl Into<String>) -> Self {
        Self::new(ProblemCode::InvalidRequest, detail)
    }

    pub fn unauthenticated() -> Self {
        Self::new(ProblemCode::Unauthenticated, "a valid bearer token is required")
    }

    /// 422 with one field error.
    pub fn field(field: &str, message: impl Into<String>) -> Self {
        Self::fields(vec![FieldError {
            field: field.into(),
            message: message.into(),
        }])
    }

    /// 422 with several field errors.
    pub fn fields(errors: Vec<FieldError>) -> Self {
        let detail = errors
            .iter()
            .map(|e| format!("{}: {}", e.field, e.message))
            .collect::<Vec<_>>()
            .join("; ");
        ApiError::Problem(Box::new(
            Problem::new(ProblemCode::ValidationFailed, detail).with_errors(errors),
        ))
    }

    /// 403 `privilege-escalation` about granting or revoking `role`, with what
    /// the caller lacks as fields (clients read those, not the sentence).
    pub fn escalation(detail: impl Into<String>, role: &str, missing: Vec<String>) -> Self {
        ApiError::Problem(Box::new(
            Problem::new(ProblemCode::PrivilegeEscalation, detail).with_escalation(role, missing),
        ))
    }

    pub fn existing(code: ProblemCode, detail: impl Into<String>, id: &str) -> Self {
        ApiError::Problem(Box::new(Problem::new(code, detail).with_existing_id(id)))
    }

    /// The stable code (`internal` / `unavailable` for database errors).
    pub fn code(&self) -> ProblemCode {
        match self {
            ApiError::Problem(p) => p.code,
            ApiError::Db(e) => db_problem_code(e),
        }
    }

    /// The problem document answered for this error. A database error says only
    /// what the client can act on (busy: retry; a value it cannot store; else
    /// internal) — the one place database errors become problems.
    pub fn problem(&self) -> Problem {
        match self {
            ApiError::Problem(p) => (**p).clone(),
            ApiError::Db(e) => {
                let code = db_problem_code(e);
                let detail = match code {
                    ProblemCode::Unavailable => "the database is busy; retry shortly",
                    ProblemCode::InvalidRequest => {
                        "the request holds a value that cannot be stored (such as a NUL character)"
                    }
                    _ => "internal error",
                };
                Problem::new(code, detail)
            }
        }
    }
}

/// How a database error is classified for clients.
fn db_problem_code(e: &sqlx::Error) -> ProblemCode {
    if crate::db::is_busy(e) {
        ProblemCode::Unavailable
    } else if crate::db::is_bad_data(e) {
        ProblemCode::InvalidRequest
    } else {
        ProblemCode::Internal
    }
}

impl From<sqlx::Error> for ApiError {
    fn from(e: sqlx::Error) -> Self {
        ApiError::Db(e)
    }
}

impl From<Problem> for ApiError {
    fn from(p: Problem) -> Self {
        ApiError::Problem(Box::new(p))
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ApiError::Problem(p) => write!(f, "{}: {}", p.code, p.detail.as_deref().unwrap_or("")),
            ApiError::Db(e) => write!(f, "database: {e}"),
        }
    }
}
