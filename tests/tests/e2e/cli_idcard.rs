//! End to end: the `kiosk` binary's reader diagnostics against the `kiosk-sim` binary, over a real
//! pseudo-terminal, at the emulated line speed.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test helpers fail loudly"
)]

use kiosk_e2e::{SimProcess, kiosk};
use serde_json::Value;

fn read_json(port: &str, extra: &[&str]) -> (Option<i32>, Value, String) {
    let mut args = vec!["idcard", "read", "--port", port, "--json", "--timeout", "5"];
    args.extend_from_slice(extra);
    let out = kiosk(&args);
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let json = serde_json::from_str(stdout.trim()).unwrap_or(Value::Null);
    (out.status.code(), json, stderr)
}

#[test]
fn reads_every_built_in_card_type_as_json() {
    for card_type in [
        "resident",
        "foreigner_2017",
        "foreigner_2023",
        "hk_mo_tw_permit",
    ] {
        let sim = SimProcess::start(&["--card", card_type]);
        let (code, json, stderr) = read_json(sim.device(), &[]);
        assert_eq!(code, Some(0), "{card_type}: {stderr}");
        assert_eq!(json["card_type"], card_type);
        for field in [
            "name",
            "sex",
            "birth_date",
            "id_number",
            "valid_from",
            "valid_to",
        ] {
            assert!(
                json.get(field).is_some(),
                "{card_type}: {field} missing in {json}"
            );
        }
        // Masked by default: the middle of the number is hidden.
        let number = json["id_number"].as_str().unwrap();
        assert!(number.contains("****"), "{card_type}: {number}");
    }
}

#[test]
fn resident_card_fields_unmasked() {
    let sim = SimProcess::start(&["--card", "resident"]);
    let (code, json, stderr) = read_json(sim.device(), &["--unmasked"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(json["name"], "张𠮷英");
    assert_eq!(json["sex"], "female");
    assert_eq!(json["nation"], "汉");
    assert_eq!(json["birth_date"], "1949-12-31");
    assert_eq!(
        json["address"],
        "北京市朝阳区建国路甲88号院3号楼2单元1101号"
    );
    assert_eq!(json["id_number"], "11010519491231002X");
    assert_eq!(json["authority"], "北京市公安局朝阳分局");
    assert_eq!(json["valid_from"], "2015-06-01");
    assert_eq!(json["valid_to"], "长期");
    assert!(json.get("english_name").is_none());
}

#[test]
fn foreigner_2023_long_english_name_is_joined() {
    let sim = SimProcess::start(&["--card", "foreigner_2023"]);
    let (code, json, _) = read_json(sim.device(), &["--unmasked"]);
    assert_eq!(code, Some(0));
    assert_eq!(
        json["english_name"],
        "GONZALEZ RODRIGUEZ, MARIA FERNANDA DE LA CRUZ"
    );
    assert_eq!(json["country_code"], "ESP");
}

#[test]
fn no_card_exits_2() {
    let sim = SimProcess::start(&[]);
    let out = kiosk(&["idcard", "read", "--port", sim.device(), "--timeout", "1"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
}

#[test]
fn missing_reader_exits_3() {
    let out = kiosk(&[
        "idcard",
        "read",
        "--port",
        "/dev/no-such-reader",
        "--timeout",
        "5",
    ]);
    assert_eq!(out.status.code(), Some(3));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("noDevice"), "{stderr}");
}

#[test]
fn inconsistent_card_fixture_exits_4() {
    let dir = kiosk_e2e::temp_dir("inconsistent");
    let fixture = dir.join("bad.json");
    // The birth date field disagrees with the number's (1949-12-31).
    std::fs::write(
        &fixture,
        r#"{"card_type":"resident","name":"李四","sex":"female","nation":"汉",
            "birth_date":"1950-01-01","address":"北京市","id_number":"11010519491231002X",
            "authority":"北京市公安局","valid_from":"2010-01-01","valid_to":"2030-01-01"}"#,
    )
    .unwrap();
    let sim = SimProcess::start(&["--card", fixture.to_str().unwrap()]);
    let out = kiosk(&["idcard", "read", "--port", sim.device(), "--timeout", "5"]);
    assert_eq!(out.status.code(), Some(4));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("birth date differs"), "{stderr}");
    assert!(!stderr.contains("11010519491231002X"), "{stderr}");
}

#[test]
fn text_output_is_masked_and_bilingual() {
    let sim = SimProcess::start(&["--card", "hk_mo_tw_permit"]);
    let out = kiosk(&["idcard", "read", "--port", sim.device()]);
    assert_eq!(out.status.code(), Some(0));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("证件类型 card type: 港澳台居民居住证"),
        "{stdout}"
    );
    assert!(stdout.contains("8100**********0014"), "{stdout}");
    assert!(!stdout.contains("810000198001010014"), "{stdout}");
    assert!(stdout.contains("姓名 name: 陈**"), "{stdout}");
}

#[test]
fn watch_prints_events_as_they_happen() {
    let mut sim = SimProcess::start(&[]);
    let mut watch = kiosk_e2e::Watch::start(sim.device());
    sim.command("place foreigner_2017");
    let line = watch.line_matching("card_presented");
    let event: Value = serde_json::from_str(&line).unwrap();
    assert_eq!(event["detail"]["card_type"], "foreigner_2017");
    assert_eq!(event["detail"]["english_name"], "S****, J*** W******");
    sim.command("lift");
    watch.line_matching("card_removed");
}

#[test]
fn tcp_transport() {
    let sim = SimProcess::start(&["--tcp", "127.0.0.1:0", "--card", "resident"]);
    assert!(sim.device().starts_with("tcp://"), "{}", sim.device());
    let (code, json, stderr) = read_json(sim.device(), &[]);
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(json["card_type"], "resident");
}
