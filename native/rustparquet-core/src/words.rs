//! English for counts in messages: "1 row group", "2 row groups".

/// `n` and the noun for it: `count(1, "row group", "row groups")` is "1 row group".
pub fn count(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", noun(n, one, many))
}

/// The singular noun for exactly one, the plural otherwise (zero included: "0 documents").
pub fn noun<'a>(n: u64, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 {
        one
    } else {
        many
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_is_singular_and_zero_is_plural() {
        assert_eq!(count(1, "row group", "row groups"), "1 row group");
        assert_eq!(count(0, "document", "documents"), "0 documents");
        assert_eq!(count(2, "value", "values"), "2 values");
    }
}
