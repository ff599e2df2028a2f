//! Stage 3: the normalized spec into Rust tokens.
//!
//! progenitor generates the types (through typify), the request builders and one extension trait
//! per tag. Our passes then reshape what progenitor cannot express, each in its own module, in
//! the order [`generate`] runs them (ARCHITECTURE.md says what each does). Order matters where a
//! pass reads what another wrote: `field_markers` before `dedupe_types` (a redacting `Debug`
//! keeps two look-alike structs apart), `typed_errors` before `read_modify_write` (which reads
//! the `send_unmapped` it writes), `features` last (it gates everything the others added).
//! The `mock` pass then reads the finished client and writes the mock crate's own file.

use std::panic::{AssertUnwindSafe, catch_unwind};

use proc_macro2::TokenStream;
use progenitor_impl::{GenerationSettings, Generator, InterfaceStyle, TagStyle};
use quote::quote;
use serde_json::Value;

use crate::{Error, Result};

mod builder_setters;
mod dedupe_types;
mod docs;
pub mod features;
mod field_markers;
mod mock;
pub mod model;
mod multipart;
mod open_enums;
mod operations;
mod pagination;
mod path_segments;
mod prune_builders;
mod read_modify_write;
mod release;
mod request_bounds;
mod response_bodies;
mod round_trip;
mod sealed_traits;
mod surface;
mod syntax;
pub use surface::surface;
mod typed_errors;

/// What the generator produced.
pub struct Generated {
    /// The whole client module, parsed.
    pub file: syn::File,
    /// The generated module of the mock crate (`n8n-api-mock`), read from `file`.
    pub mock: syn::File,
    /// The operations of the spec, in document order.
    pub operations: Vec<model::Operation>,
    /// Number of named types (structs and enums) generated.
    pub types: usize,
}

/// Generates the client from a normalized spec document of the n8n release `n8n_version`.
pub fn generate(doc: &Value, n8n_version: Option<&str>) -> Result<Generated> {
    let spec: openapiv3::OpenAPI = serde_json::from_value(doc.clone()).map_err(|e| Error::Generate {
        operation: "(document)".into(),
        message: format!("normalized spec does not parse as OpenAPI: {e}"),
    })?;
    let operations = model::operations(doc);
    let tokens = run_progenitor(&spec, doc)?;
    let mut file: syn::File = syn::parse2(tokens).map_err(|e| Error::Format(e.to_string()))?;
    prune_builders::apply(&mut file);
    open_enums::apply(&mut file);
    field_markers::apply(&mut file);
    builder_setters::apply(&mut file);
    round_trip::apply(&mut file);
    let components = component_type_names(doc);
    dedupe_types::apply(&mut file, &components);
    typed_errors::apply(&mut file, &operations)?;
    path_segments::apply(&mut file);
    response_bodies::apply(&mut file, &operations);
    read_modify_write::apply(&mut file, &operations);
    multipart::apply(&mut file, doc, &operations)?;
    pagination::apply(&mut file, doc, &operations);
    request_bounds::apply(&mut file, doc, &operations);
    docs::apply(&mut file, &operations);
    file.items.extend(
        syn::parse2::<syn::File>(operations::tokens(&operations))
            .map_err(|e| Error::Format(e.to_string()))?
            .items,
    );
    sealed_traits::apply(&mut file);
    release::apply(&mut file, n8n_version);
    features::apply(&mut file, &operations);
    let mock = mock::generate(&file, doc, &operations)?;
    let types = count_types(&file);
    Ok(Generated {
        file,
        mock,
        operations,
        types,
    })
}

/// progenitor alone on a normalized spec (builder style, tags separate, no hooks, none of our
/// passes): the baseline the compile-time benchmark compares the client with.
pub fn progenitor_baseline(doc: &Value) -> Result<syn::File> {
    let spec: openapiv3::OpenAPI = serde_json::from_value(doc.clone()).map_err(|e| Error::Generate {
        operation: "(document)".into(),
        message: e.to_string(),
    })?;
    let mut s = GenerationSettings::default();
    s.with_interface(InterfaceStyle::Builder).with_tag(TagStyle::Separate);
    let tokens = quiet_catch(|| Generator::new(&s).generate_tokens(&spec))
        .map_err(|m| Error::Generate {
            operation: "(spec)".into(),
            message: m,
        })?
        .map_err(|e| Error::Generate {
            operation: "(spec)".into(),
            message: e.to_string(),
        })?;
    syn::parse2(tokens).map_err(|e| Error::Format(e.to_string()))
}

fn settings() -> GenerationSettings {
    let mut s = GenerationSettings::default();
    s.with_interface(InterfaceStyle::Builder)
        .with_tag(TagStyle::Separate)
        .with_inner_type(quote!(crate::Inner))
        .with_hooks(progenitor_impl::HooksMode::Expected);
    s
}

/// Runs progenitor; a panic inside it becomes an error naming the operation that caused it.
fn run_progenitor(spec: &openapiv3::OpenAPI, doc: &Value) -> Result<TokenStream> {
    match quiet_catch(|| Generator::new(&settings()).generate_tokens(spec)) {
        Ok(Ok(tokens)) => Ok(tokens),
        Ok(Err(e)) => Err(Error::Generate {
            operation: culprit(spec, doc).unwrap_or_else(|| "(spec)".into()),
            message: e.to_string(),
        }),
        Err(panic) => Err(Error::Generate {
            operation: culprit(spec, doc).unwrap_or_else(|| "(spec)".into()),
            message: format!("progenitor panicked: {panic}"),
        }),
    }
}

/// Runs `f`, turning a panic into its message without printing the panic report.
///
/// The process-wide panic hook is replaced once, by one that stays silent on a thread running
/// inside `quiet_catch` and hands every other panic to the hook it replaced: taking and restoring
/// the hook around each call would race with other threads doing the same (tests generate in
/// parallel), and lose the default hook for good.
fn quiet_catch<T>(f: impl FnOnce() -> T) -> std::result::Result<T, String> {
    thread_local! {
        static QUIET: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    }
    static INSTALL: std::sync::Once = std::sync::Once::new();
    INSTALL.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !QUIET.with(std::cell::Cell::get) {
                previous(info);
            }
        }));
    });
    let was = QUIET.with(|q| q.replace(true));
    let result = catch_unwind(AssertUnwindSafe(f));
    QUIET.with(|q| q.set(was));
    result.map_err(|p| {
        p.downcast_ref::<String>()
            .cloned()
            .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_else(|| "unknown panic".into())
    })
}

/// Finds the first operation progenitor fails on by generating each operation alone.
fn culprit(spec: &openapiv3::OpenAPI, doc: &Value) -> Option<String> {
    for op in model::operations(doc) {
        let mut one = spec.clone();
        one.paths.paths.retain(|p, _| p == &op.path);
        if let Some(openapiv3::ReferenceOr::Item(item)) = one.paths.paths.get_mut(&op.path) {
            for m in crate::openapi::METHODS {
                if *m != op.method {
                    clear_method(item, m);
                }
            }
        }
        let failed = !matches!(
            quiet_catch(|| Generator::new(&settings()).generate_tokens(&one)),
            Ok(Ok(_))
        );
        if failed {
            return Some(format!("{} ({} {})", op.id, op.method.to_ascii_uppercase(), op.path));
        }
    }
    None
}

fn clear_method(item: &mut openapiv3::PathItem, method: &str) {
    match method {
        "get" => item.get = None,
        "put" => item.put = None,
        "post" => item.post = None,
        "delete" => item.delete = None,
        "options" => item.options = None,
        "head" => item.head = None,
        "patch" => item.patch = None,
        "trace" => item.trace = None,
        _ => {}
    }
}

/// The Rust names of the spec's component schemas.
fn component_type_names(doc: &Value) -> std::collections::BTreeSet<String> {
    doc.pointer("/components/schemas")
        .and_then(Value::as_object)
        .map(|s| s.keys().map(|k| model::type_name(k)).collect())
        .unwrap_or_default()
}

fn count_types(file: &syn::File) -> usize {
    fn count(items: &[syn::Item]) -> usize {
        items
            .iter()
            .map(|i| match i {
                syn::Item::Struct(_) | syn::Item::Enum(_) => 1,
                syn::Item::Mod(m) if m.ident != "builder" => m.content.as_ref().map_or(0, |(_, items)| count(items)),
                _ => 0,
            })
            .sum()
    }
    file.items
        .iter()
        .find_map(|i| match i {
            syn::Item::Mod(m) if m.ident == "types" => m.content.as_ref().map(|(_, items)| count(items)),
            _ => None,
        })
        .unwrap_or(0)
}
