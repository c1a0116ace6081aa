//! What the server's web pages share, below every surface that renders HTML (the back office,
//! the citizen portal), so that no surface depends on another: reading and setting cookies
//! (`cookies`), the headers every page carries (`headers`), how a request picks its language
//! (`language`), and the inputs a template's
//! fields are typed into and how what was typed becomes an answer (`form_input`, read by
//! `texts::typed` as on the tablet).
//!
//! Knows no store and no server state: it depends on `schema` and `texts` only.

pub mod cookies;
pub mod form_input;
pub mod headers;
pub mod language;
