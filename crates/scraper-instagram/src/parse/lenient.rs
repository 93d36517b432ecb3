//! Forgiving JSON building blocks for the parsers: a field of the wrong type reads as absent
//! instead of failing the whole answer, in one pass over the body and without building a
//! `serde_json::Value` tree. Only broken JSON (truncated, unbalanced) is an error.
//!
//! Everything we do not declare is skipped by serde_json's iterative `ignore_value`, so deep
//! nesting in fields we do not read costs no stack.

use std::fmt;
use std::marker::PhantomData;

use serde::de::value::MapAccessDeserializer;
use serde::de::{Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

/// A JSON scalar, or the fact that the value was something else.
enum Scalar {
    Str(String),
    Unsigned(u64),
    Signed(i64),
    Float(f64),
    Bool(bool),
    Other,
}

struct ScalarVisitor;

impl<'de> Visitor<'de> for ScalarVisitor {
    type Value = Scalar;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Scalar, E> {
        Ok(Scalar::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Scalar, E> {
        Ok(Scalar::Signed(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Scalar, E> {
        Ok(Scalar::Unsigned(v))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Scalar, E> {
        Ok(Scalar::Float(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Scalar, E> {
        Ok(Scalar::Str(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Scalar, E> {
        Ok(Scalar::Str(v))
    }
    fn visit_unit<E>(self) -> Result<Scalar, E> {
        Ok(Scalar::Other)
    }
    fn visit_none<E>(self) -> Result<Scalar, E> {
        Ok(Scalar::Other)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Scalar, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Scalar, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Scalar::Other)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Scalar, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Scalar::Other)
    }
}

fn scalar<'de, D: Deserializer<'de>>(d: D) -> Result<Scalar, D::Error> {
    d.deserialize_any(ScalarVisitor)
}

/// A string; anything else reads as absent.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct Text(pub(crate) Option<String>);

impl Text {
    /// The text, trimmed, when it is not blank.
    pub(crate) fn non_blank(self) -> Option<String> {
        let text = self.0?;
        let trimmed = text.trim();
        if trimmed.is_empty() {
            None
        } else if trimmed.len() == text.len() {
            Some(text)
        } else {
            Some(trimmed.to_owned())
        }
    }

    /// The text as it is, when there is one.
    pub(crate) fn as_deref(&self) -> Option<&str> {
        self.0.as_deref()
    }
}

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(Self(match scalar(d)? {
            Scalar::Str(s) => Some(s),
            _ => None,
        }))
    }
}

/// A count: a non-negative integer, also when given as an integral float or a digit string.
/// Negative numbers (Instagram's `-1` for "hidden") read as absent.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Num(pub(crate) Option<u64>);

impl<'de> Deserialize<'de> for Num {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(Self(match scalar(d)? {
            Scalar::Unsigned(n) => Some(n),
            Scalar::Signed(n) => u64::try_from(n).ok(),
            Scalar::Float(f) if f.is_finite() && f >= 0.0 && f.fract() == 0.0 && f < 1.8e19 =>
            {
                #[expect(
                    clippy::cast_possible_truncation,
                    clippy::cast_sign_loss,
                    reason = "checked: finite, integral, non-negative and below u64::MAX"
                )]
                Some(f as u64)
            }
            Scalar::Str(s) if !s.is_empty() && s.len() <= 20 => s.parse().ok(),
            _ => None,
        }))
    }
}

/// A flag: a boolean, or Instagram's `0`/`1`.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Flag(pub(crate) Option<bool>);

impl<'de> Deserialize<'de> for Flag {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(Self(match scalar(d)? {
            Scalar::Bool(b) => Some(b),
            Scalar::Unsigned(0) | Scalar::Signed(0) => Some(false),
            Scalar::Unsigned(1) | Scalar::Signed(1) => Some(true),
            _ => None,
        }))
    }
}

/// An identifier: a non-blank string, or a non-negative integer written as a string.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct Ident(pub(crate) Option<String>);

impl<'de> Deserialize<'de> for Ident {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(Self(match scalar(d)? {
            Scalar::Str(s) => Text(Some(s)).non_blank(),
            Scalar::Unsigned(n) => Some(n.to_string()),
            _ => None,
        }))
    }
}

/// An object field, telling apart absent, `null`, another type, and an object.
#[derive(Debug, Default, Clone, PartialEq)]
pub(crate) enum Obj<T> {
    /// The key was not there.
    #[default]
    Missing,
    /// The value was `null`.
    Null,
    /// The value was a string, a number, a list...
    Wrong,
    /// An object.
    Found(T),
}

impl<T> Obj<T> {
    /// The object, when there was one.
    pub(crate) fn get(&self) -> Option<&T> {
        match self {
            Self::Found(t) => Some(t),
            _ => None,
        }
    }

    /// The object, when there was one.
    pub(crate) fn into_option(self) -> Option<T> {
        match self {
            Self::Found(t) => Some(t),
            _ => None,
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Obj<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct ObjVisitor<T>(PhantomData<T>);

        impl<'de, T: Deserialize<'de>> Visitor<'de> for ObjVisitor<T> {
            type Value = Obj<T>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Obj<T>, A::Error> {
                T::deserialize(MapAccessDeserializer::new(map)).map(Obj::Found)
            }
            fn visit_unit<E>(self) -> Result<Obj<T>, E> {
                Ok(Obj::Null)
            }
            fn visit_none<E>(self) -> Result<Obj<T>, E> {
                Ok(Obj::Null)
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Obj<T>, D::Error> {
                d.deserialize_any(self)
            }
            fn visit_bool<E>(self, _: bool) -> Result<Obj<T>, E> {
                Ok(Obj::Wrong)
            }
            fn visit_i64<E>(self, _: i64) -> Result<Obj<T>, E> {
                Ok(Obj::Wrong)
            }
            fn visit_u64<E>(self, _: u64) -> Result<Obj<T>, E> {
                Ok(Obj::Wrong)
            }
            fn visit_f64<E>(self, _: f64) -> Result<Obj<T>, E> {
                Ok(Obj::Wrong)
            }
            fn visit_str<E>(self, _: &str) -> Result<Obj<T>, E> {
                Ok(Obj::Wrong)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Obj<T>, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Obj::Wrong)
            }
        }

        d.deserialize_any(ObjVisitor(PhantomData))
    }
}

/// A list field: `None` when absent, `null` or not a list. Its elements should be lenient
/// themselves ([`Obj`], [`Text`]...), so that one odd element does not fail the list.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct List<T>(pub(crate) Option<Vec<T>>);

impl<T> Default for List<T> {
    fn default() -> Self {
        Self(None)
    }
}

impl<T> List<T> {
    /// The elements, none when the list was missing.
    pub(crate) fn items(self) -> Vec<T> {
        self.0.unwrap_or_default()
    }

    /// Whether the field held a list at all.
    pub(crate) fn is_list(&self) -> bool {
        self.0.is_some()
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for List<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct ListVisitor<T>(PhantomData<T>);

        impl<'de, T: Deserialize<'de>> Visitor<'de> for ListVisitor<T> {
            type Value = List<T>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<List<T>, A::Error> {
                // Instagram's pages hold a few dozen items; a hostile size hint must not
                // reserve gigabytes.
                let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(64));
                while let Some(item) = seq.next_element()? {
                    items.push(item);
                }
                Ok(List(Some(items)))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<List<T>, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(List(None))
            }
            fn visit_unit<E>(self) -> Result<List<T>, E> {
                Ok(List(None))
            }
            fn visit_none<E>(self) -> Result<List<T>, E> {
                Ok(List(None))
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<List<T>, D::Error> {
                d.deserialize_any(self)
            }
            fn visit_bool<E>(self, _: bool) -> Result<List<T>, E> {
                Ok(List(None))
            }
            fn visit_i64<E>(self, _: i64) -> Result<List<T>, E> {
                Ok(List(None))
            }
            fn visit_u64<E>(self, _: u64) -> Result<List<T>, E> {
                Ok(List(None))
            }
            fn visit_f64<E>(self, _: f64) -> Result<List<T>, E> {
                Ok(List(None))
            }
            fn visit_str<E>(self, _: &str) -> Result<List<T>, E> {
                Ok(List(None))
            }
        }

        d.deserialize_any(ListVisitor(PhantomData))
    }
}

/// Reads a whole body into `T`, after the byte-order mark and the `for (;;);` guard Instagram
/// and Facebook put before some JSON answers. The root must be an object.
pub(crate) fn from_body<'de, T: Deserialize<'de>>(body: &'de str) -> Result<Obj<T>, String> {
    serde_json::from_str::<Obj<T>>(strip_guard(body)).map_err(|e| {
        // serde_json's messages carry line and column; what matters is the kind.
        match e.classify() {
            serde_json::error::Category::Eof => "the JSON is cut short".to_owned(),
            serde_json::error::Category::Syntax => format!("the JSON is broken ({e})"),
            _ => format!("the JSON does not read ({e})"),
        }
    })
}

/// The body without a leading byte-order mark, whitespace and `for (;;);` guard.
pub(crate) fn strip_guard(body: &str) -> &str {
    let body = body.trim_start_matches('\u{feff}').trim_start();
    body.strip_prefix("for (;;);").map_or(body, str::trim_start)
}

/// A struct with no fields we read: tells "an object was there" for [`Obj`].
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
pub(crate) struct AnyObject {}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Default, serde::Deserialize)]
    #[serde(default)]
    struct Sample {
        name: Text,
        count: Num,
        flag: Flag,
        id: Ident,
        inner: Obj<Inner>,
        items: List<Obj<Inner>>,
    }

    #[derive(Debug, Default, PartialEq, serde::Deserialize)]
    #[serde(default)]
    struct Inner {
        count: Num,
    }

    fn sample(json: &str) -> Sample {
        match from_body::<Sample>(json).unwrap() {
            Obj::Found(s) => s,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn wrong_types_read_as_absent() {
        let s = sample(
            r#"{"name": 5, "count": "x", "flag": "yes", "id": [1], "inner": "no", "items": {"a": [1, {}]}}"#,
        );
        assert_eq!(s.name.0, None);
        assert_eq!(s.count.0, None);
        assert_eq!(s.flag.0, None);
        assert_eq!(s.id.0, None);
        assert_eq!(s.inner, Obj::Wrong);
        assert!(!s.items.is_list());
    }

    #[test]
    fn right_types_and_friendly_forms() {
        let s = sample(
            r#"{"name": " a ", "count": "42", "flag": 1, "id": 3215769692664507668, "inner": {"count": 7.0}, "items": [{"count": -1}, 3, null]}"#,
        );
        assert_eq!(s.name.non_blank().as_deref(), Some("a"));
        assert_eq!(s.count.0, Some(42));
        assert_eq!(s.flag.0, Some(true));
        assert_eq!(s.id.0.as_deref(), Some("3215769692664507668"));
        assert_eq!(
            s.inner.get(),
            Some(&Inner {
                count: Num(Some(7))
            })
        );
        let items = s.items.items();
        assert_eq!(items.len(), 3);
        assert_eq!(items[0].get(), Some(&Inner { count: Num(None) }));
        assert_eq!(items[1], Obj::Wrong);
        assert_eq!(items[2], Obj::Null);
    }

    #[test]
    fn roots_guards_and_broken_json() {
        assert!(matches!(
            from_body::<Sample>("for (;;);{\"count\": 1}"),
            Ok(Obj::Found(_))
        ));
        assert!(matches!(from_body::<Sample>("\u{feff} []"), Ok(Obj::Wrong)));
        assert!(matches!(from_body::<Sample>("null"), Ok(Obj::Null)));
        assert!(from_body::<Sample>("{\"count\": ").is_err());
        assert!(from_body::<Sample>("{} x").is_err());
        assert!(from_body::<Sample>("").is_err());
    }
}
