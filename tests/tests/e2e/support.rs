//! What the end-to-end tests share: the client, workflows that run, the owner's session for the
//! few things only n8n's internal REST API does, a loopback HTTP sink, and cleanup helpers.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use n8n_api::prelude::*;
use n8n_api::types;
pub use n8n_api_tests::coverage::proved;
use n8n_api_tests::{Instance, instance, unique};
use serde_json::{Value, json};

/// A client for the test instance; every request it makes is recorded for the coverage report.
pub fn client() -> Client {
    let inst = licensed();
    Client::new(&inst.url, &inst.api_key).expect("a client for the test instance")
}

/// The instance, which must run in licensed test mode: a test of a licensed operation against an
/// ordinary instance fails here, loudly, instead of proving nothing.
pub fn licensed() -> Instance {
    // Before any request of this process: every request is recorded, every success body checked.
    n8n_api_tests::coverage::install();
    n8n_api::observe_responses(|o| {
        n8n_api_tests::coverage::body(
            o.operation,
            o.status,
            o.raw,
            o.reencoded.as_ref().map_err(String::as_str),
            &o.debug,
        )
    });
    let inst = instance();
    assert!(
        inst.licensed,
        "the end-to-end suite needs the licensed test instance: `cargo xtask n8n start --licensed` (or `cargo xtask test`)"
    );
    inst
}

/// Retries `f` while n8n answers 409 (a workflow still being (un)published), up to 10 s.
pub async fn while_conflict<T, F, Fut>(mut f: F) -> Result<T, n8n_api::Error>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, n8n_api::Error>>,
{
    for _ in 0..50 {
        match f().await {
            Err(e) if e.is_conflict() => tokio::time::sleep(Duration::from_millis(200)).await,
            other => return other,
        }
    }
    f().await
}

// ---- workflows ------------------------------------------------------------------------------

/// A node of a workflow.
pub fn node(id: u32, name: &str, kind: &str, version: f64, parameters: Value) -> types::Node {
    types::Node::builder()
        .id(format!("7f6a4b0e-0000-4000-8000-{id:012}"))
        .name(name)
        .type_(kind)
        .type_version(version)
        .position(vec![f64::from(id) * 220.0, 0.0])
        .parameters(parameters)
        .try_into()
        .expect("a valid node")
}

/// What a webhook workflow does after its trigger.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Then {
    /// A Set node: the execution succeeds.
    Succeed,
    /// A Stop and Error node: the execution fails (and can be retried).
    Fail,
    /// A Wait node of an hour: the execution waits (and can be stopped).
    Wait,
}

/// A workflow started by `GET /webhook/<hook>`, then `then`.
pub fn webhook_workflow(name: &str, hook: &str, then: Then) -> types::builder::CreateWorkflowBodyBuilder {
    let mut webhook = node(
        1,
        "Webhook",
        "n8n-nodes-base.webhook",
        2.0,
        json!({ "path": hook, "httpMethod": "GET", "responseMode": "onReceived" }),
    );
    webhook.webhook_id = Some(uuid_like(hook));
    let next = match then {
        Then::Succeed => node(
            2,
            "Set",
            "n8n-nodes-base.set",
            3.4,
            json!({ "assignments": { "assignments": [
                { "id": "a1", "name": "hello", "value": "world", "type": "string" }
            ] } }),
        ),
        Then::Fail => node(
            2,
            "Stop",
            "n8n-nodes-base.stopAndError",
            1.0,
            json!({ "errorMessage": "stopped on purpose" }),
        ),
        Then::Wait => node(
            2,
            "Wait",
            "n8n-nodes-base.wait",
            1.1,
            json!({ "resume": "timeInterval", "amount": 1, "unit": "hours" }),
        ),
    };
    let next_name = next.name.clone().unwrap_or_default();
    types::CreateWorkflowBody::builder()
        .name(name)
        .nodes(vec![webhook, next])
        .connections(json!({ "Webhook": { "main": [[{ "node": next_name, "type": "main", "index": 0 }]] } }))
        .settings(types::WorkflowBodySettings::builder().execution_order("v1"))
}

/// A stable UUID-shaped id derived from `seed` (webhook ids).
pub fn uuid_like(seed: &str) -> String {
    let h = seed.bytes().fold(0xcbf29ce484222325u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100000001b3)
    });
    format!(
        "{:08x}-{:04x}-4{:03x}-8{:03x}-{:012x}",
        h >> 32,
        (h >> 16) & 0xffff,
        h & 0xfff,
        (h >> 20) & 0xfff,
        h & 0xffffffffffff
    )
}

/// Creates a webhook workflow that succeeds; returns its id.
pub async fn create_workflow(client: &Client, name: &str) -> String {
    let hook = unique("hook");
    let created = client
        .create_workflow()
        .body(webhook_workflow(name, &hook, Then::Succeed))
        .send()
        .await
        .expect("create workflow");
    created.id.clone()
}

/// Unpublishes (if needed), archives and deletes a workflow; a workflow already gone is fine.
pub async fn remove_workflow(client: &Client, id: &str) {
    let current = match client.get_workflow().workflow_id(id).send().await {
        Ok(w) => w,
        Err(e) if e.is_not_found() => return,
        Err(e) => panic!("read workflow {id}: {e}"),
    };
    if current.active {
        while_conflict(|| client.unpublish_workflow().workflow_id(id).send())
            .await
            .unwrap_or_else(|e| panic!("unpublish {id}: {e}"));
    }
    if !current.is_archived {
        while_conflict(|| client.archive_workflow().workflow_id(id).send())
            .await
            .unwrap_or_else(|e| panic!("archive {id}: {e}"));
    }
    while_conflict(|| client.delete_workflow().workflow_id(id).send())
        .await
        .unwrap_or_else(|e| panic!("delete workflow {id}: {e}"));
}

/// Calls the production webhook `hook` until n8n has registered it (registration lags publishing).
pub async fn trigger(hook: &str) {
    let http = reqwest::Client::new();
    let url = format!("{}/webhook/{hook}", licensed().url);
    for _ in 0..100 {
        let r = http.get(&url).send().await.expect("the instance answers");
        if r.status().is_success() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the webhook {hook} never answered");
}

/// The first execution of `workflow` that satisfies `done`, waiting up to 20 s.
pub async fn execution_where(
    client: &Client,
    workflow: &str,
    done: impl Fn(&types::Execution) -> bool,
) -> types::Execution {
    for _ in 0..100 {
        let list = client
            .get_executions()
            .workflow_id(workflow)
            .send()
            .await
            .expect("list executions");
        if let Some(e) = list.data.into_iter().find(&done) {
            return e;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    panic!("workflow {workflow} left no execution in the expected state within 20 s");
}

/// A published webhook workflow and the execution one call of it left.
pub struct Ran {
    pub workflow: String,
    pub execution: types::Execution,
}

/// Creates and publishes a webhook workflow doing `then`, calls it once and waits for the
/// execution to reach `status`.
pub async fn run_once(client: &Client, then: Then, status: types::ExecutionStatus) -> Ran {
    let hook = unique("hook");
    let created = client
        .create_workflow()
        .body(webhook_workflow(&unique("wf-run"), &hook, then))
        .send()
        .await
        .expect("create workflow");
    let id = created.id.clone();
    client
        .publish_workflow()
        .workflow_id(&id)
        .send()
        .await
        .expect("publish workflow");
    trigger(&hook).await;
    let execution = execution_where(client, &id, |e| e.status == status).await;
    Ran {
        workflow: id,
        execution,
    }
}

// ---- projects -------------------------------------------------------------------------------

/// Creates a team project; returns its id.
pub async fn create_project(client: &Client, name: &str) -> String {
    let p = client
        .create_project()
        .body(types::CreateProjectBody::builder().name(name))
        .send()
        .await
        .expect("create project");
    p.id.clone()
}

/// Deletes a team project (with what it holds); one already gone is fine.
pub async fn remove_project(client: &Client, id: &str) {
    match client.delete_project().project_id(id).send().await {
        Ok(_) => {}
        Err(e) if e.is_not_found() => {}
        Err(e) => panic!("delete project {id}: {e}"),
    }
}

/// The owner's personal project.
pub async fn personal_project(client: &Client) -> String {
    let projects = client.get_projects().limit(250).send().await.expect("list projects");
    projects
        .data
        .iter()
        .find(|p| p.type_ == types::ProjectType::Personal && p.name.contains(&licensed().owner_email))
        .map(|p| p.id.clone())
        .expect("the owner has a personal project")
}

// ---- the owner's session (internal REST API) -------------------------------------------------

/// The owner logged in to n8n's internal REST API (cookie auth), for what the public API cannot
/// do: connecting source control, creating execution annotation tags.
pub struct Owner {
    http: reqwest::Client,
    url: String,
    cookie: String,
}

impl Owner {
    pub async fn login() -> Owner {
        let inst = licensed();
        let http = reqwest::Client::new();
        let r = http
            .post(format!("{}/rest/login", inst.url))
            .json(&json!({ "emailOrLdapLoginId": inst.owner_email, "password": inst.owner_password }))
            .send()
            .await
            .expect("the instance answers");
        assert!(r.status().is_success(), "owner login answered {}", r.status());
        let cookie = r
            .headers()
            .get_all(reqwest::header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|c| c.starts_with("n8n-auth="))
            .and_then(|c| c.split(';').next())
            .expect("login sets the n8n-auth cookie")
            .to_string();
        Owner {
            http,
            url: inst.url,
            cookie,
        }
    }

    /// `METHOD /rest/<path>` with a JSON body; returns the answer's `data`.
    pub async fn call(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
        let mut req = self
            .http
            .request(method.clone(), format!("{}/rest/{path}", self.url))
            .header("cookie", &self.cookie)
            .header("browser-id", "n8n-api-e2e");
        if let Some(body) = body {
            req = req.json(&body);
        }
        let r = req.send().await.expect("the instance answers");
        let status = r.status();
        let text = r.text().await.unwrap_or_default();
        assert!(status.is_success(), "{method} /rest/{path} answered {status}: {text}");
        serde_json::from_str::<Value>(&text)
            .map(|v| v["data"].clone())
            .unwrap_or(Value::Null)
    }
}

// ---- a loopback HTTP sink -------------------------------------------------------------------

/// An HTTP server on 127.0.0.1 that answers `200 {}` to everything and remembers each request
/// line (`POST /events`): the other end of log-streaming and OpenTelemetry tests.
pub struct Sink {
    pub url: String,
    seen: Arc<Mutex<Vec<String>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Sink {
    pub async fn start() -> Sink {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a loopback port");
        let url = format!("http://{}", listener.local_addr().expect("an address"));
        let seen = Arc::new(Mutex::new(Vec::new()));
        let record = seen.clone();
        let task = tokio::spawn(async move {
            while let Ok((mut socket, _)) = listener.accept().await {
                let record = record.clone();
                tokio::spawn(async move {
                    let mut buf = vec![0u8; 64 * 1024];
                    let n = socket.read(&mut buf).await.unwrap_or(0);
                    let head = String::from_utf8_lossy(&buf[..n]);
                    if let Some(line) = head.lines().next() {
                        let line = line.rsplit_once(' ').map(|(l, _)| l).unwrap_or(line);
                        record.lock().unwrap().push(line.to_string());
                    }
                    let _ = socket
                        .write_all(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 2\r\nconnection: close\r\n\r\n{}")
                        .await;
                });
            }
        });
        Sink { url, seen, task }
    }

    /// Waits up to 10 s for a request whose line starts with `prefix` (`POST /v1/traces`).
    pub async fn received(&self, prefix: &str) -> bool {
        for _ in 0..100 {
            if self.seen.lock().unwrap().iter().any(|l| l.starts_with(prefix)) {
                return true;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        false
    }
}

impl Drop for Sink {
    fn drop(&mut self) {
        self.task.abort();
    }
}

// ---- git ------------------------------------------------------------------------------------

/// Runs `git` with `args` in `dir`; panics with its output when it fails.
pub fn git(dir: &std::path::Path, args: &[&str]) -> String {
    let out = std::process::Command::new("git")
        .args([
            "-c",
            "user.name=n8n-api e2e",
            "-c",
            "user.email=e2e@example.com",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args)
        .current_dir(dir)
        .output()
        .expect("git is installed");
    assert!(
        out.status.success(),
        "git {} failed: {}",
        args.join(" "),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A bare repository `name` under `root` with one empty commit on `main`; returns its path.
pub fn bare_repo(root: &std::path::Path, name: &str) -> std::path::PathBuf {
    let bare = root.join(format!("{name}.git"));
    std::fs::create_dir_all(&bare).expect("a repository directory");
    git(&bare, &["init", "--quiet", "--bare", "-b", "main"]);
    let work = tempfile::tempdir().expect("a temporary directory");
    git(work.path(), &["init", "--quiet", "-b", "main"]);
    git(
        work.path(),
        &["commit", "--quiet", "--allow-empty", "-m", "initial commit"],
    );
    git(
        work.path(),
        &["push", "--quiet", bare.to_str().expect("a UTF-8 path"), "main"],
    );
    bare
}
