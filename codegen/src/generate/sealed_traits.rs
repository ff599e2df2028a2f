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
