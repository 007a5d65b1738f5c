//! accessd over real HTTP: a server on 127.0.0.1:0 per test, SQLite in a temp
//! dir, or PostgreSQL when ACCESSD_TEST_DATABASE_URL is set.

mod support;
mod transfer;

mod admin;
mod api_basics;
mod audit_roles;
mod bad_input;
mod binary;
mod browser;
mod effective;
mod escalation;
mod fuzz;
mod invitations;
mod invite_page;
mod last_admin;
mod last_owner;
mod limits;
mod load;
mod login;
mod mail;
mod mfa;
mod model;
mod openapi;
mod orgs;
mod outbox;
mod pagination;
mod policy;
mod postgres;
mod replicas;
mod security;
mod teams;
mod trust;
mod trust_probe;
