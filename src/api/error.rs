//! Typed failures of an API call.

use std::time::Duration;

use access_api::Problem;

/// Why an API call failed.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// The server answered with a problem+json document.
    #[error("{}", problem.detail.as_deref().unwrap_or(&problem.title))]
    Problem { status: u16, problem: Box<Problem> },
    /// The server answered with an error status and no problem document.
    #[error("the server answered {status}")]
    Status { status: u16, body: String },
    /// The server could not be reached (refused, reset, DNS).
    #[error("cannot reach the server: {0}")]
    Connect(String),
    /// No complete answer within the timeout.
    #[error("the request timed out")]
    Timeout(Duration),
    /// 429/503 with a `Retry-After` longer than the `--timeout` budget left (or than
    /// the longest wait the client accepts): failed at once instead of sleeping.
    #[error("the server is busy; it asks to retry in {} s", .0.as_secs() + u64::from(.0.subsec_nanos() > 0))]
    Busy(Duration),
    /// A token would go over plain http to a non-loopback host.
    #[error("refusing to send a token over plain http to {0}")]
    InsecureHttp(String),
    /// A redirect to another origin, or too many.
    #[error("refusing to follow a redirect: {0}")]
    Redirect(String),
    /// The answer was not what the API promises.
    #[error("invalid response from the server: {0}")]
    Decode(String),
    /// Pagination returned a cursor it had already returned.
    #[error("the server repeated a pagination cursor; stopping instead of looping")]
    CursorRepeated,
    /// Anything else from the transport.
    #[error("{0}")]
    Transport(String),
}

impl ApiError {
    /// The problem code, when the server sent one.
    pub fn code(&self) -> Option<access_api::ProblemCode> {
        match self {
            ApiError::Problem { problem, .. } => Some(problem.code),
            _ => None,
        }
    }
}
