//! [`Admission`]: how many requests of one kind the server takes on at once, in all and per
//! client (a device), so that slow or many clients cannot take every place. A request that
//! finds no place is refused at once — never queued — with an answer that says when to try
//! again; a queue would only make the clients behind it as slow as the slowest.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use super::AppError;

/// Places for requests of one kind (see the module documentation).
#[derive(Debug, Clone)]
pub struct Admission {
    what: &'static str,
    total: usize,
    per_client: usize,
    taken: Arc<Mutex<Taken>>,
}

#[derive(Debug, Default)]
struct Taken {
    total: usize,
    per_client: HashMap<String, usize>,
}

/// A place taken; it is given back when this is dropped.
#[derive(Debug)]
pub struct Place {
    client: String,
    taken: Arc<Mutex<Taken>>,
}

/// What a client that found no place is told to wait before trying again.
pub const RETRY_AFTER: Duration = Duration::from_secs(5);

impl Admission {
    /// `total` places in all, at most `per_client` of them for one client; `what` names the
    /// requests in refusals ("photo uploads").
    pub fn new(what: &'static str, total: usize, per_client: usize) -> Self {
        Self {
            what,
            total,
            per_client,
            taken: Arc::default(),
        }
    }

    /// Takes a place for `client`.
    ///
    /// # Errors
    /// [`AppError::ClientBusy`] when the client has all its places,
    /// [`AppError::ServerBusy`] when every place is taken.
    pub fn admit(&self, client: &str) -> Result<Place, AppError> {
        let mut taken = self.taken.lock().unwrap_or_else(PoisonError::into_inner);
        let mine = taken.per_client.get(client).copied().unwrap_or(0);
        if mine >= self.per_client {
            return Err(AppError::ClientBusy {
                message: format!(
                    "this device has {mine} {} in progress already, the most it may have at once; \
                     wait for them to end",
                    self.what
                ),
                retry_after: RETRY_AFTER,
            });
        }
        if taken.total >= self.total {
            return Err(AppError::ServerBusy {
                message: format!(
                    "the server is receiving {} {} already; try again in a moment",
                    taken.total, self.what
                ),
                retry_after: RETRY_AFTER,
            });
        }
        taken.total += 1;
        *taken.per_client.entry(client.to_owned()).or_default() += 1;
        Ok(Place {
            client: client.to_owned(),
            taken: self.taken.clone(),
        })
    }

    /// Places taken now.
    #[cfg(test)]
    fn taken(&self) -> usize {
        self.taken
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .total
    }
}

impl Drop for Place {
    fn drop(&mut self) {
        let mut taken = self.taken.lock().unwrap_or_else(PoisonError::into_inner);
        taken.total = taken.total.saturating_sub(1);
        if let Some(mine) = taken.per_client.get_mut(&self.client) {
            *mine = mine.saturating_sub(1);
            if *mine == 0 {
                taken.per_client.remove(&self.client);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn places_are_bounded_in_all_and_per_client_and_come_back() {
        let admission = Admission::new("photo uploads", 3, 2);
        let a1 = admission.admit("a").ok();
        let a2 = admission.admit("a").ok();
        assert!(matches!(
            admission.admit("a"),
            Err(AppError::ClientBusy { message, .. }) if message.contains("2 photo uploads")
        ));
        let b1 = admission.admit("b").ok();
        assert!(matches!(
            admission.admit("c"),
            Err(AppError::ServerBusy { message, .. }) if message.contains("3 photo uploads")
        ));
        assert_eq!(admission.taken(), 3);
        drop(a1);
        assert!(
            admission.admit("c").is_ok(),
            "a place given back is free again"
        );
        drop((a2, b1));
        assert_eq!(admission.taken(), 0);
    }
}
