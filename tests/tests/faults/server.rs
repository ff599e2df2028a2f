//! What every fault module shares: small raw HTTP/1.1 servers on `127.0.0.1` (plain and TLS)
//! that record every request exactly as it arrived and answer with exact bytes (so a test
//! controls truncation, stalls and resets), the client a test starts from, the checks every
//! error must pass, and a `tracing` subscriber that keeps every event of the process.

use std::fmt::{self, Write as _};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, Once};
use std::time::{Duration, Instant};

use n8n_api::{Client, ClientBuilder, Error, RetryPolicy};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::{JoinHandle, JoinSet};
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls;

/// The API key of every client in this suite: distinctive, so that finding it anywhere (an
/// error's `Display` or `Debug`, a trace, a request to a server that should get none) is a leak.
pub const KEY: &str = "n8n-faults-KEY-Zq7Wv3Xk9Lp2";

/// The password of the base URLs with credentials (`config.rs`).
pub const PASSWORD: &str = "hunter2";

/// The test CA (`tests/fixtures/tls/`).
pub const CA_PEM: &str = include_str!("../../fixtures/tls/ca.pem");
const LEAF_PEM: &str = include_str!("../../fixtures/tls/leaf.pem");
const LEAF_KEY_PEM: &str = include_str!("../../fixtures/tls/leaf.key.pem");

/// A client builder for `url` with the suite's key, short timeouts and fast retries (3
/// attempts, 1-5 ms apart); tests override what they measure.
pub fn client(url: &str) -> ClientBuilder {
    capture_traces();
    Client::builder(url, KEY)
        .timeout(Some(Duration::from_secs(2)))
        .connect_timeout(Some(Duration::from_secs(1)))
        .total_timeout(Some(Duration::from_secs(3)))
        .retry(fast_retries())
}

/// The default policy (3 attempts, idempotent methods), with 1-5 ms of backoff.
pub fn fast_retries() -> RetryPolicy {
    RetryPolicy::default().backoff(Duration::from_millis(1), Duration::from_millis(5))
}

/// The test CA as reqwest takes it.
pub fn test_ca() -> reqwest::Certificate {
    reqwest::Certificate::from_pem(CA_PEM.as_bytes()).expect("tests/fixtures/tls/ca.pem")
}

/// Runs `fut`, failing the test if it takes longer than `limit` (a hang is a failure, never a
/// stuck test run).
pub async fn bounded<T>(limit: Duration, fut: impl Future<Output = T>) -> (T, Duration) {
    let started = Instant::now();
    match tokio::time::timeout(limit, fut).await {
        Ok(out) => (out, started.elapsed()),
        Err(_) => panic!("the call did not end within {limit:?}: it hangs"),
    }
}

/// What every error must be: `Display` one line (no CR, LF, ESC, other control characters or
/// bidi overrides), bounded, and neither `Display` nor `Debug` holds the key or the password.
pub fn assert_clean(e: &Error) {
    let shown = e.to_string();
    assert!(
        !shown
            .chars()
            .any(|c| c.is_control() || matches!(c, '\u{2028}' | '\u{2029}' | '\u{202a}'..='\u{202e}')),
        "Display is not one clean line: {shown:?}"
    );
    assert!(
        shown.chars().count() < 1000,
        "Display is {} characters long",
        shown.chars().count()
    );
    assert_no_secret(&shown);
    assert_no_secret(&format!("{e:?}"));
    assert_no_secret(&format!("{e:#?}"));
}

/// `text` contains neither the key nor the password.
pub fn assert_no_secret(text: &str) {
    assert!(!text.contains(KEY), "the API key leaked: {text}");
    assert!(!text.contains(PASSWORD), "the password leaked: {text}");
    // Its distinctive tail alone (a key cut or quoted in part).
    assert!(
        !text.contains(&KEY[KEY.len() - 12..]),
        "part of the API key leaked: {text}"
    );
}

// ---------------------------------------------------------------------------------------------
// Servers

/// One request as the server read it: the request line's method and target (raw, as sent),
/// the headers and the body.
#[derive(Clone, Debug)]
pub struct Request {
    pub method: String,
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Request {
    /// The first value of header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The target's path (before any `?`).
    pub fn path(&self) -> &str {
        self.target.split('?').next().unwrap_or("")
    }

    /// The raw value of query parameter `name`.
    pub fn query(&self, name: &str) -> Option<&str> {
        let query = self.target.split_once('?')?.1;
        query
            .split('&')
            .filter_map(|kv| kv.split_once('='))
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v)
    }

    /// The request carries the key in either header the client can use.
    pub fn has_key(&self) -> bool {
        self.headers.iter().any(|(_, v)| v.contains(KEY))
    }
}

/// What the server does once the bytes of a reply are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum After {
    /// Closes the connection (a body shorter than its `Content-Length` is cut there).
    Close,
    /// Keeps the connection open, silent, until the server is dropped.
    Stall,
    /// Closes with a TCP reset (`SO_LINGER` 0).
    Reset,
}

/// A reply: exact bytes, optionally dripped one at a time, then what happens to the connection.
#[derive(Clone, Debug)]
pub struct Reply {
    pub bytes: Vec<u8>,
    pub pace: Option<Duration>,
    pub after: After,
}

impl Reply {
    /// A complete response: status line, `Content-Length`, `Connection: close`, the headers
    /// given (raw bytes: a test may send what no HTTP library would), then the body.
    pub fn status(status: u16, headers: &[(&str, &[u8])], body: impl AsRef<[u8]>) -> Reply {
        let body = body.as_ref();
        let mut bytes = head(status, headers);
        bytes.extend_from_slice(format!("Content-Length: {}\r\n\r\n", body.len()).as_bytes());
        bytes.extend_from_slice(body);
        Reply::raw(bytes)
    }

    /// A JSON response.
    pub fn json(status: u16, value: &serde_json::Value) -> Reply {
        Reply::status(status, &[("Content-Type", b"application/json")], value.to_string())
    }

    /// A response that announces `declared` body bytes, sends `body`, then does `after`.
    pub fn cut(status: u16, declared: u64, body: impl AsRef<[u8]>, after: After) -> Reply {
        let mut bytes = head(status, &[("Content-Type", b"application/json")]);
        bytes.extend_from_slice(format!("Content-Length: {declared}\r\n\r\n").as_bytes());
        bytes.extend_from_slice(body.as_ref());
        Reply::raw(bytes).then(after)
    }

    /// These bytes, then close.
    pub fn raw(bytes: impl Into<Vec<u8>>) -> Reply {
        Reply {
            bytes: bytes.into(),
            pace: None,
            after: After::Close,
        }
    }

    /// Nothing, ever (the request was read).
    pub fn stall() -> Reply {
        Reply::raw(Vec::new()).then(After::Stall)
    }

    /// A TCP reset once the request was read.
    pub fn reset() -> Reply {
        Reply::raw(Vec::new()).then(After::Reset)
    }

    /// A redirect to `location`.
    pub fn redirect(status: u16, location: &str) -> Reply {
        Reply::status(status, &[("Location", location.as_bytes())], b"")
    }

    pub fn then(mut self, after: After) -> Reply {
        self.after = after;
        self
    }

    /// Writes one byte every `pace`.
    pub fn dripped(mut self, pace: Duration) -> Reply {
        self.pace = Some(pace);
        self
    }
}

fn head(status: u16, headers: &[(&str, &[u8])]) -> Vec<u8> {
    let reason = reqwest::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("Whatever");
    let mut bytes = format!("HTTP/1.1 {status} {reason}\r\nConnection: close\r\n").into_bytes();
    for (name, value) in headers {
        bytes.extend_from_slice(name.as_bytes());
        bytes.extend_from_slice(b": ");
        bytes.extend_from_slice(value);
        bytes.extend_from_slice(b"\r\n");
    }
    bytes
}

/// How a server answers: the request and its index among the requests this server read.
pub type Handler = Arc<dyn Fn(&Request, usize) -> Reply + Send + Sync>;

#[derive(Default)]
struct Log {
    requests: Mutex<Vec<Request>>,
    connections: AtomicUsize,
    handshake_failures: AtomicUsize,
}

/// A local server; it stops (with every connection it holds) when dropped.
pub struct Server {
    addr: SocketAddr,
    scheme: &'static str,
    log: Arc<Log>,
    task: JoinHandle<()>,
}

impl Drop for Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Server {
    /// A plain HTTP server answering with `handler`.
    pub async fn http(handler: impl Fn(&Request, usize) -> Reply + Send + Sync + 'static) -> Server {
        Server::start("http", Some(Arc::new(handler)), None).await
    }

    /// A TLS server with the fixture leaf (for `127.0.0.1` and `localhost`).
    pub async fn https(handler: impl Fn(&Request, usize) -> Reply + Send + Sync + 'static) -> Server {
        Server::start("https", Some(Arc::new(handler)), Some(tls_acceptor())).await
    }

    /// A server that accepts connections and never reads from them nor answers.
    pub async fn black_hole() -> Server {
        Server::start("http", None, None).await
    }

    async fn start(scheme: &'static str, handler: Option<Handler>, tls: Option<TlsAcceptor>) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind 127.0.0.1");
        let addr = listener.local_addr().unwrap();
        let log = Arc::new(Log::default());
        let state = log.clone();
        let task = tokio::spawn(async move {
            let mut connections = JoinSet::new();
            loop {
                let Ok((tcp, _)) = listener.accept().await else {
                    continue;
                };
                state.connections.fetch_add(1, Ordering::SeqCst);
                let (log, handler, tls) = (state.clone(), handler.clone(), tls.clone());
                connections.spawn(async move {
                    let Some(handler) = handler else {
                        let _held = tcp;
                        return std::future::pending::<()>().await;
                    };
                    match tls {
                        None => serve(tcp, &log, &handler).await,
                        Some(tls) => match tls.accept(tcp).await {
                            Ok(stream) => serve(stream, &log, &handler).await,
                            Err(_) => {
                                log.handshake_failures.fetch_add(1, Ordering::SeqCst);
                            }
                        },
                    }
                });
                // Reap finished connections (the set would otherwise only grow).
                while connections.try_join_next().is_some() {}
            }
        });
        Server {
            addr,
            scheme,
            log,
            task,
        }
    }

    /// `http://127.0.0.1:<port>` (or `https://`).
    pub fn url(&self) -> String {
        format!("{}://127.0.0.1:{}", self.scheme, self.addr.port())
    }

    /// The same server under the name `localhost`.
    pub fn localhost_url(&self) -> String {
        format!("{}://localhost:{}", self.scheme, self.addr.port())
    }

    /// The origin the client's redirect errors name (`scheme://host:port`).
    pub fn origin(&self) -> String {
        self.url()
    }

    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// Every request read so far, in order.
    pub fn requests(&self) -> Vec<Request> {
        self.log.requests.lock().unwrap().clone()
    }

    /// How many requests were read.
    pub fn count(&self) -> usize {
        self.log.requests.lock().unwrap().len()
    }

    /// How many connections were accepted.
    pub fn connections(&self) -> usize {
        self.log.connections.load(Ordering::SeqCst)
    }

    /// How many TLS handshakes failed.
    pub fn handshake_failures(&self) -> usize {
        self.log.handshake_failures.load(Ordering::SeqCst)
    }
}

/// A byte stream the server holds: plain TCP or TLS over it (the TCP socket for a reset).
trait Conn: AsyncRead + AsyncWrite + Unpin + Send {
    fn tcp(&self) -> &TcpStream;
}

impl Conn for TcpStream {
    fn tcp(&self) -> &TcpStream {
        self
    }
}

impl Conn for tokio_rustls::server::TlsStream<TcpStream> {
    fn tcp(&self) -> &TcpStream {
        self.get_ref().0
    }
}

/// Reads one request, records it, writes the handler's reply, then closes, stalls or resets.
async fn serve<S: Conn>(mut stream: S, log: &Log, handler: &Handler) {
    let Some(request) = read_request(&mut stream).await else {
        return;
    };
    let index = {
        let mut requests = log.requests.lock().unwrap();
        requests.push(request.clone());
        requests.len() - 1
    };
    let reply = handler(&request, index);
    let written = match reply.pace {
        None => stream.write_all(&reply.bytes).await,
        Some(pace) => {
            let mut result = Ok(());
            for b in &reply.bytes {
                result = stream.write_all(std::slice::from_ref(b)).await;
                if result.is_err() {
                    break;
                }
                let _ = stream.flush().await;
                tokio::time::sleep(pace).await;
            }
            result
        }
    };
    let _ = stream.flush().await;
    match reply.after {
        After::Stall => std::future::pending::<()>().await,
        After::Reset => {
            // The only way to send a RST: linger 0, then drop (it does not block with 0).
            #[allow(deprecated)]
            let _ = stream.tcp().set_linger(Some(Duration::ZERO));
        }
        After::Close if written.is_ok() => {
            let _ = stream.shutdown().await;
        }
        After::Close => {}
    }
}

async fn read_request<S: AsyncRead + Unpin>(stream: &mut S) -> Option<Request> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 16 * 1024];
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        if buf.len() > 1 << 20 {
            return None;
        }
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end - 4]).into_owned();
    let mut lines = head.split("\r\n");
    let mut request_line = lines.next()?.splitn(3, ' ');
    let method = request_line.next()?.to_string();
    let target = request_line.next()?.to_string();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    let length: usize = headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = buf[head_end..].to_vec();
    while body.len() < length {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            break;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    body.truncate(length);
    Some(Request {
        method,
        target,
        headers,
        body,
    })
}

/// The DER contents of every `label` block of a PEM text.
fn pem_blocks(pem: &str, label: &str) -> Vec<Vec<u8>> {
    use base64::Engine as _;
    let (begin, end) = (format!("-----BEGIN {label}-----"), format!("-----END {label}-----"));
    let mut out = Vec::new();
    let mut rest = pem;
    while let Some(start) = rest.find(&begin) {
        let after = &rest[start + begin.len()..];
        let stop = after.find(&end).expect("an unterminated PEM block");
        let b64: String = after[..stop].split_whitespace().collect();
        out.push(
            base64::engine::general_purpose::STANDARD
                .decode(b64)
                .expect("PEM base64"),
        );
        rest = &after[stop + end.len()..];
    }
    out
}

fn tls_acceptor() -> TlsAcceptor {
    use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
    let certs: Vec<CertificateDer<'static>> = pem_blocks(LEAF_PEM, "CERTIFICATE")
        .into_iter()
        .map(CertificateDer::from)
        .collect();
    let key = pem_blocks(LEAF_KEY_PEM, "PRIVATE KEY")
        .pop()
        .expect("the leaf's PKCS#8 key");
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("TLS versions")
        .with_no_client_auth()
        .with_single_cert(certs, PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key)))
        .expect("the fixture leaf and key");
    TlsAcceptor::from(Arc::new(config))
}

// ---------------------------------------------------------------------------------------------
// Traces

/// Installs (once per process) a `tracing` subscriber that keeps every event and span field of
/// every level and target in one buffer; [`traces`] reads it. Global, so that no test's events
/// escape it whatever thread they run on (every test uses the same key, so the whole buffer
/// must be free of it).
pub fn capture_traces() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        tracing::subscriber::set_global_default(Capture).expect("no other global subscriber in this binary");
    });
}

/// Everything the subscriber recorded so far (one line per event or span).
pub fn traces() -> String {
    TRACES.lock().unwrap().clone()
}

/// The traces hold events of `target` (the check is not vacuous) and never the key.
pub fn assert_traces_clean(expected_target: &str) {
    let all = traces();
    assert!(
        all.lines().any(|l| l.contains(expected_target)),
        "no `{expected_target}` event was recorded; recorded:\n{all}"
    );
    assert_no_secret(&all);
}

static TRACES: Mutex<String> = Mutex::new(String::new());

struct Capture;

struct Fields<'a>(&'a mut String);

impl tracing::field::Visit for Fields<'_> {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn fmt::Debug) {
        let _ = write!(self.0, " {}={:?}", field.name(), value);
    }
}

impl tracing::Subscriber for Capture {
    fn register_callsite(&self, _: &'static tracing::Metadata<'static>) -> tracing::subscriber::Interest {
        tracing::subscriber::Interest::always()
    }

    fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
        true
    }

    fn max_level_hint(&self) -> Option<tracing::level_filters::LevelFilter> {
        Some(tracing::level_filters::LevelFilter::TRACE)
    }

    fn new_span(&self, span: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        static NEXT: AtomicU64 = AtomicU64::new(1);
        let mut line = format!("span {} {}", span.metadata().target(), span.metadata().name());
        span.record(&mut Fields(&mut line));
        line.push('\n');
        TRACES.lock().unwrap().push_str(&line);
        tracing::span::Id::from_u64(NEXT.fetch_add(1, Ordering::Relaxed))
    }

    fn record(&self, _: &tracing::span::Id, values: &tracing::span::Record<'_>) {
        let mut line = "record".to_string();
        values.record(&mut Fields(&mut line));
        line.push('\n');
        TRACES.lock().unwrap().push_str(&line);
    }

    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}

    fn event(&self, event: &tracing::Event<'_>) {
        let mut line = format!("{} {}", event.metadata().level(), event.metadata().target());
        event.record(&mut Fields(&mut line));
        line.push('\n');
        TRACES.lock().unwrap().push_str(&line);
    }

    fn enter(&self, _: &tracing::span::Id) {}

    fn exit(&self, _: &tracing::span::Id) {}
}
