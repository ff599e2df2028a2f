//! What the spec says about each operation, available at runtime ([`crate::OPERATIONS`]).

/// One operation of the n8n public API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Operation {
    /// The spec's operation id, e.g. `getWorkflow`.
    pub id: &'static str,
    /// HTTP method, upper case.
    pub method: &'static str,
    /// Path template below the API base, e.g. `/workflows/{workflowId}`.
    pub path: &'static str,
    /// The spec tag, which names the extension trait (`Workflow` -> `ClientWorkflowExt`).
    pub tag: &'static str,
    /// API key scopes n8n requires for this operation (`x-required-scope`).
    pub scopes: &'static [&'static str],
    /// The spec marks the operation beta: it may change without notice.
    pub beta: bool,
    /// The client method that runs it, e.g. `get_workflow`.
    pub client_method: &'static str,
}

impl Operation {
    /// Looks an operation up by its spec id.
    pub fn by_id(id: &str) -> Option<&'static Operation> {
        crate::OPERATIONS.iter().find(|o| o.id == id)
    }

    /// The scopes of this operation that `granted` lacks.
    pub fn missing_scopes<'a>(&self, granted: &'a [&'a str]) -> Vec<&'static str> {
        self.scopes.iter().copied().filter(|s| !granted.contains(s)).collect()
    }
}
