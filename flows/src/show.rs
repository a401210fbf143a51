//! Formatting of registry values for screens, and the masking rules for units shown on screen.
//!
//! Masking (reference "Personal information", "Law that shapes the flows"): the citizen sees
//! their own name and ID number in full (their own record); every other person's name and ID
//! number is masked on the kiosk again, whatever central sent (central masks them too).

use crate::screen::Text;
use crate::text::TextKey;
use central_api::dto::{Holder, Restriction, Unit};
use idcard::sensitive::{mask_name, mask_number};
use idcard::{MaskStyle, Sensitive};
use time::OffsetDateTime;

/// Yuan from fen, two decimals.
pub(crate) fn yuan(fen: i64) -> String {
    let sign = if fen < 0 { "-" } else { "" };
    let fen = fen.unsigned_abs();
    format!("{sign}{}.{:02}", fen / 100, fen % 100)
}

/// `YYYY-MM-DD`.
pub(crate) fn date(d: time::Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

/// `HH:MM` in the time's own offset.
pub(crate) fn hm(t: OffsetDateTime) -> String {
    format!("{:02}:{:02}", t.hour(), t.minute())
}

/// `YYYY-MM-DD HH:MM` in the time's own offset.
pub(crate) fn datetime(t: OffsetDateTime) -> String {
    format!("{} {}", date(t.date()), hm(t))
}

/// A holder as shown to the citizen whose own document number is `own`.
pub(crate) fn holder(h: &Holder, own: &str) -> Text {
    let share = h.share.clone().unwrap_or_default();
    if h.id_number.0 == own {
        Text::Personal(Sensitive::new(
            format!("{} {} {}", h.name, h.id_number.0, share)
                .trim_end()
                .to_owned(),
            MaskStyle::Name,
        ))
    } else {
        Text::Data(
            format!(
                "{} {} {}",
                mask_name(&h.name),
                mask_number(&h.id_number.0),
                share
            )
            .trim_end()
            .to_owned(),
        )
    }
}

/// A unit's list entry: location, certificate number, right type, status.
pub(crate) fn unit_item(u: &Unit) -> Vec<Text> {
    vec![
        Text::Data(u.location.clone()),
        Text::args(
            TextKey::LabelCertificate,
            [u.certificate_number.to_string()],
        ),
        Text::args(TextKey::LabelUnitCode, [u.unit_code.to_string()]),
        Text::args(
            TextKey::LabelRightStatus,
            [
                u.right_type.chinese().to_owned(),
                u.status.chinese().to_owned(),
            ],
        ),
    ]
}

/// A unit's detail: every field, the holders (masked except the citizen), every restriction.
pub(crate) fn unit_detail(u: &Unit, own: &str) -> Vec<Text> {
    let mut lines = unit_item(u);
    lines.push(Text::args(
        TextKey::LabelCoOwnership,
        [u.co_ownership.chinese().to_owned()],
    ));
    for h in &u.holders {
        lines.push(Text::Key(TextKey::LabelHolder));
        lines.push(holder(h, own));
    }
    lines.push(Text::args(
        TextKey::LabelBuilding,
        [
            u.building.clone(),
            u.room.clone(),
            u.floor.to_string(),
            u.total_floors.to_string(),
        ],
    ));
    lines.push(Text::args(
        TextKey::LabelAreas,
        [
            u.areas.building.clone(),
            u.areas.inner.clone().unwrap_or_else(|| "-".to_owned()),
            u.areas.shared.clone().unwrap_or_else(|| "-".to_owned()),
        ],
    ));
    lines.push(Text::args(
        TextKey::LabelUse,
        [u.usage.clone(), u.nature.clone(), u.structure.clone()],
    ));
    lines.push(Text::args(
        TextKey::LabelLand,
        [
            u.land_right_nature.chinese().to_owned(),
            u.land_term_to.map(date).unwrap_or_else(|| "-".to_owned()),
        ],
    ));
    lines.push(Text::args(
        TextKey::LabelRegistered,
        [date(u.registered_on)],
    ));
    if u.restrictions.is_empty() {
        lines.push(Text::Key(TextKey::NoRestrictions));
    }
    for r in &u.restrictions {
        lines.push(restriction(r));
    }
    lines
}

/// One restriction line.
pub(crate) fn restriction(r: &Restriction) -> Text {
    match r {
        Restriction::Mortgage {
            mortgagee,
            proof_number,
            amount_fen,
            mortgage_kind,
            term_from,
            term_to,
        } => Text::args(
            TextKey::RestrictionMortgage,
            [
                mortgagee.clone(),
                proof_number.to_string(),
                yuan(*amount_fen),
                mortgage_kind.chinese().to_owned(),
                date(*term_from),
                date(*term_to),
            ],
        ),
        Restriction::Seizure {
            court,
            document_number,
            seizure_kind,
            term_from,
            term_to,
        } => Text::args(
            TextKey::RestrictionSeizure,
            [
                court.clone(),
                document_number.clone(),
                seizure_kind.chinese().to_owned(),
                date(*term_from),
                date(*term_to),
            ],
        ),
        Restriction::Objection {
            registered_on,
            matter,
        } => Text::args(
            TextKey::RestrictionObjection,
            [date(*registered_on), matter.clone()],
        ),
        Restriction::AdvanceNotice {
            proof_number,
            pre_mortgage,
        } => Text::args(
            if *pre_mortgage {
                TextKey::RestrictionPreMortgage
            } else {
                TextKey::RestrictionAdvanceNotice
            },
            [proof_number.to_string()],
        ),
        Restriction::ResidenceRight { holder, term_to } => Text::args(
            TextKey::RestrictionResidence,
            [
                mask_name(holder),
                term_to.map(date).unwrap_or_else(|| "-".to_owned()),
            ],
        ),
        Restriction::Easement { matter } => {
            Text::args(TextKey::RestrictionEasement, [matter.clone()])
        }
        Restriction::Lock { reason } => Text::args(TextKey::RestrictionLock, [reason.clone()]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::Lang;
    use time::macros::date;

    #[test]
    fn every_restriction_kind_renders_in_both_languages() {
        let proof: central_api::domain::CertificateNumber =
            "京(2019)海淀区不动产证明第0012345号".parse().unwrap();
        let all = [
            Restriction::Mortgage {
                mortgagee: "某银行".into(),
                proof_number: proof.clone(),
                amount_fen: 100,
                mortgage_kind: central_api::domain::MortgageKind::Maximum,
                term_from: date!(2020 - 01 - 01),
                term_to: date!(2030 - 01 - 01),
            },
            Restriction::Seizure {
                court: "某法院".into(),
                document_number: "(2025)京01执1号".into(),
                seizure_kind: central_api::domain::SeizureKind::PreSeizure,
                term_from: date!(2025 - 01 - 01),
                term_to: date!(2028 - 01 - 01),
            },
            Restriction::Objection {
                registered_on: date!(2024 - 02 - 03),
                matter: "权属争议".into(),
            },
            Restriction::AdvanceNotice {
                proof_number: proof.clone(),
                pre_mortgage: false,
            },
            Restriction::AdvanceNotice {
                proof_number: proof,
                pre_mortgage: true,
            },
            Restriction::ResidenceRight {
                holder: "王小明".into(),
                term_to: None,
            },
            Restriction::Easement {
                matter: "通行".into(),
            },
            Restriction::Lock {
                reason: "司法协助".into(),
            },
        ];
        let expected = [
            ("抵押：某银行", "最高额抵押"),
            ("查封：某法院", "预查封"),
            ("异议：2024-02-03", "权属争议"),
            ("预告登记", "0012345"),
            ("预抵押", "0012345"),
            ("居住权：王**", "-"),
            ("地役权：通行", "通行"),
            ("锁定：司法协助", "司法协助"),
        ];
        for (r, (zh, data)) in all.iter().zip(expected) {
            let text = restriction(r);
            let rendered = text.render(Lang::Zh);
            assert!(
                rendered.contains(zh) && rendered.contains(data),
                "{rendered}"
            );
            let en = text.render(Lang::En);
            assert!(en.is_ascii() || en.contains(data), "{en}");
            assert!(!en.contains('{'), "{en}");
        }
    }

    #[test]
    fn money_and_times() {
        assert_eq!(yuan(8000), "80.00");
        assert_eq!(yuan(5), "0.05");
        assert_eq!(yuan(-1050), "-10.50");
        let t = time::macros::datetime!(2026-11-28 09:05 +08:00);
        assert_eq!(hm(t), "09:05");
        assert_eq!(datetime(t), "2026-11-28 09:05");
    }
}
