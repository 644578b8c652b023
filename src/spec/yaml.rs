//! YAML into `serde_json::Value`, with integers past 64 bits read as floats (JSON numbers) instead of failing,
//! and nesting bounded.

use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, Error as _, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

/// The deepest nesting accepted, the same as serde_json's own limit for JSON.
pub(crate) const MAX_NESTING: usize = 128;

/// A seed that reads one value at a given depth.
#[derive(Clone, Copy)]
pub(crate) struct ValueSeed {
    pub depth: usize,
}

impl<'de> DeserializeSeed<'de> for ValueSeed {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        if self.depth > MAX_NESTING {
            return Err(D::Error::custom(format!(
                "the document nests deeper than {MAX_NESTING} levels"
            )));
        }
        deserializer.deserialize_any(self)
    }
}

fn float(value: f64) -> Value {
    Number::from_f64(value).map_or(Value::Null, Value::Number)
}

impl<'de> Visitor<'de> for ValueSeed {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_i128<E>(self, v: i128) -> Result<Value, E> {
        Ok(match i64::try_from(v) {
            Ok(small) => Value::Number(small.into()),
            Err(_) => float(v as f64),
        })
    }

    fn visit_u128<E>(self, v: u128) -> Result<Value, E> {
        Ok(match u64::try_from(v) {
            Ok(small) => Value::Number(small.into()),
            Err(_) => float(v as f64),
        })
    }

    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(float(v))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_string()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        self.deserialize(deserializer)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let inner = ValueSeed {
            depth: self.depth + 1,
        };
        let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
        while let Some(value) = seq.next_element_seed(inner)? {
            out.push(value);
        }
        Ok(Value::Array(out))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let inner = ValueSeed {
            depth: self.depth + 1,
        };
        let mut out = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            let value = map.next_value_seed(inner)?;
            out.insert(key, value);
        }
        Ok(Value::Object(out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Result<Value, yaml_serde::Error> {
        ValueSeed { depth: 0 }.deserialize(yaml_serde::Deserializer::from_str(text))
    }

    #[test]
    fn huge_integers_become_floats() {
        let value = read("min: -9223372036854776000\nmax: 99999999999999999999999\n").unwrap();
        assert!(value["min"].is_f64());
        assert!(value["max"].as_f64().unwrap() > 9.9e22);
    }

    #[test]
    fn keys_of_any_scalar_become_strings() {
        let value = read("200: ok\ntrue: yes\n").unwrap();
        assert_eq!(value["200"], "ok");
        assert_eq!(value["true"], "yes");
    }

    #[test]
    fn deep_nesting_is_refused() {
        let text = "[".repeat(10_000) + &"]".repeat(10_000);
        let err = read(&text).unwrap_err();
        assert!(
            err.to_string().contains("nest") || err.to_string().contains("recursion"),
            "{err}"
        );
    }
}
