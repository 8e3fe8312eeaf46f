//! A fixed set of threads that do nothing but hash passwords.
//!
//! Hashing is CPU- and memory-heavy; running it here instead of on the HTTP workers (or
//! tokio's elastic blocking pool) bounds both: at most `threads` hashes run at once, further
//! requests queue, and each thread owns one reusable argon2 buffer.

use std::sync::mpsc::{self, Sender};
use std::sync::{Arc, Mutex};

use iam_domain::AuthError;
use tokio::sync::oneshot;

type Job = Box<dyn FnOnce() + Send>;

pub(super) struct HashPool {
    jobs: Sender<Job>,
}

impl HashPool {
    pub(super) fn new(threads: usize) -> Result<Self, AuthError> {
        let (jobs, queue) = mpsc::channel::<Job>();
        let queue = Arc::new(Mutex::new(queue));
        for i in 0..threads.max(1) {
            let queue = queue.clone();
            std::thread::Builder::new()
                .name(format!("password-hash-{i}"))
                .spawn(move || {
                    loop {
                        // The lock is held only while waiting for the next job.
                        let job = match queue.lock() {
                            Ok(queue) => queue.recv(),
                            Err(poisoned) => poisoned.into_inner().recv(),
                        };
                        match job {
                            Ok(job) => job(),
                            Err(_) => return, // the pool was dropped
                        }
                    }
                })
                .map_err(AuthError::unexpected)?;
        }
        Ok(Self { jobs })
    }

    /// Runs `work` on a hashing thread, keeping the caller's tracing span.
    pub(super) async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, AuthError> {
        let (done, result) = oneshot::channel();
        let span = tracing::Span::current();
        let job: Job = Box::new(move || {
            let _ = done.send(span.in_scope(work));
        });
        let failed = || AuthError::unexpected("password hashing pool stopped");
        self.jobs.send(job).map_err(|_| failed())?;
        result.await.map_err(|_| failed())
    }
}
