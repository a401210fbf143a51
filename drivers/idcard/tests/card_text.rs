//! Card text parsing for all four card types, written through the record encoder (the simulator's
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test helpers fail loudly"
)]
//! path) and read back through the parser (the driver's path).

use idcard::text::TEXT_LEN;
use idcard::{
    Card, CardError, CardRecord, CardText, CardType, CardWarning, Date, Expiry, IdNumberError,
    Inconsistency, Nation, Sex,
};

fn resident() -> CardRecord {
    CardRecord {
        card_type: "resident".into(),
        name: "龚䶮𠮷".into(),
        sex: "female".into(),
        nation: Some("维吾尔".into()),
        birth_date: "1949-12-31".into(),
        address: Some("北京市西城区西长安街甲1号院".into()),
        id_number: "11010519491231002X".into(),
        authority: Some("北京市公安局西城分局".into()),
        valid_from: "2008-03-01".into(),
        valid_to: "长期".into(),
        ..CardRecord::default()
    }
}

fn foreigner_2017() -> CardRecord {
    CardRecord {
        card_type: "foreigner_2017".into(),
        name: "史密斯".into(),
        english_name: Some("SMITH, JOHN WILLIAM".into()),
        sex: "male".into(),
        birth_date: "1985-06-12".into(),
        id_number: "USA118506120131".into(),
        nationality: Some("USA".into()),
        valid_from: "2017-07-01".into(),
        valid_to: "2027-06-30".into(),
        card_version: Some("01".into()),
        authority_code: Some("1500".into()),
        ..CardRecord::default()
    }
}

fn foreigner_2023() -> CardRecord {
    CardRecord {
        card_type: "foreigner_2023".into(),
        name: "玛丽亚".into(),
        // 45 characters: longer than the first field (35 units), so it continues in the second.
        english_name: Some("GONZALEZ RODRIGUEZ, MARIA FERNANDA DE LA CRUZ".into()),
        sex: "female".into(),
        birth_date: "1990-03-15".into(),
        id_number: "911724199003150027".into(),
        renewal_count: Some("00".into()),
        valid_from: "2023-12-01".into(),
        valid_to: "2033-11-30".into(),
        country_code: Some("ESP".into()),
        previous_number_link: Some("".into()),
        ..CardRecord::default()
    }
}

fn permit() -> CardRecord {
    CardRecord {
        card_type: "hk_mo_tw_permit".into(),
        name: "陈大文".into(),
        sex: "male".into(),
        birth_date: "1980-01-01".into(),
        address: Some("北京市海淀区中关村大街27号".into()),
        id_number: "810000198001010014".into(),
        authority: Some("北京市公安局海淀分局".into()),
        valid_from: "2023-01-01".into(),
        valid_to: "2028-01-01".into(),
        travel_permit_number: Some("H12345678".into()),
        issue_count: Some("01".into()),
        ..CardRecord::default()
    }
}

fn parse(record: &CardRecord) -> Result<CardText, CardError> {
    CardText::parse(&record.encode_text().unwrap()).map(|p| p.text)
}

#[test]
fn every_card_type_round_trips() {
    for (record, card_type) in [
        (resident(), CardType::Resident),
        (foreigner_2017(), CardType::Foreigner2017),
        (foreigner_2023(), CardType::Foreigner2023),
        (permit(), CardType::HkMoTwPermit),
    ] {
        let parsed = CardText::parse(&record.encode_text().unwrap())
            .unwrap_or_else(|e| panic!("{card_type}: {e}"));
        assert!(
            parsed.warnings.is_empty(),
            "{card_type}: {:?}",
            parsed.warnings
        );
        let text = parsed.text;
        assert_eq!(text.card_type(), card_type);
        assert_eq!(CardRecord::from_text(&text, true), record, "{card_type}");
    }
}

#[test]
fn resident_fields_are_typed() {
    let CardText::Resident(card) = parse(&resident()).unwrap() else {
        panic!("not a resident card");
    };
    assert_eq!(card.name.expose(), "龚䶮𠮷");
    assert_eq!(card.sex, Sex::Female);
    assert_eq!(card.nation, Nation::from_code("05").unwrap());
    assert_eq!(card.birth_date, Date::new(1949, 12, 31).unwrap());
    assert_eq!(card.validity.to, Expiry::LongTerm);
    assert_eq!(card.id_number.expose(), "11010519491231002X");
    assert_eq!(card.authority, "北京市公安局西城分局");
}

#[test]
fn type_markers_are_at_bytes_248_and_249() {
    let block = foreigner_2017().encode_text().unwrap();
    assert_eq!(&block[248..250], &[b'I', 0]);
    let block = foreigner_2023().encode_text().unwrap();
    assert_eq!(&block[248..250], &[b'Y', 0]);
    let block = permit().encode_text().unwrap();
    assert_eq!(&block[248..250], &[b'J', 0]);
    let block = resident().encode_text().unwrap();
    assert_eq!(&block[248..250], &[b' ', 0]);
}

#[test]
fn nul_padding_is_trimmed_like_space_padding() {
    let mut block = resident().encode_text().unwrap();
    // Re-pad the name field (0..30) with U+0000 instead of U+0020.
    for pair in block[0..30].chunks_exact_mut(2) {
        if pair == [0x20, 0x00] {
            pair.copy_from_slice(&[0, 0]);
        }
    }
    let text = CardText::parse(&block).unwrap().text;
    assert_eq!(text.name().expose(), "龚䶮𠮷");
}

#[test]
fn sex_codes_zero_and_nine_are_accepted_without_cross_check() {
    for (sex, expected) in [("0", Sex::Unknown), ("9", Sex::NotStated)] {
        let record = CardRecord {
            sex: sex.into(),
            ..resident()
        };
        assert_eq!(parse(&record).unwrap().sex(), expected);
    }
    let record = CardRecord {
        sex: "3".into(),
        ..resident()
    };
    assert_eq!(parse(&record), Err(CardError::Malformed { field: "sex" }));
}

#[test]
fn nation_codes_97_98_and_unlisted() {
    for (code, name) in [
        ("97", Some("其他")),
        ("98", Some("外国血统中国籍人士")),
        ("77", None),
    ] {
        let record = CardRecord {
            nation: Some(code.into()),
            ..resident()
        };
        let CardText::Resident(card) = parse(&record).unwrap() else {
            panic!()
        };
        assert_eq!(card.nation.name(), name);
        let json = CardRecord::from_text(&CardText::Resident(card), false);
        assert_eq!(json.nation.as_deref(), Some(name.unwrap_or(code)));
    }
}

#[test]
fn lower_case_x_is_normalised() {
    let record = CardRecord {
        id_number: "11010519491231002x".into(),
        ..resident()
    };
    assert_eq!(
        parse(&record).unwrap().document_number(),
        "11010519491231002X"
    );
}

#[test]
fn inconsistent_cards_are_refused() {
    let wrong_check = CardRecord {
        id_number: "110105194912310021".into(),
        ..resident()
    };
    assert_eq!(
        parse(&wrong_check),
        Err(CardError::IdNumber(IdNumberError::CheckCharacter {
            expected: 'X'
        }))
    );
    let wrong_birth = CardRecord {
        birth_date: "1949-12-30".into(),
        ..resident()
    };
    assert_eq!(
        parse(&wrong_birth),
        Err(CardError::Inconsistent(Inconsistency::BirthDate))
    );
    // 002 is even: a woman's number on a card that says male.
    let wrong_sex = CardRecord {
        sex: "male".into(),
        ..resident()
    };
    assert_eq!(
        parse(&wrong_sex),
        Err(CardError::Inconsistent(Inconsistency::Sex))
    );
    let backwards = CardRecord {
        valid_from: "2030-01-01".into(),
        valid_to: "2020-01-01".into(),
        ..permit()
    };
    assert_eq!(
        parse(&backwards),
        Err(CardError::Inconsistent(Inconsistency::ValidityOrder))
    );
    let sex_2023 = CardRecord {
        sex: "male".into(),
        ..foreigner_2023()
    };
    assert_eq!(
        parse(&sex_2023),
        Err(CardError::Inconsistent(Inconsistency::Sex))
    );
}

#[test]
fn malformed_fields_name_the_field_not_the_value() {
    let record = CardRecord {
        birth_date: "19491331".into(),
        ..resident()
    };
    let err = parse(&record).unwrap_err();
    assert_eq!(
        err,
        CardError::Malformed {
            field: "birth_date"
        }
    );
    let record = CardRecord {
        valid_to: "长久".into(),
        ..resident()
    };
    assert_eq!(
        parse(&record).unwrap_err(),
        CardError::Malformed { field: "valid_to" }
    );
    let record = CardRecord {
        name: String::new(),
        ..resident()
    };
    assert_eq!(
        parse(&record).unwrap_err(),
        CardError::Malformed { field: "name" }
    );
}

#[test]
fn warnings_do_not_refuse_the_card() {
    // Region 100000 is no province; the card is still accepted with a warning.
    let record = CardRecord {
        id_number: "100105194912310028".into(),
        ..resident()
    };
    let parsed = CardText::parse(&record.encode_text().unwrap()).unwrap();
    assert_eq!(parsed.warnings, vec![CardWarning::UnknownRegion]);
    let record = CardRecord {
        id_number: "USA120850612013".into(),
        nationality: Some("CAN".into()),
        ..foreigner_2017()
    };
    let parsed = CardText::parse(&record.encode_text().unwrap()).unwrap();
    assert_eq!(
        parsed.warnings,
        vec![CardWarning::Foreigner2017NumberMismatch]
    );
}

#[test]
fn masked_record_hides_personal_values() {
    let text = parse(&resident()).unwrap();
    let masked = CardRecord::from_text(&text, false);
    assert_eq!(masked.id_number, "1101**********002X");
    assert_eq!(masked.name, "龚**");
    assert_eq!(masked.address.as_deref(), Some("北京市西城区********"));
    let debug = format!("{text:?}");
    assert!(!debug.contains("11010519491231002X"), "{debug}");
    assert!(!debug.contains("西长安街"), "{debug}");
    let json = serde_json::to_string(&masked).unwrap();
    assert!(!json.contains("19491231002"), "{json}");
}

#[test]
fn too_long_field_is_an_encoding_error() {
    let record = CardRecord {
        name: "一二三四五六七八九十一二三四五六".into(),
        ..resident()
    };
    assert!(record.encode_text().is_err());
}

#[test]
fn whole_read_reply_with_fingerprint_drops_it() {
    let text = resident().encode_text().unwrap();
    assert_eq!(text.len(), TEXT_LEN);
    let data = idcard::reply::join_read_data(&text, &[7; 1024], Some(&[9; 512]));
    let card = Card::from_read_data(&data).unwrap();
    assert_eq!(card.photo.wlt(), &[7; 1024][..]);
    assert_eq!(format!("{:?}", card.photo), "Photo(1024 bytes WLT)");
}

#[test]
fn foreigner_2023_english_name_split_anywhere_round_trips() {
    // The first field holds 35 UTF-16 units; a space or a surrogate pair may fall on the border.
    for name in [
        "ABCDEFGHIJKLMNOPQRSTUVWXYZ ABCDEFGH IJKLMNOPQR",
        "ABCDEFGHIJKLMNOPQRSTUVWXYZ ABCDEFG  HIJ",
        "ABCDEFGHIJKLMNOPQRSTUVWXYZ ABCDEFG𠮷XYZ",
        "SHORT NAME",
    ] {
        let record = CardRecord {
            english_name: Some(name.into()),
            ..foreigner_2023()
        };
        let CardText::Foreigner2023(card) = parse(&record).unwrap() else {
            panic!("not a 2023 card")
        };
        assert_eq!(card.english_name.expose(), name);
    }
}
