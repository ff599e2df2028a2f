//! Stage 3: the normalized spec into Rust tokens.
//!
//! progenitor generates the types (through typify), the request builders and one extension trait
//! per tag. Our passes then reshape what progenitor cannot express, each in its own module, in
//! the order of [`PASSES`]. The `mock` pass then reads the finished client and writes the mock
//! crate's own file.

use std::panic::{AssertUnwindSafe, catch_unwind};

use proc_macro2::TokenStream;
use progenitor_impl::{GenerationSettings, Generator, InterfaceStyle, TagStyle};
use quote::quote;
use serde_json::Value;

use crate::{Error, Result};

mod builder_setters;
mod dedupe_types;
mod docs;
mod error_display;
pub mod features;
mod field_markers;
mod json_queries;
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
mod rust_names;
mod sealed_traits;
mod surface;
mod syntax;
pub use surface::surface;
mod typed_errors;
mod variant_names;

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
    /// What each pass did: `(pass, summary)`.
    pub log: Vec<(&'static str, String)>,
}

/// What the passes work on: the client as progenitor left it and as the passes before changed
/// it, and what they read.
pub(crate) struct Ctx<'a> {
    pub file: syn::File,
    pub doc: &'a Value,
    pub operations: &'a [model::Operation],
    pub n8n_version: Option<&'a str>,
    /// What each pass did, one line each (`cargo xtask generate --log` prints it).
    pub log: Vec<(&'static str, String)>,
}

/// One generator pass: its module's name (kebab-case) and what it runs.
pub struct Pass {
    pub name: &'static str,
    run: fn(&mut Ctx<'_>) -> Result<String>,
}

/// Every pass, in the order they run (each module's first doc line says what it does;
/// ARCHITECTURE.md's table of them is generated from this list). Order matters where a pass
/// reads what another wrote: `field-markers` before `dedupe-types` (a redacting `Debug` keeps two
/// look-alike structs apart), `typed-errors` before `path-segments`, `response-bodies` and
/// `read-modify-write` (which read the `send_unmapped` it writes), `features` after the passes
/// whose items it gates (`error-display`, after it, copies the gates of what it extends). The
/// `mock` pass then reads the finished client.
pub const PASSES: &[Pass] = &[
    Pass {
        name: "prune-builders",
        run: |c| Ok(format!("{} builder items removed", prune_builders::apply(&mut c.file))),
    },
    Pass {
        name: "open-enums",
        run: |c| Ok(format!("{} enums opened", open_enums::apply(&mut c.file).len())),
    },
    Pass {
        name: "variant-names",
        run: |c| {
            Ok(format!(
                "{} enums' variants shortened",
                variant_names::apply(&mut c.file)
            ))
        },
    },
    Pass {
        name: "field-markers",
        run: |c| {
            field_markers::apply(&mut c.file);
            Ok(String::new())
        },
    },
    Pass {
        name: "builder-setters",
        run: |c| {
            Ok(format!(
                "{} setters take plain values",
                builder_setters::apply(&mut c.file)
            ))
        },
    },
    Pass {
        name: "round-trip",
        run: |c| Ok(format!("{:?}", round_trip::apply(&mut c.file))),
    },
    Pass {
        name: "dedupe-types",
        run: |c| {
            let components = component_type_names(c.doc);
            let reach = features::reach_of_types(&c.file, c.operations);
            Ok(format!(
                "{} definitions became aliases",
                dedupe_types::apply(&mut c.file, &components, &reach)
            ))
        },
    },
    Pass {
        name: "typed-errors",
        run: |c| {
            Ok(format!(
                "{} send() wrapped",
                typed_errors::apply(&mut c.file, c.operations)?
            ))
        },
    },
    Pass {
        name: "path-segments",
        run: |c| Ok(format!("{} path parameters checked", path_segments::apply(&mut c.file))),
    },
    Pass {
        name: "response-bodies",
        run: |c| {
            Ok(format!(
                "{} success bodies decoded bounded",
                response_bodies::apply(&mut c.file, c.operations)
            ))
        },
    },
    Pass {
        name: "read-modify-write",
        run: |c| {
            Ok(format!(
                "{} updates from reads",
                read_modify_write::apply(&mut c.file, c.operations).len()
            ))
        },
    },
    Pass {
        name: "multipart",
        run: |c| {
            Ok(format!(
                "{} form builders",
                multipart::apply(&mut c.file, c.doc, c.operations)?
            ))
        },
    },
    Pass {
        name: "pagination",
        run: |c| {
            Ok(format!(
                "{} lists stream",
                pagination::apply(&mut c.file, c.doc, c.operations).len()
            ))
        },
    },
    Pass {
        name: "request-bounds",
        run: |c| {
            Ok(format!(
                "{} checks before sending",
                request_bounds::apply(&mut c.file, c.doc, c.operations)
            ))
        },
    },
    Pass {
        name: "json-queries",
        run: |c| Ok(format!("{:?}", json_queries::apply(&mut c.file, c.doc))),
    },
    Pass {
        name: "docs",
        run: |c| {
            docs::apply(&mut c.file, c.operations);
            Ok(String::new())
        },
    },
    Pass {
        name: "operations",
        run: |c| {
            let items = syn::parse2::<syn::File>(operations::tokens(c.operations))
                .map_err(|e| Error::Format(e.to_string()))?
                .items;
            c.file.items.extend(items);
            Ok(format!("{} operations listed", c.operations.len()))
        },
    },
    Pass {
        name: "sealed-traits",
        run: |c| Ok(format!("{} traits sealed", sealed_traits::apply(&mut c.file))),
    },
    Pass {
        name: "release",
        run: |c| {
            release::apply(&mut c.file, c.n8n_version);
            Ok(String::new())
        },
    },
    Pass {
        name: "features",
        run: |c| {
            features::apply(&mut c.file, c.operations);
            Ok(String::new())
        },
    },
    Pass {
        name: "error-display",
        run: |c| {
            let added = error_display::apply(&mut c.file);
            Ok(format!(
                "{} Display impls; on crate::Error: {:?}",
                added.displays, added.accessors
            ))
        },
    },
    Pass {
        name: "rust-names",
        run: |c| Ok(format!("{:?}", rust_names::apply(&mut c.file))),
    },
];

/// The pass that writes the mock crate's file from the finished client (after [`PASSES`]).
pub const MOCK_PASS: &str = "mock";

/// Generates the client from a normalized spec document of the n8n release `n8n_version`.
pub fn generate(doc: &Value, n8n_version: Option<&str>) -> Result<Generated> {
    let spec: openapiv3::OpenAPI = serde_json::from_value(doc.clone()).map_err(|e| Error::Generate {
        operation: "(document)".into(),
        message: format!("normalized spec does not parse as OpenAPI: {e}"),
    })?;
    let operations = model::operations(doc);
    let tokens = run_progenitor(&spec, doc)?;
    let file: syn::File = syn::parse2(tokens).map_err(|e| Error::Format(e.to_string()))?;
    let mut ctx = Ctx {
        file,
        doc,
        operations: &operations,
        n8n_version,
        log: Vec::new(),
    };
    for pass in PASSES {
        let did = (pass.run)(&mut ctx)?;
        if !did.is_empty() {
            ctx.log.push((pass.name, did));
        }
    }
    let Ctx { file, log, .. } = ctx;
    let mock = mock::generate(&file, doc, &operations)?;
    let types = count_types(&file);
    Ok(Generated {
        file,
        mock,
        operations,
        types,
        log,
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
