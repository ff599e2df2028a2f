//! The one error type of the code generator. Every message names what failed and where.

use std::path::PathBuf;

/// Result alias used across the generator.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What went wrong, and where.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Reading or writing a file failed.
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The spec text is not a YAML 1.2 or JSON document.
    #[error("{origin}: not a valid YAML or JSON document: {message}")]
    Parse { origin: String, message: String },
    /// The document parsed, but it is not the OpenAPI 3.0 document we expect.
    #[error("{origin}: not an OpenAPI 3.0 document: {message}")]
    NotOpenApi { origin: String, message: String },
    /// progenitor refused (or panicked on) an operation.
    #[error("generate: {operation}: {message}")]
    Generate { operation: String, message: String },
    /// prettyplease could not parse what the generator produced (a generator bug).
    #[error("format: generated code does not parse: {0}")]
    Format(String),
    /// Obtaining a spec (npm, a tarball, an instance's URL) failed.
    #[error("{0}")]
    Fetch(String),
    /// A spec's lock file does not say what it must.
    #[error("{}: not a valid lock file: {message}", path.display())]
    Lock { path: PathBuf, message: String },
    /// A crate manifest lacks what the generator writes into it.
    #[error("{}: {message}", path.display())]
    Manifest { path: PathBuf, message: String },
    /// A value given on the command line (an n8n version, ...) is not one.
    #[error("{0}")]
    Input(String),
    /// A line of a diff ignore file is not `RULE LOCATION # reason`.
    #[error("{file}:{line}: {message}")]
    Ignore { file: String, line: usize, message: String },
}

impl Error {
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }
}
