//! The subcommands, one module each, and the CLI's one error type.

pub mod cat;
pub mod convert;
pub mod inspect;
pub mod schema;

use std::process::ExitCode;

/// What a subcommand can fail with; `main` prints it once and maps it to an exit code.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error(transparent)]
    Core(#[from] rustparquet_core::Error),
    /// Bad flag values that clap cannot check.
    #[error("{0}")]
    Usage(String),
}

impl CliError {
    pub fn exit_code(&self) -> ExitCode {
        match self {
            CliError::Core(rustparquet_core::Error::Interrupted) => ExitCode::from(130),
            CliError::Core(rustparquet_core::Error::Options(_)) | CliError::Usage(_) => {
                ExitCode::from(2)
            }
            CliError::Core(_) => ExitCode::from(1),
        }
    }
}

pub type CliResult = Result<ExitCode, CliError>;
