//! Who is asking: passwords (argon2id), device tokens stored only as their SHA-256, the
//! sign-in throttle, and the rules for user names and passwords. The access policy decides
//! what an identified principal may do; this module only establishes who it is.

pub mod auth;
pub mod throttle;
