//! The contract between `accessd` and its clients.
//!
//! * [`types`]: request and response bodies (snake_case JSON, see `docs/api.md`).
//! * [`problem`]: RFC 9457 problem+json errors and their stable `code`s.
//! * [`audit`]: the audit log's actions.
//! * [`permissions`]: the permission catalogue, as data.
//! * [`presets`]: the built-in project roles of each preset (`akka`, `goldsky`, `loft`), as data.
//! * [`validate`]: input rules shared by both sides, so the CLI rejects bad input before a request.

pub mod audit;
pub mod auth;
pub mod permissions;
pub mod presets;
pub mod problem;
pub mod types;
pub mod validate;

pub use auth::*;
pub use problem::{FieldError, Problem, ProblemCode};
pub use types::*;

/// Version of the wire API; the base path is `/v1`.
pub const API_VERSION: &str = "v1";
