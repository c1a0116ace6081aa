//! [`CoreThreads`]: where the sync core's pieces of a large round run — one scoped thread
//! per core. The core itself starts no threads (`sync_protocol::Workers`).

use sync_protocol::{Job, Workers};

/// Runs the pieces of a round on scoped threads, as many as the machine has cores.
#[derive(Debug, Clone, Copy)]
pub struct CoreThreads {
    threads: usize,
}

impl Default for CoreThreads {
    fn default() -> Self {
        Self {
            threads: std::thread::available_parallelism().map_or(1, usize::from),
        }
    }
}

impl Workers for CoreThreads {
    fn count(&self) -> usize {
        self.threads
    }

    fn run<'a, T: Send + 'a>(&self, jobs: Vec<Job<'a, T>>) -> Vec<T> {
        std::thread::scope(|scope| {
            let handles: Vec<_> = jobs.into_iter().map(|job| scope.spawn(job)).collect();
            handles
                .into_iter()
                .map(|handle| {
                    // Automerge and the policy are isolated inside each piece; should a thread
                    // still panic, the round fails as a whole, as it would in one thread.
                    handle
                        .join()
                        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
                })
                .collect()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_come_back_in_the_order_of_the_jobs() {
        let workers = CoreThreads { threads: 3 };
        let jobs: Vec<Job<'_, usize>> = (0..7)
            .map(|i| -> Job<'_, usize> {
                Box::new(move || {
                    // Later jobs finish first.
                    std::thread::sleep(std::time::Duration::from_millis(10 * (7 - i as u64)));
                    i
                })
            })
            .collect();
        assert_eq!(workers.run(jobs), (0..7).collect::<Vec<_>>());
    }
}
