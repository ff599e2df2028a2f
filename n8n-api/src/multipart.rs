//! Runtime of generated multipart/form-data bodies (the package import).
//!
//! The generated builder collects fields into a [`Form`]; `send()` checks it (required fields,
//! upload limit, gzip magic where the spec says the file is gzip'd) and streams it as the request
//! body. Files are never read into memory: a path is streamed from disk.

use std::fmt;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use futures::Stream;
use reqwest::header::{CONTENT_TYPE, HeaderValue};

/// A stream of file bytes.
pub type ByteChunks = Pin<Box<dyn Stream<Item = Result<Bytes, std::io::Error>> + Send + Sync>>;

/// The content of a file field: bytes in memory, a file on disk, or a stream.
#[derive(Clone)]
pub struct FilePart {
    source: Source,
    file_name: Option<String>,
    check_gzip: bool,
}

#[derive(Clone)]
enum Source {
    Bytes(Bytes),
    Path(PathBuf),
    /// Taken on first use: a request with a streamed body cannot be sent twice.
    Stream {
        len: u64,
        stream: Arc<Mutex<Option<ByteChunks>>>,
    },
}

impl FilePart {
    /// File content held in memory.
    pub fn bytes(bytes: impl Into<Bytes>) -> Self {
        Self::new(Source::Bytes(bytes.into()), None)
    }

    /// A file on disk, streamed when the request is sent.
    pub fn path(path: impl Into<PathBuf>) -> Self {
        let path = path.into();
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
        Self::new(Source::Path(path), name)
    }

    /// A stream of `len` bytes (the length lets the client check the upload limit before sending).
    pub fn stream(stream: impl Stream<Item = Result<Bytes, std::io::Error>> + Send + Sync + 'static, len: u64) -> Self {
        Self::new(
            Source::Stream {
                len,
                stream: Arc::new(Mutex::new(Some(Box::pin(stream)))),
            },
            None,
        )
    }

    fn new(source: Source, file_name: Option<String>) -> Self {
        FilePart {
            source,
            file_name,
            check_gzip: true,
        }
    }

    /// The file name sent in the part's `Content-Disposition`.
    pub fn file_name(mut self, name: impl Into<String>) -> Self {
        self.file_name = Some(name.into());
        self
    }

    /// Sends the content even if it does not start with the gzip magic bytes, where the spec says
    /// the field is a gzip'd archive (by default the client refuses it before sending).
    pub fn allow_non_gzip(mut self) -> Self {
        self.check_gzip = false;
        self
    }
}

impl From<Vec<u8>> for FilePart {
    fn from(v: Vec<u8>) -> Self {
        FilePart::bytes(v)
    }
}

impl From<Bytes> for FilePart {
    fn from(v: Bytes) -> Self {
        FilePart::bytes(v)
    }
}

impl From<&'static [u8]> for FilePart {
    fn from(v: &'static [u8]) -> Self {
        FilePart::bytes(v)
    }
}

impl fmt::Debug for FilePart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let source = match &self.source {
            Source::Bytes(b) => format!("{} bytes", b.len()),
            Source::Path(p) => p.display().to_string(),
            Source::Stream { len, .. } => format!("stream of {len} bytes"),
        };
        f.debug_struct("FilePart")
            .field("source", &source)
            .field("file_name", &self.file_name)
            .finish()
    }
}

#[derive(Clone, Debug)]
enum Field {
    Text(String),
    File { part: FilePart, gzip: bool },
}

/// The fields of a multipart body, in the order they were set.
#[derive(Clone, Debug, Default)]
pub struct Form {
    fields: Vec<(&'static str, Field)>,
}

/// Largest upload n8n accepts by default (`N8N_ENDPOINTS_PAYLOAD_SIZE_MAX`, 16 MiB).
pub const DEFAULT_MAX_UPLOAD: u64 = 16 * 1024 * 1024;

const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];

impl Form {
    pub fn new() -> Self {
        Self::default()
    }

    fn set(&mut self, name: &'static str, field: Field) {
        self.fields.retain(|(n, _)| *n != name);
        self.fields.push((name, field));
    }

    /// Sets a text field.
    pub fn text(&mut self, name: &'static str, value: impl Into<String>) {
        self.set(name, Field::Text(value.into()));
    }

    /// Sets a field that carries JSON in a string.
    pub fn json<T: serde::Serialize + ?Sized>(&mut self, name: &'static str, value: &T) {
        let text = serde_json::to_string(value).unwrap_or_else(|_| String::from("null"));
        self.set(name, Field::Text(text));
    }

    /// Sets a field from a value whose JSON form is a string (an enum): the string, unquoted.
    pub fn json_text<T: serde::Serialize>(&mut self, name: &'static str, value: &T) {
        let text = match serde_json::to_value(value) {
            Ok(serde_json::Value::String(s)) => s,
            Ok(other) => other.to_string(),
            Err(_) => String::new(),
        };
        self.set(name, Field::Text(text));
    }

    /// Sets a file field; `gzip` says the spec describes the file as gzip'd.
    pub fn file(&mut self, name: &'static str, part: FilePart, gzip: bool) {
        self.set(name, Field::File { part, gzip });
    }

    /// Checks the form and makes it the body of `request`. Nothing is sent if this fails.
    pub async fn attach(
        self,
        request: &mut reqwest::Request,
        required: &[&str],
        max_upload: u64,
    ) -> Result<(), String> {
        let missing: Vec<&str> = required
            .iter()
            .copied()
            .filter(|r| !self.fields.iter().any(|(n, _)| n == r))
            .collect();
        if !missing.is_empty() {
            return Err(format!("missing required form field(s): {}", missing.join(", ")));
        }
        let mut form = reqwest::multipart::Form::new();
        let mut total: u64 = 0;
        for (name, field) in self.fields {
            match field {
                Field::Text(text) => {
                    total += text.len() as u64;
                    form = form.text(name, text);
                }
                Field::File { part, gzip } => {
                    let (body_part, len) = file_part(name, part, gzip).await?;
                    total += len;
                    form = form.part(name, body_part);
                }
            }
        }
        if total > max_upload {
            return Err(format!(
                "the upload is {} bytes, over the limit of {max_upload} bytes (n8n's N8N_ENDPOINTS_PAYLOAD_SIZE_MAX, 16 MiB by default; raise it on the client with max_upload_bytes if the server allows more)",
                total
            ));
        }
        let content_type = format!("multipart/form-data; boundary={}", form.boundary());
        request.headers_mut().insert(
            CONTENT_TYPE,
            HeaderValue::from_str(&content_type).expect("a boundary is a valid header"),
        );
        *request.body_mut() = Some(reqwest::Body::wrap_stream(form.into_stream()));
        Ok(())
    }
}

async fn file_part(name: &str, part: FilePart, gzip: bool) -> Result<(reqwest::multipart::Part, u64), String> {
    let check = gzip && part.check_gzip;
    let file_name = part.file_name.clone().unwrap_or_else(|| name.to_string());
    let not_gzip = |what: &str| {
        format!(
            "form field `{name}`: {what} is not a gzip archive (it does not start with 1f 8b); use FilePart::allow_non_gzip() to send it anyway"
        )
    };
    let (p, len) = match part.source {
        Source::Bytes(bytes) => {
            if check && !bytes.starts_with(&GZIP_MAGIC) {
                return Err(not_gzip("the content"));
            }
            let len = bytes.len() as u64;
            (
                reqwest::multipart::Part::stream_with_length(reqwest::Body::from(bytes), len),
                len,
            )
        }
        Source::Path(path) => {
            use tokio::io::AsyncReadExt;
            let shown = path.display().to_string();
            let mut file = tokio::fs::File::open(&path)
                .await
                .map_err(|e| format!("form field `{name}`: {shown}: {e}"))?;
            let len = file
                .metadata()
                .await
                .map_err(|e| format!("form field `{name}`: {shown}: {e}"))?
                .len();
            if check {
                let mut magic = [0u8; 2];
                let n = file
                    .read(&mut magic)
                    .await
                    .map_err(|e| format!("form field `{name}`: {shown}: {e}"))?;
                if n < 2 || magic != GZIP_MAGIC {
                    return Err(not_gzip(&shown));
                }
                use tokio::io::AsyncSeekExt;
                file.seek(std::io::SeekFrom::Start(0))
                    .await
                    .map_err(|e| format!("form field `{name}`: {shown}: {e}"))?;
            }
            (
                reqwest::multipart::Part::stream_with_length(reqwest::Body::from(file), len),
                len,
            )
        }
        Source::Stream { len, stream } => {
            let stream = stream
                .lock()
                .map_err(|_| format!("form field `{name}`: the stream is poisoned"))?
                .take()
                .ok_or_else(|| format!("form field `{name}`: the stream was already sent once"))?;
            let stream = if check {
                gzip_checked(stream, name.to_string())
            } else {
                stream
            };
            (
                reqwest::multipart::Part::stream_with_length(reqwest::Body::wrap_stream(stream), len),
                len,
            )
        }
    };
    let p = p
        .file_name(file_name)
        .mime_str("application/octet-stream")
        .map_err(|e| e.to_string())?;
    Ok((p, len))
}

/// Fails the stream (and so the request) if its first bytes are not the gzip magic.
fn gzip_checked(stream: ByteChunks, name: String) -> ByteChunks {
    use futures::StreamExt;
    let mut seen: Vec<u8> = Vec::with_capacity(2);
    Box::pin(stream.map(move |chunk| {
        let chunk = chunk?;
        if seen.len() < 2 {
            seen.extend(chunk.iter().take(2 - seen.len()));
            if seen.len() == 2 && seen != GZIP_MAGIC {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::InvalidData,
                    format!("form field `{name}`: the stream is not a gzip archive"),
                ));
            }
        }
        Ok(chunk)
    }))
}
