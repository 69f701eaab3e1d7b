//! Invocations of the runtime's `operation!` laid out as a person writes them: a doc
//! comment, the head line, then one `key: value,` line per entry. prettyplease writes a
//! macro's tokens as one flowing paragraph.

use proc_macro2::Ident;
use quote::ToTokens;
use syn::parse::{Parse, ParseStream};
use syn::{Attribute, LitStr, Token, Visibility};

use super::invocations::tight;

/// The macro's name as generated code invokes it.
const HEAD: &str = "rt::operation! {";

/// `text`, formatted code, with each `rt::operation! { ... }` laid out.
pub(crate) fn lay_out(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut lines = text.split_inclusive('\n');
    while let Some(line) = lines.next() {
        if line.trim() != HEAD {
            out.push_str(line);
            continue;
        }
        // A blank line before it, as between other items.
        if !(out.is_empty() || out.ends_with("\n\n") || out.ends_with("{\n")) {
            out.push('\n');
        }
        let indent = &line[..line.len() - line.trim_start().len()];
        let end = format!("{indent}}}");
        let mut invocation = line.to_string();
        for next in lines.by_ref() {
            invocation.push_str(next);
            if next.trim_end() == end {
                break;
            }
        }
        match written(&invocation, indent) {
            Some(text) => out.push_str(&text),
            None => {
                // Still valid code, only not laid out.
                debug_assert!(
                    false,
                    "an operation! invocation does not parse: {invocation}"
                );
                out.push_str(&invocation);
            }
        }
    }
    out
}

/// One invocation's contents.
struct Invocation {
    attrs: Vec<Attribute>,
    vis: Visibility,
    name: Ident,
    api: Ident,
    id: LitStr,
    /// Each entry: its key and its value's text.
    entries: Vec<(Ident, String)>,
}

impl Parse for Invocation {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let attrs = input.call(Attribute::parse_outer)?;
        let vis = input.parse()?;
        let name = input.parse()?;
        input.parse::<Token![for]>()?;
        let api = input.parse()?;
        input.parse::<Token![=]>()?;
        let id = input.parse()?;
        let body;
        syn::braced!(body in input);
        let mut entries = Vec::new();
        while !body.is_empty() {
            let key: Ident = body.parse()?;
            body.parse::<Token![:]>()?;
            let value = match key.to_string().as_str() {
                "request" | "response" | "principal" => tight(&body.parse::<syn::Type>()?),
                "authenticate" | "decode" | "decode_async" => {
                    tight(&body.parse::<syn::ExprPath>()?)
                }
                "produces" => tight(&body.parse::<syn::ExprArray>()?),
                _ => body.parse::<Ident>()?.to_string(),
            };
            entries.push((key, value));
            if !body.is_empty() {
                body.parse::<Token![,]>()?;
            }
        }
        Ok(Invocation {
            attrs,
            vis,
            name,
            api,
            id,
            entries,
        })
    }
}

/// `text`, one invocation as prettyplease formats it, laid out at `indent`.
fn written(text: &str, indent: &str) -> Option<String> {
    let mac: syn::ItemMacro = syn::parse_str(text.trim()).ok()?;
    let invocation: Invocation = mac.mac.parse_body().ok()?;
    let inner = format!("{indent}    ");
    let mut out = format!("{indent}{HEAD}\n");
    for attr in &invocation.attrs {
        match &attr.meta {
            syn::Meta::NameValue(doc) if doc.path.is_ident("doc") => {
                let syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(line),
                    ..
                }) = &doc.value
                else {
                    return None;
                };
                for line in line.value().lines() {
                    out.push_str(&format!("{inner}///{line}\n"));
                }
            }
            _ => out.push_str(&format!("{inner}{}\n", attr.to_token_stream())),
        }
    }
    let vis = tight(&invocation.vis).replace("pub (", "pub(");
    let vis = if vis.is_empty() {
        vis
    } else {
        format!("{vis} ")
    };
    out.push_str(&format!(
        "{inner}{vis}{} for {} = {} {{\n",
        invocation.name,
        invocation.api,
        invocation.id.to_token_stream()
    ));
    for (key, value) in &invocation.entries {
        out.push_str(&format!("{inner}    {key}: {value},\n"));
    }
    out.push_str(&format!("{inner}}}\n{indent}}}\n"));
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_invocation_is_a_line_per_entry() {
        let text = "    static A: u8 = 1;\n    rt::operation! {\n        \
                    #[doc = \"`listBooks`: `GET /books`.\"] pub\n        \
                    (super) ListBooks for Api = \"listBooks\" { principal : < A as super :: \
                    Auth > :: Principal, authenticate : authenticate_bearer, request : \
                    super::ListBooksRequest <\n        \
                    A::ListBooksMarker >, response : super::ListBooksResponse, decode :\n        \
                    decode_list_books:: < A::ListBooksMarker >, call : list_books, produces : \
                    [\"text/csv\", \"*/*\"], }\n    \
                    }\n\n    fn decode_list_books() {}\n";
        assert_eq!(
            lay_out(text),
            "    static A: u8 = 1;\n\n    rt::operation! {\n        \
                 ///`listBooks`: `GET /books`.\n        \
                 pub(super) ListBooks for Api = \"listBooks\" {\n            \
                     principal: <A as super::Auth>::Principal,\n            \
                     authenticate: authenticate_bearer,\n            \
                     request: super::ListBooksRequest<A::ListBooksMarker>,\n            \
                     response: super::ListBooksResponse,\n            \
                     decode: decode_list_books::<A::ListBooksMarker>,\n            \
                     call: list_books,\n            \
                     produces: [\"text/csv\", \"*/*\"],\n        \
                 }\n    \
             }\n\n    fn decode_list_books() {}\n"
        );
    }

    #[test]
    fn other_code_is_left_alone() {
        let text = "    rt::other! {\n        a b\n    }\n    fn operation() {}\n";
        assert_eq!(lay_out(text), text);
    }
}
