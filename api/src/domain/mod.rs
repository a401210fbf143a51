//! Registration-domain values with strict parsers and typed errors.
//!
//! Facts: `shared/reference/registration-domain.md`. Every value here parses strictly, refuses bad
//! input at the serde boundary with the parser's message, and describes itself in the OpenAPI
//! schema: the code formats ([`UnitCode`], [`CertificateNumber`], [`DistrictCode`]) as strings
//! with a `pattern`; the closed code lists ([`BusinessType`], [`CaseStage`], ...) as string enums
//! of stable snake_case wire codes; the project's opaque identifiers ([`CaseNumber`],
//! [`QueryNumber`], [`VerificationCode`]) as short ASCII strings.
//!
//! Nothing here does I/O or reads the clock. Errors echo a code only where the code is not
//! personal; the ID number lives in the `idcard` crate and masks itself.

mod business;
mod case;
mod certificate;
mod code_enum;
mod district;
mod opaque;
mod pickup;
mod query;
mod rating;
mod record;
mod unit_code;
mod wire;

pub use business::{BusinessType, RightType};
pub use case::{CaseStage, CaseStatus};
pub use certificate::{CertificateKind, CertificateNumber, CertificateNumberError};
pub use code_enum::CodeError;
pub use district::{DistrictCode, DistrictCodeError};
pub use idcard::{IdNumber, IdNumberError};
pub use opaque::{
    CaseNumber, OPAQUE_MAX_LEN, OPAQUE_PATTERN, OpaqueIdError, QueryNumber, VerificationCode,
};
pub use pickup::PickupMethod;
pub use query::QueryPurpose;
pub use rating::{RatingLevel, RatingReason};
pub use record::{
    CoOwnership, LandRightNature, MortgageKind, RecordStatus, RestrictionKind, SeizureKind,
};
pub use unit_code::{Fixture, ParcelOwnership, UnitCode, UnitCodeError, UnitCodeLayer};
