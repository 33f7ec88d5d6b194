//! Persisted code lists. Each list is a closed set of known codes plus `Other(code)`, so a value
//! written by a newer app version survives an older one untouched (Simple's ADR on persisted enums).

/// Declares an enum of known string codes plus an `Other(String)` case that keeps unknown codes.
#[macro_export]
macro_rules! code_enum {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident = $code:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash)]
        pub enum $name {
            $($(#[$vdoc])* $variant,)+
            /// A code this version does not know, kept as written.
            Other(String),
        }

        impl $name {
            /// Every known variant, in declaration order (for pick lists).
            pub const KNOWN: &'static [$name] = &[$($name::$variant),+];

            pub fn code(&self) -> &str {
                match self {
                    $($name::$variant => $code,)+
                    $name::Other(c) => c.as_str(),
                }
            }

            pub fn from_code(code: &str) -> Self {
                match code {
                    $($code => $name::$variant,)+
                    other => $name::Other(other.to_string()),
                }
            }

            /// Like `from_code`, but refuses codes this version does not know (for input validation).
            pub fn parse_known(field: &str, code: &str) -> Result<Self, $crate::validation::ValidationError> {
                let trimmed = code.trim();
                match Self::from_code(&trimmed.to_ascii_lowercase()) {
                    $name::Other(_) => Err($crate::validation::ValidationError::new(
                        field,
                        format!("unknown code; expected one of: {}", [$($code),+].join(", ")),
                    )),
                    known => Ok(known),
                }
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.code())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                Ok(Self::from_code(&s))
            }
        }
    };
}
