//! Pure rules of the Posyandu ILP core: no SQLite, no network, no clock (dates are arguments).

pub mod assessment;
pub mod coverage;
pub mod due;
pub mod facts;
pub mod growth;
pub mod idl;
pub mod iks;
pub mod kms;
pub mod life_stage;
pub mod name_match;
pub mod plausibility;
pub mod schedule;
pub mod vitals;
pub mod worklist;
