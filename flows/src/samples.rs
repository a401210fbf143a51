//! Synthetic sample data for the flows' tests and the headless demo (`kiosk demo --out`): one
//! citizen (张𠮷英, born 1949-12-31, a synthetic but valid ID number), her verification, and one
//! unit she holds in shares with a co-holder, under a mortgage and a seizure; and central's
//! answers about her: her certificate, appointments, tickets, the service catalogue, her case's
//! progress, fees and payment, the FAQ. All on the samples' day, 2026-11-28 ([`START`]). No real
//! person.

use crate::Cached;
use central_api::domain::{
    BusinessType, CaseStage, CaseStatus, CoOwnership, LandRightNature, MortgageKind, PickupMethod,
    QueryPurpose, RecordStatus, RightType, SeizureKind,
};
use central_api::dto::{
    Appointment, AppointmentStatus, Areas, CaseProgress, Catalogue, Certificate, Classification,
    Classifications, Faq, FaqEntry, FeeItem, Fees, Holder, IdNumberDto, Material, PaymentOrder,
    PaymentState, Pickup, Priority, Records, Restriction, StageProgress, Ticket, Topic, Unit,
    Verification,
};
use idcard::text::{ResidentCard, Validity};
use idcard::{CardText, Date, Expiry, IdNumber, MaskStyle, Nation, Sensitive, Sex};
use time::OffsetDateTime;
use time::macros::{date, datetime, time};
use uuid::Uuid;

/// The samples' clock: 2026-11-28 09:00 Beijing time.
pub const START: OffsetDateTime = datetime!(2026-11-28 09:00 +08:00);

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

/// Central's answer to a records query: these units, as of [`START`].
#[must_use]
pub fn records(units: Vec<Unit>) -> Records {
    Records {
        units,
        as_of: START,
    }
}

/// The citizen's query-result certificate over these units, issued at [`START`]: her own
/// number in full (a certificate must show it), the co-holders' masked as central masks them
/// (first 4 and last 4).
///
/// # Errors
/// None in practice (fixed, valid values).
pub fn certificate(
    mut units: Vec<Unit>,
    purpose: QueryPurpose,
) -> Result<Box<Certificate>, SampleError> {
    let own = own_id()?;
    for holder in units.iter_mut().flat_map(|u| u.holders.iter_mut()) {
        if holder.id_number.0 != own {
            holder.id_number = IdNumberDto(idcard::sensitive::mask_number(&holder.id_number.0));
        }
    }
    Ok(Box::new(Certificate {
        query_number: parse("Q20261128000123")?,
        verification_code: parse("7KX2-9QPM-4RTA")?,
        verification_url: "https://verify.invalid/7KX2-9QPM-4RTA".into(),
        issued_at: START,
        agency: "北京市朝阳区不动产登记中心".into(),
        agency_phone: "010-12345678".into(),
        requester_name: CITIZEN_NAME.into(),
        requester_id_number: IdNumberDto(own),
        purpose,
        units,
    }))
}

/// A booked appointment (booking code 64785520, service A, 10:00–10:30) whose check-in window
/// is `from` to `until`.
#[must_use]
pub fn appointment(id: &str, from: OffsetDateTime, until: OffsetDateTime) -> Appointment {
    Appointment {
        appointment_id: id.into(),
        booking_code: "64785520".into(),
        service_code: "A".into(),
        service_name: "二手房转移登记".into(),
        slot_start: datetime!(2026-11-28 10:00 +08:00),
        slot_end: datetime!(2026-11-28 10:30 +08:00),
        status: AppointmentStatus::Booked,
        check_in_from: from,
        check_in_until: until,
    }
}

/// That time on the samples' day, Beijing time.
fn at(t: time::Time) -> OffsetDateTime {
    START.replace_time(t)
}

/// `AP-1`, open for check-in at [`START`] (08:50 to 10:20).
#[must_use]
pub fn appointment_open() -> Appointment {
    appointment("AP-1", at(time!(08:50)), at(time!(10:20)))
}

/// `AP-2`, too early at [`START`]: check-in opens at 09:40.
#[must_use]
pub fn appointment_too_early() -> Appointment {
    appointment("AP-2", at(time!(09:40)), at(time!(10:20)))
}

/// `AP-3`, too late at [`START`]: check-in closed at 08:20.
#[must_use]
pub fn appointment_too_late() -> Appointment {
    appointment("AP-3", at(time!(07:00)), at(time!(08:20)))
}

/// A queue ticket for service A issued at [`START`]: 4 people ahead, about 18 minutes, window 5.
#[must_use]
pub fn ticket(number: &str, priority: Priority) -> Ticket {
    Ticket {
        ticket_number: number.into(),
        service_code: "A".into(),
        service_name: "二手房转移登记".into(),
        priority,
        people_ahead: 4,
        estimated_wait_minutes: 18,
        window: Some("5".into()),
        issued_at: START,
    }
}

/// A second-hand sale transfer topic with three materials, handled at `service`.
#[must_use]
pub fn topic(code: &str, service: &str) -> Topic {
    Topic {
        code: code.into(),
        name: format!("二手房买卖转移登记 {code}"),
        business_type: BusinessType::Transfer,
        applicant_type: "individual".into(),
        joint_handling: "land_housing_tax".into(),
        disposition: "sale".into(),
        usage: "residential".into(),
        right_type: RightType::StateConstructionLandAndHouse,
        materials: vec![
            Material {
                name: "不动产权证书".into(),
                original: true,
                copies: 1,
                note: None,
            },
            Material {
                name: "买卖双方身份证明".into(),
                original: true,
                copies: 1,
                note: Some("外籍人士提供护照".into()),
            },
            Material {
                name: "存量房买卖合同".into(),
                original: false,
                copies: 2,
                note: None,
            },
        ],
        fee_fen: 8000,
        service_code: service.into(),
        time_limit_days: 5,
    }
}

/// The service catalogue: topics T1 and T2 at service A, T3 at service B.
#[must_use]
pub fn catalogue() -> Catalogue {
    let c = |code: &str, name: &str| Classification {
        code: code.into(),
        name: name.into(),
    };
    Catalogue {
        version: "v1".into(),
        classifications: Classifications {
            applicant_types: vec![c("individual", "个人"), c("enterprise", "企业")],
            joint_handling: vec![c("land_housing_tax", "房地税联办")],
            dispositions: vec![c("sale", "买卖"), c("gift", "赠与")],
            uses: vec![c("residential", "住宅")],
            right_types: vec![c(
                "state_construction_land_and_house",
                "国有建设用地使用权/房屋所有权",
            )],
        },
        topics: vec![topic("T1", "A"), topic("T2", "A"), topic("T3", "B")],
    }
}

/// Case BDC-2026-000101 in review, to be picked up at window 8 (a method the citizen may
/// change when `changeable`).
///
/// # Errors
/// None in practice (fixed, valid values).
pub fn progress(changeable: bool) -> Result<CaseProgress, SampleError> {
    Ok(CaseProgress {
        case_number: parse("BDC-2026-000101")?,
        business_type: BusinessType::Transfer,
        status: CaseStatus::InProgress,
        stages: vec![
            StageProgress {
                stage: CaseStage::Accept,
                started_at: datetime!(2026-11-20 09:00 +08:00),
                finished_at: Some(datetime!(2026-11-20 09:30 +08:00)),
            },
            StageProgress {
                stage: CaseStage::Review,
                started_at: datetime!(2026-11-20 09:30 +08:00),
                finished_at: None,
            },
        ],
        pickup: Pickup {
            ready: false,
            method: Some(PickupMethod::Window),
            window: Some("8".into()),
            changeable,
        },
        rated: false,
    })
}

/// The case's unpaid fees: 80 yuan registration, 10 yuan certificate, 90 yuan in all.
#[must_use]
pub fn fees() -> Fees {
    Fees {
        items: vec![
            FeeItem {
                name: "不动产登记费（住宅）".into(),
                amount_fen: 8000,
            },
            FeeItem {
                name: "证书工本费".into(),
                amount_fen: 1000,
            },
        ],
        total_fen: 9000,
        paid: false,
    }
}

/// The payment order for [`fees`], in this state.
#[must_use]
pub fn order(state: PaymentState) -> PaymentOrder {
    PaymentOrder {
        order_id: "PO-000017".into(),
        qr_payload: "https://pay.invalid/o/PO-000017".into(),
        amount_fen: 9000,
        state,
        expires_at: datetime!(2026-11-28 09:30 +08:00),
    }
}

/// The FAQ: two questions (inheritance materials, a lost certificate).
#[must_use]
pub fn faq() -> Faq {
    Faq {
        version: "f1".into(),
        entries: vec![
            FaqEntry {
                id: "1".into(),
                question: "继承房产需要哪些材料？".into(),
                answer: "请携带继承公证书或生效法律文书、被继承人死亡证明、不动产权证书和继承人身份证明。".into(),
                topic_code: None,
            },
            FaqEntry {
                id: "2".into(),
                question: "不动产权证书丢失怎么办？".into(),
                answer: "请持身份证明到窗口申请补证，登记机构公告 15 个工作日后补发。".into(),
                topic_code: None,
            },
        ],
    }
}

/// A value central sent just now (not a cached copy).
#[must_use]
pub fn fresh<T>(value: T) -> Cached<T> {
    Cached {
        value,
        offline_age_ms: None,
    }
}
