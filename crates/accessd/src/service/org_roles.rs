//! Custom org roles (Qovery's customRole) and clusters. Org owners and admins
//! manage both: they hold every permission in every project of the org, so no
//! custom role can grant more than they hold. A custom role is attached to members
//! like a base role (`PUT orgs/{org}/members/{user} {"role": NAME}`).

use std::collections::BTreeMap;

use access_api::{self as api, FieldError, ProblemCode, validate};

use super::{Caller, Service};
use crate::clock::rfc3339;
use crate::db::retry;
use crate::error::{ApiError, ApiResult};
use crate::store::org_roles::{ClusterRow, OrgRoleRow};
use crate::store::users::OrgRow;
use crate::store::{self, Conn};

fn env_level(qovery: &str) -> Option<Option<&'static str>> {
    match qovery.to_ascii_uppercase().as_str() {
        "NO_ACCESS" => Some(None),
        "VIEWER" => Some(Some("view")),
        "DEPLOYER" => Some(Some("deploy")),
        "MANAGER" => Some(Some("manage")),
        _ => None,
    }
}

fn qovery_level(ours: &str) -> &'static str {
    match ours {
        "view" => "VIEWER",
        "deploy" => "DEPLOYER",
        _ => "MANAGER",
    }
}

fn cluster_level(qovery: &str) -> Option<&'static str> {
    match qovery.to_ascii_uppercase().replace('-', "_").as_str() {
        "VIEWER" => Some("viewer"),
        "ENV_CREATOR" => Some("env-creator"),
        "ADMIN" => Some("admin"),
        _ => None,
    }
}

fn qovery_cluster_level(ours: &str) -> &'static str {
    match ours {
        "viewer" => "VIEWER",
        "env-creator" => "ENV_CREATOR",
        _ => "ADMIN",
    }
}

pub fn cluster(k: &ClusterRow) -> api::Cluster {
    api::Cluster {
        id: k.id.clone(),
        name: k.name.clone(),
        created_at: rfc3339(k.created_at),
    }
}

/// The base roles as read-only [`api::OrgRole`]s (what they grant is documented,
/// not listed per project).
fn base_role(name: &str) -> api::OrgRole {
    let description = match name {
        "owner" => "Every permission in every project of the org; manages owners",
        "admin" => "Every permission in every project of the org; manages org members, but not org owners",
        "devops" => "Views every project and manages every environment type; env-creator on every cluster",
        "billing-manager" => "Manages billing",
        "viewer" => "Views every project, its members, invitations and roles; viewer on every cluster",
        _ => "Nothing in the org's projects by itself",
    };
    api::OrgRole {
        id: String::new(),
        name: name.to_owned(),
        description: Some(description.to_owned()),
        cluster_permissions: Vec::new(),
        project_permissions: Vec::new(),
        built_in: true,
        created_at: String::new(),
    }
}

/// A custom role's document resolved against the org: (project id, is_admin,
/// env levels JSON) and (cluster id, level) rows, or field errors.
type Grants = (Vec<(String, bool, String)>, Vec<(String, String)>);

impl Service {
    /// The org, if the caller may manage its roles and clusters (owners, admins).
    async fn managed_org(&self, c: &mut Conn, caller: &Caller, key: &str) -> ApiResult<OrgRow> {
        let (org, role) = self.org_for(c, caller, key).await?;
        if !matches!(role.as_deref(), Some("owner" | "admin")) {
            return Err(ApiError::forbidden(
                "only the org's owners and admins manage its roles and clusters",
            ));
        }
        Ok(org)
    }

    async fn org_role_view(&self, c: &mut Conn, r: &OrgRoleRow) -> ApiResult<api::OrgRole> {
        let projects = store::org_roles::project_grants(c, &r.id).await?;
        let clusters = store::org_roles::cluster_grants(c, &r.id).await?;
        Ok(api::OrgRole {
            id: r.id.clone(),
            name: r.name.clone(),
            description: r.description.clone(),
            cluster_permissions: clusters
                .iter()
                .map(|g| api::ClusterPermission {
                    cluster_id: g.cluster_id.clone(),
                    cluster_name: Some(g.cluster_name.clone()),
                    permission: qovery_cluster_level(&g.level).to_owned(),
                })
                .collect(),
            project_permissions: projects
                .iter()
                .map(|g| {
                    let levels: BTreeMap<String, String> =
                        serde_json::from_str(&g.env_levels).unwrap_or_default();
                    api::ProjectPermission {
                        project_id: g.project_id.clone(),
                        project_name: Some(g.project_name.clone()),
                        is_admin: g.is_admin,
                        permissions: levels
                            .iter()
                            .map(|(env, l)| api::EnvPermission {
                                environment_type: env.to_ascii_uppercase(),
                                permission: qovery_level(l).to_owned(),
                            })
                            .collect(),
                    }
                })
                .collect(),
            built_in: false,
            created_at: rfc3339(r.created_at),
        })
    }

    /// The base roles, then the org's custom roles (everyone in the org).
    pub async fn list_org_roles(&self, caller: &Caller, key: &str) -> ApiResult<Vec<api::OrgRole>> {
        let mut c = self.conn().await?;
        let (org, _) = self.org_for(&mut c, caller, key).await?;
        let mut out: Vec<api::OrgRole> = api::ORG_ROLES.iter().map(|r| base_role(r)).collect();
        for r in store::org_roles::list_roles(&mut c, &org.id).await? {
            out.push(self.org_role_view(&mut c, &r).await?);
        }
        Ok(out)
    }

    pub async fn get_org_role(&self, caller: &Caller, key: &str, role: &str) -> ApiResult<api::OrgRole> {
        let mut c = self.conn().await?;
        let (org, _) = self.org_for(&mut c, caller, key).await?;
        let norm = validate::normalize(role);
        if api::ORG_ROLES.contains(&norm.as_str()) {
            return Ok(base_role(&norm));
        }
        let r = store::org_roles::find_role(&mut c, &org.id, role)
            .await?
            .ok_or_else(|| role_not_found(role, &org))?;
        self.org_role_view(&mut c, &r).await
    }

    /// Checks a role document against the org (every field error at once).
    async fn resolve_grants(&self, c: &mut Conn, org: &OrgRow, doc: &api::OrgRole) -> ApiResult<Grants> {
        let mut errors = Vec::new();
        let mut err = |field: String, message: String| errors.push(FieldError { field, message });
        let mut projects = Vec::new();
        for (i, pp) in doc.project_permissions.iter().enumerate() {
            let project = store::projects::find_project_in_org(c, &org.id, &pp.project_id).await?;
            let Some(project) = project else {
                err(
                    format!("project_permissions[{i}].project_id"),
                    format!("no project '{}' in org '{}'", pp.project_id, org.name),
                );
                continue;
            };
            let mut levels = BTreeMap::new();
            for (j, ep) in pp.permissions.iter().enumerate() {
                let env = ep.environment_type.to_ascii_lowercase();
                if !access_api::permissions::ENV_TYPES.contains(&env.as_str()) {
                    err(
                        format!("project_permissions[{i}].permissions[{j}].environment_type"),
                        format!(
                            "unknown environment type '{}'; one of {}",
                            ep.environment_type,
                            api::ENV_TYPE_NAMES.join(", ")
                        ),
                    );
                    continue;
                }
                match env_level(&ep.permission) {
                    Some(Some(l)) => {
                        levels.insert(env, l.to_owned());
                    }
                    Some(None) => {}
                    None => err(
                        format!("project_permissions[{i}].permissions[{j}].permission"),
                        format!(
                            "unknown level '{}'; one of {}",
                            ep.permission,
                            api::ENV_LEVELS.join(", ")
                        ),
                    ),
                }
            }
            // NO_ACCESS everywhere is no grant at all (the project stays hidden).
            if pp.is_admin || !levels.is_empty() {
                let json = serde_json::to_string(&levels).unwrap_or_else(|_| "{}".into());
                projects.retain(|(id, _, _): &(String, bool, String)| *id != project.id);
                projects.push((project.id, pp.is_admin, json));
            }
        }
        let mut clusters = Vec::new();
        for (i, cp) in doc.cluster_permissions.iter().enumerate() {
            let Some(k) = store::org_roles::find_cluster(c, &org.id, &cp.cluster_id).await? else {
                err(
                    format!("cluster_permissions[{i}].cluster_id"),
                    format!("no cluster '{}' in org '{}'", cp.cluster_id, org.name),
                );
                continue;
            };
            match cluster_level(&cp.permission) {
                Some(l) => {
                    clusters.retain(|(id, _): &(String, String)| *id != k.id);
                    clusters.push((k.id, l.to_owned()));
                }
                None => err(
                    format!("cluster_permissions[{i}].permission"),
                    format!(
                        "unknown level '{}'; one of {}",
                        cp.permission,
                        api::CLUSTER_LEVELS.join(", ")
                    ),
                ),
            }
        }
        if !errors.is_empty() {
            return Err(ApiError::fields(errors));
        }
        Ok((projects, clusters))
    }

    /// The role as answered, its audit event (the whole document), and the commit.
    async fn commit_role(
        &self,
        mut tx: sqlx::Transaction<'static, sqlx::Any>,
        caller: &Caller,
        org: &OrgRow,
        role: &OrgRoleRow,
        action: &str,
    ) -> ApiResult<api::OrgRole> {
        let view = self.org_role_view(&mut tx, role).await?;
        self.audit_in_org(
            &mut tx,
            Some(caller),
            action,
            &org.id,
            Some(&role.name),
            serde_json::to_value(&view).unwrap_or_default(),
        )
        .await?;
        tx.commit().await?;
        Ok(view)
    }

    fn check_role_name(name: &str) -> ApiResult<()> {
        validate::text("role name", name).map_err(|m| ApiError::field("name", m))?;
        let slug = store::org_roles::role_slug(name);
        validate::name("role name", &slug).map_err(|m| ApiError::field("name", m))?;
        if api::ORG_ROLES.contains(&slug.as_str()) {
            return Err(ApiError::new(
                ProblemCode::NameTaken,
                format!("'{name}' is a base org role; choose another name"),
            ));
        }
        Ok(())
    }

    pub async fn create_org_role(
        &self,
        caller: &Caller,
        key: &str,
        doc: &api::OrgRole,
    ) -> ApiResult<api::OrgRole> {
        let name = doc.name.trim();
        Self::check_role_name(name)?;
        retry(|| async {
            let mut tx = self.begin().await?;
            let org = self.managed_org(&mut tx, caller, key).await?;
            let (projects, clusters) = self.resolve_grants(&mut tx, &org, doc).await?;
            let now = self.now();
            let Some(role) = store::org_roles::insert_role(
                &mut tx,
                &org.id,
                name,
                doc.description.as_deref(),
                &caller.user.username,
                now,
            )
            .await?
            else {
                return Err(ApiError::new(
                    ProblemCode::NameTaken,
                    format!("org '{}' has a role named '{name}'", org.name),
                ));
            };
            store::org_roles::set_grants(&mut tx, &role.id, &projects, &clusters).await?;
            self.commit_role(tx, caller, &org, &role, "org.role.create").await
        })
        .await
    }

    /// Replaces a custom role's name, description and grants (the whole
    /// document); members holding it keep it. Every project of the org gets a new
    /// version, since what the role grants there may have changed.
    pub async fn update_org_role(
        &self,
        caller: &Caller,
        key: &str,
        role_key: &str,
        doc: &api::OrgRole,
    ) -> ApiResult<api::OrgRole> {
        let name = doc.name.trim();
        Self::check_role_name(name)?;
        retry(|| async {
            let mut tx = self.begin().await?;
            let org = self.managed_org(&mut tx, caller, key).await?;
            if api::ORG_ROLES.contains(&validate::normalize(role_key).as_str()) {
                return Err(ApiError::new(
                    ProblemCode::RoleImmutable,
                    "base org roles cannot be changed",
                ));
            }
            let role = store::org_roles::find_role(&mut tx, &org.id, role_key)
                .await?
                .ok_or_else(|| role_not_found(role_key, &org))?;
            if let Some(other) = store::org_roles::find_role(&mut tx, &org.id, name).await?
                && other.id != role.id
            {
                return Err(ApiError::new(
                    ProblemCode::NameTaken,
                    format!("org '{}' has a role named '{name}'", org.name),
                ));
            }
            let (projects, clusters) = self.resolve_grants(&mut tx, &org, doc).await?;
            store::orgs::lock_org(&mut tx, &org.id).await?;
            store::orgs::bump_projects(&mut tx, &org.id).await?;
            store::org_roles::update_role(&mut tx, &role, name, doc.description.as_deref()).await?;
            store::org_roles::set_grants(&mut tx, &role.id, &projects, &clusters).await?;
            let role = store::org_roles::find_role(&mut tx, &org.id, &role.id)
                .await?
                .ok_or_else(|| role_not_found(role_key, &org))?;
            self.commit_role(tx, caller, &org, &role, "org.role.update").await
        })
        .await
    }

    /// Deletes a custom role no member holds (409 `role-in-use` naming them).
    pub async fn delete_org_role(&self, caller: &Caller, key: &str, role_key: &str) -> ApiResult<()> {
        retry(|| async {
            let mut tx = self.begin().await?;
            let org = self.managed_org(&mut tx, caller, key).await?;
            if api::ORG_ROLES.contains(&validate::normalize(role_key).as_str()) {
                return Err(ApiError::new(
                    ProblemCode::RoleImmutable,
                    "base org roles cannot be deleted",
                ));
            }
            store::orgs::lock_org(&mut tx, &org.id).await?;
            let role = store::org_roles::find_role(&mut tx, &org.id, role_key)
                .await?
                .ok_or_else(|| role_not_found(role_key, &org))?;
            let holders = store::org_roles::role_members(&mut tx, &role).await?;
            if !holders.is_empty() {
                return Err(ApiError::new(
                    ProblemCode::RoleInUse,
                    format!(
                        "org role '{}' is held by {}; give them another role first",
                        role.name,
                        holders.join(", ")
                    ),
                ));
            }
            store::org_roles::delete_role(&mut tx, &role.id).await?;
            self.audit_in_org(
                &mut tx,
                Some(caller),
                "org.role.delete",
                &org.id,
                Some(&role.name),
                serde_json::json!({}),
            )
            .await?;
            tx.commit().await?;
            Ok(())
        })
        .await
    }

    pub async fn list_clusters(&self, caller: &Caller, key: &str) -> ApiResult<Vec<api::Cluster>> {
        let mut c = self.conn().await?;
        let (org, _) = self.org_for(&mut c, caller, key).await?;
        let rows = store::org_roles::list_clusters(&mut c, &org.id).await?;
        Ok(rows.iter().map(cluster).collect())
    }

    pub async fn create_cluster(
        &self,
        caller: &Caller,
        key: &str,
        req: &api::CreateCluster,
    ) -> ApiResult<api::Cluster> {
        let name = req.name.trim();
        validate::name("cluster name", name).map_err(|m| ApiError::field("name", m))?;
        retry(|| async {
            let mut tx = self.begin().await?;
            let org = self.managed_org(&mut tx, caller, key).await?;
            let Some(k) =
                store::org_roles::insert_cluster(&mut tx, &org.id, name, &caller.user.username, self.now())
                    .await?
            else {
                return Err(ApiError::new(
                    ProblemCode::NameTaken,
                    format!("org '{}' has a cluster named '{name}'", org.name),
                ));
            };
            self.audit_in_org(
                &mut tx,
                Some(caller),
                "org.cluster.create",
                &org.id,
                Some(&k.name),
                serde_json::json!({}),
            )
            .await?;
            tx.commit().await?;
            Ok(cluster(&k))
        })
        .await
    }

    /// Deletes a cluster no custom role grants on (409 `role-in-use` naming them).
    pub async fn delete_cluster(&self, caller: &Caller, key: &str, cluster_key: &str) -> ApiResult<()> {
        retry(|| async {
            let mut tx = self.begin().await?;
            let org = self.managed_org(&mut tx, caller, key).await?;
            let k = store::org_roles::find_cluster(&mut tx, &org.id, cluster_key)
                .await?
                .ok_or_else(|| {
                    ApiError::new(
                        ProblemCode::NotFound,
                        format!("no cluster '{cluster_key}' in org '{}'", org.name),
                    )
                })?;
            let roles = store::org_roles::roles_using_cluster(&mut tx, &k.id).await?;
            if !roles.is_empty() {
                return Err(ApiError::new(
                    ProblemCode::RoleInUse,
                    format!(
                        "cluster '{}' is granted by org role(s) {}; change those roles first",
                        k.name,
                        roles.join(", ")
                    ),
                ));
            }
            store::org_roles::delete_cluster(&mut tx, &k.id).await?;
            self.audit_in_org(
                &mut tx,
                Some(caller),
                "org.cluster.delete",
                &org.id,
                Some(&k.name),
                serde_json::json!({}),
            )
            .await?;
            tx.commit().await?;
            Ok(())
        })
        .await
    }

    /// The org role a member may be given: a base role, or a custom role of the
    /// org (its normalized name).
    pub async fn org_role_name(&self, c: &mut Conn, org: &OrgRow, role: &str) -> ApiResult<String> {
        let norm = validate::normalize(role);
        if api::ORG_ROLES.contains(&norm.as_str()) {
            return Ok(norm);
        }
        match store::org_roles::find_role(c, &org.id, role).await? {
            Some(r) => Ok(store::org_roles::role_slug(&r.name)),
            None => Err(ApiError::field(
                "role",
                format!(
                    "unknown org role '{role}'; org roles: {} or a custom role of org '{}'",
                    api::ORG_ROLES.join(", "),
                    org.name
                ),
            )),
        }
    }
}

fn role_not_found(role: &str, org: &OrgRow) -> ApiError {
    ApiError::new(
        ProblemCode::NotFound,
        format!("no org role '{role}' in org '{}'", org.name),
    )
}
