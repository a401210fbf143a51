//! Synthetic sample data for the flows' tests and the headless demo (`kiosk demo --out`): one
//! citizen (张𠮷英, born 1949-12-31, a synthetic but valid ID number), her verification, and one
//! unit she holds in shares with a co-holder, under a mortgage and a seizure. No real person.

use central_api::domain::{
    CoOwnership, LandRightNature, MortgageKind, RecordStatus, RightType, SeizureKind,
};
use central_api::dto::{Areas, Holder, IdNumberDto, Restriction, Unit, Verification};
use idcard::text::{ResidentCard, Validity};
use idcard::{CardText, Date, Expiry, IdNumber, MaskStyle, Nation, Sensitive, Sex};
use time::macros::{date, datetime};
use uuid::Uuid;

/// The sample citizen's name (with a rare character, as real names have).
pub const CITIZEN_NAME: &str = "张𠮷英";

/// A sample value that could not be built (a bad date or code passed in): a bug in the caller.
#[derive(Debug, thiserror::Error)]
#[error("sample data: {0}")]
pub struct SampleError(String);

fn parse<T: std::str::FromStr>(s: &str) -> Result<T, SampleError>
where
    T::Err: std::fmt::Debug,
{
    s.parse::<T>()
        .map_err(|e| SampleError(format!("{s:?}: {e:?}")))
}

fn date_of(y: u16, m: u8, d: u8) -> Result<Date, SampleError> {
    Date::new(y, m, d).ok_or_else(|| SampleError(format!("{y}-{m}-{d} is not a date")))
}

/// A valid synthetic ID number (Chaoyang district, sequence 002) born on the date.
///
/// # Errors
/// A year, month or day too long for the number's fields.
pub fn id_number(y: u16, m: u8, d: u8) -> Result<String, SampleError> {
    let first = format!("110105{y:04}{m:02}{d:02}002");
    let bytes: [u8; 17] = first
        .as_bytes()
        .try_into()
        .map_err(|_| SampleError(format!("{first:?} is not 17 digits")))?;
    Ok(format!(
        "{first}{}",
        idcard::id_number::check_character(&bytes)
    ))
}

/// The sample citizen's resident card, born on the date.
///
/// # Errors
/// A date that does not exist.
pub fn card_born(y: u16, m: u8, d: u8) -> Result<CardText, SampleError> {
    Ok(CardText::Resident(ResidentCard {
        name: Sensitive::new(CITIZEN_NAME, MaskStyle::Name),
        sex: Sex::Female,
        nation: Nation::from_code("01").ok_or_else(|| SampleError("nation 01".into()))?,
        birth_date: date_of(y, m, d)?,
        address: Sensitive::new("北京市朝阳区建国路甲88号", MaskStyle::Address),
        id_number: IdNumber::parse(&id_number(y, m, d)?)
            .map_err(|e| SampleError(format!("{e:?}")))?,
        authority: "北京市公安局朝阳分局".into(),
        validity: Validity {
            from: date_of(2020, 1, 1)?,
            to: Expiry::LongTerm,
        },
    }))
}

/// The usual citizen: born 1949-12-31 (76 years old on the samples' day, 2026-11-28).
///
/// # Errors
/// None in practice (fixed, valid values).
pub fn card() -> Result<CardText, SampleError> {
    card_born(1949, 12, 31)
}

/// The usual citizen's full (synthetic) ID number.
///
/// # Errors
/// None in practice (fixed, valid values).
pub fn own_id() -> Result<String, SampleError> {
    id_number(1949, 12, 31)
}

/// A face verification central accepted, valid until 09:30 on the samples' day.
#[must_use]
pub fn verification() -> Verification {
    Verification {
        verification_id: Uuid::from_u128(7),
        expires_at: datetime!(2026-11-28 09:30 +08:00),
    }
}

/// The citizen's flat in Chaoyang: held in shares with 李建国, mortgaged and seized.
///
/// # Errors
/// None in practice (fixed, valid codes).
pub fn unit() -> Result<Unit, SampleError> {
    Ok(Unit {
        unit_code: parse("110105012003GB00001F00020063")?,
        certificate_number: parse("京(2018)朝阳区不动产权第0001234号")?,
        right_type: RightType::StateConstructionLandAndHouse,
        holders: vec![
            Holder {
                name: CITIZEN_NAME.into(),
                id_number: IdNumberDto(own_id()?),
                share: Some("50%".into()),
            },
            Holder {
                name: "李建国".into(),
                id_number: IdNumberDto("110105195001010017".into()),
                share: Some("50%".into()),
            },
        ],
        co_ownership: CoOwnership::InShares,
        location: "朝阳区建国路甲88号院3号楼2单元1101".into(),
        building: "3".into(),
        room: "1101".into(),
        floor: 11,
        total_floors: 18,
        structure: "钢混".into(),
        areas: Areas {
            building: "89.56".into(),
            inner: Some("70.12".into()),
            shared: Some("19.44".into()),
        },
        usage: "住宅".into(),
        nature: "商品房".into(),
        land_right_nature: LandRightNature::Granted,
        land_term_to: Some(date!(2070 - 12 - 31)),
        registered_on: date!(2018 - 05 - 04),
        status: RecordStatus::Current,
        restrictions: vec![
            Restriction::Mortgage {
                mortgagee: "中国工商银行北京朝阳支行".into(),
                proof_number: parse("京(2019)朝阳区不动产证明第0012345号")?,
                amount_fen: 150_000_000,
                mortgage_kind: MortgageKind::General,
                term_from: date!(2019 - 01 - 01),
                term_to: date!(2039 - 01 - 01),
            },
            Restriction::Seizure {
                court: "北京市朝阳区人民法院".into(),
                document_number: "(2025)京0105执123号".into(),
                seizure_kind: SeizureKind::Waiting,
                term_from: date!(2025 - 03 - 01),
                term_to: date!(2028 - 03 - 01),
            },
        ],
    })
}
