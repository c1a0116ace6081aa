//! The touch GUI of the field app (eframe/egui) on top of the store, actions and sync client.

pub mod i18n;
