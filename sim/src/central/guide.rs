//! The service guide: the queue series (services), the service-topic catalogue (办事主题清单)
//! and the FAQ, built once at start. Reference: "Where this comes from" (topics classified by
//! applicant type, joint handling, disposition, use and right type, with required materials)
//! and "Law that shapes the flows" (fees: 80 元 per residential case, 550 元 non-residential,
//! 10 元 per extra certificate book).
//!
//! The catalogue and the FAQ are cacheable: their version, also their `ETag`, is a hash of their
//! content, so a kiosk's `If-None-Match` gets `304` until the content changes.

use central_api::domain::{BusinessType, RightType};
use central_api::dto::{
    Catalogue, Classification, Classifications, Faq, FaqEntry, Material, Topic,
};
use sha2::{Digest, Sha256};

/// Registration fee of a residential case, fen (reference: 80 元).
pub const RESIDENTIAL_FEE_FEN: i64 = 8_000;
/// Registration fee of a non-residential case, fen (reference: 550 元).
pub const NON_RESIDENTIAL_FEE_FEN: i64 = 55_000;
/// Fee per certificate book beyond the first, fen (reference: 10 元).
pub const EXTRA_BOOK_FEE_FEN: i64 = 1_000;

/// A queue series: the letter its tickets start with, and how fast its windows work.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Service {
    /// The letter (`A`).
    pub code: &'static str,
    /// Its name on tickets and screens.
    pub name: &'static str,
    /// Average minutes a window spends on one ticket.
    pub average_minutes: u32,
    /// Windows serving it.
    pub windows: u32,
    /// The number of its first window (windows are numbered hall-wide).
    pub first_window: u32,
}

/// The hall's queue series.
pub const SERVICES: [Service; 6] = [
    Service {
        code: "A",
        name: "二手房转移登记",
        average_minutes: 15,
        windows: 3,
        first_window: 1,
    },
    Service {
        code: "B",
        name: "抵押登记",
        average_minutes: 10,
        windows: 2,
        first_window: 4,
    },
    Service {
        code: "C",
        name: "新建商品房登记",
        average_minutes: 12,
        windows: 2,
        first_window: 6,
    },
    Service {
        code: "D",
        name: "变更、更正及异议登记",
        average_minutes: 12,
        windows: 1,
        first_window: 8,
    },
    Service {
        code: "E",
        name: "查询与自助打证",
        average_minutes: 6,
        windows: 1,
        first_window: 9,
    },
    Service {
        code: "F",
        name: "综合咨询",
        average_minutes: 8,
        windows: 1,
        first_window: 10,
    },
];

/// The service with this code.
pub fn service(code: &str) -> Option<&'static Service> {
    SERVICES.iter().find(|s| s.code == code)
}

/// The catalogue and the FAQ, with their ETags.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Guide {
    /// The catalogue (its `version` is the ETag without quotes).
    pub catalogue: Catalogue,
    /// The FAQ (its `version` is the ETag without quotes).
    pub faq: Faq,
}

impl Guide {
    /// Builds the catalogue and the FAQ.
    pub fn build() -> Guide {
        let classifications = classifications();
        let topics = topics();
        let version = content_version(&(&classifications, &topics));
        let catalogue = Catalogue {
            version,
            classifications,
            topics,
        };
        let entries = faq_entries();
        let faq = Faq {
            version: content_version(&entries),
            entries,
        };
        Guide { catalogue, faq }
    }

    /// The catalogue's `ETag` header value (quoted).
    pub fn catalogue_etag(&self) -> String {
        format!("\"{}\"", self.catalogue.version)
    }

    /// The FAQ's `ETag` header value (quoted).
    pub fn faq_etag(&self) -> String {
        format!("\"{}\"", self.faq.version)
    }

    /// The topic with this code.
    pub fn topic(&self, code: &str) -> Option<&Topic> {
        self.catalogue.topics.iter().find(|t| t.code == code)
    }
}

/// The first 16 hex digits of the SHA-256 of the content's JSON.
fn content_version<T: serde::Serialize>(content: &T) -> String {
    let json = serde_json::to_vec(content).unwrap_or_default();
    let digest = hex::encode(Sha256::digest(&json));
    digest.get(..16).unwrap_or_default().to_owned()
}

/// Whether an `If-None-Match` header matches the ETag (RFC 9110 §13.1.2: weak comparison, a
/// list, or `*`).
pub fn etag_matches(if_none_match: &str, etag: &str) -> bool {
    let bare = |tag: &str| {
        tag.trim()
            .trim_start_matches("W/")
            .trim_matches('"')
            .to_owned()
    };
    let wanted = bare(etag);
    if_none_match
        .split(',')
        .any(|candidate| candidate.trim() == "*" || bare(candidate) == wanted)
}

fn class(code: &str, name: &str) -> Classification {
    Classification {
        code: code.to_owned(),
        name: name.to_owned(),
    }
}

fn classifications() -> Classifications {
    Classifications {
        applicant_types: vec![
            class("individual", "个人"),
            class("enterprise", "企业"),
            class("institution", "机关事业单位"),
        ],
        joint_handling: vec![
            class("registration_only", "不动产登记单独办理"),
            class("registration_housing", "登记与住建联办"),
            class("registration_housing_tax", "登记、住建与税务联办"),
        ],
        dispositions: vec![
            class("sale", "买卖"),
            class("gift", "赠与"),
            class("inheritance", "继承"),
            class("divorce", "离婚析产"),
            class("mortgage", "抵押"),
            class("new_build", "新建"),
            class("no_disposition", "不涉及处分"),
        ],
        uses: vec![
            class("residential", "住宅"),
            class("commercial", "商业"),
            class("office", "办公"),
            class("industrial", "工业"),
        ],
        right_types: [
            RightType::StateConstructionLandAndHouse,
            RightType::HomesteadAndHouse,
            RightType::Mortgage,
            RightType::Residence,
            RightType::Easement,
        ]
        .iter()
        .map(|r| class(r.as_str(), r.chinese()))
        .collect(),
    }
}

fn material(name: &str, original: bool, copies: u32, note: Option<&str>) -> Material {
    Material {
        name: name.to_owned(),
        original,
        copies,
        note: note.map(str::to_owned),
    }
}

fn id_proof() -> Material {
    material("身份证明", true, 1, Some("申请人及代理人的身份证件"))
}

fn certificate() -> Material {
    material("不动产权证书", true, 0, None)
}

#[allow(
    clippy::too_many_arguments,
    reason = "one line per catalogue column keeps the table below readable"
)]
fn topic(
    code: &str,
    name: &str,
    business_type: BusinessType,
    (applicant_type, joint_handling, disposition, usage): (&str, &str, &str, &str),
    right_type: RightType,
    materials: Vec<Material>,
    fee_fen: i64,
    service_code: &str,
    time_limit_days: u32,
) -> Topic {
    Topic {
        code: code.to_owned(),
        name: name.to_owned(),
        business_type,
        applicant_type: applicant_type.to_owned(),
        joint_handling: joint_handling.to_owned(),
        disposition: disposition.to_owned(),
        usage: usage.to_owned(),
        right_type,
        materials,
        fee_fen,
        service_code: service_code.to_owned(),
        time_limit_days,
    }
}

fn topics() -> Vec<Topic> {
    use BusinessType as B;
    let house = RightType::StateConstructionLandAndHouse;
    vec![
        topic(
            "T01",
            "我要办理二手房买卖转移登记",
            B::Transfer,
            (
                "individual",
                "registration_housing_tax",
                "sale",
                "residential",
            ),
            house,
            vec![
                id_proof(),
                certificate(),
                material("购房合同", true, 1, Some("网签的存量房买卖合同")),
                material(
                    "完税凭证",
                    true,
                    1,
                    Some("契税、个人所得税等，税务联办时免交"),
                ),
                material("婚姻状况证明", true, 1, Some("结婚证、离婚证或单身声明")),
            ],
            RESIDENTIAL_FEE_FEN,
            "A",
            5,
        ),
        topic(
            "T02",
            "我要办理新建商品房转移登记",
            B::Transfer,
            (
                "individual",
                "registration_housing_tax",
                "sale",
                "residential",
            ),
            house,
            vec![
                id_proof(),
                material("购房合同", true, 1, Some("网签的商品房买卖合同")),
                material("完税凭证", true, 1, Some("契税完税凭证")),
                material("销售不动产统一发票", true, 1, None),
            ],
            RESIDENTIAL_FEE_FEN,
            "C",
            5,
        ),
        topic(
            "T03",
            "我要办理赠与转移登记",
            B::Transfer,
            (
                "individual",
                "registration_housing_tax",
                "gift",
                "residential",
            ),
            house,
            vec![
                id_proof(),
                certificate(),
                material("赠与合同", true, 1, Some("经公证的赠与合同")),
                material("完税凭证", true, 1, None),
                material("婚姻状况证明", true, 1, None),
            ],
            RESIDENTIAL_FEE_FEN,
            "A",
            5,
        ),
        topic(
            "T04",
            "我要办理继承转移登记",
            B::Transfer,
            (
                "individual",
                "registration_only",
                "inheritance",
                "residential",
            ),
            house,
            vec![
                id_proof(),
                certificate(),
                material("继承公证书或生效法律文书", true, 1, None),
                material("被继承人死亡证明", true, 1, None),
                material("亲属关系证明", true, 1, None),
            ],
            RESIDENTIAL_FEE_FEN,
            "A",
            10,
        ),
        topic(
            "T05",
            "我要办理离婚析产转移登记",
            B::Transfer,
            ("individual", "registration_only", "divorce", "residential"),
            house,
            vec![
                id_proof(),
                certificate(),
                material(
                    "离婚证及离婚协议书",
                    true,
                    1,
                    Some("或生效的法院判决书、调解书"),
                ),
                material("婚姻状况证明", true, 1, None),
            ],
            RESIDENTIAL_FEE_FEN,
            "A",
            5,
        ),
        topic(
            "T06",
            "我要办理抵押权首次登记",
            B::Mortgage,
            ("individual", "registration_only", "mortgage", "residential"),
            RightType::Mortgage,
            vec![
                id_proof(),
                certificate(),
                material("抵押合同", true, 1, None),
                material("主债权合同", true, 1, Some("借款合同")),
            ],
            RESIDENTIAL_FEE_FEN,
            "B",
            3,
        ),
        topic(
            "T07",
            "我要办理抵押权注销登记",
            B::Cancellation,
            ("individual", "registration_only", "mortgage", "residential"),
            RightType::Mortgage,
            vec![
                id_proof(),
                material("不动产登记证明", true, 0, Some("抵押登记证明")),
                material("抵押权消灭证明", true, 1, Some("银行出具的还款证明")),
            ],
            0,
            "B",
            1,
        ),
        topic(
            "T08",
            "我要办理姓名或证件号码变更登记",
            B::Change,
            (
                "individual",
                "registration_only",
                "no_disposition",
                "residential",
            ),
            house,
            vec![
                id_proof(),
                certificate(),
                material(
                    "变更证明",
                    true,
                    1,
                    Some("公安机关出具的姓名或证件号码变更证明"),
                ),
            ],
            0,
            "D",
            5,
        ),
        topic(
            "T09",
            "我要办理更正登记",
            B::Correction,
            (
                "individual",
                "registration_only",
                "no_disposition",
                "residential",
            ),
            house,
            vec![
                id_proof(),
                certificate(),
                material("证实登记确有错误的材料", true, 1, None),
            ],
            0,
            "D",
            30,
        ),
        topic(
            "T10",
            "我要办理异议登记",
            B::Objection,
            (
                "individual",
                "registration_only",
                "no_disposition",
                "residential",
            ),
            house,
            vec![
                id_proof(),
                material("证实对登记的不动产权利有利害关系的材料", true, 1, None),
                material("证实不动产登记簿记载事项错误的材料", true, 1, None),
            ],
            0,
            "D",
            1,
        ),
        topic(
            "T11",
            "我要办理预购商品房预告登记",
            B::AdvanceNotice,
            ("individual", "registration_housing", "sale", "residential"),
            house,
            vec![
                id_proof(),
                material("商品房预售合同", true, 1, Some("购房合同（网签）")),
                material("婚姻状况证明", true, 1, None),
            ],
            RESIDENTIAL_FEE_FEN,
            "C",
            5,
        ),
        topic(
            "T12",
            "我要办理居住权首次登记",
            B::First,
            (
                "individual",
                "registration_only",
                "no_disposition",
                "residential",
            ),
            RightType::Residence,
            vec![
                id_proof(),
                certificate(),
                material("居住权合同或遗嘱", true, 1, Some("或生效法律文书")),
            ],
            RESIDENTIAL_FEE_FEN,
            "D",
            5,
        ),
        topic(
            "T13",
            "我要办理商业办公用房转移登记",
            B::Transfer,
            (
                "enterprise",
                "registration_housing_tax",
                "sale",
                "commercial",
            ),
            house,
            vec![
                material("营业执照", true, 1, None),
                material("法定代表人身份证明及授权委托书", true, 1, None),
                certificate(),
                material("买卖合同", true, 1, None),
                material("完税凭证", true, 1, None),
            ],
            NON_RESIDENTIAL_FEE_FEN,
            "A",
            5,
        ),
        topic(
            "T14",
            "我要办理查封登记",
            B::Seizure,
            (
                "institution",
                "registration_only",
                "no_disposition",
                "residential",
            ),
            house,
            vec![
                material("人民法院协助执行通知书", true, 1, None),
                material("执行人员工作证件", true, 1, None),
            ],
            0,
            "D",
            1,
        ),
        topic(
            "T15",
            "我要查询不动产登记资料并打印证明",
            B::Other,
            (
                "individual",
                "registration_only",
                "no_disposition",
                "residential",
            ),
            house,
            vec![id_proof()],
            0,
            "E",
            0,
        ),
    ]
}

fn faq(id: &str, question: &str, answer: &str, topic: Option<&str>) -> FaqEntry {
    FaqEntry {
        id: id.to_owned(),
        question: question.to_owned(),
        answer: answer.to_owned(),
        topic_code: topic.map(str::to_owned),
    }
}

fn faq_entries() -> Vec<FaqEntry> {
    vec![
        faq(
            "F01",
            "二手房过户需要带哪些材料？",
            "买卖双方的身份证明、不动产权证书、网签的存量房买卖合同、婚姻状况证明；登记、住建与税务联办时，完税在窗口一并办理。",
            Some("T01"),
        ),
        faq(
            "F02",
            "不动产登记费是多少？",
            "住宅类每件80元，非住宅类每件550元，含一本证书；每增加一本证书加收工本费10元。注销、更正、异议和查封登记不收费。",
            None,
        ),
        faq(
            "F03",
            "在自助机上能查询哪些信息？",
            "本人名下不动产的权属、抵押、查封、异议、预告等登记信息，以及有房无房情况，并可打印带核验二维码的查询结果证明。",
            Some("T15"),
        ),
        faq(
            "F04",
            "查询结果证明如何核验真伪？",
            "扫描证明上的二维码，或在核验页面输入证明上的核验码，即可查看查询编号和出具时间。",
            Some("T15"),
        ),
        faq(
            "F05",
            "预约后迟到了怎么办？",
            "可在预约时段开始前60分钟至开始后20分钟内签到；超过签到时间的，可现场取号办理。",
            None,
        ),
        faq(
            "F06",
            "不想刷脸可以办理吗？",
            "可以。人脸识别仅在您同意后使用，您也可以到人工窗口出示证件办理。",
            None,
        ),
        faq(
            "F07",
            "证书可以邮寄吗？",
            "可以。领证方式可选择邮寄（EMS）、窗口领取、自助打证或电子证照；办件归档后不能再变更。",
            None,
        ),
        faq(
            "F08",
            "办件进度在哪里查询？",
            "在自助机“我要查”中输入受理编号，或扫描受理回执上的二维码，即可查看受理、审核、登簿、缮证、发证各环节的进度。",
            None,
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalogue_covers_the_classifications() {
        let guide = Guide::build();
        let cat = &guide.catalogue;
        assert!(cat.topics.len() >= 10);
        for topic in &cat.topics {
            assert!(service(&topic.service_code).is_some(), "{}", topic.code);
            assert!(!topic.materials.is_empty());
            let c = &cat.classifications;
            assert!(
                c.applicant_types
                    .iter()
                    .any(|x| x.code == topic.applicant_type)
            );
            assert!(
                c.joint_handling
                    .iter()
                    .any(|x| x.code == topic.joint_handling)
            );
            assert!(c.dispositions.iter().any(|x| x.code == topic.disposition));
            assert!(c.uses.iter().any(|x| x.code == topic.usage));
            assert!(
                c.right_types
                    .iter()
                    .any(|x| x.code == topic.right_type.as_str())
            );
        }
        let names: Vec<&str> = cat
            .topics
            .iter()
            .flat_map(|t| t.materials.iter().map(|m| m.name.as_str()))
            .collect();
        for wanted in ["身份证明", "不动产权证书", "完税凭证", "婚姻状况证明"] {
            assert!(names.contains(&wanted), "{wanted}");
        }
        assert!(
            names
                .iter()
                .any(|n| n.contains("购房合同") || n.contains("买卖合同"))
        );
        assert_eq!(guide.faq.entries.len(), 8);
        for entry in &guide.faq.entries {
            if let Some(code) = &entry.topic_code {
                assert!(guide.topic(code).is_some());
            }
        }
    }

    #[test]
    fn versions_are_content_hashes() {
        let a = Guide::build();
        let b = Guide::build();
        assert_eq!(a, b);
        assert_eq!(a.catalogue.version.len(), 16);
        assert_ne!(a.catalogue.version, a.faq.version);
        assert_eq!(a.catalogue_etag(), format!("\"{}\"", a.catalogue.version));
    }

    #[test]
    fn if_none_match_forms() {
        let etag = "\"abc\"";
        assert!(etag_matches("\"abc\"", etag));
        assert!(etag_matches("W/\"abc\"", etag));
        assert!(etag_matches("\"x\", \"abc\"", etag));
        assert!(etag_matches("*", etag));
        assert!(etag_matches("abc", etag));
        assert!(!etag_matches("\"abd\"", etag));
    }
}
