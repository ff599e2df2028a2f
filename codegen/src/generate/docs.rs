//! Pass `docs`: each client method's rustdoc says what the spec says beyond its description:
//! the API key scopes it needs (`x-required-scope`), whether it is beta, and its error statuses
//! (with the typed body, where the spec gives one). Each request builder's parameter setter
//! carries the parameter's description (n8n puts some under `schema`). What the spec marks
//! deprecated (operations, parameters) is `#[deprecated]`, with the spec's words.

use std::collections::BTreeMap;

use syn::{ImplItem, Item, TraitItem, parse_quote};

use super::model::{Operation, type_name};

pub(super) fn apply(file: &mut syn::File, operations: &[Operation]) {
    methods(file, operations);
    setters(file, operations);
}

/// The setters of each operation's request builder: docs and deprecations of its parameters.
fn setters(file: &mut syn::File, operations: &[Operation]) {
    let Some(builders) = super::syntax::module(file, "builder") else {
        return;
    };
    for op in operations {
        let Some(imp) = super::syntax::inherent_impl_mut(builders, &op.builder) else {
            continue;
        };
        for item in imp.items.iter_mut() {
            let ImplItem::Fn(f) = item else { continue };
            let name = f.sig.ident.to_string();
            let Some(param) = op.params.iter().find(|p| p.setter == name) else {
                continue;
            };
            let doc = param
                .description
                .clone()
                .unwrap_or_else(|| format!("The `{}` {} parameter.", param.name, param.location));
            f.attrs.insert(0, parse_quote!(#[doc = #doc]));
            if param.deprecated {
                let note = param
                    .description
                    .clone()
                    .unwrap_or_else(|| "deprecated in n8n's API spec".into());
                f.attrs.push(parse_quote!(#[deprecated(note = #note)]));
            }
        }
    }
}

fn methods(file: &mut syn::File, operations: &[Operation]) {
    let by_method: BTreeMap<&str, &Operation> = operations.iter().map(|o| (o.method_name.as_str(), o)).collect();
    let silent = answer_nothing(file);
    for item in file.items.iter_mut() {
        let Item::Trait(t) = item else { continue };
        if !t.ident.to_string().starts_with("Client") {
            continue;
        }
        for ti in t.items.iter_mut() {
            let TraitItem::Fn(f) = ti else { continue };
            let Some(op) = by_method.get(f.sig.ident.to_string().as_str()) else {
                continue;
            };
            let mut lines = lines(op);
            if silent.contains(&op.builder) {
                lines.extend(answers_nothing(op, operations));
            }
            for line in lines {
                let line = format!(" {line}");
                f.attrs.push(parse_quote!(#[doc = #line]));
            }
            if let Some(note) = &op.deprecated {
                f.attrs.push(parse_quote!(#[deprecated(note = #note)]));
            }
        }
    }
}

fn lines(op: &Operation) -> Vec<String> {
    let mut out = vec![String::new()];
    if op.beta {
        out.push("**Beta**: n8n may change this operation in any release.".into());
        out.push(String::new());
    }
    match op.scopes.as_slice() {
        [] => out.push("Required API key scope: none listed by the spec.".into()),
        [one] => out.push(format!("Required API key scope: `{one}`.")),
        many => out.push(format!(
            "Required API key scopes: {}.",
            many.iter().map(|s| format!("`{s}`")).collect::<Vec<_>>().join(", ")
        )),
    }
    if !op.errors.is_empty() {
        out.push(String::new());
        out.push("Errors (as [`crate::Error`]):".into());
        for e in &op.errors {
            let typed = e
                .schema
                .as_ref()
                .map(|s| format!(" The body is [`ErrorBody::{0}`](crate::ErrorBody::{0}).", type_name(s)))
                .unwrap_or_default();
            let desc = e.description.lines().next().unwrap_or("").trim();
            out.push(format!("- `{}`: {}{typed}", e.status, escape(desc)));
        }
    }
    out
}

/// The request builders whose `send()` answers `()`: n8n sends no body.
fn answer_nothing(file: &mut syn::File) -> std::collections::BTreeSet<String> {
    let Some(builders) = super::syntax::module(file, "builder") else {
        return Default::default();
    };
    builders
        .iter()
        .filter_map(|i| match i {
            Item::Impl(imp) if imp.trait_.is_none() => {
                let send = imp.items.iter().find_map(|it| match it {
                    ImplItem::Fn(f) if f.sig.ident == "send" => Some(f),
                    _ => None,
                })?;
                let syn::ReturnType::Type(_, ret) = &send.sig.output else {
                    return None;
                };
                let unit = super::syntax::first_type_argument(ret)
                    .is_some_and(|t| matches!(t, syn::Type::Tuple(t) if t.elems.is_empty()));
                unit.then(|| super::syntax::self_ident(&imp.self_ty)).flatten()
            }
            _ => None,
        })
        .collect()
}

/// What an operation that answers no body leaves the caller to do.
fn answers_nothing(op: &Operation, operations: &[Operation]) -> Vec<String> {
    let mut out = vec![String::new()];
    if op.method == "post" {
        let list = operations.iter().find(|o| o.method == "get" && o.path == op.path);
        let find = match list {
            Some(l) => format!(" list them with [`{0}`](Self::{0}) to find it", l.method_name),
            None => String::new(),
        };
        out.push(format!(
            "n8n answers with no body: the answer does not say what it created (nor its id);{find}."
        ));
    } else {
        out.push("n8n answers with no body: `send()` answers `()` once n8n has done it.".into());
    }
    out
}

/// Keeps rustdoc from reading spec prose as links or HTML.
fn escape(s: &str) -> String {
    s.replace('[', "\\[")
        .replace(']', "\\]")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use quote::quote;

    use super::super::model::{ErrorStatus, Operation, Param};
    use super::super::syntax::doc_text;

    /// The note of a `#[deprecated(note = "..")]` attribute.
    fn deprecation(attrs: &[syn::Attribute]) -> Option<String> {
        let attr = attrs.iter().find(|a| a.path().is_ident("deprecated"))?;
        let syn::Meta::NameValue(nv) = attr.parse_args::<syn::Meta>().ok()? else {
            return None;
        };
        match nv.value {
            syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(s), ..
            }) if nv.path.is_ident("note") => Some(s.value()),
            _ => None,
        }
    }

    fn param(name: &str, location: &str, description: Option<&str>, deprecated: bool) -> Param {
        Param {
            setter: super::super::model::setter_name(name),
            name: name.into(),
            location: location.into(),
            description: description.map(String::from),
            deprecated,
        }
    }

    /// A tag trait, another trait, and a request builder's setters.
    fn client() -> syn::File {
        syn::parse2(quote! {
            pub trait ClientWorkflowExt {
                /// Get a workflow.
                fn get_workflow(&self) -> builder::GetWorkflow<'_>;
                fn delete_workflow(&self) -> builder::DeleteWorkflow<'_>;
                fn not_in_the_spec(&self);
            }
            pub trait Helper { fn get_workflow(&self); }
            pub mod builder {
                impl<'a> GetWorkflow<'a> {
                    pub fn id(mut self, value: &str) -> Self { todo!() }
                    pub fn include_data(mut self, value: bool) -> Self { todo!() }
                    pub fn exclude_pinned(mut self, value: bool) -> Self { todo!() }
                    pub async fn send(self) {}
                }
            }
        })
        .unwrap()
    }

    /// Each function's name, docs and deprecation note.
    fn described<'a>(
        fns: impl Iterator<Item = (&'a syn::Ident, &'a [syn::Attribute])>,
    ) -> Vec<(String, String, Option<String>)> {
        fns.map(|(name, attrs)| (name.to_string(), doc_text(attrs), deprecation(attrs)))
            .collect()
    }

    #[test]
    fn methods_and_setters_say_what_the_spec_says() {
        let mut file = client();
        let get_workflow = Operation {
            scopes: vec!["workflow:read".into()],
            beta: true,
            errors: vec![
                ErrorStatus {
                    status: "404".into(),
                    description: "Not found.\nSecond line.".into(),
                    schema: Some("error".into()),
                },
                ErrorStatus {
                    status: "4XX".into(),
                    description: "Rejected <see [docs]>.".into(),
                    schema: None,
                },
            ],
            params: vec![
                param("id", "path", None, false),
                param("includeData", "query", Some("Include the nodes."), false),
                param("excludePinned", "query", Some("Use `pinData` instead."), true),
            ],
            ..Operation::sample("getWorkflow", "get", "/workflows/{id}")
        };
        let delete_workflow = Operation {
            scopes: vec!["workflow:delete".into(), "workflow:read".into()],
            deprecated: Some("Use archiveWorkflow.".into()),
            ..Operation::sample("deleteWorkflow", "delete", "/workflows/{id}")
        };
        super::apply(&mut file, &[get_workflow, delete_workflow]);
        let syn::Item::Trait(tag_trait) = &file.items[0] else {
            panic!()
        };
        let methods = described(tag_trait.items.iter().filter_map(|i| match i {
            syn::TraitItem::Fn(f) => Some((&f.sig.ident, f.attrs.as_slice())),
            _ => None,
        }));
        // One `#[doc]` per line, each after a space (as `///` writes them).
        let get_docs = [
            " Get a workflow.",
            " ",
            " **Beta**: n8n may change this operation in any release.",
            " ",
            " Required API key scope: `workflow:read`.",
            " ",
            " Errors (as [`crate::Error`]):",
            " - `404`: Not found. The body is [`ErrorBody::Error`](crate::ErrorBody::Error).",
            r" - `4XX`: Rejected &lt;see \[docs\]&gt;.",
        ]
        .join("\n");
        let delete_docs = " \n Required API key scopes: `workflow:delete`, `workflow:read`.";
        assert_eq!(
            methods,
            [
                ("get_workflow".into(), get_docs, None),
                (
                    "delete_workflow".into(),
                    delete_docs.into(),
                    Some("Use archiveWorkflow.".into())
                ),
                ("not_in_the_spec".into(), String::new(), None),
            ]
        );
        let builder = super::super::syntax::module_ref(&file, "builder").unwrap();
        let syn::Item::Impl(imp) = &builder[0] else { panic!() };
        let setters = described(imp.items.iter().filter_map(|i| match i {
            syn::ImplItem::Fn(f) => Some((&f.sig.ident, f.attrs.as_slice())),
            _ => None,
        }));
        let pinned = "Use `pinData` instead.";
        assert_eq!(
            setters,
            [
                ("id".into(), "The `id` path parameter.".into(), None),
                ("include_data".into(), "Include the nodes.".into(), None),
                ("exclude_pinned".into(), pinned.into(), Some(pinned.into())),
                ("send".into(), String::new(), None),
            ]
        );
        let out = prettyplease::unparse(&file);
        assert!(
            !out.contains("Second line"),
            "the first line of an error's description only"
        );
        assert_eq!(
            out.matches("Required API key").count(),
            2,
            "only the tag trait's methods:\n{out}"
        );
        insta::assert_snapshot!(out);
    }
}
