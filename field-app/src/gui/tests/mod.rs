//! egui_kittest tests that drive the real app by its accessible labels, on a store prepared
//! on disk (enrolled against an address where no server listens, so the background sync
//! finds the tablet offline). They check what is on screen and what the store holds.
#![allow(clippy::unwrap_used)] // tests: a panic is a failed test

mod camera;
mod case_list;
mod fake_camera;
mod fixture;
mod form;
mod layout;
mod photo_delete;
mod position;
mod shell;
