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
    /// Wraps a key; fails if it cannot be sent as an HTTP header value.
    pub fn new(key: impl AsRef<str>) -> Result<Self, Error> {
        let key = key.as_ref().trim();
        if key.is_empty() {
            return Err(Error::config("the API key is empty"));
        }
        let mut value = HeaderValue::from_str(key)
            .map_err(|_| Error::config("the API key contains characters an HTTP header cannot carry"))?;
        value.set_sensitive(true);
        Ok(ApiKey(value))
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey(<redacted>)")
    }
}

/// How requests are authenticated.
#[derive(Clone, Debug)]
enum Auth {
    /// `X-N8N-API-KEY: <key>` (n8n's own scheme).
    ApiKeyHeader(ApiKey),
    /// `Authorization: Bearer <key>`.
    Bearer(ApiKey),
}

const API_KEY_HEADER: HeaderName = HeaderName::from_static("x-n8n-api-key");

/// The hand-written layer's state inside the generated client.
#[derive(Clone, Debug)]
pub struct Inner(Arc<Settings>);

#[derive(Debug)]
struct Settings {
    auth: Auth,
    #[allow(dead_code)]
    max_upload: u64,
    retry: RetryPolicy,
}

impl Inner {
    /// Largest multipart upload the client sends (see [`crate::multipart::DEFAULT_MAX_UPLOAD`]).
    /// (Unused when the features in use leave out every multipart operation.)
    #[allow(dead_code)]
    pub(crate) fn max_upload(&self) -> u64 {
        self.0.max_upload
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
    /// caller-supplied `reqwest::Client`, upload limit).
    pub fn builder(base_url: &str, api_key: impl AsRef<str>) -> ClientBuilder {
        ClientBuilder {
            base_url: base_url.to_string(),
            api_key: ApiKey::new(api_key),
            bearer: false,
            timeout: Some(DEFAULT_TIMEOUT),
            connect_timeout: Some(DEFAULT_CONNECT_TIMEOUT),
            user_agent: None,
            http: None,
            max_upload: crate::multipart::DEFAULT_MAX_UPLOAD,
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

/// Default whole-request timeout. Streaming downloads (package export) are bounded by it too;
/// raise it with [`ClientBuilder::timeout`] for very large packages.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);
/// Default connect timeout.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Configures a [`Client`]; made by [`Client::builder`].
#[derive(Debug)]
#[must_use]
pub struct ClientBuilder {
    base_url: String,
    api_key: Result<ApiKey, Error>,
    bearer: bool,
    timeout: Option<Duration>,
    connect_timeout: Option<Duration>,
    user_agent: Option<String>,
    http: Option<reqwest::Client>,
    max_upload: u64,
    retry: RetryPolicy,
}

impl ClientBuilder {
    /// Sends the key as `Authorization: Bearer <key>` instead of n8n's `X-N8N-API-KEY` header.
    pub fn bearer_auth(mut self) -> Self {
        self.bearer = true;
        self
    }

    /// Whole-request timeout (default 60 s); `None` for no limit.
    pub fn timeout(mut self, timeout: Option<Duration>) -> Self {
        self.timeout = timeout;
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

    /// Uses this `reqwest::Client` as it is (its timeouts and user agent win over the builder's).
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
                let mut b = reqwest::Client::builder().user_agent(
                    self.user_agent
                        .unwrap_or_else(|| concat!("n8n-api-rs/", env!("CARGO_PKG_VERSION")).to_string()),
                );
                if let Some(t) = self.timeout {
                    b = b.timeout(t);
                }
                if let Some(t) = self.connect_timeout {
                    b = b.connect_timeout(t);
                }
                b.build()
                    .map_err(|e| Error::config(format!("cannot build the HTTP client: {e}")))?
            }
        };
        let auth = if self.bearer {
            Auth::Bearer(key)
        } else {
            Auth::ApiKeyHeader(key)
        };
        let inner = Inner(Arc::new(Settings {
            auth,
            max_upload: self.max_upload,
            retry: self.retry,
        }));
        Ok(Client {
            raw: generated::Client::new_with_client(&base, http, inner),
        })
    }
}

/// Normalizes what a user calls "the n8n URL" into the API base (`<instance>/api/v1`).
pub(crate) fn api_base(input: &str) -> Result<String, Error> {
    let bad = |why: &str| Error::config(format!("base URL `{input}`: {why}"));
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

impl ClientHooks<Inner> for generated::Client {
    async fn pre<E>(
        &self,
        request: &mut reqwest::Request,
        _info: &OperationInfo,
    ) -> Result<(), progenitor_client::Error<E>> {
        let headers = request.headers_mut();
        match &self.inner().0.auth {
            Auth::ApiKeyHeader(key) => {
                headers.insert(API_KEY_HEADER, key.0.clone());
            }
            Auth::Bearer(key) => {
                let mut value = HeaderValue::from_bytes(&[b"Bearer ", key.0.as_bytes()].concat())
                    .expect("a valid key makes a valid header");
                value.set_sensitive(true);
                headers.insert(reqwest::header::AUTHORIZATION, value);
            }
        }
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
