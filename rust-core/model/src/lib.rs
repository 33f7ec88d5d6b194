//! Domain types of the Posyandu ILP core: the area tree, households, persons, pregnancies, users and
//! their assignments, append-only events, ids and the hybrid logical clock. No I/O lives here: the
//! store persists these types and the rules crate reasons about them.

pub mod area;
#[macro_use]
pub mod codes;
pub mod event;
pub mod hlc;
pub mod household;
pub mod ids;
pub mod nik;
pub mod person;
pub mod pregnancy;
pub mod timestamp;
pub mod user;
pub mod validation;

pub use area::{Area, AreaLevel, KemendagriCode, Posyandu};
pub use event::{
    Antigen, Condition, ConditionStatus, DangerSign, Event, EventPayload, GlucoseTiming,
    HealthStatus, HeightMethod, Immunization, Measurement, Referral, Service, ServiceKind, Visit,
    VisitKind,
};
pub use hlc::{ClockDriftError, Hlc, HlcClock};
pub use household::{GeoPoint, Household, JknStatus};
pub use ids::{AreaId, DeviceId, EventId, HouseholdId, PersonId, PosyanduId, PregnancyId, UserId};
pub use nik::{KkNumber, Nik, NikWarning};
pub use person::{BirthDate, Person, Relation, Sex};
pub use pregnancy::{DeliveryPlace, Pregnancy, PregnancyOutcome};
pub use timestamp::Timestamp;
pub use user::{Role, User};
pub use validation::{ValidationError, limits};
