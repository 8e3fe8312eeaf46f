//! Access control: which actions on which resources a role grants, and the one function
//! that decides whether a member may do something.
//!
//! Better Auth's rule: a member's `role` is a comma-separated list; a request (resource →
//! actions) is allowed when **one** of the member's roles grants **every** requested action
//! on **every** requested resource. Roles are the static ones (owner, admin, member) plus,
//! with dynamic access control, the organization's own roles from `organizationRole`.

use std::borrow::Cow;
use std::collections::BTreeMap;

use super::split_roles;

/// Resource → actions, as in `{"member": ["create", "delete"]}`.
pub type Permissions = BTreeMap<String, Vec<String>>;

/// A role name and what it grants.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleGrant {
    pub name: String,
    pub grants: Permissions,
}

/// The statements (every resource and its possible actions) and the predefined roles.
#[derive(Debug, Clone)]
pub struct AccessControl {
    statements: Permissions,
    roles: BTreeMap<String, Permissions>,
}

fn perms(entries: &[(&str, &[&str])]) -> Permissions {
    entries
        .iter()
        .map(|(resource, actions)| {
            ((*resource).to_owned(), actions.iter().map(|a| (*a).to_owned()).collect())
        })
        .collect()
}

impl Default for AccessControl {
    /// Better Auth's default statements and roles.
    fn default() -> Self {
        let statements = perms(&[
            ("organization", &["update", "delete"]),
            ("member", &["create", "update", "delete"]),
            ("invitation", &["create", "cancel"]),
            ("team", &["create", "update", "delete"]),
            ("ac", &["create", "read", "update", "delete"]),
        ]);
        let admin = perms(&[
            ("organization", &["update"]),
            ("member", &["create", "update", "delete"]),
            ("invitation", &["create", "cancel"]),
            ("team", &["create", "update", "delete"]),
            ("ac", &["create", "read", "update", "delete"]),
        ]);
        let member = perms(&[
            ("organization", &[]),
            ("member", &[]),
            ("invitation", &[]),
            ("team", &[]),
            ("ac", &["read"]),
        ]);
        let roles = BTreeMap::from([
            ("owner".to_owned(), statements.clone()),
            ("admin".to_owned(), admin),
            ("member".to_owned(), member),
        ]);
        Self { statements, roles }
    }
}

impl AccessControl {
    /// Whether `role` is one of the predefined (static) roles.
    pub fn is_predefined(&self, role: &str) -> bool {
        self.roles.contains_key(role)
    }

    /// Resources in `requested` that the statements do not know.
    pub fn unknown_resources<'a>(&self, requested: &'a Permissions) -> Vec<&'a str> {
        requested
            .keys()
            .filter(|resource| !self.statements.contains_key(*resource))
            .map(String::as_str)
            .collect()
    }

    /// Whether a member holding `member_roles` (comma-separated) may do everything in
    /// `requested`. `custom` are the organization's dynamic roles.
    pub fn authorize(
        &self,
        member_roles: &str,
        requested: &Permissions,
        custom: &[RoleGrant],
    ) -> bool {
        split_roles(member_roles)
            .any(|role| self.grants_of(role, custom).is_some_and(|g| grants_all(&g, requested)))
    }

    /// The `resource:action` pairs of `requested` that none of the member's roles grants.
    pub fn missing(
        &self,
        member_roles: &str,
        requested: &Permissions,
        custom: &[RoleGrant],
    ) -> Vec<String> {
        let mut missing = Vec::new();
        for (resource, actions) in requested {
            for action in actions {
                let single = Permissions::from([(resource.clone(), vec![action.clone()])]);
                if !self.authorize(member_roles, &single, custom) {
                    missing.push(format!("{resource}:{action}"));
                }
            }
        }
        missing
    }

    /// What `role` grants: the predefined role of that name united, resource by resource,
    /// with the organization's role of that name.
    fn grants_of<'a>(
        &'a self,
        role: &str,
        custom: &'a [RoleGrant],
    ) -> Option<Cow<'a, Permissions>> {
        let predefined = self.roles.get(role);
        let custom = custom.iter().find(|c| c.name == role).map(|c| &c.grants);
        match (predefined, custom) {
            (Some(p), None) | (None, Some(p)) => Some(Cow::Borrowed(p)),
            (None, None) => None,
            (Some(p), Some(c)) => {
                let mut merged = p.clone();
                for (resource, actions) in c {
                    let entry = merged.entry(resource.clone()).or_default();
                    for action in actions {
                        if !entry.contains(action) {
                            entry.push(action.clone());
                        }
                    }
                }
                Some(Cow::Owned(merged))
            }
        }
    }

    /// Whether `role` names a role that exists (predefined or one of `custom`).
    pub fn role_exists(&self, role: &str, custom: &[RoleGrant]) -> bool {
        self.grants_of(role, custom).is_some()
    }
}

/// A role grants a request when, for every requested resource, it lists every action.
/// A resource the role does not mention at all refuses the request.
/// An empty request, or an empty action list, grants nothing (Better Auth's rule).
fn grants_all(grants: &Permissions, requested: &Permissions) -> bool {
    !requested.is_empty()
        && requested.iter().all(|(resource, actions)| {
            !actions.is_empty()
                && grants
                    .get(resource)
                    .is_some_and(|allowed| actions.iter().all(|a| allowed.contains(a)))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(resource: &str, actions: &[&str]) -> Permissions {
        perms(&[(resource, actions)])
    }

    #[test]
    fn default_roles_follow_better_auth() {
        let ac = AccessControl::default();
        assert!(ac.authorize("owner", &req("organization", &["delete"]), &[]));
        assert!(!ac.authorize("admin", &req("organization", &["delete"]), &[]));
        assert!(ac.authorize("admin", &req("organization", &["update"]), &[]));
        assert!(!ac.authorize("member", &req("invitation", &["create"]), &[]));
        assert!(ac.authorize("member", &req("ac", &["read"]), &[]));
    }

    #[test]
    fn one_role_must_grant_the_whole_request() {
        let ac = AccessControl::default();
        let mut both = req("organization", &["update"]);
        both.insert("ac".into(), vec!["read".into()]);
        assert!(ac.authorize("member,admin", &both, &[]));
        assert!(!ac.authorize("member", &both, &[]));
        assert!(!ac.authorize("", &both, &[]));
        assert!(!ac.authorize("nobody", &req("ac", &["read"]), &[]));
    }

    #[test]
    fn custom_roles_and_missing_permissions() {
        let ac = AccessControl::default();
        let custom = [RoleGrant { name: "billing".into(), grants: req("invitation", &["create"]) }];
        assert!(ac.authorize("billing", &req("invitation", &["create"]), &custom));
        assert!(!ac.authorize("billing", &req("invitation", &["cancel"]), &custom));
        let missing = ac.missing("billing", &req("invitation", &["create", "cancel"]), &custom);
        assert_eq!(missing, ["invitation:cancel"]);
        assert!(ac.role_exists("billing", &custom) && !ac.role_exists("billing", &[]));
        assert_eq!(ac.unknown_resources(&req("planet", &["x"])), ["planet"]);
    }
}
