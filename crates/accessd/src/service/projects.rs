//! Projects: create (with a preset; the creator gets the owner-grade role),
//! list what the caller can see, update, delete.

use access_api::{self as api, FieldError, ProblemCode, presets, validate};

use super::bindings::Target;
use super::{Access, Caller, Service, convert, rules};
use crate::db::retry;
use crate::error::{ApiError, ApiResult};
use crate::store::{self, Conn, ProjectRow};

impl Service {
    /// 409 `name-taken` for a project name in use in the org. The existing
    /// project's id only goes to a caller who may see that project: a 409 must
    /// not tell what a 404 hides. (That the name is taken stays visible to
    /// every org member, since names are unique per org.)
    async fn project_name_taken(
        &self,
        c: &mut Conn,
        caller: &Caller,
        id: &str,
        name: &str,
    ) -> ApiResult<ApiError> {
        let detail = format!("a project named '{name}' exists in this org; choose another name");
        let visible = match store::projects::find_project(c, id).await? {
            Some(p) => self.access(c, p, caller).await?.has("project.view"),
            None => false,
        };
        Ok(if visible {
            ApiError::existing(ProblemCode::NameTaken, detail, id)
        } else {
            ApiError::new(ProblemCode::NameTaken, detail)
        })
    }

    pub async fn create_project(&self, caller: &Caller, req: &api::CreateProject) -> ApiResult<api::Project> {
        let name = req.name.trim();
        let mut errors = Vec::new();
        if let Err(m) = validate::name("project name", name) {
            errors.push(FieldError {
                field: "name".into(),
                message: m,
            });
        }
        if let Some(d) = &req.description
            && let Err(m) = validate::text("description", d)
        {
            errors.push(FieldError {
                field: "description".into(),
                message: m,
            });
        }
        let preset_name = req.role_preset.as_deref().unwrap_or(&self.config.default_preset);
        let preset = presets::find(preset_name);
        if preset.is_none() {
            errors.push(FieldError {
                field: "role_preset".into(),
                message: format!(
                    "unknown preset '{preset_name}'; valid presets: {}",
                    presets::names().join(", ")
                ),
            });
        }
        if !errors.is_empty() {
            return Err(ApiError::fields(errors));
        }
        let Some(preset) = preset else {
            return Err(ApiError::field("role_preset", "unknown preset"));
        };
        let org_key = req.org.as_deref().unwrap_or(store::users::DEFAULT_ORG);
        let org = {
            let mut c = self.conn().await?;
            store::users::find_org(&mut c, org_key).await?
        };
        let Some(org) = org else {
            return Err(ApiError::new(
                ProblemCode::NotFound,
                format!("org '{org_key}' not found"),
            ));
        };
        retry(|| async {
            let now = self.now();
            let mut tx = self.begin().await?;
            store::users::begin_global_write(&mut tx).await?;
            let member = store::users::org_role(&mut tx, &org.id, &caller.user.id).await?;
            if member.is_none() && !caller.user.is_admin {
                return Err(ApiError::new(
                    ProblemCode::NotFound,
                    format!("org '{org_key}' not found"),
                ));
            }
            if let Some(id) = store::projects::project_name_taken(&mut tx, &org.id, name).await? {
                return Err(self.project_name_taken(&mut tx, caller, &id, name).await?);
            }
            let id = store::projects::insert_project(
                &mut tx,
                &org.id,
                name,
                req.description.as_deref(),
                preset.name,
                now,
            )
            .await?;
            let mut owner_role = None;
            // The server's changes to the preset's roles (Loft) apply to new projects too.
            let overrides = store::preset_roles::overrides(&mut tx, preset.name).await?;
            for (rank, r) in preset.roles.iter().enumerate() {
                let changed = overrides
                    .iter()
                    .find(|(n, _)| n == r.name)
                    .map(|(_, p)| p.clone());
                let modified = changed.is_some();
                let perms: Vec<String> =
                    changed.unwrap_or_else(|| r.permissions.iter().map(|p| p.to_string()).collect());
                let rid = store::projects::insert_role(
                    &mut tx,
                    &id,
                    &store::projects::NewRole {
                        modified,
                        name: r.name,
                        description: Some(r.description),
                        built_in: true,
                        owner_grade: r.owner_grade,
                        rank: rank as i64,
                        permissions: &perms,
                    },
                    now,
                )
                .await?;
                if r.owner_grade && owner_role.is_none() {
                    owner_role = Some((rid, rank as i64));
                }
            }
            let (role_id, rank) = owner_role.ok_or_else(|| ApiError::invalid("preset has no owner role"))?;
            self.add_server_roles(&mut tx, &org.id, &id, now).await?;
            store::users::add_org_member(&mut tx, &org.id, &caller.user.id, "member", now).await?;
            store::bindings::insert_binding(
                &mut tx,
                &Target::user(&caller.user).binding(&id, (&role_id, rank), None, Some(&caller.user.username)),
                now,
            )
            .await?;
            let p = ProjectRow {
                id: id.clone(),
                org_id: org.id.clone(),
                org_name: org.name.clone(),
                name: name.to_owned(),
                description: req.description.clone(),
                role_preset: preset.name.to_owned(),
                policy_version: 1,
                created_at: now,
                require_mfa: "none".into(),
            };
            self.audit(
                &mut tx,
                Some(caller),
                "project.create",
                Some(&p),
                Some(&id),
                serde_json::json!({"role_preset": preset.name}),
            )
            .await?;
            tx.commit().await?;
            Ok(convert::project(&p, vec![preset.owner_role().name.to_owned()]))
        })
        .await
    }

    /// Projects the caller can see, each with the caller's roles in it.
    pub async fn list_projects(
        &self,
        caller: &Caller,
        after: Option<(&str, &str)>,
        limit: i64,
    ) -> ApiResult<Vec<((String, String), api::Project)>> {
        let mut c = self.conn().await?;
        let now = self.now();
        let rows = store::projects::list_visible_projects(
            &mut c,
            &caller.user.id,
            rules::ORG_ROLES_THAT_SEE_ALL,
            now,
            after,
            limit,
        )
        .await?;
        let mut out = Vec::with_capacity(rows.len());
        for p in rows {
            let bindings =
                store::bindings::effective_bindings(&mut c, &p.id, &p.org_id, &caller.user.id, now).await?;
            let mut roles: Vec<String> = Vec::new();
            for b in bindings {
                if !roles.contains(&b.role_name) {
                    roles.push(b.role_name);
                }
            }
            out.push((
                (p.name.to_ascii_lowercase(), p.id.clone()),
                convert::project(&p, roles),
            ));
        }
        Ok(out)
    }

    pub async fn update_project(
        &self,
        caller: &Caller,
        key: &str,
        if_match: Option<&str>,
        req: &api::UpdateProject,
    ) -> ApiResult<(api::Project, i64)> {
        let mut errors = Vec::new();
        if let Some(n) = &req.name
            && let Err(m) = validate::name("project name", n.trim())
        {
            errors.push(FieldError {
                field: "name".into(),
                message: m,
            });
        }
        if let Some(d) = &req.description
            && let Err(m) = validate::text("description", d)
        {
            errors.push(FieldError {
                field: "description".into(),
                message: m,
            });
        }
        if !errors.is_empty() {
            return Err(ApiError::fields(errors));
        }
        retry(|| async {
            let (mut tx, mut acc) = self.begin_project(caller, key, if_match).await?;
            acc.require("project.update")?;
            let name = req
                .name
                .as_deref()
                .map(str::trim)
                .unwrap_or(&acc.project.name)
                .to_owned();
            if let Some(id) = store::projects::project_name_taken(&mut tx, &acc.project.org_id, &name).await?
                && id != acc.project.id
            {
                return Err(self.project_name_taken(&mut tx, caller, &id, &name).await?);
            }
            let description = req.description.clone().or(acc.project.description.clone());
            let require_mfa = req
                .require_mfa
                .map(|p| p.as_str().to_owned())
                .unwrap_or(acc.project.require_mfa.clone());
            if require_mfa != acc.project.require_mfa {
                // Who may change the MFA policy: whoever may grant owner-grade roles.
                acc.require("owners.manage")?;
            }
            if name == acc.project.name
                && description == acc.project.description
                && require_mfa == acc.project.require_mfa
            {
                // Nothing changes (`PATCH {}` or the same values): no new version,
                // no audit event; the answer is the project as it is.
                tx.rollback().await?;
                acc.project.policy_version -= 1;
                return Ok(project_of(&acc));
            }
            store::projects::update_project(&mut tx, &acc.project.id, &name, description.as_deref()).await?;
            if require_mfa != acc.project.require_mfa {
                store::projects::set_require_mfa(&mut tx, &acc.project.id, &require_mfa).await?;
                acc.project.require_mfa = require_mfa;
            }
            acc.project.name = name;
            acc.project.description = description;
            self.audit(
                &mut tx,
                Some(caller),
                "project.update",
                Some(&acc.project),
                Some(&acc.project.id),
                serde_json::to_value(req).unwrap_or_default(),
            )
            .await?;
            tx.commit().await?;
            Ok(project_of(&acc))
        })
        .await
    }

    /// A project as the caller sees it (404 unless they may view it), with its version.
    pub async fn get_project(&self, caller: &Caller, key: &str) -> ApiResult<(api::Project, i64)> {
        Ok(project_of(&self.view(caller, key).await?))
    }

    /// The caller's roles and permissions in a project.
    pub async fn my_permissions(&self, caller: &Caller, key: &str) -> ApiResult<(api::MyPermissions, i64)> {
        let acc = self.view(caller, key).await?;
        let body = api::MyPermissions {
            roles: acc.my_roles(),
            permissions: acc.perms.iter().cloned().collect(),
        };
        Ok((body, acc.project.policy_version))
    }

    pub async fn delete_project(&self, caller: &Caller, key: &str, if_match: Option<&str>) -> ApiResult<()> {
        retry(|| async {
            let (mut tx, acc) = self.begin_project(caller, key, if_match).await?;
            acc.require("project.delete")?;
            self.audit(
                &mut tx,
                Some(caller),
                "project.delete",
                Some(&acc.project),
                Some(&acc.project.id),
                serde_json::json!({"name": acc.project.name}),
            )
            .await?;
            store::projects::delete_project(&mut tx, &acc.project.id).await?;
            tx.commit().await?;
            Ok(())
        })
        .await
    }
}

/// The project of an access as the wire has it, with its version.
fn project_of(acc: &Access) -> (api::Project, i64) {
    (
        convert::project(&acc.project, acc.my_roles()),
        acc.project.policy_version,
    )
}
