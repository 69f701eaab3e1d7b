//! The other half of [`serde_struct!`](crate::serde_struct): a struct written as a map
//! of its properties. The macro's expansion lists each field with whether it is
//! written ([`Out`]); [`write_struct`] writes them, in one generic body per tuple width.

use serde::ser::{Serialize, SerializeStruct, Serializer};

use super::slots::{Wide, GROUP};

/// A field to write, and whether it is written (a skipped one is an empty `Option`,
/// collection or `Nullable` the struct leaves out).
pub struct Out<'a, T: ?Sized>(pub &'a T, pub bool);

/// The fields of a struct to write: tuples of up to [`GROUP`] [`Out`]s, and [`Wide`]
/// tuples of up to 32 such tuples.
pub trait Outs {
    /// How many fields are written, which serde's derive announces.
    fn count(&self) -> usize;
    /// Writes each field with its key among `keys`, or skips it.
    fn write<S: SerializeStruct>(
        &self,
        state: &mut S,
        keys: &'static [&'static str],
    ) -> Result<(), S::Error>;
}

/// Writes the struct `name` as a map of the fields `outs`, keyed by `keys`, as serde's
/// derive writes it.
pub fn write_struct<S: Serializer, O: Outs>(
    serializer: S,
    name: &'static str,
    keys: &'static [&'static str],
    outs: O,
) -> Result<S::Ok, S::Error> {
    let mut state = serializer.serialize_struct(name, outs.count())?;
    outs.write(&mut state, keys)?;
    state.end()
}

/// `Outs` for the tuple of the fields named, numbered by the indices given.
macro_rules! outs_tuple {
    ($($value:ident $index:tt),*) => {
        impl<$($value: Serialize + ?Sized),*> Outs for ($(Out<'_, $value>,)*) {
            fn count(&self) -> usize {
                0 $(+ usize::from(self.$index.1))*
            }

            #[allow(unused_variables)] // The empty tuple writes no field.
            fn write<S: SerializeStruct>(
                &self,
                state: &mut S,
                keys: &'static [&'static str],
            ) -> Result<(), S::Error> {
                $(
                    if self.$index.1 {
                        state.serialize_field(keys[$index], self.$index.0)?;
                    } else {
                        state.skip_field(keys[$index])?;
                    }
                )*
                Ok(())
            }
        }
    };
}

/// `Outs` for a [`Wide`] tuple of the groups named, numbered by the indices given.
macro_rules! outs_wide {
    ($($group:ident $index:tt),*) => {
        impl<$($group: Outs),*> Outs for Wide<($($group,)*)> {
            fn count(&self) -> usize {
                0 $(+ self.0.$index.count())*
            }

            fn write<S: SerializeStruct>(
                &self,
                state: &mut S,
                keys: &'static [&'static str],
            ) -> Result<(), S::Error> {
                $(self.0.$index.write(state, &keys[$index * GROUP..])?;)*
                Ok(())
            }
        }
    };
}

up_to_a_group!(outs_tuple);
one_to_32_groups!(outs_wide);
