//! The naper server below its surfaces: everything the sync API, the back office and the
//! surfaces still to come (the citizen portal, Open311) share, and none of them.
//!
//! A house of layers, bottom first — each module may use only those above it in this list
//! (xtask's tidy test holds it): [`kernel`] (configuration, error codes without any response
//! format, the connection loop and what keeps slow clients in bounds), [`store`]
//! (persistence, one module per aggregate over a read and a write transaction), [`access`]
//! (the pure access policy), [`identity`] (passwords, device tokens, sign-in throttles),
//! [`blobs`] (photo bytes and uploads), [`services`] (the shared state, the sync round, the
//! background work). The surfaces are crates of their own above this one; the binary
//! (`naper-sync-server`) composes them.

pub mod access;
pub mod blobs;
pub mod identity;
pub mod kernel;
pub mod services;
pub mod store;
