//! The struct-like values of the scenario format (the file, a step, `machine` and its parts, an
//! action) must be JSON objects. serde's derived visitors also accept a sequence (the fields by
//! position, or for an internally tagged enum the tag first), so `"machine": [67108864, "X86_64"]`
//! would load silently. `object_only!` gives a type derived with `#[serde(remote = "Self")]`
//! `Deserialize` and `Serialize` impls that ask for a map and forward to the derived code, so
//! an array is rejected where it appears ("invalid type: sequence, expected a JSON object (the
//! machine)") and serde's field names, defaults and `serde_path_to_error` paths stay exactly
//! what the derive gives.

/// `object_only!(Type, "a JSON object (what it is)")`: `Type` must derive `Serialize` and
/// `Deserialize` with `#[serde(remote = "Self")]`, which makes them inherent functions; this
/// implements the traits on top, accepting only a map. The text completes "expected ...".
macro_rules! object_only {
    ($ty:ty, $expecting:literal) => {
        impl<'de> serde::Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                struct ObjectVisitor;
                impl<'de> serde::de::Visitor<'de> for ObjectVisitor {
                    type Value = $ty;
                    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        f.write_str($expecting)
                    }
                    fn visit_map<A: serde::de::MapAccess<'de>>(
                        self,
                        map: A,
                    ) -> Result<$ty, A::Error> {
                        <$ty>::deserialize(serde::de::value::MapAccessDeserializer::new(map))
                    }
                }
                deserializer.deserialize_map(ObjectVisitor)
            }
        }

        impl serde::Serialize for $ty {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                <$ty>::serialize(self, serializer)
            }
        }
    };
}
