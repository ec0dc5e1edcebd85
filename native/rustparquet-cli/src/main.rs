//! The `rustparquet` binary: the command itself lives in the library (`src/lib.rs`), which the
//! Python wheel's `rustparquet` entry point runs too.

use std::process::ExitCode;

fn main() -> ExitCode {
    rustparquet_cli::allocator::configure();
    rustparquet_cli::run(std::env::args_os())
}
