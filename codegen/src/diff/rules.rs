//! Every rule of the diff: a stable id, a level, what it typically does to the generated Rust
//! client, and one line of documentation (`cargo xtask diff --rules` prints this table); and the
//! rules of the generated-code comparison, each with its semver class.
//!
//! Levels are for a client of the API. A change inside a `readOnly` property of a request (the
//! server ignores it) or a `writeOnly` property of a response (the server never sends it) is
//! reported at level info whatever its rule's level.

use serde::Serialize;

/// How much a change matters to a client of the API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Breaking,
    Warning,
    Info,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Breaking => "breaking",
            Level::Warning => "warning",
            Level::Info => "info",
        }
    }
}

/// What a change typically does to Rust code that compiles against today's generated client
/// (documentation: the report measures the actual effect on the generated code).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RustEffect {
    /// Code that compiles today may not (a method, setter, field or variant goes or changes type).
    Breaking,
    /// Something is added (new methods, setters, fields, variants).
    Additive,
    /// Nothing the compiler sees changes.
    None,
}

/// One rule.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    pub id: &'static str,
    pub level: Level,
    pub rust: RustEffect,
    pub doc: &'static str,
}

macro_rules! rules {
    ($($name:ident = ($id:literal, $level:ident, $rust:ident, $doc:literal);)*) => {
        $(pub const $name: Rule = Rule { id: $id, level: Level::$level, rust: RustEffect::$rust, doc: $doc };)*
        /// Every rule, in documentation order.
        pub const ALL: &[Rule] = &[$($name),*];
    };
}

rules! {
    OPERATION_REMOVED = ("operation-removed", Breaking, Breaking, "an operation is gone");
    OPERATION_ADDED = ("operation-added", Info, Additive, "a new operation");
    OPERATION_DEPRECATED = ("operation-deprecated", Warning, None, "an operation became deprecated");
    OPERATION_PATH_CHANGED = ("operation-path-changed", Breaking, None, "an operation (same operationId) moved to another path");
    PATH_PARAMETER_RENAMED = ("path-parameter-renamed", Info, Breaking, "a path parameter was renamed; the URL is the same (the Rust setter is renamed)");
    OPERATION_ID_RENAMED = ("operation-id-renamed", Info, Breaking, "the operationId changed; the operation is the same (the Rust method is renamed)");
    SUCCESS_STATUS_REMOVED = ("success-status-removed", Breaking, Breaking, "a success status is no longer returned");
    SUCCESS_CONTENT_TYPE_CHANGED = ("success-content-type-changed", Breaking, Breaking, "the media type of a success response changed");
    REQUIRED_SCOPE_CHANGED = ("required-scope-changed", Warning, None, "the API key scopes an operation requires changed");
    PARAMETER_ADDED_REQUIRED = ("parameter-added-required", Breaking, Breaking, "a new required parameter");
    PARAMETER_ADDED_OPTIONAL = ("parameter-added-optional", Info, Additive, "a new optional parameter");
    PARAMETER_REMOVED = ("parameter-removed", Breaking, Breaking, "a parameter is gone");
    PARAMETER_BECAME_REQUIRED = ("parameter-became-required", Breaking, None, "an optional parameter became required");
    PARAMETER_BECAME_OPTIONAL = ("parameter-became-optional", Info, None, "a required parameter became optional");
    PARAMETER_TYPE_CHANGED = ("parameter-type-changed", Breaking, Breaking, "the type of a parameter changed");
    PARAMETER_FORMAT_CHANGED = ("parameter-format-changed", Warning, Breaking, "the format of a parameter changed");
    PARAMETER_LOCATION_CHANGED = ("parameter-location-changed", Breaking, None, "a parameter moved (query, path, header)");
    PARAMETER_ENUM_VALUE_REMOVED = ("parameter-enum-value-removed", Breaking, Breaking, "a value of a parameter's enum is gone");
    PARAMETER_ENUM_VALUE_ADDED = ("parameter-enum-value-added", Info, Additive, "a parameter's enum has a new value");
    PARAMETER_CONSTRAINT_TIGHTENED = ("parameter-constraint-tightened", Breaking, None, "a parameter's min/max, length, pattern or item count got stricter");
    PARAMETER_CONSTRAINT_LOOSENED = ("parameter-constraint-loosened", Info, None, "a parameter's constraints got looser");
    REQUEST_BODY_ADDED_REQUIRED = ("request-body-added-required", Breaking, Breaking, "an operation now requires a body");
    REQUEST_BODY_ADDED_OPTIONAL = ("request-body-added-optional", Info, Additive, "an operation now takes an optional body");
    REQUEST_BODY_BECAME_REQUIRED = ("request-body-became-required", Breaking, None, "an optional request body became required");
    REQUEST_BODY_REMOVED = ("request-body-removed", Breaking, Breaking, "an operation no longer takes a body");
    REQUEST_CONTENT_TYPE_CHANGED = ("request-content-type-changed", Breaking, Breaking, "the media type of the request body changed");
    REQUEST_PROPERTY_ADDED_REQUIRED = ("request-property-added-required", Breaking, Breaking, "a new required request property (form field)");
    REQUEST_PROPERTY_ADDED_OPTIONAL = ("request-property-added-optional", Info, Additive, "a new optional request property (form field)");
    REQUEST_PROPERTY_REMOVED = ("request-property-removed", Breaking, Breaking, "a request property (form field) is gone");
    REQUEST_PROPERTY_BECAME_REQUIRED = ("request-property-became-required", Breaking, Breaking, "an optional request property became required");
    REQUEST_PROPERTY_TYPE_CHANGED = ("request-property-type-changed", Breaking, Breaking, "the type of a request property changed");
    REQUEST_PROPERTY_FORMAT_CHANGED = ("request-property-format-changed", Warning, Breaking, "the format of a request property changed");
    REQUEST_PROPERTY_BECAME_NOT_NULLABLE = ("request-property-became-not-nullable", Breaking, Breaking, "a request property no longer accepts null");
    REQUEST_ENUM_VALUE_REMOVED = ("request-enum-value-removed", Breaking, Breaking, "a value of a request enum is gone");
    REQUEST_ENUM_VALUE_ADDED = ("request-enum-value-added", Info, Additive, "a request enum has a new value");
    REQUEST_ENUM_DROPPED = ("request-enum-dropped", Info, Breaking, "a request property lost its enum: any value is accepted now (the generated enum becomes a plain type)");
    REQUEST_CONSTRAINT_TIGHTENED = ("request-constraint-tightened", Breaking, None, "a request property's min/max, length, pattern or item count got stricter");
    REQUEST_CONSTRAINT_LOOSENED = ("request-constraint-loosened", Info, None, "a request property's constraints got looser");
    REQUEST_ADDITIONAL_PROPERTIES_CLOSED = ("request-additional-properties-closed", Breaking, None, "a request object no longer accepts properties it does not list");
    REQUEST_UNION_NARROWED = ("request-union-narrowed", Breaking, Breaking, "a oneOf/anyOf in a request lost an alternative");
    REQUEST_UNION_WIDENED = ("request-union-widened", Info, Additive, "a oneOf/anyOf in a request gained an alternative");
    RESPONSE_PROPERTY_REMOVED = ("response-property-removed", Breaking, Breaking, "a response property is gone");
    RESPONSE_PROPERTY_ADDED = ("response-property-added", Info, Additive, "a new response property");
    RESPONSE_PROPERTY_TYPE_CHANGED = ("response-property-type-changed", Breaking, Breaking, "the type of a response property changed");
    RESPONSE_PROPERTY_FORMAT_CHANGED = ("response-property-format-changed", Warning, Breaking, "the format of a response property changed");
    RESPONSE_PROPERTY_BECAME_NULLABLE = ("response-property-became-nullable", Breaking, Breaking, "a response property can now be null (breaks clients, not servers)");
    RESPONSE_PROPERTY_BECAME_OPTIONAL = ("response-property-became-optional", Breaking, Breaking, "a response property is no longer always present (breaks clients, not servers)");
    RESPONSE_OBJECT_ARRAY_CHANGED = ("response-object-array-changed", Breaking, Breaking, "a response value changed between object and array");
    RESPONSE_ENUM_VALUE_ADDED = ("response-enum-value-added", Warning, Additive, "a response enum has a new value (breaks clients with closed enums)");
    RESPONSE_ENUM_VALUE_REMOVED = ("response-enum-value-removed", Info, Breaking, "a value of a response enum is gone");
    RESPONSE_ENUM_DROPPED = ("response-enum-dropped", Warning, Breaking, "a response property lost its enum: any value may come (breaks clients with closed enums; the generated enum becomes a plain type)");
    REQUEST_PROPERTY_NO_LONGER_READ_ONLY = ("request-property-no-longer-read-only", Info, None, "a request property is no longer readOnly: requests may set it now");
    RESPONSE_LOOSENED_TO_FREE_FORM = ("response-loosened-to-free-form", Warning, Breaking, "a typed response object became free-form");
    RESPONSE_UNION_WIDENED = ("response-union-widened", Warning, Additive, "a oneOf/anyOf in a response gained an alternative");
    RESPONSE_UNION_NARROWED = ("response-union-narrowed", Info, Breaking, "a oneOf/anyOf in a response lost an alternative");
    RESPONSE_PROPERTY_BECAME_REQUIRED = ("response-property-became-required", Info, Breaking, "a response property is now always present (the generated field loses its `Option`)");
    RESPONSE_PROPERTY_BECAME_NOT_NULLABLE = ("response-property-became-not-nullable", Info, Breaking, "a response property can no longer be null (a required field loses its `Option`)");
    RESPONSE_PROPERTY_BECAME_WRITE_ONLY = ("response-property-became-write-only", Breaking, None, "a response property became writeOnly: responses no longer carry it");
    REQUEST_PROPERTY_BECAME_OPTIONAL = ("request-property-became-optional", Info, Breaking, "a required request property became optional (the generated field gains an `Option`)");
    REQUEST_BODY_BECAME_OPTIONAL = ("request-body-became-optional", Info, None, "a required request body became optional");
    REQUEST_PROPERTY_BECAME_READ_ONLY = ("request-property-became-read-only", Warning, None, "a request property became readOnly: the server ignores it in requests");
    PARAMETER_DEPRECATED = ("parameter-deprecated", Warning, None, "a parameter became deprecated");
    PROPERTY_DEPRECATED = ("property-deprecated", Warning, None, "a request or response property (or a whole body) became deprecated");
    PARAMETER_DEFAULT_ADDED = ("parameter-default-added", Info, None, "a parameter has a default now");
    PARAMETER_DEFAULT_CHANGED = ("parameter-default-changed", Warning, None, "a parameter's default changed or was removed: requests that omit it behave differently");
    PROPERTY_DEFAULT_ADDED = ("property-default-added", Info, None, "a request or response property has a default now");
    PROPERTY_DEFAULT_CHANGED = ("property-default-changed", Warning, None, "a property's default changed or was removed: requests that omit it behave differently, decoding fills another value");
    ERROR_STATUS_ADDED = ("error-status-added", Info, Additive, "an operation documents a new error status (with a typed body: a new `ErrorBody` variant)");
    ERROR_STATUS_REMOVED = ("error-status-removed", Info, Breaking, "an error status is no longer documented (with a typed body: an `ErrorBody` variant goes)");
    RESPONSE_HEADER_ADDED = ("response-header-added", Info, None, "a response documents a new header");
    RESPONSE_HEADER_REMOVED = ("response-header-removed", Warning, None, "a response no longer documents a header");
    SECURITY_REQUIREMENT_ADDED = ("security-requirement-added", Info, None, "an operation accepts another way to authenticate (all operations, when the document's `security` changed)");
    SECURITY_REQUIREMENT_REMOVED = ("security-requirement-removed", Breaking, None, "an operation no longer accepts a way to authenticate, or no longer accepts anonymous requests");
    SECURITY_SCOPES_CHANGED = ("security-scopes-changed", Warning, None, "the scopes a security requirement asks for changed");
    SECURITY_SCHEME_ADDED = ("security-scheme-added", Info, None, "a new security scheme in components.securitySchemes");
    SECURITY_SCHEME_REMOVED = ("security-scheme-removed", Breaking, None, "a security scheme is gone");
    SECURITY_SCHEME_CHANGED = ("security-scheme-changed", Breaking, None, "a security scheme's type, location, name or HTTP scheme changed");
    TAG_ADDED = ("tag-added", Info, Additive, "operations under a new tag (a new cargo feature and client trait)");
    TAG_REMOVED = ("tag-removed", Info, Breaking, "no operation has this tag any more (its cargo feature and client trait go)");
    TAG_RENAMED = ("tag-renamed", Info, Breaking, "the same operations under a new tag name (renames their cargo feature and client trait)");
    OPERATION_TAG_CHANGED = ("operation-tag-changed", Info, Breaking, "an operation moved to another existing tag (its method moves to another cargo feature and trait)");
    COMPONENT_SCHEMA_REMOVED = ("component-schema-removed", Info, Breaking, "a component schema is gone");
    COMPONENT_SCHEMA_ADDED = ("component-schema-added", Info, Additive, "a new component schema");
}

/// The rule with this id.
pub fn by_id(id: &str) -> Option<&'static Rule> {
    ALL.iter().find(|r| r.id == id)
}

/// The semver class of a change to the generated crate (Cargo's rules: for a `0.x` crate a
/// major change bumps `x`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Semver {
    Major,
    Minor,
    Patch,
}

impl Semver {
    pub fn as_str(self) -> &'static str {
        match self {
            Semver::Major => "major",
            Semver::Minor => "minor",
            Semver::Patch => "patch",
        }
    }
}

/// One rule of the comparison of the two generated clients.
#[derive(Debug, Clone, Copy)]
pub struct RustRule {
    pub id: &'static str,
    pub semver: Semver,
    pub doc: &'static str,
}

macro_rules! rust_rules {
    ($($name:ident = ($id:literal, $semver:ident, $doc:literal);)*) => {
        $(pub const $name: RustRule = RustRule { id: $id, semver: Semver::$semver, doc: $doc };)*
        /// Every rule of the generated-code comparison, in documentation order.
        pub const RUST: &[RustRule] = &[$($name),*];
    };
}

rust_rules! {
    RUST_FEATURE_REMOVED = ("rust-feature-removed", Major, "a cargo feature is gone");
    RUST_FEATURE_RENAMED = ("rust-feature-renamed", Major, "a cargo feature has another name (the same methods compile under it)");
    RUST_FEATURE_ADDED = ("rust-feature-added", Minor, "a new cargo feature");
    RUST_TRAIT_REMOVED = ("rust-trait-removed", Major, "a public trait is gone");
    RUST_TRAIT_RENAMED = ("rust-trait-renamed", Major, "a client trait has another name (same methods: calls through the prelude still compile, `use` of the old name does not)");
    RUST_TRAIT_ADDED = ("rust-trait-added", Minor, "a new public trait");
    RUST_TRAIT_CHANGED = ("rust-trait-changed", Major, "a trait's generics or supertraits changed");
    RUST_METHOD_REMOVED = ("rust-method-removed", Major, "a client method (a method of a public trait) is gone");
    RUST_METHOD_ADDED = ("rust-method-added", Major, "a method without default in a public trait (code implementing the trait stops compiling)");
    RUST_SEALED_METHOD_ADDED = ("rust-sealed-method-added", Minor, "a method in a sealed public trait (no other crate implements it: a new operation)");
    RUST_METHOD_CHANGED = ("rust-method-changed", Major, "a client method's signature changed");
    RUST_TYPE_REMOVED = ("rust-type-removed", Major, "a public type name (struct, enum or alias) is gone");
    RUST_TYPE_ADDED = ("rust-type-added", Minor, "a new public type name");
    RUST_TYPE_KIND_CHANGED = ("rust-type-kind-changed", Major, "a type changed kind (struct, tuple struct, unit struct, enum) or generics");
    RUST_TYPE_SPLIT = ("rust-type-split", Major, "names that were one type (aliases) are distinct types now, or an alias names another type");
    RUST_TYPES_MERGED = ("rust-types-merged", Minor, "distinct types became one (one is an alias of the other); only code implementing one trait for both stops compiling");
    RUST_NON_EXHAUSTIVE_ADDED = ("rust-non-exhaustive-added", Major, "a type became #[non_exhaustive]");
    RUST_NON_EXHAUSTIVE_REMOVED = ("rust-non-exhaustive-removed", Minor, "a type is no longer #[non_exhaustive]");
    RUST_FIELD_REMOVED = ("rust-field-removed", Major, "a public field is gone");
    RUST_FIELD_ADDED = ("rust-field-added", Major, "a public field on a struct whose fields are all public (struct literals stop compiling)");
    RUST_FIELD_ADDED_OPAQUE = ("rust-field-added-opaque", Minor, "a public field on a struct that cannot be built with a literal (private fields or #[non_exhaustive])");
    RUST_FIELD_BECAME_REQUIRED = ("rust-field-became-required", Major, "a field's type lost its Option (`Option<T>` -> `T`)");
    RUST_FIELD_BECAME_OPTIONAL = ("rust-field-became-optional", Major, "a field's type gained an Option (`T` -> `Option<T>`)");
    RUST_FIELD_TYPE_CHANGED = ("rust-field-type-changed", Major, "a field's type changed");
    RUST_VARIANT_REMOVED = ("rust-variant-removed", Major, "an enum variant is gone");
    RUST_VARIANT_ADDED = ("rust-variant-added", Major, "a variant of an exhaustive enum (exhaustive matches stop compiling)");
    RUST_VARIANT_ADDED_NON_EXHAUSTIVE = ("rust-variant-added-non-exhaustive", Minor, "a variant of a #[non_exhaustive] enum");
    RUST_VARIANT_CHANGED = ("rust-variant-changed", Major, "a variant's fields changed");
    RUST_VARIANT_ORDER_CHANGED = ("rust-variant-order-changed", Major, "variants of an enum deriving PartialOrd moved (derived comparisons and discriminants follow the order)");
    RUST_SETTER_REMOVED = ("rust-setter-removed", Major, "a method of a builder (a setter) is gone");
    RUST_SETTER_ADDED = ("rust-setter-added", Minor, "a new builder method (setter)");
    RUST_SETTER_CHANGED = ("rust-setter-changed", Major, "a builder method's accepted type or signature changed");
    RUST_RESPONSE_TYPE_CHANGED = ("rust-response-type-changed", Major, "what a request builder's `send` returns changed");
    RUST_FN_REMOVED = ("rust-fn-removed", Major, "an inherent method, free function, static or constant is gone");
    RUST_FN_ADDED = ("rust-fn-added", Minor, "a new inherent method, free function, static or constant");
    RUST_FN_CHANGED = ("rust-fn-changed", Major, "a function's signature, or a static's or constant's type, changed");
    RUST_IMPL_REMOVED = ("rust-impl-removed", Major, "a trait implementation (or derive) of a remaining type is gone");
    RUST_IMPL_ADDED = ("rust-impl-added", Minor, "a new trait implementation (or derive) of a type that existed");
    RUST_CFG_NARROWED = ("rust-cfg-narrowed", Major, "an item no longer compiles under a (remaining) feature that enabled it");
    RUST_CFG_WIDENED = ("rust-cfg-widened", Minor, "an item compiles under more features");
    RUST_DEPRECATED = ("rust-deprecated", Minor, "an item became #[deprecated]");
    RUST_VIA_FIELD_REMOVED = ("rust-via-field-removed", Major, "behind a type that was renamed, a field reached from a client method is gone (code using inference breaks)");
    RUST_VIA_FIELD_ADDED = ("rust-via-field-added", Minor, "behind a type that was renamed, a field reached from a client method is new");
    RUST_VIA_FIELD_TYPE_CHANGED = ("rust-via-field-type-changed", Major, "behind a type that was renamed, a field reached from a client method changed type (e.g. `Option<String>` -> `String`)");
    RUST_VIA_VARIANT_REMOVED = ("rust-via-variant-removed", Major, "behind a type that was renamed, an enum variant reached from a client method is gone");
    RUST_VIA_VARIANT_ADDED = ("rust-via-variant-added", Major, "behind a type that was renamed, an exhaustive enum reached from a client method has a new variant");
    RUST_VIA_KIND_CHANGED = ("rust-via-kind-changed", Major, "behind a type that was renamed, a type reached from a client method changed kind");
}

/// The generated-code rule with this id.
pub fn rust_by_id(id: &str) -> Option<&'static RustRule> {
    RUST.iter().find(|r| r.id == id)
}
