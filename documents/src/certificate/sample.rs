//! Synthetic certificates for tests, previews and the simulator. Every person, number and address
//! here is invented; the names 张𠮷英 (Ext-B) and 龚䶮 (Ext-A) exercise rare characters.

#![allow(
    clippy::expect_used,
    reason = "the sample values are constants; the tests parse every one of them"
)]

use super::model::{CertificateDoc, KioskContext, Wording};
use central_api::domain::{
    CertificateNumber, CoOwnership, LandRightNature, MortgageKind, QueryNumber, QueryPurpose,
    RecordStatus, RightType, SeizureKind, UnitCode, VerificationCode,
};
use central_api::dto::{Areas, Certificate, Holder, IdNumberDto, Requester, Restriction, Unit};
use time::macros::{date, datetime};

const AGENCY: &str = "北京市朝阳区不动产登记中心";
const PHONE: &str = "010-6509 2345";
const DEVICE: &str = "KIOSK-CY-0003";

fn certificate_number(text: &str) -> CertificateNumber {
    text.parse().expect("sample certificate number")
}

fn unit_code(text: &str) -> UnitCode {
    text.parse().expect("sample unit code")
}

fn id(text: &str) -> IdNumberDto {
    IdNumberDto(text.to_owned())
}

fn certificate(
    query_number: &str,
    code: &str,
    requester: (&str, &str),
    purpose: QueryPurpose,
    units: Vec<Unit>,
) -> Certificate {
    Certificate {
        query_number: query_number
            .parse::<QueryNumber>()
            .expect("sample query number"),
        verification_code: code.parse::<VerificationCode>().expect("sample code"),
        verification_url: format!("https://bdc.example.gov.cn/verify/{code}"),
        issued_at: datetime!(2026-11-28 09:15:41 +08:00),
        agency: AGENCY.to_owned(),
        agency_phone: PHONE.to_owned(),
        requester_name: requester.0.to_owned(),
        requester_id_number: id(requester.1),
        purpose,
        units,
    }
}

fn context(requester: Requester) -> KioskContext {
    KioskContext {
        device_id: DEVICE.to_owned(),
        printed_at: datetime!(2026-11-28 01:16:02 UTC),
        requester,
        wording: Wording::for_agency(AGENCY),
    }
}

/// A flat in shares of 张𠮷英 and 龚䶮 with a mortgage, a seizure and a residence right.
fn shared_flat(zhang: &str, gong: &str) -> Unit {
    Unit {
        unit_code: unit_code("110105012003GB00001F00020063"),
        certificate_number: certificate_number("京(2018)朝阳区不动产权第0001234号"),
        right_type: RightType::StateConstructionLandAndHouse,
        holders: vec![
            Holder {
                name: "张𠮷英".to_owned(),
                id_number: id(zhang),
                share: Some("60%".to_owned()),
            },
            Holder {
                name: "龚䶮".to_owned(),
                id_number: id(gong),
                share: Some("40%".to_owned()),
            },
        ],
        co_ownership: CoOwnership::InShares,
        location: "朝阳区望京街道阜通东大街6号院3号楼15层1502".to_owned(),
        building: "3号楼".to_owned(),
        room: "1502".to_owned(),
        floor: 15,
        total_floors: 28,
        structure: "钢筋混凝土结构".to_owned(),
        areas: Areas {
            building: "89.56".to_owned(),
            inner: Some("71.20".to_owned()),
            shared: Some("18.36".to_owned()),
        },
        usage: "住宅".to_owned(),
        nature: "商品房".to_owned(),
        land_right_nature: LandRightNature::Granted,
        land_term_to: Some(date!(2086 - 05 - 31)),
        registered_on: date!(2018 - 06 - 12),
        status: RecordStatus::Current,
        restrictions: vec![
            Restriction::Mortgage {
                mortgagee: "中国工商银行股份有限公司北京望京支行".to_owned(),
                proof_number: certificate_number("京(2019)朝阳区不动产证明第0012345号"),
                amount_fen: 120_000_000,
                mortgage_kind: MortgageKind::General,
                term_from: date!(2019 - 03 - 20),
                term_to: date!(2049 - 03 - 19),
            },
            Restriction::Seizure {
                court: "北京市朝阳区人民法院".to_owned(),
                document_number: "(2026)京0105执保1234号".to_owned(),
                seizure_kind: SeizureKind::Seizure,
                term_from: date!(2026 - 03 - 02),
                term_to: date!(2029 - 03 - 01),
            },
            Restriction::ResidenceRight {
                holder: "王*芳".to_owned(),
                term_to: None,
            },
        ],
    }
}

/// A second, unencumbered flat held by 张𠮷英 alone.
fn sole_flat() -> Unit {
    Unit {
        unit_code: unit_code("110108003007GB00215F00010402"),
        certificate_number: certificate_number("京(2021)海淀区不动产权第0045678号"),
        right_type: RightType::StateConstructionLandAndHouse,
        holders: vec![Holder {
            name: "张𠮷英".to_owned(),
            id_number: id("11010519491231002X"),
            share: None,
        }],
        co_ownership: CoOwnership::Sole,
        location: "海淀区学院路街道成府路28号院1号楼4层402".to_owned(),
        building: "1号楼".to_owned(),
        room: "402".to_owned(),
        floor: 4,
        total_floors: 6,
        structure: "混合结构".to_owned(),
        areas: Areas {
            building: "62.30".to_owned(),
            inner: None,
            shared: None,
        },
        usage: "住宅".to_owned(),
        nature: "房改房".to_owned(),
        land_right_nature: LandRightNature::Allocated,
        land_term_to: None,
        registered_on: date!(2021 - 09 - 03),
        status: RecordStatus::Current,
        restrictions: Vec::new(),
    }
}

impl CertificateDoc {
    /// 张𠮷英 queries her own records for a loan: two flats, one with a mortgage, a seizure and
    /// a residence right (co-holder 龚䶮's number masked by central).
    pub fn sample_holder() -> CertificateDoc {
        let cert = certificate(
            "CX20261128000123",
            "7KQ4M2XP9D",
            ("张𠮷英", "11010519491231002X"),
            QueryPurpose::Loan,
            vec![
                shared_flat("11010519491231002X", "4403**********0028"),
                sole_flat(),
            ],
        );
        CertificateDoc::new(&cert, &context(Requester::Holder))
    }

    /// 龚䶮 queries for school enrolment and holds nothing: the "no record" certificate.
    pub fn sample_no_record() -> CertificateDoc {
        let cert = certificate(
            "CX20261128000124",
            "R3TB8WN6HC",
            ("龚䶮", "440305198807150028"),
            QueryPurpose::SchoolEnrolment,
            Vec::new(),
        );
        CertificateDoc::new(&cert, &context(Requester::Holder))
    }

    /// A creditor, 李建华, queries 张𠮷英's flat for litigation as an interested party. The
    /// numbers are given unmasked, as if central had not masked them, to show the kiosk's own
    /// masking: none of them is printed in full.
    pub fn sample_interested() -> CertificateDoc {
        let cert = certificate(
            "CX20261128000125",
            "H5ZC2QJ8LV",
            ("李建华", "110102197803154518"),
            QueryPurpose::Litigation,
            vec![shared_flat("11010519491231002X", "440305198807150028")],
        );
        CertificateDoc::new(&cert, &context(Requester::InterestedParty))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::certificate::QueryResult;

    #[test]
    fn samples_build() {
        let holder = CertificateDoc::sample_holder();
        assert_eq!(holder.unit_count(), 2);
        assert_eq!(holder.requester_id_number, "11010519491231002X");
        assert_eq!(holder.purpose, "贷款");
        assert_eq!(holder.queried_at, "2026年11月28日 09:15:41");
        // Printed at 01:16:02 UTC is 09:16:02 in the query's +08:00.
        assert_eq!(holder.printed_at, "2026年11月28日 09:16:02");
        let QueryResult::Units(units) = &holder.result else {
            panic!("units expected");
        };
        assert_eq!(units[0].restrictions.len(), 3);
        assert_eq!(units[0].summary.restrictions, 3);

        let none = CertificateDoc::sample_no_record();
        assert_eq!(none.unit_count(), 0);
        let QueryResult::NoRecord { statement } = &none.result else {
            panic!("no record expected");
        };
        assert!(statement.starts_with("经查询"));
        assert!(statement.contains("龚䶮"));
        assert!(statement.ends_with("名下的不动产登记信息。"));
    }

    #[test]
    fn an_interested_party_never_gets_a_full_number() {
        let doc = CertificateDoc::sample_interested();
        assert_eq!(doc.requester_id_number, "1101**********4518");
        let text = format!("{doc:?}");
        for full in [
            "110102197803154518",
            "11010519491231002X",
            "440305198807150028",
        ] {
            assert!(!text.contains(full), "{full} printed in full");
        }
    }
}
