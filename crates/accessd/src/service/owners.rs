//! The last-owner guard (invariant 2): every change that can take away a
//! project's last owner counts its owners before and checks after, inside the
//! change's own transaction and after the project's lock, so two concurrent
//! changes cannot each see "someone else is still an owner".

use super::rules;
use crate::error::ApiResult;
use crate::store::{self, Conn, ProjectRow};

/// Owners counted before a change, per watched project.
#[must_use = "call `check` after the change, in the same transaction"]
pub struct OwnerGuard {
    watched: Vec<Watched>,
}

struct Watched {
    id: String,
    name: String,
    before: i64,
}

impl OwnerGuard {
    /// Watches one project, when the change may remove an owner
    /// ([`store::bindings::removes_owner`]); a change that only adds needs no check.
    pub async fn project(
        c: &mut Conn,
        project: &ProjectRow,
        may_remove_owner: bool,
    ) -> ApiResult<OwnerGuard> {
        if !may_remove_owner {
            return Ok(OwnerGuard { watched: Vec::new() });
        }
        Self::projects(c, [(project.id.clone(), project.name.clone())]).await
    }

    /// Watches every project given as (id, name), locked by the caller already.
    pub async fn projects(
        c: &mut Conn,
        projects: impl IntoIterator<Item = (String, String)>,
    ) -> ApiResult<OwnerGuard> {
        let mut watched = Vec::new();
        for (id, name) in projects {
            let before = store::bindings::count_owners(c, &id).await?;
            watched.push(Watched { id, name, before });
        }
        Ok(OwnerGuard { watched })
    }

    /// After the change: 409 `last-owner` if a watched project that had an
    /// owner has none now (the caller then rolls the transaction back).
    pub async fn check(self, c: &mut Conn) -> ApiResult<()> {
        for w in self.watched {
            let after = store::bindings::count_owners(c, &w.id).await?;
            rules::check_owners_left(&w.name, w.before, after)?;
        }
        Ok(())
    }
}
