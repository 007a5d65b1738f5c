//! accessd
