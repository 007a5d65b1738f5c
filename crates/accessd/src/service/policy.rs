//! The policy document: every binding of a project at once. Applying one is a
//! diff (bindings to remove, bindings to add) checked like the single changes:
//! escalation for every role added or removed, and the last-owner rule.

use std::collections::BTreeSet;

use access_api::{self as api, FieldError};

use super::owners::OwnerGuard;
use super::{Caller, Service, role_view, rules};
use crate::clock::{parse_rfc3339, rfc3339};
use crate::db::retry;
use crate::error::{ApiError, ApiResult};
use crate::store::{self, BindingRow};

fn to_doc(project: &str, rows: &[BindingRow], version: i64) -> api::PolicyDocument {
    let bindings = rows
        .iter()
        .map(|b| api::PolicyBinding {
            role: b.role_name.clone(),
            principal: match (b.principal_type.as_str(), &b.user) {
                ("user", Some(u)) => api::PrincipalSelector::User {
                    id: None,
                    username: Some(u.username.clone()),
                    email: None,
                },
                ("team", _) => match &b.team_name {
                    Some(name) => api::PrincipalSelector::Team {
                        id: None,
                        name: Some(name.clone()),
                    },
                    None => api::PrincipalSelector::Team {
                        id: b.principal_id.clone(),
                        name: None,
                    },
                },
                _ => api::PrincipalSelector::AllUsers,
            },
            expires_at: b.expires_at.map(rfc3339),
        })
        .collect();
    api::PolicyDocument {
        project: Some(project.to_owned()),
        etag: Some(format!("\"{version}\"")),
        bindings,
    }
}

/// (principal key, role id, expiry): what makes two bindings the same.
type Key = (String, String, Option<i64>);

fn key_of(b: &BindingRow) -> Key {
    (
        store::bindings::principal_key(&b.principal_type, b.principal_id.as_deref()),
        b.role_id.clone(),
        b.expires_at,
    )
}

impl Service {
    pub async fn get_policy(&self, caller: &Caller, key: &str) -> ApiResult<(api::PolicyDocument, i64)> {
        let acc = self.view(caller, key).await?;
        acc.require("members.view")?;
        let mut c = self.conn().await?;
        let rows = store::bindings::all_bindings(&mut c, &acc.project.id).await?;
        Ok((
            to_doc(&acc.project.name, &rows, acc.project.policy_version),
            acc.project.policy_version,
        ))
    }

    pub async fn apply_policy(
        &self,
        caller: &Caller,
        key: &str,
        if_match: Option<&str>,
        doc: &api::PolicyDocument,
    ) -> ApiResult<(api::PolicyDocument, i64)> {
        let if_match = if_match.or(doc.etag.as_deref());
        let mut expiries = Vec::new();
        let mut errors = Vec::new();
        for (i, b) in doc.bindings.iter().enumerate() {
            match b.expires_at.as_deref().map(parse_rfc3339) {
                None => expiries.push(None),
                Some(Some(t)) => expiries.push(Some(t)),
                Some(None) => errors.push(FieldError {
                    field: format!("bindings[{i}].expires_at"),
                    message: "must be an RFC 3339 time".into(),
                }),
            }
        }
        if !errors.is_empty() {
            return Err(ApiError::fields(errors));
        }
        retry(|| async {
            let now = self.now();
            let (mut tx, acc) = self.begin_project(caller, key, None).await?;
            // A document names its project: one exported elsewhere is refused before
            // its etag is compared (versions of different projects can coincide).
            if let Some(p) = doc.project.as_deref().map(str::trim)
                && !(p.eq_ignore_ascii_case(&acc.project.name) || p == acc.project.id)
            {
                return Err(ApiError::field(
                    "project",
                    format!("the document is for project '{p}', not '{}'", acc.project.name),
                ));
            }
            super::check_if_match(&acc, if_match)?;
            // Resolve the desired bindings.
            let mut desired: Vec<(Key, &crate::store::RoleRow, super::bindings::Target)> = Vec::new();
            let mut seen = BTreeSet::new();
            for (i, b) in doc.bindings.iter().enumerate() {
                let role = acc.role(&b.role)?;
                let target = self.resolve_target(&mut tx, &acc, &b.principal).await?;
                let k = (target.key(), role.id.clone(), expiries[i]);
                if !seen.insert((k.0.clone(), k.1.clone())) {
                    return Err(ApiError::field(
                        &format!("bindings[{i}]"),
                        "the same principal and role appear twice",
                    ));
                }
                desired.push((k, role, target));
            }
            let current = store::bindings::all_bindings(&mut tx, &acc.project.id).await?;
            let desired_keys: BTreeSet<&Key> = desired.iter().map(|d| &d.0).collect();
            let current_keys: BTreeSet<Key> = current.iter().map(key_of).collect();
            let removed: Vec<&BindingRow> = current
                .iter()
                .filter(|b| !desired_keys.contains(&key_of(b)))
                .collect();
            let added: Vec<_> = desired.iter().filter(|d| !current_keys.contains(&d.0)).collect();
            let mut involved: Vec<&crate::store::RoleRow> = Vec::new();
            for b in &removed {
                involved.push(acc.role_by_id(&b.role_id)?);
            }
            involved.extend(added.iter().map(|d| d.1));
            involved.sort_by(|a, b| a.id.cmp(&b.id));
            involved.dedup_by(|a, b| a.id == b.id);
            if !involved.is_empty() {
                let views: Vec<_> = involved.iter().map(|r| role_view(r)).collect();
                rules::check_grant(&acc.perms, "members.manage", &views)?;
            }
            // New grants follow the MFA policy; bindings the document keeps as
            // they are stay (listed as not complying), never silently dropped.
            for (_, role, target) in &added {
                self.check_target_mfa(&mut tx, &acc, role, target).await?;
            }
            let owners = OwnerGuard::project(&mut tx, &acc.project, true).await?;
            let mut removed_log = Vec::new();
            for b in &removed {
                store::bindings::delete_binding(&mut tx, &b.id).await?;
                removed_log.push(super::bindings::audit_binding(
                    &b.id,
                    &b.role_name,
                    &super::bindings::audit_label(b),
                ));
            }
            let mut added_log = Vec::new();
            for (k, role, target) in &added {
                let id = store::bindings::insert_binding(
                    &mut tx,
                    &target.binding(
                        &acc.project.id,
                        (&role.id, role.rank),
                        k.2,
                        Some(&caller.user.username),
                    ),
                    now,
                )
                .await?;
                added_log.push(super::bindings::audit_binding(&id, &role.name, &target.label()));
            }
            owners.check(&mut tx).await?;
            self.audit(
                &mut tx,
                Some(caller),
                "policy.apply",
                Some(&acc.project),
                Some(&acc.project.id),
                serde_json::json!({
                    "added": added.len(),
                    "removed": removed.len(),
                    "added_bindings": added_log,
                    "removed_bindings": removed_log,
                }),
            )
            .await?;
            let rows = store::bindings::all_bindings(&mut tx, &acc.project.id).await?;
            tx.commit().await?;
            let v = acc.project.policy_version;
            Ok((to_doc(&acc.project.name, &rows, v), v))
        })
        .await
    }
}
