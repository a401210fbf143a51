//! Every example in `api/central.yaml` satisfies its own schema, and the document covers what
//! the kiosk needs.
#![allow(clippy::unwrap_used, clippy::panic, reason = "tests fail loudly")]

use kiosk_e2e::contract::Contract;

#[test]
fn every_example_satisfies_its_schema() {
    let contract = Contract::load();
    let examples = contract.examples();
    assert!(examples.len() >= 20, "only {} examples", examples.len());
    let failures: Vec<String> = examples
        .iter()
        .filter_map(|(what, schema, example)| contract.check_example(what, schema, example).err())
        .collect();
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn every_operation_documents_its_errors() {
    let contract = Contract::load();
    let ops = contract.operations();
    assert_eq!(ops.len(), 23);
    for (method, path) in ops {
        // Every signed operation documents the signature refusal with the error body.
        if path == "/v1/time" || path.starts_with("/v1/certificates/verify") {
            continue;
        }
        contract
            .check_response(
                &method,
                &path,
                401,
                &serde_json::json!({"code": "unauthenticated", "message": "bad signature", "message_zh": "签名无效"}),
            )
            .unwrap_or_else(|e| panic!("{e}"));
    }
}
