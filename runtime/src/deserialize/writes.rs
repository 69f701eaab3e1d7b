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

outs_tuple!();
outs_tuple!(T0 0);
outs_tuple!(T0 0, T1 1);
outs_tuple!(T0 0, T1 1, T2 2);
outs_tuple!(T0 0, T1 1, T2 2, T3 3);
outs_tuple!(T0 0, T1 1, T2 2, T3 3, T4 4);
outs_tuple!(T0 0, T1 1, T2 2, T3 3, T4 4, T5 5);
outs_tuple!(T0 0, T1 1, T2 2, T3 3, T4 4, T5 5, T6 6);
outs_tuple!(T0 0, T1 1, T2 2, T3 3, T4 4, T5 5, T6 6, T7 7);
outs_tuple!(T0 0, T1 1, T2 2, T3 3, T4 4, T5 5, T6 6, T7 7, T8 8);
outs_tuple!(T0 0, T1 1, T2 2, T3 3, T4 4, T5 5, T6 6, T7 7, T8 8, T9 9);
outs_tuple!(T0 0, T1 1, T2 2, T3 3, T4 4, T5 5, T6 6, T7 7, T8 8, T9 9, T10 10);
outs_tuple!(T0 0, T1 1, T2 2, T3 3, T4 4, T5 5, T6 6, T7 7, T8 8, T9 9, T10 10, T11 11);
outs_tuple!(T0 0, T1 1, T2 2, T3 3, T4 4, T5 5, T6 6, T7 7, T8 8, T9 9, T10 10, T11 11, T12 12);
outs_tuple!(
    T0 0, T1 1, T2 2, T3 3, T4 4, T5 5, T6 6, T7 7, T8 8, T9 9, T10 10, T11 11, T12 12, T13 13
);
outs_tuple!(
    T0 0, T1 1, T2 2, T3 3, T4 4, T5 5, T6 6, T7 7, T8 8, T9 9, T10 10, T11 11, T12 12, T13 13,
    T14 14
);
outs_tuple!(
    T0 0, T1 1, T2 2, T3 3, T4 4, T5 5, T6 6, T7 7, T8 8, T9 9, T10 10, T11 11, T12 12, T13 13,
    T14 14, T15 15
);

outs_wide!(G0 0);
outs_wide!(G0 0, G1 1);
outs_wide!(G0 0, G1 1, G2 2);
outs_wide!(G0 0, G1 1, G2 2, G3 3);
outs_wide!(G0 0, G1 1, G2 2, G3 3, G4 4);
outs_wide!(G0 0, G1 1, G2 2, G3 3, G4 4, G5 5);
outs_wide!(G0 0, G1 1, G2 2, G3 3, G4 4, G5 5, G6 6);
outs_wide!(G0 0, G1 1, G2 2, G3 3, G4 4, G5 5, G6 6, G7 7);
outs_wide!(G0 0, G1 1, G2 2, G3 3, G4 4, G5 5, G6 6, G7 7, G8 8);
outs_wide!(G0 0, G1 1, G2 2, G3 3, G4 4, G5 5, G6 6, G7 7, G8 8, G9 9);
outs_wide!(G0 0, G1 1, G2 2, G3 3, G4 4, G5 5, G6 6, G7 7, G8 8, G9 9, G10 10);
outs_wide!(G0 0, G1 1, G2 2, G3 3, G4 4, G5 5, G6 6, G7 7, G8 8, G9 9, G10 10, G11 11);
outs_wide!(G0 0, G1 1, G2 2, G3 3, G4 4, G5 5, G6 6, G7 7, G8 8, G9 9, G10 10, G11 11, G12 12);
outs_wide!(
    G0 0, G1 1, G2 2, G3 3, G4 4, G5 5, G6 6, G7 7, G8 8, G9 9, G10 10, G11 11, G12 12, G13 13
);
outs_wide!(
    G0 0, G1 1, G2 2, G3 3, G4 4, G5 5, G6 6, G7 7, G8 8, G9 9, G10 10, G11 11, G12 12, G13 13,
    G14 14
);
outs_wide!(
    G0 0, G1 1, G2 2, G3 3, G4 4, G5 5, G6 6, G7 7, G8 8, G9 9, G10 10, G11 11, G12 12, G13 13,
    G14 14, G15 15
);
outs_wide!(
    G0 0, G1 1, G2 2, G3 3, G4 4, G5 5, G6 6, G7 7, G8 8, G9 9, G10 10, G11 11, G12 12, G13 13,
    G14 14, G15 15, G16 16
);
outs_wide!(
    G0 0, G1 1, G2 2, G3 3, G4 4, G5 5, G6 6, G7 7, G8 8, G9 9, G10 10, G11 11, G12 12, G13 13,
    G14 14, G15 15, G16 16, G17 17
);
outs_wide!(
    G0 0, G1 1, G2 2, G3 3, G4 4, G5 5, G6 6, G7 7, G8 8, G9 9, G10 10, G11 11, G12 12, G13 13,
    G14 14, G15 15, G16 16, G17 17, G18 18
);
outs_wide!(
    G0 0, G1 1, G2 2, G3 3, G4 4, G5 5, G6 6, G7 7, G8 8, G9 9, G10 10, G11 11, G12 12, G13 13,
    G14 14, G15 15, G16 16, G17 17, G18 18, G19 19
);
outs_wide!(
    G0 0, G1 1, G2 2, G3 3, G4 4, G5 5, G6 6, G7 7, G8 8, G9 9, G10 10, G11 11, G12 12, G13 13,
    G14 14, G15 15, G16 16, G17 17, G18 18, G19 19, G20 20
);
outs_wide!(
    G0 0, G1 1, G2 2, G3 3, G4 4, G5 5, G6 6, G7 7, G8 8, G9 9, G10 10, G11 11, G12 12, G13 13,
    G14 14, G15 15, G16 16, G17 17, G18 18, G19 19, G20 20, G21 21
);
outs_wide!(
    G0 0, G1 1, G2 2, G3 3, G4 4, G5 5, G6 6, G7 7, G8 8, G9 9, G10 10, G11 11, G12 12, G13 13,
    G14 14, G15 15, G16 16, G17 17, G18 18, G19 19, G20 20, G21 21, G22 22
);
outs_wide!(
    G0 0, G1 1, G2 2, G3 3, G4 4, G5 5, G6 6, G7 7, G8 8, G9 9, G10 10, G11 11, G12 12, G13 13,
    G14 14, G15 15, G16 16, G17 17, G18 18, G19 19, G20 20, G21 21, G22 22, G23 23
);
outs_wide!(
    G0 0, G1 1, G2 2, G3 3, G4 4, G5 5, G6 6, G7 7, G8 8, G9 9, G10 10, G11 11, G12 12, G13 13,
    G14 14, G15 15, G16 16, G17 17, G18 18, G19 19, G20 20, G21 21, G22 22, G23 23, G24 24
);
outs_wide!(
    G0 0, G1 1, G2 2, G3 3, G4 4, G5 5, G6 6, G7 7, G8 8, G9 9, G10 10, G11 11, G12 12, G13 13,
    G14 14, G15 15, G16 16, G17 17, G18 18, G19 19, G20 20, G21 21, G22 22, G23 23, G24 24,
    G25 25
);
outs_wide!(
    G0 0, G1 1, G2 2, G3 3, G4 4, G5 5, G6 6, G7 7, G8 8, G9 9, G10 10, G11 11, G12 12, G13 13,
    G14 14, G15 15, G16 16, G17 17, G18 18, G19 19, G20 20, G21 21, G22 22, G23 23, G24 24,
    G25 25, G26 26
);
outs_wide!(
    G0 0, G1 1, G2 2, G3 3, G4 4, G5 5, G6 6, G7 7, G8 8, G9 9, G10 10, G11 11, G12 12, G13 13,
    G14 14, G15 15, G16 16, G17 17, G18 18, G19 19, G20 20, G21 21, G22 22, G23 23, G24 24,
    G25 25, G26 26, G27 27
);
outs_wide!(
    G0 0, G1 1, G2 2, G3 3, G4 4, G5 5, G6 6, G7 7, G8 8, G9 9, G10 10, G11 11, G12 12, G13 13,
    G14 14, G15 15, G16 16, G17 17, G18 18, G19 19, G20 20, G21 21, G22 22, G23 23, G24 24,
    G25 25, G26 26, G27 27, G28 28
);
outs_wide!(
    G0 0, G1 1, G2 2, G3 3, G4 4, G5 5, G6 6, G7 7, G8 8, G9 9, G10 10, G11 11, G12 12, G13 13,
    G14 14, G15 15, G16 16, G17 17, G18 18, G19 19, G20 20, G21 21, G22 22, G23 23, G24 24,
    G25 25, G26 26, G27 27, G28 28, G29 29
);
outs_wide!(
    G0 0, G1 1, G2 2, G3 3, G4 4, G5 5, G6 6, G7 7, G8 8, G9 9, G10 10, G11 11, G12 12, G13 13,
    G14 14, G15 15, G16 16, G17 17, G18 18, G19 19, G20 20, G21 21, G22 22, G23 23, G24 24,
    G25 25, G26 26, G27 27, G28 28, G29 29, G30 30
);
outs_wide!(
    G0 0, G1 1, G2 2, G3 3, G4 4, G5 5, G6 6, G7 7, G8 8, G9 9, G10 10, G11 11, G12 12, G13 13,
    G14 14, G15 15, G16 16, G17 17, G18 18, G19 19, G20 20, G21 21, G22 22, G23 23, G24 24,
    G25 25, G26 26, G27 27, G28 28, G29 29, G30 30, G31 31
);
