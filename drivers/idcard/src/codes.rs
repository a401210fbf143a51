//! Sex (GB/T 2261.1) and nation (GB 3304) codes as cards carry them.

use std::fmt;

/// Sex code, GB/T 2261.1 (reference: "0 unknown, 1 male, 2 female, 9 not stated").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Sex {
    /// `0`: unknown.
    Unknown,
    /// `1`: male.
    Male,
    /// `2`: female.
    Female,
    /// `9`: not stated.
    NotStated,
}

impl Sex {
    /// Parses the one-character card field.
    pub fn from_code(code: &str) -> Option<Sex> {
        match code {
            "0" => Some(Sex::Unknown),
            "1" => Some(Sex::Male),
            "2" => Some(Sex::Female),
            "9" => Some(Sex::NotStated),
            _ => None,
        }
    }

    /// The one-character card field.
    pub fn code(self) -> &'static str {
        match self {
            Sex::Unknown => "0",
            Sex::Male => "1",
            Sex::Female => "2",
            Sex::NotStated => "9",
        }
    }

    /// The English word used in JSON: `unknown`, `male`, `female`, `not_stated`.
    pub fn as_str(self) -> &'static str {
        match self {
            Sex::Unknown => "unknown",
            Sex::Male => "male",
            Sex::Female => "female",
            Sex::NotStated => "not_stated",
        }
    }

    /// Parses the English word or the code.
    pub fn parse(s: &str) -> Option<Sex> {
        match s {
            "unknown" => Some(Sex::Unknown),
            "male" | "男" => Some(Sex::Male),
            "female" | "女" => Some(Sex::Female),
            "not_stated" => Some(Sex::NotStated),
            code => Sex::from_code(code),
        }
    }

    /// The Chinese word printed on cards and screens.
    pub fn chinese(self) -> &'static str {
        match self {
            Sex::Unknown => "未知",
            Sex::Male => "男",
            Sex::Female => "女",
            Sex::NotStated => "未说明",
        }
    }
}

impl fmt::Display for Sex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// GB 3304 nation codes and names (reference, "Nation codes"): 01-56, 97 其他, 98 外国血统中国籍人士.
const NATIONS: [(u8, &str); 58] = [
    (1, "汉"),
    (2, "蒙古"),
    (3, "回"),
    (4, "藏"),
    (5, "维吾尔"),
    (6, "苗"),
    (7, "彝"),
    (8, "壮"),
    (9, "布依"),
    (10, "朝鲜"),
    (11, "满"),
    (12, "侗"),
    (13, "瑶"),
    (14, "白"),
    (15, "土家"),
    (16, "哈尼"),
    (17, "哈萨克"),
    (18, "傣"),
    (19, "黎"),
    (20, "傈僳"),
    (21, "佤"),
    (22, "畲"),
    (23, "高山"),
    (24, "拉祜"),
    (25, "水"),
    (26, "东乡"),
    (27, "纳西"),
    (28, "景颇"),
    (29, "柯尔克孜"),
    (30, "土"),
    (31, "达斡尔"),
    (32, "仫佬"),
    (33, "羌"),
    (34, "布朗"),
    (35, "撒拉"),
    (36, "毛南"),
    (37, "仡佬"),
    (38, "锡伯"),
    (39, "阿昌"),
    (40, "普米"),
    (41, "塔吉克"),
    (42, "怒"),
    (43, "乌孜别克"),
    (44, "俄罗斯"),
    (45, "鄂温克"),
    (46, "德昂"),
    (47, "保安"),
    (48, "裕固"),
    (49, "京"),
    (50, "塔塔尔"),
    (51, "独龙"),
    (52, "鄂伦春"),
    (53, "赫哲"),
    (54, "门巴"),
    (55, "珞巴"),
    (56, "基诺"),
    (97, "其他"),
    (98, "外国血统中国籍人士"),
];

/// A two-digit nation code. Codes outside the table are kept (not a crash, not a guess).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Nation(u8);

impl Nation {
    /// Parses the two-digit card field (`01`..`99`).
    pub fn from_code(code: &str) -> Option<Nation> {
        (code.len() == 2 && code.bytes().all(|b| b.is_ascii_digit()))
            .then(|| code.parse().ok().map(Nation))
            .flatten()
    }

    /// Looks a nation up by its name (`汉`, or `汉族`).
    pub fn from_name(name: &str) -> Option<Nation> {
        let bare = name.strip_suffix('族').unwrap_or(name);
        NATIONS
            .iter()
            .find(|(_, n)| *n == name || *n == bare)
            .map(|(c, _)| Nation(*c))
    }

    /// The numeric code.
    pub fn code(self) -> u8 {
        self.0
    }

    /// The two-digit card field.
    pub fn code_text(self) -> String {
        format!("{:02}", self.0)
    }

    /// The name, for codes in GB 3304.
    pub fn name(self) -> Option<&'static str> {
        NATIONS.iter().find(|(c, _)| *c == self.0).map(|(_, n)| *n)
    }
}

impl fmt::Display for Nation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(name) => f.write_str(name),
            None => write!(f, "code {:02}", self.0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sex_codes_including_zero_and_nine() {
        assert_eq!(Sex::from_code("0"), Some(Sex::Unknown));
        assert_eq!(Sex::from_code("1"), Some(Sex::Male));
        assert_eq!(Sex::from_code("2"), Some(Sex::Female));
        assert_eq!(Sex::from_code("9"), Some(Sex::NotStated));
        assert_eq!(Sex::from_code("3"), None);
        assert_eq!(Sex::from_code(""), None);
    }

    #[test]
    fn nation_codes_including_97_and_98() {
        assert_eq!(Nation::from_code("01").and_then(Nation::name), Some("汉"));
        assert_eq!(Nation::from_code("56").and_then(Nation::name), Some("基诺"));
        assert_eq!(Nation::from_code("97").and_then(Nation::name), Some("其他"));
        assert_eq!(
            Nation::from_code("98").and_then(Nation::name),
            Some("外国血统中国籍人士")
        );
        let unlisted = Nation::from_code("77").unwrap();
        assert_eq!(unlisted.name(), None);
        assert_eq!(unlisted.to_string(), "code 77");
        assert_eq!(Nation::from_code("1"), None);
        assert_eq!(Nation::from_code("ab"), None);
        assert_eq!(Nation::from_name("蒙古族"), Nation::from_code("02"));
    }

    #[test]
    fn table_has_every_code_once() {
        let codes: std::collections::HashSet<u8> = NATIONS.iter().map(|(c, _)| *c).collect();
        assert_eq!(codes.len(), 58);
        assert!((1..=56).all(|c| codes.contains(&c)));
    }
}
