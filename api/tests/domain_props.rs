//! Property tests for the domain values: generated valid codes round-trip, arbitrary text never
//! panics a parser, and the schema patterns agree with the parsers.
//!
//! No regex engine is a dependency, so agreement is checked in two halves: strings generated
//! FROM each schema pattern (proptest's regex strategy) must parse; mutated strings must be
//! refused exactly where a hand transcription of the pattern's per-position classes refuses them.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a failed unwrap is a failed test"
)]

use central_api::domain::{
    BusinessType, CaseNumber, CertificateKind, CertificateNumber, DistrictCode, Fixture,
    OPAQUE_PATTERN, QueryNumber, UnitCode, UnitCodeError, UnitCodeLayer, VerificationCode,
};
use proptest::prelude::*;
use proptest::string::string_regex;

/// A schema pattern without its anchors, as proptest's generator wants it.
fn generator(pattern: &str) -> impl Strategy<Value = String> {
    let body = pattern
        .strip_prefix('^')
        .and_then(|p| p.strip_suffix('$'))
        .expect("schema patterns are anchored");
    string_regex(body).expect("schema pattern is a valid regex")
}

/// A valid unit code built layer by layer (independent of the schema pattern).
fn unit_code() -> impl Strategy<Value = String> {
    (
        "[0-9]{6}",
        "[0-9]{3}",
        "[0-9]{3}",
        prop::sample::select(vec!['G', 'J', 'Z']),
        prop::sample::select("ABSXCDEFHGWYLN".chars().collect::<Vec<_>>()),
        "[0-9]{5}",
        prop::sample::select(vec!['F', 'L', 'Q', 'W']),
        "[0-9]{8}",
    )
        .prop_map(|(county, d, s, own, kind, seq, fixture, unit)| {
            let unit = if fixture == 'W' {
                "00000000".to_owned()
            } else {
                unit
            };
            format!("{county}{d}{s}{own}{kind}{seq}{fixture}{unit}")
        })
}

/// Whether `c` may stand at `position` of a unit code, transcribed from `UnitCode::PATTERN`
/// (`[0-9]{6}[0-9]{3}[0-9]{3}[GJZ][ABCDEFGHLNSWXY][0-9]{5}(?:[FLQ][0-9]{8}|W0{8})`), given the
/// fixture letter of the whole string.
fn pattern_allows(position: usize, c: char, fixture: char) -> bool {
    match position {
        12 => "GJZ".contains(c),
        13 => "ABCDEFGHLNSWXY".contains(c),
        19 => "FLQW".contains(c),
        20..=27 if fixture == 'W' => c == '0',
        _ => c.is_ascii_digit(),
    }
}

/// The layer holding a position.
fn layer_at(position: usize) -> UnitCodeLayer {
    match position {
        0..=5 => UnitCodeLayer::County,
        6..=8 => UnitCodeLayer::CadastralDistrict,
        9..=11 => UnitCodeLayer::CadastralSubdistrict,
        12 => UnitCodeLayer::ParcelOwnership,
        13 => UnitCodeLayer::ParcelKind,
        14..=18 => UnitCodeLayer::ParcelSequence,
        19 => UnitCodeLayer::Fixture,
        _ => UnitCodeLayer::FixtureUnit,
    }
}

/// A valid certificate number built part by part, with any bracket style.
fn certificate_number() -> impl Strategy<Value = String> {
    let open = || prop::sample::select(vec!['(', '（']);
    let close = || prop::sample::select(vec![')', '）']);
    (
        prop::sample::select("京津沪渝冀蒙粤川黔".chars().collect::<Vec<_>>()),
        (open(), 2000u16..=2099, close()),
        "[\\u4E00-\\u9FFF]{1,11}",
        prop::sample::select(vec!['区', '县', '市', '旗']),
        prop::sample::select(vec!["不动产权", "不动产证明"]),
        "[0-9]{7,8}",
        prop::option::of((open(), close())),
    )
        .prop_map(
            |(province, (o, year, c), name, end, marker, serial, cancel)| {
                let cancel = cancel.map_or(String::new(), |(o, c)| format!("{o}销{c}"));
                format!("{province}{o}{year}{c}{name}{end}{marker}第{serial}号{cancel}")
            },
        )
}

proptest! {
    #[test]
    fn generated_unit_codes_round_trip(text in unit_code()) {
        let unit: UnitCode = text.parse().unwrap();
        prop_assert_eq!(unit.to_string(), text.clone());
        prop_assert_eq!(unit.to_string().parse::<UnitCode>().unwrap(), unit.clone());
        prop_assert_eq!(unit.parcel_code(), &text[..19]);
        prop_assert_eq!(unit.is_land_only(), unit.fixture() == Fixture::None);
        let json = serde_json::to_string(&unit).unwrap();
        prop_assert_eq!(serde_json::from_str::<UnitCode>(&json).unwrap(), unit);
    }

    #[test]
    fn unit_code_pattern_strings_parse(text in generator(UnitCode::PATTERN)) {
        prop_assert_eq!(text.parse::<UnitCode>().map(|u| u.to_string()), Ok(text));
    }

    #[test]
    fn unit_code_mutations_agree_with_pattern(
        text in unit_code(),
        position in 0usize..28,
        replacement in prop_oneof![
            any::<char>(),
            prop::sample::select(
                "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcfgjwz -".chars().collect::<Vec<_>>()
            ),
        ],
    ) {
        let mut chars: Vec<char> = text.chars().collect();
        chars[position] = replacement;
        let mutated: String = chars.iter().collect();
        let fixture = chars[19];
        let by_pattern = chars
            .iter()
            .enumerate()
            .all(|(i, c)| pattern_allows(i, *c, fixture));
        let parsed = mutated.parse::<UnitCode>();
        prop_assert_eq!(parsed.is_ok(), by_pattern, "{}", mutated);
        if let Err(err) = parsed {
            // A character no fixture allows names its layer; otherwise the fixture turned W
            // (or stayed W) over a non-zero unit number.
            let wrong_char = !pattern_allows(position, replacement, 'F');
            match err {
                UnitCodeError::Layer { layer, .. } => {
                    prop_assert!(wrong_char);
                    prop_assert_eq!(layer, layer_at(position));
                }
                UnitCodeError::LandOnlyUnitNumber { .. } => prop_assert!(!wrong_char),
                other => prop_assert!(false, "unexpected {:?}", other),
            }
        }
    }

    #[test]
    fn unit_code_lenient_parser_accepts_lower_case(text in unit_code()) {
        let lower = format!(" {} ", text.to_ascii_lowercase());
        prop_assert_eq!(UnitCode::parse_lenient(&lower).unwrap().to_string(), text);
    }

    #[test]
    fn generated_certificate_numbers_round_trip(text in certificate_number()) {
        let number: CertificateNumber = text.parse().unwrap();
        let canonical = number.to_string();
        prop_assert!(!canonical.contains(['（', '）']));
        prop_assert_eq!(canonical.parse::<CertificateNumber>().unwrap(), number.clone());
        // The mark is a bracketed 销 after 号; a place name may contain 销 too (销区).
        prop_assert_eq!(number.is_cancelled(), text.ends_with("销)") || text.ends_with("销）"));
        let expected_kind = if text.contains("不动产证明") {
            CertificateKind::Proof
        } else {
            CertificateKind::Right
        };
        prop_assert_eq!(number.kind(), expected_kind);
        let json = serde_json::to_string(&number).unwrap();
        prop_assert_eq!(serde_json::from_str::<CertificateNumber>(&json).unwrap(), number);
    }

    #[test]
    fn certificate_pattern_strings_parse(text in generator(CertificateNumber::PATTERN)) {
        let parsed = text.parse::<CertificateNumber>();
        prop_assert!(parsed.is_ok(), "{} -> {:?}", text, parsed);
    }

    #[test]
    fn certificate_truncations_are_refused(text in certificate_number(), cut in 1usize..40) {
        // Dropping characters from the end leaves no valid number, unless exactly the
        // cancelled mark was removed.
        let chars: Vec<char> = text.chars().collect();
        let keep = chars.len().saturating_sub(cut);
        let truncated: String = chars[..keep].iter().collect();
        let valid = truncated.parse::<CertificateNumber>().is_ok();
        let marked = text.ends_with("销)") || text.ends_with("销）");
        prop_assert_eq!(valid, cut == 3 && marked, "{}", truncated);
    }

    #[test]
    fn district_pattern_strings_parse(text in generator(DistrictCode::PATTERN)) {
        prop_assert_eq!(text.parse::<DistrictCode>().map(|d| d.to_string()), Ok(text));
    }

    #[test]
    fn opaque_pattern_strings_parse(text in generator(OPAQUE_PATTERN)) {
        prop_assert_eq!(text.parse::<CaseNumber>().map(|c| c.to_string()), Ok(text.clone()));
        prop_assert!(text.parse::<QueryNumber>().is_ok());
        prop_assert!(text.parse::<VerificationCode>().is_ok());
    }

    #[test]
    fn parsers_never_panic(
        text in prop_oneof![any::<String>(), "\\PC{0,80}", "[0-9A-Z京(（)）区第号销]{0,40}"],
    ) {
        let _ = text.parse::<UnitCode>();
        let _ = UnitCode::parse_lenient(&text);
        let _ = text.parse::<CertificateNumber>();
        let _ = text.parse::<DistrictCode>();
        let _ = text.parse::<CaseNumber>();
        let _ = text.parse::<BusinessType>();
        let _ = serde_json::from_value::<UnitCode>(serde_json::Value::String(text.clone()));
        let _ = serde_json::from_value::<CertificateNumber>(serde_json::Value::String(text));
    }

    #[test]
    fn opaque_ids_accept_exactly_the_rule(text in "\\PC{0,70}") {
        let by_rule = (1..=64).contains(&text.chars().count())
            && text.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        prop_assert_eq!(text.parse::<CaseNumber>().is_ok(), by_rule);
    }
}

/// Hand-written near misses the certificate pattern refuses (read against
/// `CertificateNumber::PATTERN`): the parser must refuse them too.
#[test]
fn certificate_near_misses_refused() {
    for text in [
        "京(2018)朝阳区不动产权第0001234号 ",
        " 京(2018)朝阳区不动产权第0001234号",
        "京[2018]朝阳区不动产权第0001234号",
        "京(2018)朝阳区不动产权第0001234号(销)(销)",
        "京(2018)朝阳区不动产权第0001234號",
        "京(2018)朝阳镇不动产权第0001234号",
        "京(2018)朝阳区不动产证第0001234号",
        "京(2018)朝阳区不动产权第１２３４５６７号",
        "京(2018)朝阳区 不动产权第0001234号",
        "京(2018)一二三四五六七八九十一十二区不动产权第0001234号",
        "京(18)朝阳区不动产权第0001234号",
        "京(2018)(2019)朝阳区不动产权第0001234号",
    ] {
        assert!(text.parse::<CertificateNumber>().is_err(), "{text}");
    }
    // The longest place the pattern allows (12 characters) is accepted.
    assert!(
        "京(2018)一二三四五六七八九十一区不动产权第0001234号"
            .parse::<CertificateNumber>()
            .is_ok()
    );
}
