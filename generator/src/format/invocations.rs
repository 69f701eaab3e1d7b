//! Invocations of the runtime's `serde_struct!` and `deserialize_struct!` laid out as
//! rustfmt lays out a list of short items. prettyplease writes a macro's tokens as one
//! flowing paragraph (`title : "title" , ...`), broken wherever the line is full.
//!
//! An invocation reads `Name { field, field: "key" default, ... }`, then
//! `, deny_unknown_fields` or nothing; it is written on one line when that fits in
//! [`WIDTH`] columns, else with the fields filling lines of their own.

use proc_macro2::Ident;
use quote::ToTokens;
use syn::ext::IdentExt;
use syn::{LitStr, Token};

/// The widest line written, as rustfmt's default.
const WIDTH: usize = 100;

/// `text`, formatted code, with each invocation of the macro `name` (spelled `name!(`
/// or by a path ending so) laid out, and a blank line after it when an item follows, as
/// between other items.
pub(crate) fn lay_out(text: &str, name: &str) -> String {
    let head = format!("{name}!(");
    let mut out = String::with_capacity(text.len());
    let mut lines = text.split_inclusive('\n').peekable();
    while let Some(line) = lines.next() {
        let code = line.trim_start();
        let Some(at) = code.find(&head) else {
            out.push_str(line);
            continue;
        };
        let path = &code[..at];
        if !(path.is_empty() || path.ends_with("::")) || path.contains(char::is_whitespace) {
            out.push_str(line);
            continue;
        }
        let indent = &line[..line.len() - code.len()];
        let mut invocation = line.to_string();
        while !invocation.trim_end().ends_with(");") {
            let Some(next) = lines.next() else { break };
            invocation.push_str(next);
        }
        match written(&invocation, indent) {
            Some(text) => out.push_str(&text),
            None => {
                // Still valid code, but splitting types into model crates would not
                // place it.
                debug_assert!(false, "an invocation does not parse: {invocation}");
                out.push_str(&invocation);
            }
        }
        // prettyplease writes a short invocation on one line, which the spacing of
        // items does not see end.
        if lines
            .peek()
            .is_some_and(|next| !next.trim().is_empty() && !next.trim_start().starts_with('}'))
        {
            out.push('\n');
        }
    }
    out
}

/// An invocation's tokens.
struct Invocation {
    name: Ident,
    /// Each field as written: the field, `: "key"`, then its mark (` default`,
    /// ` optional`, ...).
    fields: Vec<String>,
    deny: Option<Ident>,
}

impl syn::parse::Parse for Invocation {
    fn parse(input: syn::parse::ParseStream<'_>) -> syn::Result<Self> {
        let name = input.parse()?;
        let body;
        syn::braced!(body in input);
        let mut fields = Vec::new();
        while !body.is_empty() {
            let mut field = Ident::parse_any(&body)?.to_string();
            if body.peek(Token![:]) {
                body.parse::<Token![:]>()?;
                let key: LitStr = body.parse()?;
                field.push_str(&format!(": {}", key.to_token_stream()));
            }
            if !body.is_empty() && !body.peek(Token![,]) {
                let word: Ident = body.parse()?;
                field.push_str(&format!(" {word}"));
                if body.peek(Token![=]) {
                    body.parse::<Token![=]>()?;
                    let path: syn::Path = body.parse()?;
                    field.push_str(&format!(" = {}", tight(&path)));
                }
            }
            fields.push(field);
            if !body.is_empty() {
                body.parse::<Token![,]>()?;
            }
        }
        let deny = if input.is_empty() {
            None
        } else {
            input.parse::<Token![,]>()?;
            Some(input.parse()?)
        };
        Ok(Invocation { name, fields, deny })
    }
}

/// `node` as a person writes it (`defaults::default_u64::<i64, 10>`): its tokens' text
/// without the spaces around `::`, `<` and `>`, inside brackets and before `,`, when
/// that reads as the same tokens; else the tokens' text.
pub(super) fn tight<T: ToTokens + syn::parse::Parse>(node: &T) -> String {
    let tokens = node.to_token_stream().to_string();
    let text = tokens
        .replace(" :: ", "::")
        .replace(":: ", "::")
        .replace("< ", "<")
        .replace(" <", "<")
        .replace(" >", ">")
        .replace(" ,", ",")
        .replace("[ ", "[")
        .replace(" ]", "]");
    match syn::parse_str::<T>(&text) {
        Ok(reread) if reread.to_token_stream().to_string() == tokens => text,
        _ => tokens,
    }
}

/// `text`, one invocation as prettyplease formats it, laid out at `indent`.
fn written(text: &str, indent: &str) -> Option<String> {
    let mac: syn::ItemMacro = syn::parse_str(text.trim()).ok()?;
    let invocation: Invocation = mac.mac.parse_body().ok()?;
    let path = mac.mac.path.to_token_stream().to_string().replace(' ', "");
    let head = format!("{indent}{path}!({} {{", invocation.name);
    let tail = match &invocation.deny {
        Some(deny) => format!("}}, {deny});\n"),
        None => "});\n".to_string(),
    };
    let fields = invocation.fields.join(", ");
    if fields.is_empty() {
        return Some(format!("{head}{tail}"));
    }
    let one_line = format!("{head} {fields} {tail}");
    if one_line.len() <= WIDTH + 1 {
        return Some(one_line);
    }
    let inner = format!("{indent}    ");
    let mut out = head;
    let mut line = String::new();
    for field in &invocation.fields {
        if !line.is_empty() && inner.len() + line.len() + field.len() + 1 > WIDTH {
            out.push_str(&format!("\n{inner}{}", line.trim_end()));
            line.clear();
        }
        line.push_str(field);
        line.push_str(", ");
    }
    out.push_str(&format!("\n{inner}{}\n{indent}{tail}", line.trim_end()));
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_short_invocation_is_one_line_and_a_long_one_fills_lines() {
        let text = "    deserialize_struct!(A { a });\n    \
                    pub struct B {}\n    \
                    deserialize_struct!(\n        \
                        Long { alpha : \"Alpha\" , beta default , gamma default = defaults :: \
                        default_u64 :: < i64 , 10 > , delta required , epsilon , zeta , eta , \
                        theta }\n    \
                    );\n";
        assert_eq!(
            lay_out(text, "deserialize_struct"),
            "    deserialize_struct!(A { a });\n\
             \n    \
             pub struct B {}\n    \
             deserialize_struct!(Long {\n        \
                 alpha: \"Alpha\", beta default, gamma default = defaults::default_u64::<i64, 10>,\n        \
                 delta required, epsilon, zeta, eta, theta,\n    \
             });\n"
        );
    }

    #[test]
    fn a_path_and_deny_unknown_fields_are_kept() {
        let text = "::specfirst_runtime::deserialize_struct!(Scan { a, b : \"B\" }, \
                    deny_unknown_fields);\n}\n";
        assert_eq!(
            lay_out(text, "deserialize_struct"),
            "::specfirst_runtime::deserialize_struct!(Scan { a, b: \"B\" }, \
             deny_unknown_fields);\n}\n"
        );
    }

    #[test]
    fn other_macros_are_left_alone() {
        let text = "    string_enum! {\n        pub enum A {}\n    }\n    x_deserialize_struct!(A { a });\n";
        assert_eq!(lay_out(text, "deserialize_struct"), text);
    }
}
