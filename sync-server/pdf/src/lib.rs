//! A4 pages for the documents the server prints — the back office's inspection protocol,
//! the portal's receipt for a citizen: what a document says as a list of [`Block`]s in
//! reading order, broken into pages of positioned drawing operations (`layout`, plain data
//! tested without a PDF), and written as PDF with krilla (`writer`), the text in the
//! embedded font so umlauts can be searched and copied.
//!
//! A surface writes its own blocks (its words, its content); this crate knows no naper
//! crate and no surface, so both surfaces print the same way without depending on each
//! other.

mod layout;
mod writer;

pub use layout::{Block, Metrics, Op, paginate};
pub use writer::{PdfError, write};
