//! The synthetic registry the simulator starts with, generated deterministically from a seed and
//! the server's start time (`generate` is pure: same seed and start, same data).
//!
//! What is in it:
//! - the four built-in sample card holders of the ID-card simulator (`sim/cards/*.toml`, read
//!   through [`crate::idcard::load_card`] so the two simulators cannot disagree), with fixed
//!   units, one case each and three appointments each today: one whose check-in window is open
//!   at start, one later, one already past;
//! - 50 generated people of all four card types with valid ID numbers (MOD 11-2 check
//!   characters), three of them seeded as face mismatches ([`Demo::face_mismatch`]: their face
//!   never matches, whatever the photo), twelve with no property ([`Demo::without_property`]);
//! - their units in Beijing's districts, with valid unit codes (GB/T 37346) and certificate
//!   numbers, joint and shared ownership, historical records, and every restriction kind
//!   (mortgages of both kinds, the three seizure kinds, objections, advance notices and
//!   pre-mortgages, residence rights, easements, locks);
//! - cases of every business type in every status and stage, with fees and pickup choices;
//! - a morning's queue: a few tickets per service issued before start.
//!
//! Facts: `shared/reference/registration-domain.md` ("Code formats", "The query-result
//! certificate"). Every person is synthetic.

use super::faults::BEIJING;
use super::guide::SERVICES;
use crate::xorshift::XorShift64;
use anyhow::{Context as _, Result, anyhow};
use central_api::domain::{
    BusinessType, CaseNumber, CaseStage, CaseStatus, CertificateNumber, CoOwnership, DistrictCode,
    LandRightNature, MortgageKind, PickupMethod, RecordStatus, RightType, SeizureKind, UnitCode,
};
use central_api::dto::{
    Areas, DocumentType, Holder, IdNumberDto, Priority, Restriction, StageProgress, Unit,
};
use idcard::CardType;
use idcard::id_number::check_character;
use idcard::sensitive::{mask_name, mask_number};
use time::macros::date;
use time::{Date, Duration, OffsetDateTime, Time};

/// A person known to the registry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    /// Document number.
    pub id_number: String,
    /// Name as on the card (the Chinese name).
    pub name: String,
    /// The English name of a foreigner's card, also accepted as the name.
    pub english_name: Option<String>,
    /// Card type.
    pub document_type: DocumentType,
    /// Birth date.
    pub birth_date: Date,
    /// Whether face comparison always fails for this person.
    pub face_mismatch: bool,
    /// Whether this is one of the ID-card simulator's built-in sample holders.
    pub builtin: bool,
}

/// A unit and whether it counts as residential (有房无房).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeedUnit {
    /// The unit as the contract describes it; holders carry full ID numbers.
    pub unit: Unit,
    /// Whether it is a dwelling (counted by the property check when current).
    pub residential: bool,
}

/// A registration case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeedCase {
    /// 受理编号.
    pub case_number: CaseNumber,
    /// The applicant.
    pub id_number: String,
    /// Business type.
    pub business_type: BusinessType,
    /// Status.
    pub status: CaseStatus,
    /// Residential (80 元) or not (550 元).
    pub residential: bool,
    /// Certificate books beyond the first.
    pub extra_books: u32,
    /// Whether the fees are paid.
    pub paid: bool,
    /// Chosen pickup method.
    pub pickup_method: Option<PickupMethod>,
    /// Window for window pickup.
    pub pickup_window: Option<String>,
    /// Whether it was rated.
    pub rated: bool,
    /// Stages so far.
    pub stages: Vec<StageProgress>,
}

/// An appointment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeedAppointment {
    /// Its id.
    pub appointment_id: String,
    /// The code the citizen types.
    pub booking_code: String,
    /// Whose it is.
    pub id_number: String,
    /// Queue series.
    pub service_code: &'static str,
    /// Slot start.
    pub slot_start: OffsetDateTime,
    /// Slot end.
    pub slot_end: OffsetDateTime,
    /// Whether it belongs to a built-in holder (refreshed at every start).
    pub builtin: bool,
}

/// Where a queue ticket is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TicketState {
    /// Waiting to be called.
    Waiting,
    /// Called to a window, being served.
    Called,
    /// Served.
    Done,
}

impl TicketState {
    /// The stored text.
    pub const fn as_str(self) -> &'static str {
        match self {
            TicketState::Waiting => "waiting",
            TicketState::Called => "called",
            TicketState::Done => "done",
        }
    }
}

/// A ticket issued before start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeedTicket {
    /// Queue series.
    pub service_code: &'static str,
    /// Number within the series today.
    pub seq: u32,
    /// Priority class.
    pub priority: Priority,
    /// Where it is.
    pub state: TicketState,
    /// Issued at.
    pub issued_at: OffsetDateTime,
    /// Window, once called.
    pub window: Option<String>,
}

/// When a demo appointment's check-in window is, relative to start.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Timing {
    /// The window is open at start.
    Now,
    /// The window opens later today.
    Later,
    /// The window closed before start.
    Past,
}

impl Timing {
    /// `now`, `later` or `past`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Timing::Now => "now",
            Timing::Later => "later",
            Timing::Past => "past",
        }
    }
}

/// One of a built-in holder's appointments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoAppointment {
    /// Its id.
    pub appointment_id: String,
    /// The code to type.
    pub booking_code: String,
    /// Queue series.
    pub service_code: &'static str,
    /// Slot start.
    pub slot_start: OffsetDateTime,
    /// Where the window is.
    pub timing: Timing,
}

/// A built-in holder and what a demo operator types for them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoHolder {
    /// The ID-card simulator's card name (`resident`, ...).
    pub card: &'static str,
    /// Name.
    pub name: String,
    /// Document number.
    pub id_number: String,
    /// Their cases.
    pub case_numbers: Vec<String>,
    /// Their appointments today.
    pub appointments: Vec<DemoAppointment>,
}

impl DemoHolder {
    /// `DEMO holder card=<card> name=<name> id=<number> cases=<n,...> now=<code>:<series>@HH:MM
    /// later=... past=...`; with `masked`, the number is masked (for logs).
    pub fn line(&self, masked: bool) -> String {
        let id = if masked {
            mask_number(&self.id_number)
        } else {
            self.id_number.clone()
        };
        let mut line = format!(
            "DEMO holder card={} name={} id={id} cases={}",
            self.card,
            self.name,
            self.case_numbers.join(",")
        );
        for a in &self.appointments {
            line.push_str(&format!(
                " {}={}:{}@{:02}:{:02}",
                a.timing.as_str(),
                a.booking_code,
                a.service_code,
                a.slot_start.hour(),
                a.slot_start.minute()
            ));
        }
        line
    }
}

/// A generated person worth knowing for a demo.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoPerson {
    /// Name.
    pub name: String,
    /// Document number.
    pub id_number: String,
    /// Card type.
    pub document_type: DocumentType,
}

/// What a demo operator needs: the built-in holders' codes, and notable generated people.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Demo {
    /// The four built-in holders.
    pub holders: Vec<DemoHolder>,
    /// People whose face never matches.
    pub face_mismatch: Vec<DemoPerson>,
    /// Generated people with no property.
    pub without_property: Vec<DemoPerson>,
}

impl Demo {
    /// The lines the `demo` command prints: one `DEMO holder ...` line per built-in holder, one
    /// `DEMO face_mismatch ...` and one `DEMO no_property ...` line per notable person.
    pub fn lines(&self) -> Vec<String> {
        let mut lines: Vec<String> = self.holders.iter().map(|h| h.line(false)).collect();
        for (tag, people) in [
            ("face_mismatch", &self.face_mismatch),
            ("no_property", &self.without_property),
        ] {
            for p in people {
                lines.push(format!(
                    "DEMO {tag} name={} id={} type={}",
                    p.name,
                    p.id_number,
                    document_type_code(p.document_type)
                ));
            }
        }
        lines
    }
}

/// Everything seeded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeedData {
    /// People.
    pub persons: Vec<Person>,
    /// Units.
    pub units: Vec<SeedUnit>,
    /// Cases.
    pub cases: Vec<SeedCase>,
    /// Appointments today.
    pub appointments: Vec<SeedAppointment>,
    /// The morning's tickets.
    pub tickets: Vec<SeedTicket>,
    /// What a demo operator needs.
    pub demo: Demo,
}

/// The stored code of a document type (the contract's wire form).
pub const fn document_type_code(document_type: DocumentType) -> &'static str {
    match document_type {
        DocumentType::Resident => "resident",
        DocumentType::Foreigner2017 => "foreigner_2017",
        DocumentType::Foreigner2023 => "foreigner_2023",
        DocumentType::HkMoTwPermit => "hk_mo_tw_permit",
    }
}

/// The document type of a stored code.
pub fn document_type_from_code(code: &str) -> Option<DocumentType> {
    match code {
        "resident" => Some(DocumentType::Resident),
        "foreigner_2017" => Some(DocumentType::Foreigner2017),
        "foreigner_2023" => Some(DocumentType::Foreigner2023),
        "hk_mo_tw_permit" => Some(DocumentType::HkMoTwPermit),
        _ => None,
    }
}

/// Generated people (besides the four built-in holders).
pub const GENERATED_PEOPLE: usize = 50;

/// Slot length of every appointment.
pub const SLOT_MINUTES: i64 = 30;

/// A thin layer over xorshift for choices.
struct Rng(XorShift64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        if n == 0 { 0 } else { self.0.next_u64() % n }
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        let i = usize::try_from(self.below(items.len() as u64)).unwrap_or(0);
        &items[i % items.len()]
    }

    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + i64::try_from(self.below(u64::try_from(hi - lo).unwrap_or(1))).unwrap_or(0)
    }
}

/// Generates the registry for `seed`, with today's appointments and queue relative to `start`.
pub fn generate(seed: u64, start: OffsetDateTime) -> Result<SeedData> {
    let start = start.to_offset(BEIJING).replace_millisecond(0)?;
    let start = start.replace_second(0)?;
    let mut rng = Rng(XorShift64::new(seed ^ 0x4345_4e54_5241_4c31)); // "CENTRAL1"
    let mut data = SeedData {
        persons: Vec::new(),
        units: Vec::new(),
        cases: Vec::new(),
        appointments: Vec::new(),
        tickets: Vec::new(),
        demo: Demo {
            holders: Vec::new(),
            face_mismatch: Vec::new(),
            without_property: Vec::new(),
        },
    };
    let mut ids = Ids::default();
    builtins(&mut data, &mut rng, &mut ids, start)?;
    let generated = people(&mut rng)?;
    let first_generated = data.persons.len();
    data.persons.extend(generated);
    generated_units(&mut data, &mut rng, &mut ids, first_generated)?;
    generated_cases(&mut data, &mut rng, &mut ids, first_generated, start)?;
    generated_appointments(&mut data, &mut rng, &mut ids, first_generated, start)?;
    data.tickets = morning_queue(&mut rng, start);
    for person in data.persons.get(first_generated..).unwrap_or_default() {
        let demo = DemoPerson {
            name: person.name.clone(),
            id_number: person.id_number.clone(),
            document_type: person.document_type,
        };
        if person.face_mismatch {
            data.demo.face_mismatch.push(demo.clone());
        }
        let holds = data.units.iter().any(|u| {
            u.unit
                .holders
                .iter()
                .any(|h| h.id_number.0 == person.id_number)
        });
        if !holds {
            data.demo.without_property.push(demo);
        }
    }
    Ok(data)
}

/// Running numbers that keep generated codes unique.
#[derive(Debug, Default)]
struct Ids {
    parcel: u32,
    certificate: u32,
    proof: u32,
    case: u32,
    appointment: u32,
    booking_codes: Vec<String>,
}

impl Ids {
    fn next_parcel(&mut self) -> u32 {
        self.parcel += 1;
        100 + self.parcel
    }

    fn next_certificate(&mut self) -> u32 {
        self.certificate += 1;
        10_000 + self.certificate * 37
    }

    fn next_proof(&mut self) -> u32 {
        self.proof += 1;
        20_000 + self.proof * 41
    }

    fn case_number(&mut self, year: i32) -> Result<CaseNumber> {
        self.case += 1;
        Ok(format!("BDC-{year}-{:06}", 100 + self.case).parse()?)
    }

    fn appointment_id(&mut self) -> String {
        self.appointment += 1;
        format!("APT-{:06}", self.appointment)
    }

    fn booking_code(&mut self, rng: &mut Rng) -> String {
        loop {
            let code = format!("{:08}", 10_000_000 + rng.below(90_000_000));
            if !self.booking_codes.contains(&code) {
                self.booking_codes.push(code.clone());
                return code;
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Units

/// What a unit is built from.
struct UnitFacts {
    district: DistrictCode,
    cadastral: (u32, u32),
    /// Parcel feature code: `GB` (state, building land) or `JC` (collective, homestead).
    feature: &'static str,
    parcel: u32,
    building_no: u32,
    entrance: u32,
    room: u32,
    street: String,
    certificate_year: i32,
    certificate_serial: u32,
    right_type: RightType,
    holders: Vec<Holder>,
    co_ownership: CoOwnership,
    total_floors: i32,
    structure: &'static str,
    building_area_centi: u32,
    usage: &'static str,
    nature: &'static str,
    land: LandRightNature,
    land_term_to: Option<Date>,
    registered_on: Date,
    status: RecordStatus,
    restrictions: Vec<Restriction>,
}

fn centi(value: u32) -> String {
    format!("{}.{:02}", value / 100, value % 100)
}

fn certificate_number(year: i32, district: DistrictCode, serial: u32) -> Result<CertificateNumber> {
    Ok(format!("京({year}){}不动产权第{serial:07}号", district.name()).parse()?)
}

fn proof_number(year: i32, district: DistrictCode, serial: u32) -> Result<CertificateNumber> {
    Ok(format!("京({year}){}不动产证明第{serial:07}号", district.name()).parse()?)
}

fn build_unit(f: UnitFacts) -> Result<SeedUnit> {
    let code: UnitCode = format!(
        "{}{:03}{:03}{}{:05}F{:04}{:04}",
        f.district.as_str(),
        f.cadastral.0,
        f.cadastral.1,
        f.feature,
        f.parcel,
        f.building_no,
        f.room
    )
    .parse()?;
    let rural = f.feature == "JC";
    let location = if rural {
        format!("北京市{}{}", f.district.name(), f.street)
    } else {
        format!(
            "北京市{}{}{}号楼{}单元{}",
            f.district.name(),
            f.street,
            f.building_no,
            f.entrance,
            f.room
        )
    };
    let floor = if rural {
        1
    } else {
        i32::try_from(f.room / 100).unwrap_or(1).max(1)
    };
    let inner = f.building_area_centi * 79 / 100;
    let residential = f.usage == "住宅";
    Ok(SeedUnit {
        unit: Unit {
            unit_code: code,
            certificate_number: certificate_number(
                f.certificate_year,
                f.district,
                f.certificate_serial,
            )?,
            right_type: f.right_type,
            holders: f.holders,
            co_ownership: f.co_ownership,
            location,
            building: if rural {
                "1幢".to_owned()
            } else {
                format!("{}号楼", f.building_no)
            },
            room: f.room.to_string(),
            floor,
            total_floors: f.total_floors.max(floor),
            structure: f.structure.to_owned(),
            areas: Areas {
                building: centi(f.building_area_centi),
                inner: (!rural).then(|| centi(inner)),
                shared: (!rural).then(|| centi(f.building_area_centi - inner)),
            },
            usage: f.usage.to_owned(),
            nature: f.nature.to_owned(),
            land_right_nature: f.land,
            land_term_to: f.land_term_to,
            registered_on: f.registered_on,
            status: f.status,
            restrictions: f.restrictions,
        },
        residential,
    })
}

fn sole(person: &Person) -> Vec<Holder> {
    vec![Holder {
        name: person.name.clone(),
        id_number: IdNumberDto(person.id_number.clone()),
        share: None,
    }]
}

fn years_after(date: Date, years: i32) -> Date {
    date.replace_year(date.year() + years)
        .unwrap_or(date + Duration::days(365 * i64::from(years)))
}

// ---------------------------------------------------------------------------------------------
// The built-in holders

fn load_builtin(card: CardType) -> Result<Person> {
    let record = crate::idcard::load_card(card.as_str())
        .with_context(|| format!("the built-in {} card", card.as_str()))?;
    let birth_date = Date::parse(
        &record.birth_date,
        time::macros::format_description!("[year]-[month]-[day]"),
    )
    .with_context(|| format!("the built-in {} card's birth date", card.as_str()))?;
    let document_type = match card {
        CardType::Resident => DocumentType::Resident,
        CardType::Foreigner2017 => DocumentType::Foreigner2017,
        CardType::Foreigner2023 => DocumentType::Foreigner2023,
        CardType::HkMoTwPermit => DocumentType::HkMoTwPermit,
    };
    Ok(Person {
        id_number: record.id_number,
        name: record.name,
        english_name: record.english_name,
        document_type,
        birth_date,
        face_mismatch: false,
        builtin: true,
    })
}

/// A built-in holder's case.
struct CasePlan<'a> {
    person: &'a Person,
    business: BusinessType,
    status: CaseStatus,
    stage: CaseStage,
    extra_books: u32,
    paid: bool,
    method: Option<PickupMethod>,
}

/// A slot start `minutes` from start, on a whole minute.
fn slot_at(start: OffsetDateTime, minutes: i64) -> OffsetDateTime {
    start + Duration::minutes(minutes)
}

fn builtins(
    data: &mut SeedData,
    rng: &mut Rng,
    ids: &mut Ids,
    start: OffsetDateTime,
) -> Result<()> {
    let zhang = load_builtin(CardType::Resident)?;
    let smith = load_builtin(CardType::Foreigner2017)?;
    let maria = load_builtin(CardType::Foreigner2023)?;
    let chen = load_builtin(CardType::HkMoTwPermit)?;

    // 张𠮷英: her home on her card's address (mortgaged), and a flat in 海淀 (seized).
    let home_registered = date!(2016 - 04 - 18);
    data.units.push(build_unit(UnitFacts {
        district: DistrictCode::Chaoyang,
        cadastral: (12, 3),
        feature: "GB",
        parcel: 88,
        building_no: 3,
        entrance: 2,
        room: 1101,
        street: "建国路甲88号院".to_owned(),
        certificate_year: 2016,
        certificate_serial: 31_415,
        right_type: RightType::StateConstructionLandAndHouse,
        holders: sole(&zhang),
        co_ownership: CoOwnership::Sole,
        total_floors: 18,
        structure: "钢筋混凝土结构",
        building_area_centi: 8_956,
        usage: "住宅",
        nature: "商品房",
        land: LandRightNature::Granted,
        land_term_to: Some(date!(2074 - 12 - 31)),
        registered_on: home_registered,
        status: RecordStatus::Current,
        restrictions: vec![Restriction::Mortgage {
            mortgagee: "中国工商银行股份有限公司北京朝阳支行".to_owned(),
            proof_number: proof_number(2016, DistrictCode::Chaoyang, 45_926)?,
            amount_fen: 120_000_000,
            mortgage_kind: MortgageKind::General,
            term_from: date!(2016 - 04 - 20),
            term_to: date!(2036 - 04 - 19),
        }],
    })?);
    data.units.push(build_unit(UnitFacts {
        district: DistrictCode::Haidian,
        cadastral: (5, 2),
        feature: "GB",
        parcel: 30,
        building_no: 5,
        entrance: 1,
        room: 402,
        street: "学院路30号院".to_owned(),
        certificate_year: 2019,
        certificate_serial: 12_345,
        right_type: RightType::StateConstructionLandAndHouse,
        holders: sole(&zhang),
        co_ownership: CoOwnership::Sole,
        total_floors: 6,
        structure: "混合结构",
        building_area_centi: 6_212,
        usage: "住宅",
        nature: "已购公房",
        land: LandRightNature::Allocated,
        land_term_to: None,
        registered_on: date!(2019 - 09 - 02),
        status: RecordStatus::Current,
        restrictions: vec![Restriction::Seizure {
            court: "北京市海淀区人民法院".to_owned(),
            document_number: "(2025)京0108执4521号".to_owned(),
            seizure_kind: SeizureKind::Seizure,
            term_from: date!(2025 - 03 - 10),
            term_to: date!(2028 - 03 - 09),
        }],
    })?);

    // 史密斯: a flat in 东城 with a residence right granted to someone else.
    data.units.push(build_unit(UnitFacts {
        district: DistrictCode::Dongcheng,
        cadastral: (3, 4),
        feature: "GB",
        parcel: 11,
        building_no: 2,
        entrance: 1,
        room: 803,
        street: "东直门南大街11号院".to_owned(),
        certificate_year: 2020,
        certificate_serial: 8_642,
        right_type: RightType::StateConstructionLandAndHouse,
        holders: sole(&smith),
        co_ownership: CoOwnership::Sole,
        total_floors: 12,
        structure: "钢筋混凝土结构",
        building_area_centi: 11_830,
        usage: "住宅",
        nature: "商品房",
        land: LandRightNature::Granted,
        land_term_to: Some(date!(2078 - 06 - 30)),
        registered_on: date!(2020 - 11 - 16),
        status: RecordStatus::Current,
        restrictions: vec![Restriction::ResidenceRight {
            holder: mask_name("王淑珍"),
            term_to: None,
        }],
    })?);

    // 玛丽亚: no property.

    // 陈大文: a flat in 通州 with an objection and an advance notice.
    data.units.push(build_unit(UnitFacts {
        district: DistrictCode::Tongzhou,
        cadastral: (1, 5),
        feature: "GB",
        parcel: 58,
        building_no: 1,
        entrance: 1,
        room: 1502,
        street: "新华西街58号院".to_owned(),
        certificate_year: 2021,
        certificate_serial: 23_456,
        right_type: RightType::StateConstructionLandAndHouse,
        holders: sole(&chen),
        co_ownership: CoOwnership::Sole,
        total_floors: 26,
        structure: "钢筋混凝土结构",
        building_area_centi: 9_745,
        usage: "住宅",
        nature: "商品房",
        land: LandRightNature::Granted,
        land_term_to: Some(date!(2085 - 05 - 31)),
        registered_on: date!(2021 - 07 - 08),
        status: RecordStatus::Current,
        restrictions: vec![
            Restriction::Objection {
                registered_on: date!(2025 - 09 - 15),
                matter: "案外人主张该房屋系其出资购买，对权利人有异议".to_owned(),
            },
            Restriction::AdvanceNotice {
                proof_number: proof_number(2025, DistrictCode::Tongzhou, 34_567)?,
                pre_mortgage: false,
            },
        ],
    })?);

    // One case each, covering payment, rating, pickup and the locked cases.
    let plans = [
        // In progress at 缮证, 80 + 10 元 unpaid: the payment demo.
        CasePlan {
            person: &zhang,
            business: BusinessType::Transfer,
            status: CaseStatus::InProgress,
            stage: CaseStage::Prepare,
            extra_books: 1,
            paid: false,
            method: None,
        },
        // Completed, certificate ready at the window, paid, not rated: the rating demo.
        CasePlan {
            person: &smith,
            business: BusinessType::First,
            status: CaseStatus::Completed,
            stage: CaseStage::Issue,
            extra_books: 0,
            paid: true,
            method: Some(PickupMethod::Window),
        },
        // In progress at 审核, 80 元 unpaid.
        CasePlan {
            person: &maria,
            business: BusinessType::Transfer,
            status: CaseStatus::InProgress,
            stage: CaseStage::Review,
            extra_books: 0,
            paid: false,
            method: None,
        },
        // Archived objection registration: nothing to pay, pickup locked.
        CasePlan {
            person: &chen,
            business: BusinessType::Objection,
            status: CaseStatus::Completed,
            stage: CaseStage::Archive,
            extra_books: 0,
            paid: false,
            method: Some(PickupMethod::Window),
        },
    ];
    let mut case_numbers = Vec::new();
    for (i, plan) in plans.into_iter().enumerate() {
        let CasePlan {
            person,
            business,
            status,
            stage,
            extra_books,
            paid,
            method,
        } = plan;
        let days_ago = 3 + 2 * i64::try_from(i).unwrap_or(0);
        let accepted = start - Duration::days(days_ago + 14);
        let stages = stage_progress(business, status, stage, accepted, rng);
        let case_number = ids.case_number(accepted.year())?;
        case_numbers.push(case_number.to_string());
        data.cases.push(SeedCase {
            case_number,
            id_number: person.id_number.clone(),
            business_type: business,
            status,
            residential: true,
            extra_books,
            paid,
            pickup_method: method,
            pickup_window: (method == Some(PickupMethod::Window)).then(|| "8号窗口".to_owned()),
            rated: false,
            stages,
        });
    }

    // Three appointments each: open now, later today, already past.
    let services: [[&'static str; 3]; 4] = [
        ["A", "B", "E"],
        ["D", "E", "A"],
        ["C", "A", "F"],
        ["D", "B", "E"],
    ];
    let timings = [
        (Timing::Now, 10),
        (Timing::Later, 180),
        (Timing::Past, -120),
    ];
    let holders = [
        (CardType::Resident, &zhang),
        (CardType::Foreigner2017, &smith),
        (CardType::Foreigner2023, &maria),
        (CardType::HkMoTwPermit, &chen),
    ];
    for (i, (card, person)) in holders.into_iter().enumerate() {
        let mut appointments = Vec::new();
        for (j, (timing, minutes)) in timings.into_iter().enumerate() {
            let service_code = services[i][j];
            // Spread the four holders over a few minutes so their slots differ.
            let slot_start = slot_at(start, minutes + 5 * i64::try_from(i).unwrap_or(0));
            let appointment = SeedAppointment {
                appointment_id: ids.appointment_id(),
                booking_code: ids.booking_code(rng),
                id_number: person.id_number.clone(),
                service_code,
                slot_start,
                slot_end: slot_start + Duration::minutes(SLOT_MINUTES),
                builtin: true,
            };
            appointments.push(DemoAppointment {
                appointment_id: appointment.appointment_id.clone(),
                booking_code: appointment.booking_code.clone(),
                service_code,
                slot_start,
                timing,
            });
            data.appointments.push(appointment);
        }
        data.demo.holders.push(DemoHolder {
            card: card.as_str(),
            name: person.name.clone(),
            id_number: person.id_number.clone(),
            case_numbers: vec![case_numbers.get(i).cloned().unwrap_or_default()],
            appointments,
        });
    }
    data.persons.extend([zhang, smith, maria, chen]);
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Generated people

const SURNAMES: [&str; 30] = [
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "胡", "朱", "高", "林",
    "何", "郭", "马", "罗", "梁", "宋", "郑", "谢", "韩", "唐", "冯", "于", "董", "萧",
];
const GIVEN: [&str; 32] = [
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明",
    "超", "秀英", "霞", "平", "刚", "桂英", "建国", "志强", "海燕", "晓东", "雪梅", "子涵", "浩然",
    "思远", "佳怡", "宇航",
];
/// Region codes of residents: mostly Beijing, some elsewhere.
const RESIDENT_REGIONS: [&str; 14] = [
    "110101", "110102", "110105", "110105", "110106", "110108", "110108", "110112", "110114",
    "130102", "310104", "440106", "510107", "370202",
];
/// 2017 foreigner cards: Chinese name, English name, nationality.
const FOREIGNERS_2017: [(&str, &str, &str); 4] = [
    ("约翰逊", "JOHNSON, MICHAEL", "USA"),
    ("安德森", "ANDERSSON, ERIK", "SWE"),
    ("穆勒", "MUELLER, ANNA", "DEU"),
    ("杜邦", "DUPONT, CLAIRE", "FRA"),
];
/// 2023 foreigner cards: Chinese name, English name, ISO 3166 numeric country.
const FOREIGNERS_2023: [(&str, &str, u32); 4] = [
    ("佐藤健", "SATO, KEN", 392),
    ("金敏洙", "KIM, MINSU", 410),
    ("伊万诺娃", "IVANOVA, OLGA", 643),
    ("威廉姆斯", "WILLIAMS, EMMA", 826),
];
/// Residence permits: Hong Kong, Macau, Taiwan.
const PERMIT_REGIONS: [&str; 3] = ["810000", "820000", "830000"];
/// Generated people seeded as face mismatches (indexes among the generated).
const FACE_MISMATCH: [usize; 3] = [7, 23, 41];

/// An 18-character number: 17 digits and the MOD 11-2 check character.
fn with_check(first17: &str) -> Result<String> {
    let digits: [u8; 17] = first17
        .as_bytes()
        .try_into()
        .map_err(|_| anyhow!("{first17} is not 17 characters"))?;
    Ok(format!("{first17}{}", check_character(&digits)))
}

fn compact(date: Date) -> String {
    format!(
        "{:04}{:02}{:02}",
        date.year(),
        u8::from(date.month()),
        date.day()
    )
}

fn people(rng: &mut Rng) -> Result<Vec<Person>> {
    let mut people: Vec<Person> = Vec::with_capacity(GENERATED_PEOPLE);
    for i in 0..GENERATED_PEOPLE {
        let birth_date = date!(1940 - 01 - 01) + Duration::days(rng.range(0, 62 * 365));
        let seq = 1 + rng.below(998);
        let chinese_name = format!("{}{}", rng.pick(&SURNAMES), rng.pick(&GIVEN));
        let (document_type, id_number, name, english_name) = match i % 25 {
            // Indexes 5 and 15 of every 25: 2017 foreigner cards; 10 and 20: 2023; 12 and 24:
            // permits; the rest residents.
            5 | 15 => {
                let (zh, en, nat) = FOREIGNERS_2017[(i / 25) * 2 + usize::from(i % 25 == 15)];
                let yymmdd = compact(birth_date).get(2..).unwrap_or_default().to_owned();
                let body = format!("{nat}11{yymmdd}{:02}", seq % 100);
                let check = body.bytes().map(u32::from).sum::<u32>() % 10;
                (
                    DocumentType::Foreigner2017,
                    format!("{body}{check}1"),
                    zh.to_owned(),
                    Some(en.to_owned()),
                )
            }
            10 | 20 => {
                let (zh, en, country) = FOREIGNERS_2023[(i / 25) * 2 + usize::from(i % 25 == 20)];
                let number =
                    with_check(&format!("911{country:03}{}{seq:03}", compact(birth_date)))?;
                (
                    DocumentType::Foreigner2023,
                    number,
                    zh.to_owned(),
                    Some(en.to_owned()),
                )
            }
            12 | 24 => {
                let region = rng.pick(&PERMIT_REGIONS);
                let number = with_check(&format!("{region}{}{seq:03}", compact(birth_date)))?;
                (DocumentType::HkMoTwPermit, number, chinese_name, None)
            }
            _ => {
                let region = rng.pick(&RESIDENT_REGIONS);
                let number = with_check(&format!("{region}{}{seq:03}", compact(birth_date)))?;
                (DocumentType::Resident, number, chinese_name, None)
            }
        };
        if people.iter().any(|p| p.id_number == id_number) {
            return Err(anyhow!(
                "generated ID number {} twice",
                mask_number(&id_number)
            ));
        }
        people.push(Person {
            id_number,
            name,
            english_name,
            document_type,
            birth_date,
            face_mismatch: FACE_MISMATCH.contains(&i),
            builtin: false,
        });
    }
    Ok(people)
}

// ---------------------------------------------------------------------------------------------
// Generated units

/// Urban districts for flats, with street names.
const URBAN: [(DistrictCode, &[&str]); 8] = [
    (
        DistrictCode::Dongcheng,
        &["东四北大街", "和平里东街", "安定门外大街"],
    ),
    (
        DistrictCode::Xicheng,
        &["西直门南大街", "月坛北街", "广安门外大街"],
    ),
    (
        DistrictCode::Chaoyang,
        &["望京西路", "朝阳北路", "安立路", "劲松南路"],
    ),
    (DistrictCode::Fengtai, &["丰台北路", "方庄路", "马家堡东路"]),
    (
        DistrictCode::Haidian,
        &["中关村南大街", "万寿路", "清河中街", "西三旗路"],
    ),
    (DistrictCode::Shijingshan, &["鲁谷路", "杨庄东街"]),
    (
        DistrictCode::Tongzhou,
        &["新华大街", "梨园北街", "九棵树东路"],
    ),
    (DistrictCode::Changping, &["回龙观西大街", "天通苑北街"]),
];
/// Rural districts for homesteads, with villages.
const RURAL: [(DistrictCode, &[&str]); 4] = [
    (DistrictCode::Huairou, &["桥梓镇北宅村", "渤海镇六渡河村"]),
    (DistrictCode::Miyun, &["溪翁庄镇金叵罗村", "古北口镇河西村"]),
    (DistrictCode::Yanqing, &["八达岭镇石峡村", "旧县镇东羊坊村"]),
    (
        DistrictCode::Pinggu,
        &["金海湖镇将军关村", "大华山镇挂甲峪村"],
    ),
];
const MORTGAGEES: [&str; 6] = [
    "中国工商银行股份有限公司北京分行",
    "中国建设银行股份有限公司北京分行",
    "中国银行股份有限公司北京市分行",
    "北京银行股份有限公司",
    "招商银行股份有限公司北京分行",
    "北京住房公积金管理中心",
];
const STRUCTURES: [&str; 3] = ["钢筋混凝土结构", "混合结构", "砖混结构"];

/// The court of a district and its case-number code (`京0105`).
fn court(district: DistrictCode) -> (String, String) {
    let suffix = district.as_str().get(2..).unwrap_or("0105").to_owned();
    (
        format!("北京市{}人民法院", district.name()),
        format!("京{suffix}"),
    )
}

/// Restrictions forced on the n-th generated unit, so every kind appears whatever the seed.
fn forced_restrictions(
    n: usize,
    district: DistrictCode,
    registered: Date,
    rng: &mut Rng,
    ids: &mut Ids,
) -> Result<Vec<Restriction>> {
    let (court_name, court_code) = court(district);
    let seizure = |kind: SeizureKind, year: i32, number: u32| Restriction::Seizure {
        court: court_name.clone(),
        document_number: format!("({year}){court_code}执{number}号"),
        seizure_kind: kind,
        term_from: date!(2025 - 06 - 01),
        term_to: date!(2028 - 05 - 31),
    };
    let year = registered.year().max(2016);
    let out = match n {
        1 => vec![seizure(
            SeizureKind::Seizure,
            2025,
            3_201 + rng.below(500) as u32,
        )],
        2 => vec![
            seizure(SeizureKind::Seizure, 2024, 1_877),
            seizure(SeizureKind::Waiting, 2025, 6_090 + rng.below(500) as u32),
        ],
        4 => vec![seizure(
            SeizureKind::PreSeizure,
            2025,
            7_310 + rng.below(500) as u32,
        )],
        6 => vec![Restriction::Objection {
            registered_on: date!(2026 - 02 - 11),
            matter: "申请人主张该房屋为夫妻共同财产，对登记的权利人有异议".to_owned(),
        }],
        8 => vec![Restriction::AdvanceNotice {
            proof_number: proof_number(year, district, ids.next_proof())?,
            pre_mortgage: false,
        }],
        10 => vec![Restriction::AdvanceNotice {
            proof_number: proof_number(year, district, ids.next_proof())?,
            pre_mortgage: true,
        }],
        12 => vec![Restriction::ResidenceRight {
            holder: mask_name("赵桂兰"),
            term_to: Some(date!(2040 - 12 - 31)),
        }],
        14 => vec![Restriction::Easement {
            matter: "需役地通行：允许相邻地块权利人经本宗地通行".to_owned(),
        }],
        16 => vec![Restriction::Lock {
            reason: "档案核查期间暂停办理登记业务".to_owned(),
        }],
        _ => Vec::new(),
    };
    Ok(out)
}

fn mortgage(
    rng: &mut Rng,
    ids: &mut Ids,
    district: DistrictCode,
    registered: Date,
) -> Result<Restriction> {
    let maximum = rng.chance(20);
    let year = (registered.year() + i32::try_from(rng.below(3)).unwrap_or(0)).min(2025);
    let term_from = registered.replace_year(year).unwrap_or(registered);
    let years = if maximum {
        5
    } else {
        *rng.pick(&[10, 20, 25, 30])
    };
    Ok(Restriction::Mortgage {
        mortgagee: rng.pick(&MORTGAGEES).to_string(),
        proof_number: proof_number(year, district, ids.next_proof())?,
        amount_fen: (50 + i64::try_from(rng.below(350)).unwrap_or(0)) * 1_000_000,
        mortgage_kind: if maximum {
            MortgageKind::Maximum
        } else {
            MortgageKind::General
        },
        term_from,
        term_to: years_after(term_from, years) - Duration::days(1),
    })
}

fn generated_units(data: &mut SeedData, rng: &mut Rng, ids: &mut Ids, first: usize) -> Result<()> {
    let generated: Vec<Person> = data.persons.get(first..).unwrap_or_default().to_vec();
    let mut n = 0usize;
    for (i, person) in generated.iter().enumerate() {
        if i % 4 == 3 {
            continue; // no property
        }
        let count = match rng.below(10) {
            0..=5 => 1,
            6..=8 => 2,
            _ => 3,
        };
        for _ in 0..count {
            n += 1;
            let kind = rng.below(100);
            let registered = date!(2015 - 03 - 01) + Duration::days(rng.range(0, 10 * 365));
            // A co-holder among the people who own something (every fourth owns nothing).
            let mut j = (i + 1 + usize::try_from(rng.below(5)).unwrap_or(0)) % generated.len();
            if j % 4 == 3 {
                j = (j + 1) % generated.len();
            }
            let partner = generated.get(j).filter(|p| p.id_number != person.id_number);
            let (holders, co_ownership) = match (rng.below(100), partner) {
                (0..=19, Some(partner)) => {
                    let mut holders = sole(person);
                    holders.extend(sole(partner));
                    (holders, CoOwnership::Joint)
                }
                (20..=29, Some(partner)) => {
                    let (a, b) = if rng.chance(50) {
                        ("50%", "50%")
                    } else {
                        ("60%", "40%")
                    };
                    let mut holders = sole(person);
                    holders.extend(sole(partner));
                    if let [first, second] = holders.as_mut_slice() {
                        first.share = Some(a.to_owned());
                        second.share = Some(b.to_owned());
                    }
                    (holders, CoOwnership::InShares)
                }
                _ => (sole(person), CoOwnership::Sole),
            };
            let status = if n > 20 && rng.chance(10) {
                RecordStatus::Historical
            } else {
                RecordStatus::Current
            };
            let facts = if kind < 6 {
                // A rural homestead.
                let (district, villages) = rng.pick(&RURAL);
                UnitFacts {
                    district: *district,
                    cadastral: (1 + rng.below(20) as u32, 1 + rng.below(30) as u32),
                    feature: "JC",
                    parcel: ids.next_parcel(),
                    building_no: 1,
                    entrance: 1,
                    room: 1,
                    street: format!("{}{}号", rng.pick(villages), 1 + rng.below(120)),
                    certificate_year: registered.year(),
                    certificate_serial: ids.next_certificate(),
                    right_type: RightType::HomesteadAndHouse,
                    holders,
                    co_ownership,
                    total_floors: 1,
                    structure: "砖木结构",
                    building_area_centi: 9_000 + rng.below(15_000) as u32,
                    usage: "住宅",
                    nature: "自建房",
                    land: LandRightNature::Other,
                    land_term_to: None,
                    registered_on: registered,
                    status,
                    restrictions: Vec::new(),
                }
            } else {
                let (district, streets) = rng.pick(&URBAN);
                let structure = *rng.pick(&STRUCTURES);
                let commercial = kind >= 90;
                let total_floors = 6 + i32::try_from(rng.below(27)).unwrap_or(0);
                let floor = 1 + rng.below(u64::try_from(total_floors).unwrap_or(6)) as u32;
                let (usage, nature, land, term_years) = if commercial {
                    (
                        *rng.pick(&["商业", "办公"]),
                        "市场化商品房",
                        LandRightNature::Granted,
                        Some(40),
                    )
                } else {
                    match rng.below(10) {
                        0..=5 => ("住宅", "商品房", LandRightNature::Granted, Some(70)),
                        6..=8 => ("住宅", "已购公房", LandRightNature::Allocated, None),
                        _ => ("住宅", "经济适用住房", LandRightNature::Allocated, None),
                    }
                };
                UnitFacts {
                    district: *district,
                    cadastral: (1 + rng.below(20) as u32, 1 + rng.below(30) as u32),
                    feature: "GB",
                    parcel: ids.next_parcel(),
                    building_no: 1 + rng.below(20) as u32,
                    entrance: 1 + rng.below(4) as u32,
                    room: floor * 100 + 1 + rng.below(6) as u32,
                    street: format!("{}{}号院", rng.pick(streets), 1 + rng.below(200)),
                    certificate_year: registered.year(),
                    certificate_serial: ids.next_certificate(),
                    right_type: RightType::StateConstructionLandAndHouse,
                    holders,
                    co_ownership,
                    total_floors,
                    structure,
                    building_area_centi: 4_500 + rng.below(13_500) as u32,
                    usage,
                    nature,
                    land,
                    land_term_to: term_years.map(|years| years_after(registered, years)),
                    registered_on: registered,
                    status,
                    restrictions: Vec::new(),
                }
            };
            let district = facts.district;
            let mut facts = facts;
            let mut restrictions = Vec::new();
            if facts.status == RecordStatus::Current && rng.chance(35) {
                restrictions.push(mortgage(rng, ids, district, registered)?);
            }
            let forced = forced_restrictions(n, district, registered, rng, ids)?;
            if !forced.is_empty() {
                facts.status = RecordStatus::Current;
            }
            restrictions.extend(forced);
            facts.restrictions = restrictions;
            data.units.push(build_unit(facts)?);
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Cases

/// The stages a business type goes through: those that issue nothing skip 缮证 and 发证.
pub fn stage_path(business: BusinessType) -> &'static [CaseStage] {
    use CaseStage::*;
    match business {
        BusinessType::Cancellation | BusinessType::Seizure | BusinessType::Other => {
            &[Accept, Review, Register, Archive]
        }
        _ => &[Accept, Review, Register, Prepare, Issue, Archive],
    }
}

/// Whether a business type issues a certificate or proof to pick up.
pub fn issues_certificate(business: BusinessType) -> bool {
    stage_path(business).contains(&CaseStage::Issue)
}

/// The stages a case has gone through to reach `stage` with `status`, starting at `accepted`.
fn stage_progress(
    business: BusinessType,
    status: CaseStatus,
    stage: CaseStage,
    accepted: OffsetDateTime,
    rng: &mut Rng,
) -> Vec<StageProgress> {
    let path = stage_path(business);
    let reached: Vec<CaseStage> = match status {
        CaseStatus::Withdrawn => vec![CaseStage::Accept],
        CaseStatus::Refused => vec![CaseStage::Accept, CaseStage::Review],
        _ => path.iter().copied().filter(|s| *s <= stage).collect(),
    };
    let accepted =
        accepted.replace_time(Time::MIDNIGHT) + Duration::minutes(9 * 60 + 10 + rng.range(0, 300));
    let mut at = accepted;
    let mut out = Vec::with_capacity(reached.len());
    for (i, s) in reached.iter().enumerate() {
        let last = i + 1 == reached.len();
        let finished_at = at + Duration::hours(20 + rng.range(0, 30));
        let open = last && status == CaseStatus::InProgress;
        out.push(StageProgress {
            stage: *s,
            started_at: at,
            finished_at: (!open).then_some(finished_at),
        });
        at = finished_at;
    }
    out
}

const PHASES: [(CaseStatus, CaseStage); 9] = [
    (CaseStatus::InProgress, CaseStage::Accept),
    (CaseStatus::InProgress, CaseStage::Review),
    (CaseStatus::InProgress, CaseStage::Register),
    (CaseStatus::InProgress, CaseStage::Prepare),
    (CaseStatus::InProgress, CaseStage::Issue),
    (CaseStatus::Completed, CaseStage::Issue),
    (CaseStatus::Completed, CaseStage::Archive),
    (CaseStatus::Refused, CaseStage::Review),
    (CaseStatus::Withdrawn, CaseStage::Accept),
];

/// Generated cases.
pub const GENERATED_CASES: usize = 30;

fn generated_cases(
    data: &mut SeedData,
    rng: &mut Rng,
    ids: &mut Ids,
    first: usize,
    start: OffsetDateTime,
) -> Result<()> {
    let generated = data.persons.get(first..).unwrap_or_default().to_vec();
    for i in 0..GENERATED_CASES {
        let person = &generated[(i * 7) % generated.len()];
        let business = BusinessType::ALL[i % BusinessType::ALL.len()];
        let (status, stage) = PHASES[i % PHASES.len()];
        // Old enough that every stage fits before start.
        let accepted = start - Duration::days(14 + rng.range(0, 40));
        let stages = stage_progress(business, status, stage, accepted, rng);
        let issued = stages.iter().any(|s| s.stage == CaseStage::Issue);
        let pickup_method = if issues_certificate(business)
            && status != CaseStatus::Refused
            && status != CaseStatus::Withdrawn
            && rng.chance(60)
        {
            Some(*rng.pick(PickupMethod::ALL))
        } else {
            None
        };
        data.cases.push(SeedCase {
            case_number: ids.case_number(accepted.year())?,
            id_number: person.id_number.clone(),
            business_type: business,
            status,
            residential: rng.chance(85),
            extra_books: if rng.chance(20) {
                1 + rng.below(2) as u32
            } else {
                0
            },
            paid: status == CaseStatus::Completed || (issued && rng.chance(70)) || rng.chance(30),
            pickup_method,
            pickup_window: (pickup_method == Some(PickupMethod::Window))
                .then(|| format!("{}号窗口", 7 + rng.below(3))),
            rated: status == CaseStatus::Completed && rng.chance(40),
            stages,
        });
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Appointments and queue

fn generated_appointments(
    data: &mut SeedData,
    rng: &mut Rng,
    ids: &mut Ids,
    first: usize,
    start: OffsetDateTime,
) -> Result<()> {
    let generated = data.persons.get(first..).unwrap_or_default().to_vec();
    for i in 0..12usize {
        let person = &generated[(i * 11 + 3) % generated.len()];
        let minutes = (rng.range(-240, 300) / 15) * 15;
        let slot_start = slot_at(start, minutes);
        data.appointments.push(SeedAppointment {
            appointment_id: ids.appointment_id(),
            booking_code: ids.booking_code(rng),
            id_number: person.id_number.clone(),
            service_code: rng.pick(&SERVICES).code,
            slot_start,
            slot_end: slot_start + Duration::minutes(SLOT_MINUTES),
            builtin: false,
        });
    }
    Ok(())
}

fn morning_queue(rng: &mut Rng, start: OffsetDateTime) -> Vec<SeedTicket> {
    let mut tickets = Vec::new();
    for service in &SERVICES {
        let issued = 1 + rng.below(7) as u32;
        let done = issued / 3;
        for seq in 1..=issued {
            let state = if seq <= done {
                TicketState::Done
            } else if seq == done + 1 {
                TicketState::Called
            } else {
                TicketState::Waiting
            };
            let priority = match rng.below(20) {
                0..=2 => Priority::Elderly,
                3 => Priority::Disabled,
                4 => Priority::Pregnant,
                _ => Priority::None,
            };
            tickets.push(SeedTicket {
                service_code: service.code,
                seq,
                priority,
                state,
                issued_at: start - Duration::minutes(i64::from(4 * (issued - seq + 1))),
                window: (state == TicketState::Called)
                    .then(|| format!("{}号窗口", service.first_window)),
            });
        }
    }
    tickets
}

#[cfg(test)]
mod tests {
    use super::*;
    use central_api::domain::IdNumber;
    use time::macros::datetime;

    fn start() -> OffsetDateTime {
        datetime!(2026-11-28 10:30:00 +08:00)
    }

    #[test]
    fn same_seed_same_data_other_seed_other_data() {
        let a = generate(1, start()).unwrap();
        let b = generate(1, start()).unwrap();
        assert_eq!(a, b);
        let c = generate(2, start()).unwrap();
        assert_ne!(a.persons, c.persons);
        // The built-in holders are there whatever the seed.
        assert_eq!(a.demo.holders.len(), 4);
        assert_eq!(c.demo.holders.len(), 4);
    }

    #[test]
    fn the_four_built_in_holders_with_their_units() {
        let data = generate(1, start()).unwrap();
        let units_of = |id: &str| {
            data.units
                .iter()
                .filter(|u| u.unit.holders.iter().any(|h| h.id_number.0 == id))
                .map(|u| &u.unit)
                .collect::<Vec<_>>()
        };
        let zhang = units_of("11010519491231002X");
        assert_eq!(zhang.len(), 2);
        assert!(zhang.iter().any(|u| {
            u.restrictions
                .iter()
                .any(|r| matches!(r, Restriction::Mortgage { .. }))
        }));
        assert!(zhang.iter().any(|u| {
            u.restrictions
                .iter()
                .any(|r| matches!(r, Restriction::Seizure { .. }))
        }));
        let smith = units_of("USA118506120131");
        assert_eq!(smith.len(), 1);
        assert!(matches!(
            smith[0].restrictions[..],
            [Restriction::ResidenceRight { .. }]
        ));
        assert!(units_of("911724199003150027").is_empty());
        let chen = units_of("810000198001010014");
        assert_eq!(chen.len(), 1);
        assert!(matches!(
            chen[0].restrictions[..],
            [
                Restriction::Objection { .. },
                Restriction::AdvanceNotice { .. }
            ]
        ));
        let names: Vec<&str> = data.demo.holders.iter().map(|h| h.name.as_str()).collect();
        assert_eq!(names, ["张𠮷英", "史密斯", "玛丽亚", "陈大文"]);
        for holder in &data.demo.holders {
            assert_eq!(holder.case_numbers.len(), 1);
            let timings: Vec<Timing> = holder.appointments.iter().map(|a| a.timing).collect();
            assert_eq!(timings, [Timing::Now, Timing::Later, Timing::Past]);
            let now = &holder.appointments[0];
            // Open now: the slot starts within the next hour.
            assert!(now.slot_start > start() && now.slot_start < start() + Duration::minutes(60));
        }
    }

    #[test]
    fn generated_people_have_valid_numbers_of_every_type() {
        let data = generate(7, start()).unwrap();
        assert_eq!(data.persons.len(), 4 + GENERATED_PEOPLE);
        for person in &data.persons {
            match person.document_type {
                DocumentType::Foreigner2017 => assert_eq!(person.id_number.len(), 15),
                _ => {
                    IdNumber::parse(&person.id_number).unwrap();
                }
            }
        }
        for kind in [
            DocumentType::Resident,
            DocumentType::Foreigner2017,
            DocumentType::Foreigner2023,
            DocumentType::HkMoTwPermit,
        ] {
            assert!(
                data.persons
                    .iter()
                    .filter(|p| !p.builtin)
                    .any(|p| p.document_type == kind)
            );
        }
        assert_eq!(data.demo.face_mismatch.len(), FACE_MISMATCH.len());
        assert_eq!(data.demo.without_property.len(), GENERATED_PEOPLE / 4);
    }

    #[test]
    fn every_restriction_kind_status_and_stage_appears() {
        for seed in [1, 2, 3] {
            let data = generate(seed, start()).unwrap();
            let all: Vec<&Restriction> = data
                .units
                .iter()
                .flat_map(|u| &u.unit.restrictions)
                .collect();
            for kind in [
                SeizureKind::Seizure,
                SeizureKind::Waiting,
                SeizureKind::PreSeizure,
            ] {
                assert!(all.iter().any(|r| matches!(r, Restriction::Seizure { seizure_kind, .. } if *seizure_kind == kind)));
            }
            assert!(
                all.iter()
                    .any(|r| matches!(r, Restriction::Mortgage { .. }))
            );
            assert!(
                all.iter()
                    .any(|r| matches!(r, Restriction::Objection { .. }))
            );
            assert!(all.iter().any(|r| matches!(
                r,
                Restriction::AdvanceNotice {
                    pre_mortgage: true,
                    ..
                }
            )));
            assert!(all.iter().any(|r| matches!(
                r,
                Restriction::AdvanceNotice {
                    pre_mortgage: false,
                    ..
                }
            )));
            assert!(
                all.iter()
                    .any(|r| matches!(r, Restriction::ResidenceRight { .. }))
            );
            assert!(
                all.iter()
                    .any(|r| matches!(r, Restriction::Easement { .. }))
            );
            assert!(all.iter().any(|r| matches!(r, Restriction::Lock { .. })));
            for status in CaseStatus::ALL {
                assert!(data.cases.iter().any(|c| c.status == *status), "{status}");
            }
            for stage in CaseStage::ALL {
                assert!(
                    data.cases
                        .iter()
                        .any(|c| c.stages.last().map(|s| s.stage) == Some(*stage)),
                    "{stage}"
                );
            }
            for business in BusinessType::ALL {
                assert!(data.cases.iter().any(|c| c.business_type == *business));
            }
            let codes: std::collections::BTreeSet<&str> = data
                .units
                .iter()
                .map(|u| u.unit.unit_code.as_str())
                .collect();
            assert_eq!(codes.len(), data.units.len(), "unit codes are unique");
            assert!(data.units.iter().any(|u| !u.residential));
            assert!(
                data.units
                    .iter()
                    .any(|u| u.unit.status == RecordStatus::Historical)
            );
            assert!(
                data.units
                    .iter()
                    .any(|u| u.unit.co_ownership == CoOwnership::InShares)
            );
        }
    }

    #[test]
    fn stages_are_in_order_and_before_start() {
        let data = generate(1, start()).unwrap();
        for case in &data.cases {
            assert!(!case.stages.is_empty());
            for pair in case.stages.windows(2) {
                assert!(pair[0].stage < pair[1].stage);
                assert_eq!(pair[0].finished_at, Some(pair[1].started_at));
            }
            for stage in &case.stages {
                assert!(stage.started_at < start(), "{}", case.case_number);
            }
            let open = case.stages.last().and_then(|s| s.finished_at).is_none();
            assert_eq!(open, case.status == CaseStatus::InProgress);
        }
    }

    #[test]
    fn demo_lines_name_codes() {
        let data = generate(1, start()).unwrap();
        let lines = data.demo.lines();
        assert!(
            lines[0].starts_with(
                "DEMO holder card=resident name=张𠮷英 id=11010519491231002X cases=BDC-"
            )
        );
        assert!(lines[0].contains(" now="));
        assert!(lines.iter().any(|l| l.starts_with("DEMO face_mismatch ")));
        assert!(lines.iter().any(|l| l.starts_with("DEMO no_property ")));
    }
}
