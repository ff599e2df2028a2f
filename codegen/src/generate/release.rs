//! Pass `release`: the client names the n8n release it was generated from.
//!
//! progenitor documents the client with the spec's `info.version`, which has said `1.1.1` since
//! n8n 1.50 while the API kept changing: it tells a user nothing. The client's doc names the n8n
//! release instead, and `N8N_VERSION` carries it for programs (`"unknown"` when a spec is
//! generated without its release).

use syn::{Item, parse_quote};

pub(super) fn apply(file: &mut syn::File, n8n_version: Option<&str>) {
    let release = n8n_version.unwrap_or("unknown");
    for item in file.items.iter_mut() {
        let Item::Struct(s) = item else { continue };
        if s.ident != "Client" {
            continue;
        }
        for attr in s.attrs.iter_mut() {
            let syn::Meta::NameValue(nv) = &attr.meta else { continue };
            let syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(text),
                ..
            }) = &nv.value
            else {
                continue;
            };
            if !nv.path.is_ident("doc") {
                continue;
            }
            let lines: Vec<String> = text
                .value()
                .lines()
                .map(|l| match l.strip_prefix("Version: ") {
                    Some(v) => format!(
                        "Generated from the public API spec of n8n {release} ([`N8N_VERSION`]; the spec itself says version {v})."
                    ),
                    None => l.to_string(),
                })
                .collect();
            let doc = lines.join("\n");
            *attr = parse_quote!(#[doc = #doc]);
        }
    }
    let doc = format!(" The n8n release whose public API spec generated this client: `{release}`.");
    file.items.push(parse_quote! {
        #[doc = #doc]
        pub const N8N_VERSION: &str = #release;
    });
}

#[cfg(test)]
mod tests {
    use quote::quote;

    #[test]
    fn the_client_names_the_release() {
        let mut file: syn::File = syn::parse2(quote! {
            ///Client for n8n Public API
            ///
            ///Version: 1.1.1
            pub struct Client {}
        })
        .unwrap();
        super::apply(&mut file, Some("2.40.7"));
        let out = prettyplease::unparse(&file);
        assert!(out.contains("n8n 2.40.7"), "{out}");
        assert!(!out.contains("Version: 1.1.1"), "{out}");
        assert!(out.contains(r#"pub const N8N_VERSION: &str = "2.40.7";"#), "{out}");
    }
}
