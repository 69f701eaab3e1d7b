//! The types standing for operations in the generated `handlers` module, each declared
//! by the runtime's `operation!` and named after its request type.

use std::collections::HashMap;

use super::ident;
use crate::ir::Operation;
use crate::naming::Namespace;

/// The type standing for each operation in the `handlers` module, by method name.
pub struct OperationTypes(HashMap<String, String>);

impl OperationTypes {
    /// Names for `operations`: an operation's request type's name without `Request`
    /// (`GetBook`), followed by `Operation` when that is a keyword, a name the module
    /// uses (the impls' `A`, the decoders' `M`, the imports) or one of the prelude's,
    /// which the module's code names; numbered if still taken.
    pub fn of(operations: &[Operation]) -> Self {
        const TAKEN: &[&str] = &[
            "",
            "A",
            "M",
            "Api",
            "Arc",
            "Self",
            "AsMut",
            "AsRef",
            "Box",
            "Clone",
            "Copy",
            "Default",
            "DoubleEndedIterator",
            "Drop",
            "Eq",
            "Err",
            "ExactSizeIterator",
            "Extend",
            "Fn",
            "FnMut",
            "FnOnce",
            "From",
            "FromIterator",
            "Into",
            "IntoIterator",
            "Iterator",
            "None",
            "Ok",
            "Option",
            "Ord",
            "PartialEq",
            "PartialOrd",
            "Result",
            "Send",
            "Sized",
            "Some",
            "String",
            "Sync",
            "ToOwned",
            "ToString",
            "TryFrom",
            "TryInto",
            "Unpin",
            "Vec",
        ];
        let mut names = Namespace::with_reserved(TAKEN.iter().copied());
        let wanted: Vec<&str> = operations
            .iter()
            .map(|op| {
                op.request_type
                    .strip_suffix("Request")
                    .unwrap_or(&op.request_type)
            })
            .collect();
        // Names as they are come first, so a suffixed one cannot take another's.
        for name in &wanted {
            if !TAKEN.contains(name) {
                names.claim(name);
            }
        }
        let types = operations
            .iter()
            .zip(wanted)
            .map(|(op, name)| {
                let name = if TAKEN.contains(&name) {
                    names.claim(&format!("{name}Operation"))
                } else {
                    name.to_string()
                };
                (op.method_name.clone(), name)
            })
            .collect();
        OperationTypes(types)
    }

    /// The type standing for `op`.
    pub fn get(&self, op: &Operation) -> proc_macro2::Ident {
        ident(&self.0[&op.method_name])
    }
}
