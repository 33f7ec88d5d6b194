//! Typed record ids. Every id is a UUID made on the device, so nothing waits for a server; the
//! newtypes keep a household id from being passed where a person id is meant.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use uuid::Uuid;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub Uuid);

        impl $name {
            /// A new id from caller-supplied random bytes (randomness is passed in, so tests fix it).
            pub fn from_random_bytes(bytes: [u8; 16]) -> Self {
                Self(uuid::Builder::from_random_bytes(bytes).into_uuid())
            }
            /// A time-ordered id (UUID v7): the instant in milliseconds, then random bits. For
            /// append-only records: new ids land at the end of their index instead of anywhere, so
            /// a commit rewrites fewer pages.
            pub fn time_ordered(unix_millis: i64, bytes: [u8; 16]) -> Self {
                let mut tail = [0u8; 10];
                tail.copy_from_slice(&bytes[..10]);
                Self(uuid::Builder::from_unix_timestamp_millis(unix_millis.max(0) as u64, &tail).into_uuid())
            }
            /// A fresh random id (v4) from the operating system's generator.
            pub fn new_random() -> Self {
                Self(Uuid::new_v4())
            }
            pub fn as_uuid(&self) -> &Uuid {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.as_hyphenated().fmt(f)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({})", stringify!($name), self.0.as_hyphenated())
            }
        }

        impl FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s.trim()).map(Self)
            }
        }
    };
}

id_type!(
    /// An area of the tree: kota, kecamatan, kelurahan/desa, RW or RT.
    AreaId
);
id_type!(
    /// A Posyandu.
    PosyanduId
);
id_type!(
    /// A household (one KK, or one dwelling without a KK).
    HouseholdId
);
id_type!(
    /// A person, identified or not.
    PersonId
);
id_type!(
    /// A pregnancy episode of a person.
    PregnancyId
);
id_type!(
    /// A user of the app (kader, bidan, supervisor, admin).
    UserId
);
id_type!(
    /// An append-only event.
    EventId
);
id_type!(
    /// A phone or tablet; the outbox sequence is per device.
    DeviceId
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_through_text() {
        let id = PersonId::from_random_bytes([7; 16]);
        let back: PersonId = id.to_string().parse().unwrap();
        assert_eq!(id, back);
        assert_eq!(id.0.get_version_num(), 4);
    }

    #[test]
    fn time_ordered_ids_sort_by_time() {
        let a = EventId::time_ordered(1_000, [9; 16]);
        let b = EventId::time_ordered(1_001, [1; 16]);
        assert!(a < b && a.to_string() < b.to_string());
        assert_eq!(a.0.get_version_num(), 7);
    }

    #[test]
    fn malformed_id_is_refused() {
        assert!("not-a-uuid".parse::<HouseholdId>().is_err());
    }
}
