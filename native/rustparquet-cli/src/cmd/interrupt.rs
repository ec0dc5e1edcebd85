//! Ctrl-C during `convert`: the run stops and leaves no file at its target, or, if its output
//! was already committed when the signal came, completes as if none had come. Nothing in
//! between: the core's [commit rules](rustparquet_core::commit) make the last check of the
//! stop and the rename one step.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// How long a run has to notice a Ctrl-C and unwind by itself before the handler ends it.
const GRACE: Duration = Duration::from_secs(3);

/// Installs the handler for a run writing `target` (a file, or a dataset directory) that
/// watches `cancel`. A Ctrl-C sets `cancel` (the run checks it between blocks of input and
/// exits 130 after removing its temporary file) and stops all commits at once, so a run that
/// has not committed its output never will. A run blocked on its input (a silent pipe) cannot
/// notice: after [`GRACE`] the handler removes the temporary files and exits 130 itself,
/// unless the output was committed before the stop, in which case the run finishes normally
/// (exit 0). (`ctrlc` runs the handler on one thread, so a second Ctrl-C during the grace
/// period waits for it.)
pub fn on_ctrl_c(cancel: Arc<AtomicBool>, target: PathBuf) {
    let _ = ctrlc::set_handler(move || {
        let first = !cancel.swap(true, Ordering::SeqCst);
        rustparquet_core::commit::stop_commits();
        if first {
            std::thread::sleep(GRACE);
        }
        if rustparquet_core::commit::was_committed(&target) {
            return;
        }
        rustparquet_core::write::remove_open_temporaries();
        eprintln!("rustparquet: interrupted");
        std::process::exit(130);
    });
}
