//! What a user sets about the generated code beyond the spec: [`Settings`].

use std::collections::BTreeMap;

use crate::lower::schema::typify_variant_name;
use crate::naming;

/// What a user sets about the generated code beyond the spec: names the spec does not
/// give well, and how some schemas are typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Settings {
    /// The API trait's name (`--trait-name`, `trait_name` in `specfirst.toml`); by
    /// default the short form of the spec's title in PascalCase, ending in `Api`
    /// (GitHub's "GitHub's official OpenAPI spec + Octokit extension" gives `GitHubApi`). The authentication and
    /// webhook traits are named after it: `Shelf` or `ShelfApi` gives `ShelfAuth` and
    /// `ShelfWebhooks`.
    pub trait_name: Option<String>,
    /// How a property that is both optional and nullable is typed (`--nullable`,
    /// `nullable` in `specfirst.toml`).
    pub nullable: NullableFields,
    /// Derives added to every generated model type (`derives` in `specfirst.toml`),
    /// such as `PartialEq` or `schemars::JsonSchema`.
    pub derives: Vec<String>,
    /// Settings for the types of component schemas, by component name
    /// (`[crate.types.NAME]` in `specfirst.toml`).
    pub types: BTreeMap<String, TypeSetting>,
    /// Trait method names given instead of the operationIds' (`[crate.method_names]`
    /// in `specfirst.toml`: `listBooks = "books"`).
    pub method_names: BTreeMap<String, String>,
    /// Crates the generated code may name, with their Cargo dependency as TOML (`"0.1"`
    /// or `{ path = "../my-types" }`; `[crate.dependencies]` in `specfirst.toml`): each
    /// is a dependency of the generated crate (and of its model crates), replacements
    /// may name it, and a spec's `x-rust-type` naming it is used instead of a
    /// generated type.
    pub dependencies: BTreeMap<String, String>,
}

/// What a setting changes about the type of one component schema.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TypeSetting {
    /// The type's Rust name instead of the one made from the component's.
    pub rename: Option<String>,
    /// Derives added to this type, such as `Hash`.
    pub derives: Vec<String>,
    /// Field names instead of the ones made from the properties, by property name
    /// (the JSON keeps the property's name).
    pub fields: BTreeMap<String, String>,
    /// Variant names of an enum instead of the ones made from its values, by value
    /// (or by the variant's generated name); the JSON keeps the value.
    pub variants: BTreeMap<String, String>,
    /// Attributes written on this type, such as `#[non_exhaustive]`.
    pub attrs: Vec<String>,
    /// An existing type used wherever the component is, instead of a generated one
    /// (a path such as `my_types::Book`): it must serialize and deserialize as the
    /// schema says, and be `Clone` and `Debug` like the generated types. Requests are
    /// still checked against the schema before they are read into it.
    pub replace: Option<String>,
}

/// How a property that is optional and nullable at once is typed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum NullableFields {
    /// `specfirst_runtime::Nullable<T>`: absent, `null` and a value are three things, so
    /// a PATCH handler can tell "leave it" from "clear it".
    #[default]
    ThreeState,
    /// A plain `Option<T>`: absent and `null` both read as `None`.
    Option,
}

impl NullableFields {
    /// Its name in `--nullable` and `specfirst.toml`.
    pub fn name(self) -> &'static str {
        match self {
            NullableFields::ThreeState => "three-state",
            NullableFields::Option => "option",
        }
    }
}

impl std::str::FromStr for NullableFields {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        match text {
            "three-state" => Ok(NullableFields::ThreeState),
            "option" => Ok(NullableFields::Option),
            other => Err(format!(
                "unknown nullable {other:?}: choose three-state or option"
            )),
        }
    }
}

impl Settings {
    /// These settings with the API trait called `name`, once [`Settings::check_trait_name`]
    /// accepts it.
    pub fn with_trait_name(mut self, name: impl Into<String>) -> Self {
        self.trait_name = Some(name.into());
        self
    }

    /// These settings with optional nullable properties typed as `nullable` says.
    pub fn with_nullable(mut self, nullable: NullableFields) -> Self {
        self.nullable = nullable;
        self
    }

    /// Whether these settings can be used at all, whatever the spec: each derive a
    /// path, each attribute an attribute, each name an identifier, each replacement a
    /// type, each dependency a TOML value; the error says what is wrong.
    pub fn check(&self) -> Result<(), String> {
        if let Some(name) = &self.trait_name {
            Self::check_trait_name(name)?;
        }
        for derive in &self.derives {
            check_derive(derive)?;
        }
        for (component, setting) in &self.types {
            let what = format!("type setting of {component:?}");
            if let Some(name) = &setting.rename {
                naming::check_item_name(name, &[])
                    .map_err(|why| format!("{what}: rename {name:?} {why}"))?;
                let typed = typify_variant_name(name);
                if typed != *name {
                    return Err(format!(
                        "{what}: rename {name:?} is not a type name as generated code spells \
                         them; write {typed:?}"
                    ));
                }
            }
            for derive in &setting.derives {
                check_derive(derive).map_err(|why| format!("{what}: {why}"))?;
            }
            for (property, name) in &setting.fields {
                let snake = naming::snake(name, "") == *name;
                if !snake || naming::check_item_name(name, &[]).is_err() {
                    return Err(format!(
                        "{what}: field name {name:?} for {property:?} is not a snake_case Rust \
                         identifier"
                    ));
                }
            }
            for (value, name) in &setting.variants {
                if typify_variant_name(name) != *name || naming::check_item_name(name, &[]).is_err()
                {
                    return Err(format!(
                        "{what}: variant name {name:?} for {value:?} is not a PascalCase Rust \
                         identifier"
                    ));
                }
            }
            for attr in &setting.attrs {
                let parsed = syn::parse::Parser::parse_str(syn::Attribute::parse_outer, attr);
                if !matches!(parsed, Ok(attrs) if attrs.len() == 1) {
                    return Err(format!(
                        "{what}: {attr:?} is not one attribute (write it as `#[...]`)"
                    ));
                }
            }
            if let Some(path) = &setting.replace {
                if syn::parse_str::<syn::Type>(path).is_err() {
                    return Err(format!("{what}: replace {path:?} is not a Rust type"));
                }
            }
        }
        let mut methods = std::collections::BTreeSet::new();
        for (operation, name) in &self.method_names {
            if !methods.insert(name) {
                return Err(format!(
                    "operation {operation:?}: method name {name:?} is given to another \
                     operation too"
                ));
            }
            let snake = naming::snake(name, "");
            if snake != *name || naming::check_item_name(name, &[]).is_err() {
                return Err(format!(
                    "operation {operation:?}: method name {name:?} is not a snake_case Rust \
                     identifier"
                ));
            }
        }
        for (name, value) in &self.dependencies {
            let valid_name = !name.is_empty()
                && name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
            if !valid_name {
                return Err(format!("dependency {name:?} is not a crate name"));
            }
            if format!("x = {value}").parse::<toml::Table>().is_err() {
                return Err(format!(
                    "dependency {name:?}: {value:?} is not a TOML value (such as \"0.1\" or \
                     {{ path = \"../{name}\" }})"
                ));
            }
        }
        Ok(())
    }

    /// Whether the components and operations these settings name are in `document`
    /// (an OpenAPI document as loaded); the error names the first that is not, and the
    /// name meant when one is close.
    pub(crate) fn check_names(&self, document: &serde_json::Value) -> Result<(), String> {
        let components: Vec<&str> = document
            .pointer("/components/schemas")
            .and_then(serde_json::Value::as_object)
            .map(|map| map.keys().map(String::as_str).collect())
            .unwrap_or_default();
        for (component, setting) in &self.types {
            if let Some(name) = &setting.rename {
                let taken = components
                    .iter()
                    .find(|other| **other != component && typify_variant_name(other) == *name);
                if let Some(other) = taken {
                    return Err(format!(
                        "type setting of {component:?}: rename {name:?} is the name of the \
                         type of component {other:?}"
                    ));
                }
            }
            if !components.contains(&component.as_str()) {
                let hint = meant(&components, component);
                return Err(format!(
                    "type setting of {component:?}: the spec has no component schema of that name{hint}"
                ));
            }
        }
        let mut operations = Vec::new();
        if let Some(paths) = document.get("paths").and_then(serde_json::Value::as_object) {
            for item in paths.values().filter_map(serde_json::Value::as_object) {
                let additional = item
                    .get(specfirst_model::vocabulary::ADDITIONAL_OPERATIONS)
                    .and_then(serde_json::Value::as_object)
                    .into_iter()
                    .flat_map(|additional| additional.values());
                let fixed = specfirst_model::vocabulary::METHODS
                    .iter()
                    .filter_map(|method| item.get(*method));
                for op in fixed.chain(additional) {
                    if let Some(id) = op.get("operationId").and_then(serde_json::Value::as_str) {
                        operations.push(id);
                    }
                }
            }
        }
        for operation in self.method_names.keys() {
            if !operations.contains(&operation.as_str()) {
                let hint = meant(&operations, operation);
                return Err(format!(
                    "operation setting of {operation:?}: the spec has no operation with that operationId{hint}"
                ));
            }
        }
        Ok(())
    }

    /// Whether `name` can name the API trait: a Rust identifier that is not a keyword
    /// and not a name the generated module already imports; the error says why not.
    pub fn check_trait_name(name: &str) -> Result<(), String> {
        naming::check_item_name(name, &["Future", "RequestContext", "Result"])
            .map_err(|why| format!("trait name {name:?} {why}"))
    }
}

/// ` (did you mean "NAME"?)` for the one of `names` close to `wanted`, if one is.
fn meant(names: &[&str], wanted: &str) -> String {
    naming::closest(names.iter().copied(), wanted)
        .map(|near| format!(" (did you mean {near:?}?)"))
        .unwrap_or_default()
}

/// Whether `derive` can go in `#[derive(...)]`: a path.
fn check_derive(derive: &str) -> Result<(), String> {
    match syn::parse_str::<syn::Path>(derive) {
        Ok(_) => Ok(()),
        Err(_) => Err(format!("derive {derive:?} is not a trait path")),
    }
}

/// The customising keys of a `specfirst.toml` entry or a crate's manifest, and of
/// `--set KEY=VALUE` on the command line, as read.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawCustom {
    #[serde(default)]
    pub(crate) derives: Vec<String>,
    #[serde(default)]
    pub(crate) types: BTreeMap<String, RawType>,
    #[serde(default)]
    pub(crate) method_names: BTreeMap<String, String>,
    #[serde(default)]
    pub(crate) dependencies: BTreeMap<String, toml::Value>,
}

/// `[crate.types.NAME]` as read.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawType {
    rename: Option<String>,
    #[serde(default)]
    derives: Vec<String>,
    #[serde(default)]
    fields: BTreeMap<String, String>,
    #[serde(default)]
    variants: BTreeMap<String, String>,
    #[serde(default)]
    attrs: Vec<String>,
    replace: Option<String>,
}

impl RawCustom {
    /// `KEY=VALUE` from `--set`, a line of `specfirst.toml`'s entry (`types.Book.rename =
    /// "Volume"`, `derives = ["PartialEq"]`).
    pub(crate) fn from_assignment(text: &str) -> Result<Self, String> {
        let table: toml::Table = text
            .parse()
            .map_err(|e: toml::de::Error| format!("--set {text:?}: {}", e.message()))?;
        toml::Value::Table(table)
            .try_into()
            .map_err(|e: toml::de::Error| format!("--set {text:?}: {}", e.message()))
    }

    /// These keys put over `settings`: lists extended, tables merged key by key.
    pub(crate) fn apply(self, settings: &mut Settings) {
        settings.derives.extend(self.derives);
        for (name, raw) in self.types {
            let setting = settings.types.entry(name).or_default();
            if raw.rename.is_some() {
                setting.rename = raw.rename;
            }
            setting.derives.extend(raw.derives);
            setting.fields.extend(raw.fields);
            setting.variants.extend(raw.variants);
            setting.attrs.extend(raw.attrs);
            if raw.replace.is_some() {
                setting.replace = raw.replace;
            }
        }
        settings.method_names.extend(self.method_names);
        settings.dependencies.extend(
            self.dependencies
                .into_iter()
                .map(|(k, v)| (k, v.to_string())),
        );
    }
}

impl Settings {
    /// The customising settings as TOML keys (dotted) and values, in the order
    /// `specfirst.toml` would list them: what `--set KEY=VALUE` takes, and what a
    /// crate's manifest records.
    pub fn assignments(&self) -> Vec<(String, String)> {
        let string = |text: &str| toml::Value::String(text.to_string()).to_string();
        let list = |items: &[String]| {
            toml::Value::Array(items.iter().cloned().map(toml::Value::String).collect()).to_string()
        };
        let key = |text: &str| {
            let bare = !text.is_empty()
                && text
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
            if bare {
                text.to_string()
            } else {
                string(text)
            }
        };
        let mut out = Vec::new();
        if !self.derives.is_empty() {
            out.push(("derives".to_string(), list(&self.derives)));
        }
        for (name, setting) in &self.types {
            let at = format!("types.{}", key(name));
            if let Some(rename) = &setting.rename {
                out.push((format!("{at}.rename"), string(rename)));
            }
            if !setting.derives.is_empty() {
                out.push((format!("{at}.derives"), list(&setting.derives)));
            }
            for (property, name) in &setting.fields {
                out.push((format!("{at}.fields.{}", key(property)), string(name)));
            }
            for (value, name) in &setting.variants {
                out.push((format!("{at}.variants.{}", key(value)), string(name)));
            }
            if !setting.attrs.is_empty() {
                out.push((format!("{at}.attrs"), list(&setting.attrs)));
            }
            if let Some(replace) = &setting.replace {
                out.push((format!("{at}.replace"), string(replace)));
            }
        }
        for (operation, name) in &self.method_names {
            out.push((format!("method_names.{}", key(operation)), string(name)));
        }
        for (name, value) in &self.dependencies {
            out.push((format!("dependencies.{}", key(name)), value.clone()));
        }
        out
    }
}

/// A dependency's TOML value as a crate one directory deeper writes it: a relative
/// `path` gets `../` in front; anything else is unchanged.
pub(crate) fn one_level_down(value: &str) -> String {
    let Ok(mut table) = format!("x = {value}").parse::<toml::Table>() else {
        return value.to_string();
    };
    let Some(toml::Value::Table(dependency)) = table.get_mut("x") else {
        return value.to_string();
    };
    let Some(toml::Value::String(path)) = dependency.get_mut("path") else {
        return value.to_string();
    };
    if std::path::Path::new(path.as_str()).is_relative() {
        *path = format!("../{path}");
    }
    let mut inline = toml::Table::new();
    std::mem::swap(&mut inline, dependency);
    toml::Value::Table(inline).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn custom(assignments: &[&str]) -> Settings {
        let mut settings = Settings::default();
        for text in assignments {
            RawCustom::from_assignment(text)
                .unwrap()
                .apply(&mut settings);
        }
        settings
    }

    #[test]
    fn assignments_read_back_to_the_same_settings() {
        let settings = custom(&[
            r#"derives=["PartialEq", "schemars::JsonSchema"]"#,
            r#"types.Book.rename="Volume""#,
            r##"types.Book.attrs=["#[non_exhaustive]"]"##,
            r#"types."odd name".replace="my_types::Odd""#,
            r#"method_names.listBooks="books""#,
            r#"dependencies.my-types={ path = "../my-types" }"#,
            r#"dependencies.oxnet="0.1""#,
        ]);
        assert_eq!(settings.derives, ["PartialEq", "schemars::JsonSchema"]);
        assert_eq!(settings.types["Book"].rename.as_deref(), Some("Volume"));
        assert_eq!(
            settings.types["odd name"].replace.as_deref(),
            Some("my_types::Odd")
        );
        assert_eq!(settings.method_names["listBooks"], "books");
        assert_eq!(settings.dependencies["oxnet"], r#""0.1""#);
        let again = custom(
            &settings
                .assignments()
                .iter()
                .map(|(key, value)| format!("{key}={value}"))
                .collect::<Vec<_>>()
                .iter()
                .map(String::as_str)
                .collect::<Vec<_>>(),
        );
        assert_eq!(again, settings);
        assert!(settings.check().is_ok(), "{:?}", settings.check());
    }

    #[test]
    fn bad_settings_say_what_is_wrong() {
        for (assignment, words) in [
            (r#"derives=["not a path"]"#, "derive \"not a path\""),
            (r#"types.Book.rename="volume""#, "write \"Volume\""),
            (r#"types.Book.rename="fn""#, "keyword"),
            (
                r#"types.Book.attrs=["non_exhaustive"]"#,
                "not one attribute",
            ),
            (r#"types.Book.replace="not a type!""#, "not a Rust type"),
            (r#"method_names.listBooks="ListBooks""#, "snake_case"),
            (r#"dependencies.oxnet={ path = "#, "--set"),
        ] {
            let error = match RawCustom::from_assignment(assignment) {
                Err(error) => error,
                Ok(raw) => {
                    let mut settings = Settings::default();
                    raw.apply(&mut settings);
                    settings.check().unwrap_err()
                }
            };
            assert!(error.contains(words), "{assignment}: {error}");
        }
        let unknown = RawCustom::from_assignment(r#"types.Book.renamed="X""#).unwrap_err();
        assert!(unknown.contains("unknown field `renamed`"), "{unknown}");
        let twice = custom(&[r#"method_names.a="x""#, r#"method_names.b="x""#]);
        assert!(twice.check().unwrap_err().contains("another operation"));
    }

    #[test]
    fn names_must_be_in_the_spec() {
        let document = serde_json::json!({
            "paths": {"/books": {"get": {"operationId": "listBooks"}}},
            "components": {"schemas": {"Book": {}, "Volume": {}}},
        });
        let check = |assignment: &str| custom(&[assignment]).check_names(&document);
        assert!(check(r#"types.Book.derives=["Hash"]"#).is_ok());
        let error = check(r#"types.Bok.derives=["Hash"]"#).unwrap_err();
        assert!(error.contains("did you mean \"Book\""), "{error}");
        let error = check(r#"method_names.listBook="x""#).unwrap_err();
        assert!(error.contains("did you mean \"listBooks\""), "{error}");
        let error = check(r#"types.Book.rename="Volume""#).unwrap_err();
        assert!(error.contains("component \"Volume\""), "{error}");
    }

    #[test]
    fn a_path_dependency_moves_one_level_down() {
        assert_eq!(
            one_level_down(r#"{ path = "../t" }"#),
            r#"{ path = "../../t" }"#
        );
        assert_eq!(
            one_level_down(r#"{ path = "/abs/t" }"#),
            r#"{ path = "/abs/t" }"#
        );
        assert_eq!(one_level_down(r#""0.1""#), r#""0.1""#);
    }
}
