//! The JSON text of the schema forms: nesting bounded before parsing (schemas nest as deep as
//! the documents they describe, beyond serde_json's recursion limit) and pretty printing.

use serde_json::Value;

use super::MAX_SCHEMA_DEPTH;

/// The deepest bracket nesting of a JSON text (strings skipped), without parsing it.
pub(super) fn json_nesting(text: &[u8]) -> usize {
    let (mut depth, mut max, mut in_string, mut escaped) = (0usize, 0usize, false, false);
    for &b in text {
        if in_string {
            match (escaped, b) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                max = max.max(depth);
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    max
}

/// Parses JSON without serde_json's recursion limit, after bounding the nesting ourselves:
/// schemas nest as deep as the documents they describe, several JSON levels per field.
pub(super) fn parse_json(text: &str) -> std::result::Result<Value, String> {
    let depth = json_nesting(text.as_bytes());
    if depth > 8 * MAX_SCHEMA_DEPTH {
        return Err(format!(
            "nested deeper than {MAX_SCHEMA_DEPTH} field levels"
        ));
    }
    let mut de = serde_json::Deserializer::from_str(text);
    de.disable_recursion_limit();
    let v = <Value as serde::Deserialize>::deserialize(&mut de)
        .and_then(|v| de.end().map(|_| v))
        .map_err(|e| format!("not valid JSON: {e}"))?;
    Ok(v)
}

pub(super) fn pretty(v: &Value) -> String {
    serde_json::to_string_pretty(v).unwrap_or_else(|_| v.to_string())
}
