//! Forgiving field types for upstream JSON: a field of the wrong type reads as absent instead of
//! failing the whole record, and fields we do not name are skipped without being built.

use std::fmt;
use std::marker::PhantomData;

use serde::de::value::MapAccessDeserializer;
use serde::de::{self, Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

/// A count or id: a non-negative whole number (also written as a string of digits upstream).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Num(pub(crate) Option<u64>);

/// A text value.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Text(pub(crate) Option<String>);

/// A boolean.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Flag(pub(crate) Option<bool>);

/// A nested object; anything that is not an object reads as absent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Obj<T>(pub(crate) Option<T>);

impl<T> Default for Obj<T> {
    fn default() -> Self {
        Self(None)
    }
}

/// A list of objects; members that are not objects are dropped, a non-list reads as empty.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Objs<T>(pub(crate) Vec<T>);

impl<T> Default for Objs<T> {
    fn default() -> Self {
        Self(Vec::new())
    }
}

impl Text {
    /// The text, trimmed, when it is not blank (SoundCloud writes `""` for "not set").
    pub(crate) fn non_blank(&self) -> Option<String> {
        self.0
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    }
}

/// Implements the visitor methods that turn every kind of value into "absent", draining
/// compound values so the parser moves past them.
macro_rules! absent_otherwise {
    ($($skip:ident),*) => {
        $(absent_otherwise!(@one $skip);)*
    };
    (@one bool) => { fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> { Ok(Default::default()) } };
    (@one i64) => { fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> { Ok(Default::default()) } };
    (@one u64) => { fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> { Ok(Default::default()) } };
    (@one f64) => { fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> { Ok(Default::default()) } };
    (@one str) => { fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> { Ok(Default::default()) } };
    (@one unit) => {
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> { Ok(Default::default()) }
        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> { Ok(Default::default()) }
    };
    (@one seq) => {
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            while seq.next_element::<IgnoredAny>()?.is_some() {}
            Ok(Default::default())
        }
    };
    (@one map) => {
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
            Ok(Default::default())
        }
    };
}

struct NumVisitor;

impl<'de> Visitor<'de> for NumVisitor {
    type Value = Num;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a whole number")
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Num, E> {
        Ok(Num(Some(v)))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Num, E> {
        Ok(Num(u64::try_from(v).ok()))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Num, E> {
        let whole = v.is_finite() && v >= 0.0 && v.fract() == 0.0 && v < 9.0e15;
        #[expect(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            reason = "checked whole, non-negative and in range above"
        )]
        Ok(Num(whole.then_some(v as u64)))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Num, E> {
        Ok(Num(v.trim().parse().ok()))
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Num, D::Error> {
        Num::deserialize(d)
    }

    absent_otherwise!(bool, unit, seq, map);
}

impl<'de> Deserialize<'de> for Num {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(NumVisitor)
    }
}

struct TextVisitor;

impl<'de> Visitor<'de> for TextVisitor {
    type Value = Text;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Text, E> {
        Ok(Text(Some(v.to_owned())))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Text, E> {
        Ok(Text(Some(v)))
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Text, D::Error> {
        Text::deserialize(d)
    }

    absent_otherwise!(bool, i64, u64, f64, unit, seq, map);
}

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(TextVisitor)
    }
}

struct FlagVisitor;

impl<'de> Visitor<'de> for FlagVisitor {
    type Value = Flag;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a boolean")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Flag, E> {
        Ok(Flag(Some(v)))
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Flag, D::Error> {
        Flag::deserialize(d)
    }

    absent_otherwise!(i64, u64, f64, str, unit, seq, map);
}

impl<'de> Deserialize<'de> for Flag {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(FlagVisitor)
    }
}

struct ObjVisitor<T>(PhantomData<T>);

impl<'de, T: Deserialize<'de>> Visitor<'de> for ObjVisitor<T> {
    type Value = Obj<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object")
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Obj<T>, A::Error> {
        T::deserialize(MapAccessDeserializer::new(map)).map(|v| Obj(Some(v)))
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Obj<T>, D::Error> {
        Obj::deserialize(d)
    }

    absent_otherwise!(bool, i64, u64, f64, str, unit, seq);
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Obj<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(ObjVisitor(PhantomData))
    }
}

struct ObjsVisitor<T>(PhantomData<T>);

impl<'de, T: Deserialize<'de>> Visitor<'de> for ObjsVisitor<T> {
    type Value = Objs<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list of objects")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Objs<T>, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(256));
        while let Some(Obj(item)) = seq.next_element::<Obj<T>>()? {
            items.extend(item);
        }
        Ok(Objs(items))
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Objs<T>, D::Error> {
        Objs::deserialize(d)
    }

    absent_otherwise!(bool, i64, u64, f64, str, unit, map);
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Objs<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(ObjsVisitor(PhantomData))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Default, serde::Deserialize)]
    #[serde(default)]
    struct Rec {
        n: Num,
        t: Text,
        f: Flag,
        o: Obj<Inner>,
        l: Objs<Inner>,
    }

    #[derive(Debug, Default, PartialEq, serde::Deserialize)]
    #[serde(default)]
    struct Inner {
        n: Num,
    }

    #[test]
    fn right_types_read_and_wrong_types_are_absent() {
        let r: Rec = serde_json::from_str(
            r#"{"n":5,"t":"x","f":true,"o":{"n":1},"l":[{"n":2},3,"s",{"n":"4"}]}"#,
        )
        .unwrap();
        assert_eq!(
            (r.n, r.t.0.as_deref(), r.f),
            (Num(Some(5)), Some("x"), Flag(Some(true)))
        );
        assert_eq!(r.o, Obj(Some(Inner { n: Num(Some(1)) })));
        assert_eq!(
            r.l.0,
            [Inner { n: Num(Some(2)) }, Inner { n: Num(Some(4)) }]
        );

        let r: Rec = serde_json::from_str(r#"{"n":-1,"t":7,"f":"yes","o":[1,{"a":2}],"l":{"n":1},"extra":{"deep":[1,2,{"x":null}]}}"#).unwrap();
        assert_eq!((r.n, r.t.0, r.f), (Num(None), None, Flag(None)));
        assert_eq!((r.o, r.l.0), (Obj(None), vec![]));

        let r: Rec =
            serde_json::from_str(r#"{"n":1.5,"t":null,"f":null,"o":null,"l":null}"#).unwrap();
        assert_eq!((r.n, r.t.0), (Num(None), None));
        let r: Rec = serde_json::from_str(r#"{"n":2.0}"#).unwrap();
        assert_eq!(r.n, Num(Some(2)));
    }

    #[test]
    fn blank_text_is_absent() {
        assert_eq!(Text(Some("  ".into())).non_blank(), None);
        assert_eq!(Text(Some(" a ".into())).non_blank().as_deref(), Some("a"));
    }
}
