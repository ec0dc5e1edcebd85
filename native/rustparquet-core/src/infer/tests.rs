//! Unit tests of schema inference: the merge rules, conflicts, map detection, column naming
//! and refused documents, each on small documents.

use super::*;
use crate::schema::DataType;

#[test]
fn column_names_fold_case_beyond_ascii_and_keep_distinct_keys() {
    let names =
        |keys: &[&str]| column_names(&keys.iter().map(|k| k.to_string()).collect::<Vec<_>>());
    // No collision: the keys themselves.
    assert_eq!(names(&["a", "b", "ß", "c_2"]), ["a", "b", "ß", "c_2"]);
    // Non-ASCII case folding collides too (Spark resolves names case-insensitively).
    assert_eq!(names(&["Été", "été", "x"]), ["Été", "été_2", "x"]);
    // A literal `a_2` keeps its name; the colliding key takes the next free suffix.
    assert_eq!(names(&["A", "a", "a_2"]), ["A", "a_3", "a_2"]);
}

fn infer_with(docs: &[&str], options: InferOptions) -> Result<Schema> {
    let mut inferrer = SchemaInferrer::with_options(128, options);
    for (i, doc) in docs.iter().enumerate() {
        let mut p = Parser::new(doc.as_bytes(), 0, 128);
        let line = i as u64 + 1;
        inferrer.add_document(&mut p, &|off| Location {
            file: "t.json".into(),
            line,
            column: off as u64 + 1,
        })?;
    }
    inferrer.finish()
}

/// Folds one document into `inferrer` (locations are not under test here).
fn fold(inferrer: &mut SchemaInferrer, doc: &str) {
    let mut p = Parser::new(doc.as_bytes(), 0, 64);
    inferrer
        .add_document(&mut p, &|_| Location {
            file: "t".into(),
            line: 1,
            column: 1,
        })
        .unwrap();
}

fn infer(docs: &[&str]) -> Result<Schema> {
    infer_with(
        docs,
        InferOptions {
            unions: UnionMode::Error,
            ..InferOptions::default()
        },
    )
}

/// A compact spelling of a type: `list<int64>`, `union<long,string>`, `struct{a:int64}`.
fn spell(t: &DataType) -> String {
    match t {
        DataType::List(e) => format!("list<{}>", spell(&e.data_type)),
        DataType::Map(v) => format!("map<{}>", spell(&v.data_type)),
        DataType::Union(ms) => format!(
            "union<{}>",
            ms.iter()
                .map(|m| match &m.data_type {
                    DataType::List(_) | DataType::Struct(_) | DataType::Map(_) => {
                        format!("{}:{}", m.name, spell(&m.data_type))
                    }
                    _ => m.name.clone(),
                })
                .collect::<Vec<_>>()
                .join(",")
        ),
        DataType::Struct(fs) => format!(
            "struct{{{}}}",
            fs.iter()
                .map(|f| format!("{}:{}", f.name, spell(&f.data_type)))
                .collect::<Vec<_>>()
                .join(",")
        ),
        t => t.name().to_string(),
    }
}

fn type_in(mode: UnionMode, a: &str, b: &str) -> Result<String> {
    let docs = [format!(r#"{{"x": {a}}}"#), format!(r#"{{"x": {b}}}"#)];
    let options = InferOptions {
        unions: mode,
        ..InferOptions::default()
    };
    let schema = infer_with(&[&docs[0], &docs[1]], options)?;
    Ok(spell(&schema.fields[0].data_type))
}

/// The merge table: each pair of JSON values and the type they infer to in the union and
/// string modes; error mode refuses exactly the pairs that give a union.
#[test]
fn merge_rules_table() {
    let cases: &[(&str, &str, &str, &str)] = &[
        // (a, b, --unions union, --unions string)
        ("1", "2", "int64", "int64"),
        ("1", "2.5", "double", "double"),
        ("2.5", "1", "double", "double"),
        ("1", "null", "int64", "int64"),
        ("null", "null", "null", "null"),
        ("null", "\"s\"", "string", "string"),
        ("true", "null", "boolean", "boolean"),
        (
            "1",
            "18446744073709551615",
            "decimal(38,0)",
            "decimal(38,0)",
        ),
        (
            "18446744073709551615",
            "1.5",
            "union<decimal,double>",
            "json",
        ),
        ("[]", "null", "list<null>", "list<null>"),
        ("[]", "[1]", "list<int64>", "list<int64>"),
        ("[1]", "[2.5, null]", "list<double>", "list<double>"),
        ("{}", "null", "struct{}", "struct{}"),
        ("\"s\"", "1", "union<long,string>", "json"),
        ("1", "\"s\"", "union<long,string>", "json"),
        ("true", "1.5", "union<boolean,double>", "json"),
        (
            "[1]",
            "{\"a\": 1}",
            "union<array:list<int64>,object:struct{a:int64}>",
            "json",
        ),
        ("[1]", "[\"s\"]", "list<union<long,string>>", "list<json>"),
        (
            "{\"a\": 1}",
            "{\"a\": \"s\"}",
            "struct{a:union<long,string>}",
            "struct{a:json}",
        ),
        (
            "\"s\"",
            "[1, \"t\"]",
            "union<string,array:list<union<long,string>>>",
            "json",
        ),
    ];
    for (a, b, union, string) in cases {
        assert_eq!(
            &type_in(UnionMode::Union, a, b).unwrap(),
            union,
            "{a} + {b}"
        );
        assert_eq!(
            &type_in(UnionMode::String, a, b).unwrap(),
            string,
            "{a} + {b}"
        );
        let plain = !union.starts_with("union") && !union.contains("union");
        assert_eq!(
            type_in(UnionMode::Error, a, b).is_ok(),
            plain,
            "{a} + {b} in error mode"
        );
    }
}

#[test]
fn conflicts_name_the_path_and_both_places() {
    let err = infer(&[
        r#"{"a": {"b": [{"c": 1}]}}"#,
        r#"{"a": {"b": [{"c": "x"}]}}"#,
    ])
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "`a.b[].c` is an integer at t.json:1:20 but a string at t.json:2:20; in the union mode `error` a field keeps one JSON type (the default mode, `union`, keeps both; docs/format.md, unions)"
    );
    let err = infer(&[r#"{"a": [1]}"#, r#"{"a": {"k": 1}}"#]).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("`a` is an array at t.json:1:7 but an object at t.json:2:7"),
        "{err}"
    );
    let err = infer(&[r#"{"n": 18446744073709551615}"#, r#"{"n": 1.5}"#]).unwrap_err();
    assert!(err.to_string().contains("an integer beyond int64"), "{err}");
}

/// The example from the issue (Drill's `account_admin`): six documents, six shapes.
#[test]
fn account_admin_becomes_a_union_with_nested_unions() {
    let schema = infer_with(
        &[
            r#"{"account_admin": "james"}"#,
            r#"{"account_admin": 12345}"#,
            r#"{"account_admin": [12345, 1000]}"#,
            r#"{"account_admin": ["Timothy", "Carl"]}"#,
            r#"{"account_admin": {"primary": "jackie"}}"#,
            r#"{"account_admin": {"primary": 100001}}"#,
        ],
        InferOptions::default(),
    )
    .unwrap();
    assert_eq!(
        spell(&schema.fields[0].data_type),
        "union<long,string,array:list<union<long,string>>,object:struct{primary:union<long,string>}>"
    );
}

#[test]
fn objects_with_many_keys_become_maps_and_paths_can_force_it() {
    let docs: Vec<String> = (0..30)
        .map(|i| format!(r#"{{"h": {{"k{i}": {i}}}, "s": {{"a": 1}}}}"#))
        .collect();
    let docs: Vec<&str> = docs.iter().map(String::as_str).collect();
    let options = |threshold, paths: &[&str]| InferOptions {
        unions: UnionMode::Union,
        maps: MapRules {
            threshold,
            paths: paths.iter().map(|p| p.to_string()).collect(),
            ..MapRules::default()
        },
        ..InferOptions::default()
    };
    let schema = infer_with(&docs, options(20, &[])).unwrap();
    assert_eq!(spell(&schema.fields[0].data_type), "map<int64>");
    assert_eq!(spell(&schema.fields[1].data_type), "struct{a:int64}");
    let schema = infer_with(&docs, options(0, &["s"])).unwrap();
    assert!(spell(&schema.fields[0].data_type).starts_with("struct{k0:int64,k1:int64"));
    assert_eq!(spell(&schema.fields[1].data_type), "map<int64>");
    // Map values merge by the union rules.
    let schema = infer_with(
        &[r#"{"m": {"a": 1, "b": "x"}}"#, r#"{"m": {"c": [1]}}"#],
        options(0, &["m"]),
    )
    .unwrap();
    assert_eq!(
        spell(&schema.fields[0].data_type),
        "map<union<long,string,array:list<int64>>>"
    );
}

#[test]
fn variant_mode_and_paths_make_variants() {
    // Conflicts only: a stable type stays a column.
    assert_eq!(
        type_in(UnionMode::Variant, "1", "\"a\"").unwrap(),
        "variant"
    );
    assert_eq!(type_in(UnionMode::Variant, "1", "2.5").unwrap(), "double");
    assert_eq!(
        type_in(UnionMode::Variant, "[1]", "[\"a\"]").unwrap(),
        "list<variant>"
    );
    let options = InferOptions {
        variants: VariantRules {
            paths: vec!["a.b".into(), "l[]".into()],
            ..VariantRules::default()
        },
        ..InferOptions::default()
    };
    let docs = [r#"{"a": {"b": {"c": 1}, "d": 1}, "l": [1, {"x": 2}]}"#];
    let schema = infer_with(&docs, options).unwrap();
    assert_eq!(
        spell(&schema.fields[0].data_type),
        "struct{b:variant,d:int64}"
    );
    assert_eq!(spell(&schema.fields[1].data_type), "list<variant>");
    // A variant merged with anything stays a variant.
    let v = Schema::new(vec![crate::schema::Field::optional(
        "x",
        DataType::Variant(None),
    )]);
    let s = Schema::new(vec![crate::schema::Field::list("x", DataType::String)]);
    for (a, b) in [(&v, &s), (&s, &v)] {
        let merged = merge_schemas(a, b, UnionMode::Error).unwrap();
        assert_eq!(merged.fields[0].data_type, DataType::Variant(None));
    }
}

#[test]
fn maps_found_in_separate_chunks_are_maps_after_merging() {
    let options = InferOptions {
        unions: UnionMode::Union,
        maps: MapRules {
            threshold: 3,
            paths: Vec::new(),
            ..MapRules::default()
        },
        ..InferOptions::default()
    };
    let mut left = SchemaInferrer::with_options(64, options.clone());
    let mut right = SchemaInferrer::with_options(64, options);
    fold(&mut left, r#"{"m": {"a": 1, "b": 2}}"#);
    fold(&mut right, r#"{"m": {"c": 1.5, "d": 2}}"#);
    left.merge(&right).unwrap();
    assert_eq!(
        spell(&left.finish().unwrap().fields[0].data_type),
        "map<double>"
    );
}

#[test]
fn merge_schemas_follows_the_inference_rules() {
    let a = infer_with(&[r#"{"x": 1, "y": {"a": [1]}}"#], InferOptions::default()).unwrap();
    let b = infer_with(
        &[r#"{"x": "s", "y": {"a": ["t"]}, "z": true}"#],
        InferOptions::default(),
    )
    .unwrap();
    let merged = merge_schemas(&a, &b, UnionMode::Union).unwrap();
    let spelled: Vec<String> = merged.fields.iter().map(|f| spell(&f.data_type)).collect();
    assert_eq!(
        spelled,
        [
            "union<long,string>",
            "struct{a:list<union<long,string>>}",
            "boolean"
        ]
    );
    // Merging is idempotent and a merged union absorbs its members again.
    assert_eq!(
        merge_schemas(&merged, &a, UnionMode::Union).unwrap(),
        merged
    );
    assert_eq!(
        merge_schemas(&merged, &merged, UnionMode::Union).unwrap(),
        merged
    );
    assert!(merge_schemas(&a, &b, UnionMode::Error).is_err());
    let strings = merge_schemas(&a, &b, UnionMode::String).unwrap();
    assert_eq!(strings.fields[0].data_type, DataType::Json);
}

#[test]
fn fields_keep_first_seen_order_and_nest() {
    let schema = infer(&[
        r#"{"b": 1, "a": {"y": true}}"#,
        r#"{"c": "s", "a": {"x": null, "y": false}}"#,
    ])
    .unwrap();
    let names: Vec<&str> = schema.fields.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, ["b", "a", "c"]);
    let DataType::Struct(a) = &schema.fields[1].data_type else {
        panic!("a is a struct")
    };
    let names: Vec<&str> = a.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, ["y", "x"]);
}

#[test]
fn case_colliding_keys_get_distinct_names_and_keep_their_keys() {
    let schema =
        infer(&[r#"{"ID": 1, "id": 2, "nested": {"Key": 1, "key": 2, "KEY": 3}}"#]).unwrap();
    assert_eq!(schema.fields[0].name, "ID");
    assert_eq!(schema.fields[1].name, "id_2");
    assert_eq!(schema.fields[1].json_key(), "id");
    let DataType::Struct(n) = &schema.fields[2].data_type else {
        panic!()
    };
    let names: Vec<(&str, &str)> = n.iter().map(|f| (f.name.as_str(), f.json_key())).collect();
    assert_eq!(names, [("Key", "Key"), ("key_2", "key"), ("KEY_3", "KEY")]);
}

#[test]
fn top_level_non_objects_are_refused() {
    let err = infer(&["[1, 2]"]).unwrap_err();
    assert_eq!(
        err.to_string(),
        "t.json:1:1: `<document>` is an array; each document must be a JSON object (see docs/format.md, top-level values)"
    );
}

#[test]
fn merging_inferrers_equals_inferring_in_sequence() {
    let docs = [
        r#"{"a": 1, "b": [1]}"#,
        r#"{"c": {"x": 1}, "a": 2.5}"#,
        r#"{"b": [null], "c": {"y": "s"}, "a": "t"}"#,
    ];
    let whole = infer_with(&docs, InferOptions::default()).unwrap();
    let mut left = SchemaInferrer::new(64);
    let mut right = SchemaInferrer::new(64);
    for (i, doc) in docs.iter().enumerate() {
        fold(if i == 0 { &mut left } else { &mut right }, doc);
    }
    left.merge(&right).unwrap();
    assert_eq!(left.finish().unwrap(), whole);
    assert_eq!(left.documents(), 3);
    assert_eq!(spell(&whole.fields[0].data_type), "union<double,string>");
}

/// Infers with the default rules (unions as union groups) and spells the type of `field`.
fn default_type(docs: &[String], field: &str) -> String {
    let docs: Vec<&str> = docs.iter().map(String::as_str).collect();
    let schema = infer_with(&docs, InferOptions::default()).unwrap();
    let f = schema.fields.iter().find(|f| f.name == field).unwrap();
    spell(&f.data_type)
}

#[test]
fn map_or_struct_by_the_keys_and_the_values_shapes() {
    // 654 plugin names, each document holding a few dozen of them, values of one shape: a map
    // (sparse keys, and more than --map-min-named-keys of them).
    let plugins: Vec<String> = (0..40)
        .map(|d| {
            let members: Vec<String> = (0..50)
                .map(|i| (d * 17 + i * 13) % 654)
                .map(|p| {
                    format!(r#""plugin_{p}": {{"version": "v{p}", "enabled": true, "size": {p}}}"#)
                })
                .collect();
            format!(r#"{{"plugins": {{{}}}, "n": {d}}}"#, members.join(", "))
        })
        .collect();
    assert_eq!(
        default_type(&plugins, "plugins"),
        "map<struct{version:string,enabled:boolean,size:int64}>"
    );
    // 25 stable names in every document: a struct.
    let stable: Vec<String> = (0..5)
        .map(|d| {
            let members: Vec<String> = (0..25).map(|i| format!(r#""field_{i}": {d}"#)).collect();
            format!(r#"{{"cfg": {{{}}}}}"#, members.join(", "))
        })
        .collect();
    assert!(default_type(&stable, "cfg").starts_with("struct{field_0:int64,field_1:int64"));
    // 30 numeric keys whose values differ in shape: a struct (of unions), not a map.
    let mixed: Vec<String> = vec![format!(
        "{{\"m\": {{{}}}}}",
        (0..30)
            .map(|i| if i % 2 == 0 {
                format!(r#""{i}": {i}"#)
            } else {
                format!(r#""{i}": "s{i}""#)
            })
            .collect::<Vec<_>>()
            .join(", ")
    )];
    assert!(default_type(&mixed, "m").starts_with("struct{0:int64,1:string"));
    // Objects with different keys under named keys: not one shape either.
    let sections: Vec<String> = vec![format!(
        "{{\"s\": {{{}}}}}",
        (0..30)
            .map(|i| format!(r#""section_{i}": {{"opt_{i}": {i}}}"#))
            .collect::<Vec<_>>()
            .join(", ")
    )];
    assert!(default_type(&sections, "s").starts_with("struct{"));
    // Numeric ids in one document, values of one shape: a map of structs.
    let ids: Vec<String> = vec![format!(
        "{{\"users\": {{{}}}}}",
        (1000..1025)
            .map(|i| format!(r#""{i}": {{"name": "u{i}", "age": {}}}"#, i % 90))
            .collect::<Vec<_>>()
            .join(", ")
    )];
    assert_eq!(
        default_type(&ids, "users"),
        "map<struct{name:string,age:int64}>"
    );
    // Below --map-min-keys: a struct whatever the keys.
    let few: Vec<String> = vec![r#"{"f": {"1": 1, "2": 2, "3": 3}}"#.to_string()];
    assert_eq!(default_type(&few, "f"), "struct{1:int64,2:int64,3:int64}");
}

#[test]
fn map_thresholds_are_options_and_the_explanation_says_why() {
    let ids: Vec<String> = vec![format!(
        "{{\"users\": {{{}}}, \"cfg\": {{\"a\": 1, \"b\": \"x\"}}, \"u\": [1, \"a\"]}}",
        (1000..1025)
            .map(|i| format!(r#""{i}": {{"values": {{"{i}": 1}}}}"#))
            .collect::<Vec<_>>()
            .join(", ")
    )];
    let docs: Vec<&str> = ids.iter().map(String::as_str).collect();
    let explain = |maps: MapRules| {
        let mut inferrer = SchemaInferrer::with_options(
            64,
            InferOptions {
                maps,
                ..InferOptions::default()
            },
        );
        for d in &docs {
            fold(&mut inferrer, d);
        }
        inferrer.explain().unwrap()
    };
    let d = explain(MapRules::default());
    let at = |d: &[Decision], p: &str| d.iter().find(|x| x.path == p).cloned().unwrap();
    let users = at(&d, "users");
    assert_eq!((users.form, users.keys), ("map", Some(25)));
    assert!(
        users.reason.contains("100% of the keys look like data"),
        "{}",
        users.reason
    );
    // The map's value is decided in turn: its `values` objects, merged, have 25 numeric keys.
    assert_eq!(at(&d, "users.*.values").form, "map");
    let cfg = at(&d, "cfg");
    assert_eq!(cfg.form, "struct");
    assert_eq!(cfg.reason, "2 distinct keys, fewer than 20");
    let u = at(&d, "u[]");
    assert_eq!(u.form, "union");
    assert!(
        u.reason.starts_with("seen as an integer and a string"),
        "{}",
        u.reason
    );
    // More keys needed: a struct, and why.
    let d = explain(MapRules {
        min_keys: 26,
        ..MapRules::default()
    });
    assert_eq!(at(&d, "users").form, "struct");
    assert_eq!(at(&d, "users").reason, "25 distinct keys, fewer than 26");
    // Threshold 0: no automatic maps.
    let d = explain(MapRules {
        threshold: 0,
        ..MapRules::default()
    });
    assert_eq!(at(&d, "users").form, "struct");
    // The schema agrees with the explanation.
    let schema = infer_with(&docs, InferOptions::default()).unwrap();
    assert_eq!(
        spell(&schema.fields[0].data_type),
        "map<struct{values:map<int64>}>"
    );
}

#[test]
fn members_are_found_near_the_hint_or_in_the_index() {
    let mut object = ObjectNode::default();
    for k in ["id", "", "name", "a_much_longer_key_than_a_word", "x"] {
        object.member(k.as_bytes(), usize::MAX);
    }
    // At the hint, a few keys after it, before it (the index), or new.
    assert_eq!(object.member(b"id", 0), 0);
    assert_eq!(object.member(b"", 1), 1);
    assert_eq!(object.member(b"x", 1), 4);
    assert_eq!(object.member(b"x", 0), 4);
    assert_eq!(object.member(b"id", 3), 0);
    assert_eq!(object.member(b"na", 0), 5);
    assert_eq!(object.member(b"name", usize::MAX), 2);
    assert_eq!(&*object.keys[5], b"na");
    assert_eq!(object.nodes.len(), 6);
}

#[test]
fn places_are_located_only_where_a_conflict_can_name_them() {
    let docs = [r#"{"a": 1, "b": {"c": [1.5]}}"#, r#"{"a": "x", "d": null}"#];
    // Unions (and the other modes that never fail) never ask where a value is.
    let mut inferrer = SchemaInferrer::new(64);
    for doc in docs {
        let mut p = Parser::new(doc.as_bytes(), 0, 64);
        inferrer
            .add_document(&mut p, &|_| panic!("located in union mode"))
            .unwrap();
    }
    // In error mode a conflict between merged inferrers (parallel chunks) names both places.
    let options = InferOptions {
        unions: UnionMode::Error,
        ..InferOptions::default()
    };
    let mut chunks = docs.iter().enumerate().map(|(i, doc)| {
        let mut inferrer = SchemaInferrer::with_options(64, options.clone());
        let mut p = Parser::new(doc.as_bytes(), 0, 64);
        let line = i as u64 + 10;
        inferrer
            .add_document(&mut p, &|off| Location {
                file: "c.json".into(),
                line,
                column: off as u64 + 1,
            })
            .unwrap();
        inferrer
    });
    let mut first = chunks.next().unwrap();
    let err = first.merge(&chunks.next().unwrap()).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("`a` is an integer at c.json:10:7 but a string at c.json:11:7"),
        "{err}"
    );
}

#[test]
fn keys_matched_in_place_infer_what_keys_looked_up_do() -> Result<()> {
    // Spacing, an escaped spelling of a known key, another key order, a new key: the in-place
    // match of the expected key (json::Parser::next_key_is) fails over to the lookup, and the
    // schema is that of the same documents written plainly.
    let varied = [
        r#"{"a":1,"b":"x","c":[1]}"#,
        r#"{ "a" : 2 ,"b"	:"y", "c":[2]}"#,
        r#"{"\u0061":3.5,"b":null}"#,
        r#"{"b":"z","a":4,"d":true}"#,
        r#"{"a":5,"bb":1,"b":"w"}"#,
    ];
    let plain = [
        r#"{"a":1,"b":"x","c":[1]}"#,
        r#"{"a":2,"b":"y","c":[2]}"#,
        r#"{"a":3.5,"b":null}"#,
        r#"{"b":"z","a":4,"d":true}"#,
        r#"{"a":5,"bb":1,"b":"w"}"#,
    ];
    assert!(varied[2].contains("\\u0061"), "the escape is in the text");
    let schema = infer(&varied)?;
    assert_eq!(schema.to_json_string(), infer(&plain)?.to_json_string());
    let names: Vec<&str> = schema.fields.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, ["a", "b", "c", "d", "bb"]);
    Ok(())
}
