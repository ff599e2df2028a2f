//! Helpers for n8n packages (beta): save an export without holding it in memory, and read what
//! n8n says about it (file name, per-entity counts).
//!
//! ```no_run
//! # use n8n_api::prelude::*;
//! # async fn run(client: &Client) -> Result<(), n8n_api::Error> {
//! let request = n8n_api::types::ExportPackageRequest::builder()
//!     .workflow_ids(["2tUt1wbLX592XDdX"]);
//! // `send_with_response`: the answer's headers carry the file name and the counts.
//! let export = client.export_package().body(request).send_with_response().await?;
//! let saved = n8n_api::packages::save(export, "workflows.n8np").await?;
//! println!("{} bytes, {:?}", saved.bytes, saved.counts);
//! # Ok(()) }
//! ```

use std::path::{Path, PathBuf};

use futures::StreamExt;
use progenitor_client::{ByteStream, ResponseValue};
use serde::Deserialize;
use tokio::io::{AsyncWrite, AsyncWriteExt};

use crate::error::{Error, ErrorKind};

const OPERATION: &str = "exportPackage";

/// What n8n reports about an export, from its response headers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExportInfo {
    /// The file name from `Content-Disposition` (n8n sends `export.n8np`).
    pub file_name: Option<String>,
    /// The parsed `X-N8n-Export-Counts` header.
    pub counts: Option<ExportCounts>,
}

/// Per-entity counts of what ended up in a package (`X-N8n-Export-Counts`). Entities a newer
/// n8n adds are ignored; missing ones are 0.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ExportCounts {
    pub workflows: u64,
    pub folders: u64,
    pub credentials: u64,
    pub data_tables: u64,
    pub variables: u64,
    pub tags: u64,
}

/// A package written to disk by [`save`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SavedPackage {
    pub path: PathBuf,
    /// Bytes written.
    pub bytes: u64,
    pub file_name: Option<String>,
    pub counts: Option<ExportCounts>,
}

/// Reads [`ExportInfo`] from an export response's headers.
pub fn export_info(headers: &reqwest::header::HeaderMap) -> ExportInfo {
    let file_name = headers
        .get(reqwest::header::CONTENT_DISPOSITION)
        .and_then(|v| v.to_str().ok())
        .and_then(content_disposition_file_name);
    let counts = headers
        .get("x-n8n-export-counts")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| serde_json::from_str(v).ok());
    ExportInfo { file_name, counts }
}

/// `filename="export.n8np"` (or unquoted) from a Content-Disposition value.
fn content_disposition_file_name(value: &str) -> Option<String> {
    value.split(';').map(str::trim).find_map(|part| {
        let (k, v) = part.split_once('=')?;
        (k.trim().eq_ignore_ascii_case("filename")).then(|| v.trim().trim_matches('"').to_string())
    })
}

/// Streams an export to `writer` chunk by chunk; returns the bytes written and the export info.
pub async fn write_to<W: AsyncWrite + Unpin>(
    response: ResponseValue<ByteStream>,
    writer: &mut W,
) -> Result<(u64, ExportInfo), Error> {
    let info = export_info(response.headers());
    let mut stream = response.into_inner().into_inner();
    let mut written = 0u64;
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|e| Error::new(OPERATION, ErrorKind::Transport(e)))?;
        writer
            .write_all(&chunk)
            .await
            .map_err(|e| io_error(e, "writing the package"))?;
        written += chunk.len() as u64;
    }
    writer.flush().await.map_err(|e| io_error(e, "writing the package"))?;
    Ok((written, info))
}

/// Streams an export into the file `path`, through a temporary file beside it that is renamed
/// into place only when the whole package arrived: an interrupted download never leaves a
/// truncated package, nor clobbers an existing one.
pub async fn save(response: ResponseValue<ByteStream>, path: impl AsRef<Path>) -> Result<SavedPackage, Error> {
    let path = path.as_ref();
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "package".into());
    let tmp = dir.join(format!(".{name}.{}.partial", std::process::id()));
    let mut file = tokio::fs::File::create(&tmp)
        .await
        .map_err(|e| io_error(e, &tmp.display().to_string()))?;
    let result = write_to(response, &mut file).await;
    drop(file);
    match result {
        Ok((bytes, info)) => {
            tokio::fs::rename(&tmp, path)
                .await
                .map_err(|e| io_error(e, &path.display().to_string()))?;
            Ok(SavedPackage {
                path: path.to_path_buf(),
                bytes,
                file_name: info.file_name,
                counts: info.counts,
            })
        }
        Err(e) => {
            let _ = tokio::fs::remove_file(&tmp).await;
            Err(e)
        }
    }
}

fn io_error(e: std::io::Error, what: &str) -> Error {
    Error::new(OPERATION, ErrorKind::Other(format!("{what}: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_are_read() {
        let mut h = reqwest::header::HeaderMap::new();
        h.insert(
            reqwest::header::CONTENT_DISPOSITION,
            "attachment; filename=\"export.n8np\"".parse().unwrap(),
        );
        h.insert(
            "x-n8n-export-counts",
            r#"{"workflows":2,"folders":1,"credentials":0,"dataTables":0,"variables":0,"tags":3,"future":9}"#
                .parse()
                .unwrap(),
        );
        let info = export_info(&h);
        assert_eq!(info.file_name.as_deref(), Some("export.n8np"));
        assert_eq!(
            info.counts,
            Some(ExportCounts {
                workflows: 2,
                folders: 1,
                tags: 3,
                ..Default::default()
            })
        );
        assert_eq!(export_info(&reqwest::header::HeaderMap::new()), ExportInfo::default());
    }
}
