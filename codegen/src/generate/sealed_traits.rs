//! Pass `sealed-traits`: the tag traits (`ClientWorkflowExt`, ...) are sealed.
//!
//! They exist to group the client's methods by tag; nobody outside the crate implements them.
//! Sealed (a supertrait no other crate can name), a new operation in a later n8n release adds a
//! method without breaking anyone, so it is a minor change of the crate, not a major one.

use syn::{Item, parse_quote};

/// Returns how many traits it sealed.
pub(super) fn apply(file: &mut syn::File) -> usize {
    let mut sealed = 0;
    for item in file.items.iter_mut() {
        let Item::Trait(t) = item else { continue };
        let name = t.ident.to_string();
        if name.starts_with("Client") && name.ends_with("Ext") {
            t.supertraits.push(parse_quote!(sealed::Sealed));
            sealed += 1;
        }
    }
    if sealed > 0 {
        file.items.push(parse_quote! {
            /// Keeps the tag traits for this crate's `Client` alone.
            mod sealed {
                pub trait Sealed {}
                impl Sealed for super::Client {}
            }
        });
    }
    sealed
}

#[cfg(test)]
mod tests {
    use quote::quote;
    use syn::Item;

    #[test]
    fn the_tag_traits_are_sealed() {
        let mut file: syn::File = syn::parse2(quote! {
            pub trait ClientWorkflowExt { fn get_workflow(&self) -> builder::GetWorkflow<'_>; }
            impl ClientWorkflowExt for Client { fn get_workflow(&self) -> builder::GetWorkflow<'_> { todo!() } }
            pub trait ClientTagsExt: Send { fn get_tags(&self) -> builder::GetTags<'_>; }
            pub trait ClientHooks { fn pre(&self); }
            pub trait ClientInfo<Inner> { fn baseurl(&self) -> &str; }
        })
        .unwrap();
        assert_eq!(super::apply(&mut file), 2);
        let supertraits: Vec<(String, String)> = file
            .items
            .iter()
            .filter_map(|i| match i {
                Item::Trait(t) => {
                    let bounds = &t.supertraits;
                    Some((t.ident.to_string(), quote!(#bounds).to_string()))
                }
                _ => None,
            })
            .collect();
        let supertraits: Vec<(&str, &str)> = supertraits.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
        assert_eq!(
            supertraits,
            [
                ("ClientWorkflowExt", "sealed :: Sealed"),
                ("ClientTagsExt", "Send + sealed :: Sealed"),
                ("ClientHooks", ""),
                ("ClientInfo", ""),
            ]
        );
        insta::assert_snapshot!(prettyplease::unparse(&file));
    }

    #[test]
    fn without_tag_traits_nothing_is_added() {
        let mut file: syn::File = syn::parse2(quote!(
            pub trait ClientHooks {}
        ))
        .unwrap();
        assert_eq!(super::apply(&mut file), 0);
        assert_eq!(file.items.len(), 1, "no `sealed` module");
    }
}
