//! One folder per noun, one file per leaf command (`Args` + `run(&args, &ctx)`).

pub mod audit;
pub mod auth;
pub mod common;
pub mod completion;
pub mod config;
pub mod ids;
pub mod invite;
pub mod orgs;
pub mod policy;
pub mod projects;
pub mod roles;
pub mod teams;
pub mod users;
