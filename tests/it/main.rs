//! One integration binary: the real `accessctl` binary against a real `accessd`
//! on 127.0.0.1:0, each test with its own temp HOME.

mod harness;

mod auth;
mod batch_invites;
mod completion;
mod config;
mod errors;
mod formats;
mod help;
mod in_process;
mod invitations;
mod jq;
mod json;
mod local;
mod login_email;
mod messages;
mod mfa;
mod orgs;
mod payloads;
mod project_users;
mod projects;
mod readme_walkthroughs;
mod roles;
mod roles_check;
mod roles_custom;
mod roles_document;
mod scripting_docs;
mod streaming;
mod tables;
mod team_joins;
mod teams;
mod trust;
mod tty;
mod users_audit;
