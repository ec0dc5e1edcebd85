//! Memory handed back for reuse between the threads of a run: chunk buffers the workers have
//! parsed, shredded batches the encoders have written. A fresh buffer of several MB is new
//! memory each time: a page fault per 4 KiB page, the page zeroed by the kernel, and on this
//! kind of virtual machine the host's own fault when the guest had given the page back
//! (profiled on `read_json` and `convert`, activedata: faults and zeroing 5–10% of a run). A
//! buffer that comes back is already mapped. Only buffers in flight come back, and each pool
//! keeps few of them (`most`): a kept buffer is memory held for the whole run.

use std::sync::Mutex;

/// Up to `most` spare values of one kind, shared by the threads of a run.
pub(crate) struct Spares<T> {
    kept: Mutex<Vec<T>>,
    most: usize,
}

impl<T> Spares<T> {
    /// A pool that keeps at most `most` values.
    pub fn new(most: usize) -> Self {
        Spares {
            kept: Mutex::new(Vec::new()),
            most,
        }
    }

    /// Keeps `spare` for a later taker, unless the pool is full (it is then dropped).
    pub fn give(&self, spare: T) {
        if let Ok(mut kept) = self.kept.lock() {
            if kept.len() < self.most {
                kept.push(spare);
            }
        }
    }

    /// A value given back earlier, if any.
    pub fn take(&self) -> Option<T> {
        self.kept.lock().ok().and_then(|mut kept| kept.pop())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_at_most_its_limit_and_hands_back_the_last_given_first() {
        let spares = Spares::new(2);
        spares.give(vec![1u8]);
        spares.give(vec![2u8]);
        spares.give(vec![3u8]);
        assert_eq!(spares.take(), Some(vec![2u8]));
        assert_eq!(spares.take(), Some(vec![1u8]));
        assert_eq!(spares.take(), None);
    }
}
