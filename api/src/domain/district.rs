//! Beijing's county-level districts (GB/T 2260 codes), current and retired. Reference: "Code
//! formats" (Beijing district codes; old 崇文, 宣武, 密云县, 延庆县 still appear in records).
//!
//! Only Beijing's districts are listed: the hall serves Beijing. A code outside this table is
//! refused by [`DistrictCode`]'s parser; a unit code elsewhere still parses (see
//! [`UnitCode::district`](super::UnitCode::district)).

use super::wire::{StringSchema, deserialize_parsed, echo};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::str::FromStr;
use thiserror::Error;

/// Why a text is not a Beijing district code.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum DistrictCodeError {
    /// Not six ASCII digits.
    #[error("district code must be 6 digits, found {found:?}")]
    Format {
        /// The text given, cut to 40 characters.
        found: String,
    },
    /// Six digits, but not one of Beijing's district codes.
    #[error("{code} is not a Beijing district code")]
    Unknown {
        /// The six digits given.
        code: String,
    },
}

/// A Beijing district, current or retired; ordered by code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum DistrictCode {
    /// 110101 东城区.
    Dongcheng,
    /// 110102 西城区.
    Xicheng,
    /// 110103 崇文区, merged into 东城区 in 2010.
    Chongwen,
    /// 110104 宣武区, merged into 西城区 in 2010.
    Xuanwu,
    /// 110105 朝阳区.
    Chaoyang,
    /// 110106 丰台区.
    Fengtai,
    /// 110107 石景山区.
    Shijingshan,
    /// 110108 海淀区.
    Haidian,
    /// 110109 门头沟区.
    Mentougou,
    /// 110111 房山区.
    Fangshan,
    /// 110112 通州区.
    Tongzhou,
    /// 110113 顺义区.
    Shunyi,
    /// 110114 昌平区.
    Changping,
    /// 110115 大兴区.
    Daxing,
    /// 110116 怀柔区.
    Huairou,
    /// 110117 平谷区.
    Pinggu,
    /// 110118 密云区.
    Miyun,
    /// 110119 延庆区.
    Yanqing,
    /// 110228 密云县, became 密云区 in 2015.
    MiyunCounty,
    /// 110229 延庆县, became 延庆区 in 2015.
    YanqingCounty,
}

/// Code and full name of every district, in code order (reference, "Code formats").
const TABLE: [(DistrictCode, &str, &str); 20] = [
    (DistrictCode::Dongcheng, "110101", "东城区"),
    (DistrictCode::Xicheng, "110102", "西城区"),
    (DistrictCode::Chongwen, "110103", "崇文区"),
    (DistrictCode::Xuanwu, "110104", "宣武区"),
    (DistrictCode::Chaoyang, "110105", "朝阳区"),
    (DistrictCode::Fengtai, "110106", "丰台区"),
    (DistrictCode::Shijingshan, "110107", "石景山区"),
    (DistrictCode::Haidian, "110108", "海淀区"),
    (DistrictCode::Mentougou, "110109", "门头沟区"),
    (DistrictCode::Fangshan, "110111", "房山区"),
    (DistrictCode::Tongzhou, "110112", "通州区"),
    (DistrictCode::Shunyi, "110113", "顺义区"),
    (DistrictCode::Changping, "110114", "昌平区"),
    (DistrictCode::Daxing, "110115", "大兴区"),
    (DistrictCode::Huairou, "110116", "怀柔区"),
    (DistrictCode::Pinggu, "110117", "平谷区"),
    (DistrictCode::Miyun, "110118", "密云区"),
    (DistrictCode::Yanqing, "110119", "延庆区"),
    (DistrictCode::MiyunCounty, "110228", "密云县"),
    (DistrictCode::YanqingCounty, "110229", "延庆县"),
];

impl DistrictCode {
    /// Every district, current and retired, in code order.
    pub const ALL: [DistrictCode; 20] = {
        let mut all = [DistrictCode::Dongcheng; 20];
        let mut i = 0;
        while i < TABLE.len() {
            all[i] = TABLE[i].0;
            i += 1;
        }
        all
    };

    /// The schema's pattern: exactly the codes in the table.
    pub const PATTERN: &'static str = "^11(?:01(?:0[1-9]|1[1-9])|022[89])$";

    /// The row of the table for this district.
    const fn row(self) -> (DistrictCode, &'static str, &'static str) {
        // The table is in declaration order, so the discriminant is the index.
        TABLE[self as usize]
    }

    /// The six-digit GB/T 2260 code, e.g. `"110105"`.
    pub const fn as_str(self) -> &'static str {
        self.row().1
    }

    /// The full Chinese name, e.g. `"朝阳区"`.
    pub const fn name(self) -> &'static str {
        self.row().2
    }

    /// Whether the code no longer exists (崇文, 宣武, 密云县, 延庆县).
    pub const fn is_retired(self) -> bool {
        self.successor().is_some()
    }

    /// The district that took over a retired one; `None` for a current district.
    pub const fn successor(self) -> Option<DistrictCode> {
        match self {
            DistrictCode::Chongwen => Some(DistrictCode::Dongcheng),
            DistrictCode::Xuanwu => Some(DistrictCode::Xicheng),
            DistrictCode::MiyunCounty => Some(DistrictCode::Miyun),
            DistrictCode::YanqingCounty => Some(DistrictCode::Yanqing),
            _ => None,
        }
    }

    /// The district that holds this area today: the successor if retired, else itself.
    pub const fn current(self) -> DistrictCode {
        match self.successor() {
            Some(successor) => successor,
            None => self,
        }
    }

    /// Looks a district up by its full Chinese name (`"朝阳区"`, `"密云县"`).
    pub fn from_name(name: &str) -> Option<DistrictCode> {
        TABLE.iter().find(|row| row.2 == name).map(|row| row.0)
    }
}

impl FromStr for DistrictCode {
    type Err = DistrictCodeError;

    /// Parses the six-digit code.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        if text.len() != 6 || !text.bytes().all(|b| b.is_ascii_digit()) {
            return Err(DistrictCodeError::Format { found: echo(text) });
        }
        TABLE
            .iter()
            .find(|row| row.1 == text)
            .map(|row| row.0)
            .ok_or_else(|| DistrictCodeError::Unknown {
                code: text.to_owned(),
            })
    }
}

impl fmt::Display for DistrictCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for DistrictCode {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for DistrictCode {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserialize_parsed(deserializer)
    }
}

impl utoipa::PartialSchema for DistrictCode {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        StringSchema {
            description: "A Beijing district's six-digit GB/T 2260 code, current or retired.",
            pattern: DistrictCode::PATTERN,
            min_length: 6,
            max_length: 6,
            example: "110105",
        }
        .build()
    }
}

impl utoipa::ToSchema for DistrictCode {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_in_declaration_order() {
        for (i, row) in TABLE.iter().enumerate() {
            assert_eq!(row.0 as usize, i);
        }
        assert!(TABLE.windows(2).all(|w| w[0].1 < w[1].1));
    }

    #[test]
    fn reference_codes() {
        let expected = [
            ("110101", "东城区"),
            ("110102", "西城区"),
            ("110105", "朝阳区"),
            ("110106", "丰台区"),
            ("110107", "石景山区"),
            ("110108", "海淀区"),
            ("110109", "门头沟区"),
            ("110111", "房山区"),
            ("110112", "通州区"),
            ("110113", "顺义区"),
            ("110114", "昌平区"),
            ("110115", "大兴区"),
            ("110116", "怀柔区"),
            ("110117", "平谷区"),
            ("110118", "密云区"),
            ("110119", "延庆区"),
        ];
        for (code, name) in expected {
            let district: DistrictCode = code.parse().unwrap();
            assert_eq!(district.name(), name);
            assert!(!district.is_retired());
            assert_eq!(district.current(), district);
            assert_eq!(DistrictCode::from_name(name), Some(district));
        }
        let current = DistrictCode::ALL.iter().filter(|d| !d.is_retired()).count();
        assert_eq!(current, 16);
    }

    #[test]
    fn retired_codes_and_successors() {
        let cases = [
            ("110103", "崇文区", "110101"),
            ("110104", "宣武区", "110102"),
            ("110228", "密云县", "110118"),
            ("110229", "延庆县", "110119"),
        ];
        for (old, name, new) in cases {
            let district: DistrictCode = old.parse().unwrap();
            assert_eq!(district.name(), name);
            assert!(district.is_retired());
            let successor = district.successor().unwrap();
            assert_eq!(successor.as_str(), new);
            assert!(!successor.is_retired());
            assert_eq!(district.current(), successor);
        }
    }

    #[test]
    fn errors() {
        assert_eq!(
            "11010".parse::<DistrictCode>(),
            Err(DistrictCodeError::Format {
                found: "11010".into()
            })
        );
        assert!(matches!(
            "11o105".parse::<DistrictCode>(),
            Err(DistrictCodeError::Format { .. })
        ));
        assert!(matches!(
            "１１０１０５".parse::<DistrictCode>(),
            Err(DistrictCodeError::Format { .. })
        ));
        for unknown in ["110110", "110100", "310101", "110120", "110227"] {
            assert_eq!(
                unknown.parse::<DistrictCode>(),
                Err(DistrictCodeError::Unknown {
                    code: unknown.into()
                })
            );
        }
        assert_eq!(
            "110110".parse::<DistrictCode>().unwrap_err().to_string(),
            "110110 is not a Beijing district code"
        );
    }

    #[test]
    fn round_trips() {
        for district in DistrictCode::ALL {
            assert_eq!(district.to_string().parse(), Ok(district));
            let json = serde_json::to_string(&district).unwrap();
            assert_eq!(json, format!("\"{}\"", district.as_str()));
            assert_eq!(
                serde_json::from_str::<DistrictCode>(&json).unwrap(),
                district
            );
        }
        let err = serde_json::from_str::<DistrictCode>("\"110110\"").unwrap_err();
        assert!(err.to_string().contains("not a Beijing district code"));
        assert!(serde_json::from_str::<DistrictCode>("110105").is_err());
    }

    /// The pattern lists exactly the table's codes: checked over every six-digit code with the
    /// same prefix, by expanding the pattern's alternatives by hand.
    #[test]
    fn schema_pattern_agrees_with_parser() {
        let by_pattern = |code: &str| {
            let tail = &code[2..];
            (tail.starts_with("010") && (b'1'..=b'9').contains(&code.as_bytes()[5]))
                || (tail.starts_with("011") && (b'1'..=b'9').contains(&code.as_bytes()[5]))
                || tail == "0228"
                || tail == "0229"
        };
        for n in 110_000..=110_999 {
            let code = n.to_string();
            assert_eq!(
                by_pattern(&code),
                code.parse::<DistrictCode>().is_ok(),
                "{code}"
            );
        }
        let schema =
            serde_json::to_value(<DistrictCode as utoipa::PartialSchema>::schema()).unwrap();
        assert_eq!(schema["type"], "string");
        assert_eq!(schema["pattern"], DistrictCode::PATTERN);
        assert_eq!(schema["examples"][0], "110105");
    }
}
