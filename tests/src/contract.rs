//! The committed contract, `api/central.yaml`, as a validator: request and response bodies are
//! checked against the schemas of their operation, `$ref`s resolved within the document.

use serde_json::{Value, json};

/// The OpenAPI document.
pub struct Contract {
    doc: Value,
}

impl Contract {
    /// Loads `api/central.yaml` from the workspace.
    ///
    /// # Panics
    /// When the file is missing or not YAML.
    pub fn load() -> Contract {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../api/central.yaml");
        let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
        let doc: Value = serde_norway::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"));
        Contract { doc }
    }

    fn operation(&self, method: &str, path: &str) -> &Value {
        let op = &self.doc["paths"][path][method.to_ascii_lowercase()];
        assert!(
            op.is_object(),
            "no operation {method} {path} in the contract"
        );
        op
    }

    /// Validates `instance` against `schema` (from the document), with the document's components.
    fn check(&self, schema: &Value, instance: &Value, what: &str) -> Result<(), String> {
        let wrapped = json!({
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "components": self.doc["components"],
            "allOf": [schema],
        });
        let validator =
            jsonschema::validator_for(&wrapped).map_err(|e| format!("{what}: bad schema: {e}"))?;
        let errors: Vec<String> = validator
            .iter_errors(instance)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        if errors.is_empty() {
            Ok(())
        } else {
            Err(format!("{what} breaks the contract: {}", errors.join("; ")))
        }
    }

    /// Checks a response body against the operation's schema for its status.
    pub fn check_response(
        &self,
        method: &str,
        path: &str,
        status: u16,
        body: &Value,
    ) -> Result<(), String> {
        let op = self.operation(method, path);
        let response = &op["responses"][status.to_string()];
        if !response.is_object() {
            return Err(format!(
                "{method} {path}: status {status} is not in the contract"
            ));
        }
        match response.pointer("/content/application~1json/schema") {
            Some(schema) => self.check(schema, body, &format!("{method} {path} -> {status}")),
            None if body.is_null() => Ok(()),
            None => Err(format!(
                "{method} {path} -> {status}: the contract has no body"
            )),
        }
    }

    /// Checks a request body against the operation's request schema.
    pub fn check_request(&self, method: &str, path: &str, body: &Value) -> Result<(), String> {
        let op = self.operation(method, path);
        let schema = op
            .pointer("/requestBody/content/application~1json/schema")
            .ok_or_else(|| format!("{method} {path}: the contract has no request body"))?;
        self.check(schema, body, &format!("{method} {path} request"))
    }

    /// Every example in the document, with what it must satisfy: `(where, schema, example)`.
    pub fn examples(&self) -> Vec<(String, Value, Value)> {
        let mut out = Vec::new();
        if let Some(schemas) = self.doc["components"]["schemas"].as_object() {
            for (name, schema) in schemas {
                let mut found: Vec<Value> =
                    schema["examples"].as_array().cloned().unwrap_or_default();
                if !schema["example"].is_null() {
                    found.push(schema["example"].clone());
                }
                for example in found {
                    let reference = json!({"$ref": format!("#/components/schemas/{name}")});
                    out.push((format!("schema {name}"), reference, example));
                }
            }
        }
        if let Some(paths) = self.doc["paths"].as_object() {
            for (path, item) in paths {
                for (method, op) in item.as_object().into_iter().flatten() {
                    for (status, response) in op["responses"].as_object().into_iter().flatten() {
                        if let Some(media) = response.pointer("/content/application~1json") {
                            if !media["example"].is_null() {
                                out.push((
                                    format!("{method} {path} -> {status}"),
                                    media["schema"].clone(),
                                    media["example"].clone(),
                                ));
                            }
                        }
                    }
                }
            }
        }
        out
    }

    /// Checks one example against its schema.
    pub fn check_example(&self, what: &str, schema: &Value, example: &Value) -> Result<(), String> {
        self.check(schema, example, what)
    }

    /// Every `(method, path)` in the contract.
    pub fn operations(&self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        if let Some(paths) = self.doc["paths"].as_object() {
            for (path, item) in paths {
                if let Some(item) = item.as_object() {
                    for method in item.keys() {
                        out.push((method.to_ascii_uppercase(), path.clone()));
                    }
                }
            }
        }
        out
    }
}
