//! The client: construction, base URL rules, authentication, and the hooks progenitor calls.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use progenitor_client::{ClientHooks, ClientInfo, OperationInfo};
use reqwest::header::{HeaderName, HeaderValue};

use crate::error::Error;
use crate::generated;
use crate::retry::RetryPolicy;

/// An n8n API key. It never appears in `Debug` or `Display` output, logs or errors.
#[derive(Clone)]
pub struct ApiKey(HeaderValue);

impl ApiKey {
    /// Wraps a key (surrounding whitespace is ignored); fails if it is empty or holds a
    /// character outside visible ASCII (n8n's keys are JWTs: letters, digits, `-_.`). The error
    /// says where, never what: a key is not repeated in any message.
    pub fn new(key: impl AsRef<str>) -> Result<Self, Error> {
        let key = key.as_ref().trim();
        if key.is_empty() {
            return Err(Error::config("the API key is empty"));
        }
        if let Some(at) = key.chars().position(|c| !c.is_ascii_graphic()) {
            return Err(Error::config(format!(
                "the API key has a character outside visible ASCII at position {} (of {}); \
                 n8n's keys never do: was it copied with something else?",
                at + 1,
                key.chars().count()
            )));
        }
        let mut value =
            HeaderValue::from_str(key).map_err(|_| Error::config("the API key cannot be sent as a header"))?;
        value.set_sensitive(true);
        Ok(ApiKey(value))
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey(<redacted>)")
    }
}

/// How requests are authenticated: the header every request carries (`X-N8N-API-KEY: <key>`,
/// n8n's own scheme, or `Authorization: Bearer <key>`), built once, marked sensitive.
#[derive(Clone)]
struct Auth {
    name: HeaderName,
    value: HeaderValue,
}

impl fmt::Debug for Auth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Auth({}: <redacted>)", self.name)
    }
}

const API_KEY_HEADER: HeaderName = HeaderName::from_static("x-n8n-api-key");

/// The hand-written layer's state inside the generated client.
#[derive(Clone, Debug)]
pub struct Inner(Arc<Settings>);

#[derive(Debug)]
struct Settings {
    auth: Auth,
    max_upload: u64,
    max_response: u64,
    total_timeout: Option<Duration>,
    retry: RetryPolicy,
}

impl Inner {
    /// Largest multipart upload the client sends (see [`crate::multipart::DEFAULT_MAX_UPLOAD`]).
    /// (Unused when the features in use leave out every multipart operation.)
    #[allow(dead_code)] // used only by multipart operations, which a build may leave out
    pub(crate) fn max_upload(&self) -> u64 {
        self.0.max_upload
    }

    /// Largest response body the client reads into memory.
    pub(crate) fn max_response(&self) -> u64 {
        self.0.max_response
    }

    /// The bound on one call's wall time, when there is one.
    pub(crate) fn total_timeout(&self) -> Option<Duration> {
        self.0.total_timeout
    }
}

/// A client for one n8n instance.
///
/// Every API operation is a method from a tag's extension trait (bring them into scope with
/// `use n8n_api::prelude::*`). Cloning is cheap: clones share one connection pool.
#[derive(Clone, Debug)]
pub struct Client {
    raw: generated::Client,
}

impl std::ops::Deref for Client {
    type Target = generated::Client;

    fn deref(&self) -> &generated::Client {
        &self.raw
    }
}

impl Client {
    /// A client for the instance at `base_url`, authenticated with `api_key`.
    ///
    /// `base_url` may be the instance's address (`https://n8n.example.com`, with or without a
    /// trailing slash, or below a sub-path such as `https://example.com/n8n`) or its API base
    /// (`https://n8n.example.com/api/v1`).
    pub fn new(base_url: &str, api_key: impl AsRef<str>) -> Result<Self, Error> {
        Self::builder(base_url, api_key).build()
    }

    /// A builder for the rest of the configuration (timeouts, user agent, bearer auth, a
    /// caller-supplied `reqwest::Client`, size limits, retries).
    pub fn builder(base_url: &str, api_key: impl AsRef<str>) -> ClientBuilder {
        ClientBuilder {
            base_url: base_url.to_string(),
            api_key: ApiKey::new(api_key),
            bearer: false,
            timeout: Some(DEFAULT_TIMEOUT),
            total_timeout: Some(DEFAULT_TOTAL_TIMEOUT),
            connect_timeout: Some(DEFAULT_CONNECT_TIMEOUT),
            user_agent: None,
            #[cfg(any(feature = "rustls", feature = "native-tls"))]
            roots: Vec::new(),
            http: None,
            max_upload: crate::multipart::DEFAULT_MAX_UPLOAD,
            max_response: DEFAULT_MAX_RESPONSE_BYTES,
            retry: RetryPolicy::default(),
        }
    }

    /// A client configured from `N8N_API_URL` and `N8N_API_KEY`.
    pub fn from_env() -> Result<Self, Error> {
        let url = std::env::var("N8N_API_URL").map_err(|_| Error::config("N8N_API_URL is not set"))?;
        let key = std::env::var("N8N_API_KEY").map_err(|_| Error::config("N8N_API_KEY is not set"))?;
        Self::new(&url, key)
    }

    /// The API base every request goes to (`.../api/v1`).
    pub fn base_url(&self) -> &str {
        self.raw.baseurl()
    }
}

/// Default timeout of one attempt (connecting, sending, and reading the whole answer). A package
/// export's download is bounded by it too; raise it with [`ClientBuilder::timeout`] for very
/// large packages.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);
/// Default bound on one call's wall time, retries and the waits between them included
/// ([`ClientBuilder::total_timeout`]). With the defaults no call takes longer than this, whatever
/// the server does: a server that never answers costs one 60 s attempt and part of a second.
pub const DEFAULT_TOTAL_TIMEOUT: Duration = Duration::from_secs(90);
/// Default connect timeout.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default limit of a response body read into memory (`ClientBuilder::max_response_bytes`).
/// n8n's largest answers are executions with their run data; a body over the limit is an error,
/// never an allocation the server chose.
pub const DEFAULT_MAX_RESPONSE_BYTES: u64 = 256 * 1024 * 1024;

/// Configures a [`Client`]; made by [`Client::builder`]. Its `Debug` shows neither the key nor
/// a password in the URL.
#[must_use]
pub struct ClientBuilder {
    base_url: String,
    api_key: Result<ApiKey, Error>,
    bearer: bool,
    timeout: Option<Duration>,
    total_timeout: Option<Duration>,
    connect_timeout: Option<Duration>,
    user_agent: Option<String>,
    #[cfg(any(feature = "rustls", feature = "native-tls"))]
    roots: Vec<reqwest::Certificate>,
    http: Option<reqwest::Client>,
    max_upload: u64,
    max_response: u64,
    retry: RetryPolicy,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("base_url", &without_userinfo(&self.base_url))
            .field("api_key", &self.api_key.as_ref().map(|_| "<redacted>"))
            .field("bearer", &self.bearer)
            .field("timeout", &self.timeout)
            .field("total_timeout", &self.total_timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("user_agent", &self.user_agent)
            .field("max_upload", &self.max_upload)
            .field("max_response", &self.max_response)
            .field("retry", &self.retry)
            .finish_non_exhaustive()
    }
}

impl ClientBuilder {
    /// Sends the key as `Authorization: Bearer <key>` instead of n8n's `X-N8N-API-KEY` header.
    pub fn bearer_auth(mut self) -> Self {
        self.bearer = true;
        self
    }

    /// Timeout of one attempt: connecting, sending and reading the whole answer (default 60 s);
    /// `None` for no limit.
    pub fn timeout(mut self, timeout: Option<Duration>) -> Self {
        self.timeout = timeout;
        self
    }

    /// Bound on one call's wall time: every attempt, the waits between them and reading the
    /// answer (default 90 s, [`DEFAULT_TOTAL_TIMEOUT`]); `None` for no bound. A call that runs
    /// out of it fails with [`ErrorKind::Timeout`](crate::ErrorKind::Timeout); a retry that
    /// could not finish in time is not started. It also holds with a caller's own
    /// `reqwest::Client`.
    pub fn total_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.total_timeout = timeout;
        self
    }

    /// Connect timeout (default 10 s).
    pub fn connect_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// The `User-Agent` header (default `n8n-api-rs/<version>`).
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = Some(user_agent.into());
        self
    }

    /// Also trusts this certificate authority (an instance behind a private CA).
    #[cfg(any(feature = "rustls", feature = "native-tls"))]
    pub fn add_root_certificate(mut self, cert: reqwest::Certificate) -> Self {
        self.roots.push(cert);
        self
    }

    /// Uses this `reqwest::Client` as it is: its timeouts, user agent, TLS settings and
    /// redirect policy win over the builder's (the total timeout, retries and limits still
    /// apply).
    ///
    /// **Build it with [`redirect_policy()`]** (or `reqwest::redirect::Policy::none()`): reqwest's
    /// default policy follows a redirect to another host with every header but `Authorization`
    /// and `Cookie`, so the `X-N8N-API-KEY` header would go wherever the server points.
    ///
    /// ```
    /// let http = reqwest::Client::builder()
    ///     .redirect(n8n_api::redirect_policy())
    ///     .build()
    ///     .unwrap();
    /// let client = n8n_api::Client::builder("https://n8n.example.com", "n8n_api_key")
    ///     .reqwest_client(http)
    ///     .build()
    ///     .unwrap();
    /// # let _ = client;
    /// ```
    pub fn reqwest_client(mut self, http: reqwest::Client) -> Self {
        self.http = Some(http);
        self
    }

    /// Largest multipart upload the client sends (default 16 MiB, n8n's default
    /// `N8N_ENDPOINTS_PAYLOAD_SIZE_MAX`). A larger package is refused before any byte is sent.
    pub fn max_upload_bytes(mut self, bytes: u64) -> Self {
        self.max_upload = bytes;
        self
    }

    /// Largest response body read into memory (default 256 MiB,
    /// [`DEFAULT_MAX_RESPONSE_BYTES`]). A larger answer fails the call once the limit is read.
    /// (A package export is streamed, never held: the limit does not apply to it.)
    pub fn max_response_bytes(mut self, bytes: u64) -> Self {
        self.max_response = bytes;
        self
    }

    /// How failed requests are retried (default: [`RetryPolicy::default`]; none:
    /// [`RetryPolicy::none`]).
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Builds the client; fails on a bad base URL or API key.
    pub fn build(self) -> Result<Client, Error> {
        let base = api_base(&self.base_url)?;
        let key = self.api_key?;
        let http = match self.http {
            Some(http) => http,
            None => {
                let mut b = reqwest::Client::builder()
                    .user_agent(
                        self.user_agent
                            .unwrap_or_else(|| concat!("n8n-api-rs/", env!("CARGO_PKG_VERSION")).to_string()),
                    )
                    .redirect(redirect_policy());
                if let Some(t) = self.timeout {
                    b = b.timeout(t);
                }
                if let Some(t) = self.connect_timeout {
                    b = b.connect_timeout(t);
                }
                #[cfg(any(feature = "rustls", feature = "native-tls"))]
                for cert in self.roots {
                    b = b.add_root_certificate(cert);
                }
                b.build()
                    .map_err(|e| Error::config(format!("cannot build the HTTP client: {e}")))?
            }
        };
        let auth = if self.bearer {
            let mut value = HeaderValue::from_bytes(&[b"Bearer ", key.0.as_bytes()].concat())
                .map_err(|_| Error::config("the API key cannot be sent as a bearer token"))?;
            value.set_sensitive(true);
            Auth {
                name: reqwest::header::AUTHORIZATION,
                value,
            }
        } else {
            Auth {
                name: API_KEY_HEADER,
                value: key.0,
            }
        };
        let inner = Inner(Arc::new(Settings {
            auth,
            max_upload: self.max_upload,
            max_response: self.max_response,
            total_timeout: self.total_timeout,
            retry: self.retry,
        }));
        Ok(Client {
            raw: generated::Client::new_with_client(&base, http, inner),
        })
    }
}

/// Normalizes what a user calls "the n8n URL" into the API base (`<instance>/api/v1`).
pub(crate) fn api_base(input: &str) -> Result<String, Error> {
    let shown = crate::support::escape_line(&without_userinfo(input), 200);
    let bad = |why: &str| Error::config(format!("base URL `{shown}`: {why}"));
    let url =
        reqwest::Url::parse(input.trim()).map_err(|e| bad(&format!("{e} (expected e.g. https://n8n.example.com)")))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(bad("the scheme must be http or https"));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(bad("no host"));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(bad("a base URL cannot have a query or fragment"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(bad(
            "credentials in the URL are not supported; pass the API key instead",
        ));
    }
    let mut base = url.as_str().trim_end_matches('/').to_string();
    if !base.ends_with("/api/v1") {
        base.push_str("/api/v1");
    }
    Ok(base)
}

/// `input` with whatever sits between `scheme://` and the last `@` replaced by `<redacted>`, so
/// that a URL with a password can be named in a message, parsed or not. (The last `@` anywhere:
/// a password may hold `/`, `?` or `#`, which would end the authority of a valid URL.)
fn without_userinfo(input: &str) -> String {
    let (scheme, rest) = match input.find("://") {
        Some(i) => input.split_at(i + 3),
        None => ("", input),
    };
    match rest.rfind('@') {
        Some(at) => format!("{scheme}<redacted>{}", &rest[at..]),
        None => input.to_string(),
    }
}

/// The redirect policy of the client's own `reqwest::Client`; give it to yours
/// (`reqwest::Client::builder().redirect(n8n_api::redirect_policy())`) when you pass one to
/// [`ClientBuilder::reqwest_client`].
///
/// A redirect is followed only within the instance's origin (same scheme, host and port), at
/// most 10 times and never in a loop; a `307`/`308` keeps its method and body. A redirect to
/// another origin (another host or port, or `https` to `http`) is not followed: the call fails
/// with [`ErrorKind::Redirect`](crate::ErrorKind::Redirect), naming the origin it pointed to.
/// Following it would send the API key there: reqwest's default policy removes only
/// `Authorization` and `Cookie` on a cross-origin hop, and n8n's key travels in `X-N8N-API-KEY`
/// (curl's `-L` sends such headers to every host; browsers and the GitHub and Stripe SDKs never
/// send a credential to another origin). An `http` to `https` upgrade is refused as well: the
/// message says to use the `https` URL, on which the key is never sent in the clear.
pub fn redirect_policy() -> reqwest::redirect::Policy {
    reqwest::redirect::Policy::custom(|attempt| {
        let first = attempt.previous().first();
        let refused = |reason: RedirectReason| RedirectRefused {
            status: attempt.status(),
            from: first.map(origin).unwrap_or_default(),
            to: origin(attempt.url()),
            reason,
        };
        if attempt.previous().len() > MAX_REDIRECTS {
            let e = refused(RedirectReason::TooMany);
            return attempt.error(e);
        }
        if attempt.previous().contains(attempt.url()) {
            let e = refused(RedirectReason::Loop);
            return attempt.error(e);
        }
        match first {
            Some(first) if origin(first) == origin(attempt.url()) => attempt.follow(),
            _ => {
                let e = refused(RedirectReason::OtherOrigin);
                attempt.error(e)
            }
        }
    })
}

/// The most redirects one request follows (within the instance's origin).
pub const MAX_REDIRECTS: usize = 10;

/// `scheme://host:port` of a URL (the port always spelled out).
fn origin(url: &reqwest::Url) -> String {
    format!(
        "{}://{}:{}",
        url.scheme(),
        url.host_str().unwrap_or(""),
        url.port_or_known_default().unwrap_or(0)
    )
}

/// Why a redirect was not followed (the source of a reqwest redirect error).
#[derive(Debug)]
pub(crate) struct RedirectRefused {
    pub(crate) status: reqwest::StatusCode,
    pub(crate) from: String,
    pub(crate) to: String,
    pub(crate) reason: RedirectReason,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RedirectReason {
    OtherOrigin,
    Loop,
    TooMany,
}

impl fmt::Display for RedirectRefused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.reason {
            RedirectReason::OtherOrigin => {
                write!(
                    f,
                    "{} redirect to another origin ({}) not followed: the API key is only sent to the instance",
                    self.status.as_u16(),
                    self.to
                )?;
                let host = |o: &str| {
                    o.split("://")
                        .nth(1)
                        .and_then(|r| r.rsplit_once(':'))
                        .map(|(h, _)| h.to_string())
                };
                if self.from.starts_with("http://")
                    && self.to.starts_with("https://")
                    && host(&self.from) == host(&self.to)
                {
                    write!(f, " (the instance wants https: use the https URL as the base URL)")?;
                }
                Ok(())
            }
            RedirectReason::Loop => write!(f, "{} redirect loop (back to {})", self.status.as_u16(), self.to),
            RedirectReason::TooMany => write!(f, "more than {MAX_REDIRECTS} redirects (the last to {})", self.to),
        }
    }
}

impl std::error::Error for RedirectRefused {}

impl ClientHooks<Inner> for generated::Client {
    async fn pre<E>(
        &self,
        request: &mut reqwest::Request,
        _info: &OperationInfo,
    ) -> Result<(), progenitor_client::Error<E>> {
        let auth = &self.inner().0.auth;
        request.headers_mut().insert(auth.name.clone(), auth.value.clone());
        Ok(())
    }

    async fn exec(&self, request: reqwest::Request, info: &OperationInfo) -> reqwest::Result<reqwest::Response> {
        crate::retry::execute(self.client(), &self.inner().0.retry, info.operation_id, request).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_urls_are_normalized() {
        for (input, want) in [
            ("https://n8n.example.com", "https://n8n.example.com/api/v1"),
            ("https://n8n.example.com/", "https://n8n.example.com/api/v1"),
            ("https://n8n.example.com/api/v1", "https://n8n.example.com/api/v1"),
            ("https://n8n.example.com/api/v1/", "https://n8n.example.com/api/v1"),
            ("https://example.com/n8n", "https://example.com/n8n/api/v1"),
            ("http://127.0.0.1:5678", "http://127.0.0.1:5678/api/v1"),
        ] {
            assert_eq!(api_base(input).unwrap(), want, "{input}");
        }
    }

    #[test]
    fn bad_base_urls_say_why() {
        assert!(
            api_base("n8n.example.com")
                .unwrap_err()
                .to_string()
                .contains("relative URL without a base")
        );
        assert!(api_base("https://x/?a=1").unwrap_err().to_string().contains("query"));
        assert!(api_base("ftp://x").unwrap_err().to_string().contains("scheme"));
    }

    #[test]
    fn the_key_never_shows() {
        let client = Client::new("http://localhost:5678", "secret-key-123").unwrap();
        let debug = format!("{client:?}");
        assert!(!debug.contains("secret-key-123"), "{debug}");
        assert!(debug.contains("<redacted>"));
    }
}
