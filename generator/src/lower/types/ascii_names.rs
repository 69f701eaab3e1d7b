//! Variants typify names after non-ASCII enum values (`ʿAyn`), renamed to ASCII names
//! (`Ayn`). rustc warns of some characters in identifiers (`uncommon_codepoints`), and
//! people must be able to type the names they match on. The JSON keeps the value: the
//! renames go through [`renames`](super::renames), which keeps a serde `rename` to it.

use std::collections::BTreeMap;

use typify::{TypeDetails, TypeSpace};

use super::renames::TypeRenames;
use crate::naming::Namespace;

/// `renames` (the settings' renames, by type name) with a rename added for every
/// non-ASCII variant name in `space` that no setting renames.
pub(super) fn with_ascii_variants(
    space: &TypeSpace,
    mut renames: BTreeMap<String, TypeRenames>,
) -> BTreeMap<String, TypeRenames> {
    for ty in space.iter_types() {
        let TypeDetails::Enum(details) = ty.details() else {
            continue;
        };
        let names: Vec<&str> = details.variants().map(|(name, _)| name).collect();
        if names.iter().all(|name| name.is_ascii()) {
            continue;
        }
        let type_name = ty.name();
        let wanted = renames.entry(type_name).or_default();
        let mut taken = Namespace::with_reserved(
            names
                .iter()
                .copied()
                .filter(|name| name.is_ascii())
                .chain(wanted.variants.values().map(String::as_str)),
        );
        for name in names.into_iter().filter(|name| !name.is_ascii()) {
            if !wanted.variants.contains_key(name) {
                let new = taken.claim(&ascii_name(name));
                wanted.variants.insert(name.to_string(), new);
            }
        }
    }
    renames
}

/// An ASCII name for the variant `name`: its letters transliterated (`ñ` is `n`,
/// `ß` is `ss`), what is not a letter or digit dropped, the first letter upper case;
/// `Variant` when nothing is left, and a leading digit after a `V`.
fn ascii_name(name: &str) -> String {
    let text = deunicode::deunicode(name);
    let mut out = String::new();
    for word in text.split(|c: char| !c.is_ascii_alphanumeric()) {
        let mut chars = word.chars();
        if let Some(first) = chars.next() {
            out.push(first.to_ascii_uppercase());
            out.extend(chars);
        }
    }
    match out.chars().next() {
        None => "Variant".to_string(),
        Some(first) if first.is_ascii_digit() => format!("V{out}"),
        Some(_) => out,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_transliterated_and_kept_apart() {
        assert_eq!(ascii_name("ʿAyn"), "Ayn");
        assert_eq!(ascii_name("Ñandú"), "Nandu");
        assert_eq!(ascii_name("Straße"), "Strasse");
        assert_eq!(ascii_name("日本"), "RiBen");
        assert_eq!(ascii_name("ʿ"), "Variant");
        assert_eq!(ascii_name("٣x"), "V3x");
    }
}
