//! Datasets: a directory of Parquet part files that later batches of documents are appended
//! to, whose schema evolves without ever making the directory unreadable.
//!
//! The dataset's schema is the merge of every batch written so far, kept in
//! [`SCHEMA_FILE`] (our JSON schema form) and checked against the parts' footers on every
//! append (a part whose schema the file lacks, left by a crash between the two writes, is folded
//! in). Each append infers its batch, [`evolve`]s the dataset schema with it and writes one
//! new part with the result. The rules keep every column's Parquet type fixed once written,
//! because Spark's `mergeSchema` fails on a column whose type differs between files (long vs
//! double, long vs group): new fields are new columns; a new JSON type of a union is a new
//! member of its group; a new JSON type of a plain field is a new *sibling* column of the same
//! JSON key, named `<name>__<member>` (`account_admin__string`), which the shredder fills with
//! the values of that type and our reader folds back into the one key; a change that no column
//! of the field can take in place (an array's scalar elements that turn into strings) gets a
//! sibling whose type holds both, which new parts use from then on. Rules and examples:
//! docs/format.md, datasets.

use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::convert::{convert_with_schema, infer_schema, ConvertOptions, ConvertSummary};
use crate::error::{Error, Result};
use crate::infer::{merge_schemas, UnionMode};
use crate::input::{open_inputs, Passes};
use crate::option_key::OptionKey;
use crate::path::ColumnPath;
use crate::read::ParquetFile;
use crate::schema::{DataType, Field, Schema, UnionMember};
use crate::staged::StagedFile;

/// The dataset's schema, in the directory (Spark and pyarrow skip `_` names).
pub const SCHEMA_FILE: &str = "_rustparquet_schema.json";
/// Held (`flock`) while an append runs, so two appends cannot interleave.
pub const LOCK_FILE: &str = "_rustparquet.lock";

/// What an append did.
#[derive(Debug)]
pub struct AppendSummary {
    /// The part file written.
    pub part: PathBuf,
    /// Parts the dataset had before.
    pub previous_parts: usize,
    /// Columns (Parquet paths) the batch added to the dataset.
    pub added_columns: Vec<String>,
    pub convert: ConvertSummary,
}

/// Appends the documents of `inputs` to the dataset in `dir` (created if missing) as one new
/// part file. See the module docs for the evolution rules.
pub fn append(inputs: &[String], dir: &Path, options: &ConvertOptions) -> Result<AppendSummary> {
    fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let lock_path = dir.join(LOCK_FILE);
    let lock = File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock_path)
        .map_err(|e| Error::io(&lock_path, e))?;
    if let Err(e) = lock.try_lock() {
        return Err(match e {
            fs::TryLockError::WouldBlock => Error::Options(format!(
                "{}: another append to this dataset is running",
                OptionKey::Dataset.set_to(dir.display())
            )),
            fs::TryLockError::Error(e) => Error::io(&lock_path, e),
        });
    }
    let parts = part_files(dir)?;
    let schema_path = dir.join(SCHEMA_FILE);
    let mut dataset = match fs::read_to_string(&schema_path) {
        Ok(text) => Some(Schema::from_json_str(
            &text,
            Some(&schema_path.display().to_string()),
        )?),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(Error::io(&schema_path, e)),
    };
    for part in &parts {
        let file = ParquetFile::open(part)?;
        let Some(footer) = file.our_schema() else {
            return Err(Error::Options(format!(
                "{}: {} was not written by rustparquet (no rustparquet.schema); \
                 a dataset directory holds only its own parts",
                OptionKey::Dataset.set_to(dir.display()),
                part.display()
            )));
        };
        dataset = Some(match dataset {
            None => footer.clone(),
            Some(d) => evolve(&d, footer)?,
        });
    }
    // Read twice: once to infer the batch, once to write it.
    let inputs = open_inputs(inputs, Passes::Twice)?;
    let batch = match &options.schema {
        Some(s) => s.clone(),
        None => infer_schema(&inputs, options)?,
    };
    let schema = match &dataset {
        None => batch,
        Some(d) => evolve(d, &batch)?,
    };
    let before: Vec<String> = dataset
        .as_ref()
        .map(|d| d.leaves().into_iter().map(|l| l.parquet_path).collect())
        .unwrap_or_default();
    let added_columns = schema
        .leaves()
        .into_iter()
        .map(|l| l.parquet_path)
        .filter(|p| !before.contains(p))
        .collect();
    let part = dir.join(part_name(parts.len()));
    let convert = crate::threads::with_stack(
        crate::threads::Recursion::documents(options.max_depth),
        || convert_with_schema(&inputs, &part, &schema, options),
    )?;
    // The part is complete and in place; now the schema file (staged: temp + rename).
    let text = serde_json::to_string_pretty(&schema.to_json())
        .map_err(|e| Error::Other(format!("cannot format the dataset schema: {e}")))?;
    let (mut file, staged) = StagedFile::create(&schema_path)?;
    file.write_all((text + "\n").as_bytes())
        .map_err(|e| Error::io(staged.temp_path(), e))?;
    staged.persist_completing(&mut file)?;
    drop(lock);
    Ok(AppendSummary {
        part,
        previous_parts: parts.len(),
        added_columns,
        convert,
    })
}

/// The dataset's part files, sorted by name (hidden and `_` names are not parts).
fn part_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut parts = Vec::new();
    for entry in fs::read_dir(dir).map_err(|e| Error::io(dir, e))? {
        let entry = entry.map_err(|e| Error::io(dir, e))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.ends_with(".parquet") && !name.starts_with(['.', '_']) {
            parts.push(entry.path());
        }
    }
    parts.sort();
    Ok(parts)
}

/// `part-00003-<time>-<pid>.parquet`: in append order, unique across machines' clocks and
/// processes.
fn part_name(index: usize) -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    format!(
        "part-{index:05}-{}{:09}-{}.parquet",
        now.as_secs(),
        now.subsec_nanos(),
        std::process::id()
    )
}

/// The dataset schema after a batch of schema `batch`: every field of `dataset` keeps its
/// Parquet type; what `batch` adds becomes new columns (module docs).
///
/// ```
/// use rustparquet_core::dataset::evolve;
/// use rustparquet_core::schema::{DataType, Field, Schema};
/// let dataset = Schema::new(vec![Field::optional("x", DataType::Int64)]);
/// let batch = Schema::new(vec![Field::optional("x", DataType::String)]);
/// let evolved = evolve(&dataset, &batch)?;
/// let names: Vec<&str> = evolved.fields.iter().map(|f| f.name.as_str()).collect();
/// assert_eq!(names, ["x", "x__string"]);
/// assert_eq!(evolved.fields[1].json_key(), "x");
/// # Ok::<(), rustparquet_core::Error>(())
/// ```
pub fn evolve(dataset: &Schema, batch: &Schema) -> Result<Schema> {
    Ok(Schema {
        name: dataset.name.clone(),
        fields: evolve_fields(&dataset.fields, &batch.fields, &ColumnPath::root())?,
    })
}

fn evolve_fields(old: &[Field], new: &[Field], path: &ColumnPath) -> Result<Vec<Field>> {
    let mut out = old.to_vec();
    for group in new.chunk_by(|a, b| a.json_key() == b.json_key()) {
        let key = group[0].json_key();
        let start = out.iter().position(|f| f.json_key() == key);
        let Some(start) = start else {
            for f in group {
                let mut f = f.clone();
                f.name = free_name(&f.name, &out);
                out.push(f);
            }
            continue;
        };
        let end = start
            + out[start..]
                .iter()
                .take_while(|f| f.json_key() == key)
                .count();
        let mut fields: Vec<Field> = out[start..end].to_vec();
        for f in group {
            for (member, t) in members_of(&f.data_type) {
                evolve_member(&mut fields, member, t, &path.key(key), &out)?;
            }
            if f.data_type == DataType::Json
                && !fields.iter().any(|f| f.data_type == DataType::Json)
            {
                // JSON text from `--unions string`: one column that takes every type.
                add_sibling(&mut fields, "json", DataType::Json, &out);
            }
            let is_variant = |t: &DataType| matches!(t, DataType::Variant(_));
            if is_variant(&f.data_type) && !fields.iter().any(|f| is_variant(&f.data_type)) {
                // A variant (`--variant`, `--unions variant`): one column that takes every
                // type, as JSON text does.
                add_sibling(&mut fields, "variant", f.data_type.clone(), &out);
            }
        }
        out.splice(start..end, fields);
    }
    Ok(out)
}

/// A type as (member, member type) pairs: a union's members, or the type itself.
fn members_of(t: &DataType) -> Vec<(UnionMember, DataType)> {
    match t {
        DataType::Union(members) => members
            .iter()
            .filter_map(|m| Some((UnionMember::from_name(&m.name)?, m.data_type.clone())))
            .collect(),
        t => UnionMember::of(t)
            .map(|m| (m, t.clone()))
            .into_iter()
            .collect(),
    }
}

/// The members whose values a column of type `t` takes (integers also fit decimal and
/// double columns, as the shredder sends them).
fn covers(t: &DataType, member: UnionMember) -> bool {
    let direct = |m: UnionMember| match t {
        DataType::Json | DataType::Variant(_) => true,
        DataType::Union(ms) => ms.iter().any(|f| f.name == m.name()),
        t => UnionMember::of(t) == Some(m),
    };
    match member {
        UnionMember::Long => {
            direct(UnionMember::Long) || direct(UnionMember::Decimal) || direct(UnionMember::Double)
        }
        m => direct(m),
    }
}

/// Folds one member type of a batch into the sibling fields of one JSON key.
fn evolve_member(
    fields: &mut Vec<Field>,
    member: UnionMember,
    t: DataType,
    path: &ColumnPath,
    struct_fields: &[Field],
) -> Result<()> {
    // The shredder sends a value to the last sibling covering its type: evolve that one.
    if let Some(i) = fields.iter().rposition(|f| covers(&f.data_type, member)) {
        let target = match &mut fields[i].data_type {
            DataType::Json | DataType::Variant(_) => return Ok(()),
            DataType::Union(ms) => {
                match ms
                    .iter_mut()
                    .find(|m| UnionMember::from_name(&m.name) == Some(member))
                {
                    Some(m) => &mut m.data_type,
                    // An integer into the union's decimal or double member.
                    None => return Ok(()),
                }
            }
            other => other,
        };
        if UnionMember::of(target) != Some(member) {
            return Ok(()); // integers into a decimal or double column
        }
        match evolve_type(target, &t, path)? {
            Some(evolved) => *target = evolved,
            None => {
                // No column of the field can take the change in place: a sibling that holds
                // the old and the new type takes this member's values from now on.
                let old = Schema::new(vec![Field::optional("v", target.clone())]);
                let new = Schema::new(vec![Field::optional("v", t)]);
                let merged = merge_schemas(&old, &new, UnionMode::Union)?;
                let merged = merged.fields[0].data_type.clone();
                add_sibling(fields, member.name(), merged, struct_fields);
            }
        }
        return Ok(());
    }
    // A null-only column is a STRING column: strings fit it.
    if member == UnionMember::String {
        if let Some(f) = fields.iter_mut().find(|f| f.data_type == DataType::Null) {
            f.data_type = DataType::String;
            return Ok(());
        }
    }
    // A union gains a member: a new field of its group, which mergeSchema accepts.
    if let Some(DataType::Union(ms)) = fields
        .iter_mut()
        .map(|f| &mut f.data_type)
        .find(|t| matches!(t, DataType::Union(_)))
    {
        insert_member(ms, member, t);
        return Ok(());
    }
    add_sibling(fields, member.name(), t, struct_fields);
    Ok(())
}

/// The evolved type of one member, or `None` if the change cannot be made in place. Scalars
/// of one member are one type; structs gain fields; lists and map values evolve their element
/// (which has no siblings: a plain element that meets a new type cannot change in place).
fn evolve_type(old: &DataType, new: &DataType, path: &ColumnPath) -> Result<Option<DataType>> {
    Ok(Some(match (old, new) {
        (DataType::Struct(of), DataType::Struct(nf)) => {
            DataType::Struct(evolve_fields(of, nf, path)?)
        }
        (DataType::Struct(_), DataType::Map(_)) => {
            return Err(Error::Options(format!(
                "`{path}` is an object with named fields in the dataset but a map (more distinct \
                 keys than {}) in this batch; append with {}, or start the dataset with {}",
                OptionKey::MapThreshold,
                OptionKey::MapThreshold.set_to(0),
                OptionKey::Map.set_to(path)
            )))
        }
        (DataType::Map(ov), DataType::Map(nv)) => match evolve_element(ov, &nv.data_type, path)? {
            Some(v) => DataType::Map(Box::new(v)),
            None => return Ok(None),
        },
        (DataType::Map(ov), DataType::Struct(nf)) => {
            let mut v = (**ov).clone();
            for f in nf {
                match evolve_element(&v, &f.data_type, path)? {
                    Some(e) => v = e,
                    None => return Ok(None),
                }
            }
            DataType::Map(Box::new(v))
        }
        (DataType::List(oe), DataType::List(ne)) => {
            match evolve_element(oe, &ne.data_type, &path.element())? {
                Some(e) => DataType::List(Box::new(e)),
                None => return Ok(None),
            }
        }
        (old, _) => old.clone(),
    }))
}

/// A list element or map value (a field without siblings) after values of type `new`.
fn evolve_element(old: &Field, new: &DataType, path: &ColumnPath) -> Result<Option<Field>> {
    let mut field = old.clone();
    for (member, t) in members_of(new) {
        let covered = covers(&field.data_type, member);
        match &mut field.data_type {
            DataType::Json | DataType::Variant(_) => {}
            DataType::Null if member == UnionMember::String => field.data_type = DataType::String,
            DataType::Union(ms) => {
                match ms
                    .iter_mut()
                    .find(|m| UnionMember::from_name(&m.name) == Some(member))
                {
                    Some(m) => match evolve_type(&m.data_type, &t, path)? {
                        Some(e) => m.data_type = e,
                        None => return Ok(None),
                    },
                    // An integer into the union's decimal or double member.
                    None if covered => {}
                    None => insert_member(ms, member, t),
                }
            }
            plain => {
                if !covered {
                    return Ok(None);
                }
                if UnionMember::of(plain) == Some(member) {
                    match evolve_type(plain, &t, path)? {
                        Some(e) => *plain = e,
                        None => return Ok(None),
                    }
                }
            }
        }
    }
    if new == &DataType::Json && field.data_type != DataType::Json {
        return Ok(None);
    }
    if matches!(new, DataType::Variant(_)) && !matches!(field.data_type, DataType::Variant(_)) {
        return Ok(None);
    }
    Ok(Some(field))
}

/// Adds member `member` of type `t` to a union's members, in [`UnionMember`] order.
fn insert_member(members: &mut Vec<Field>, member: UnionMember, t: DataType) {
    let at = members
        .iter()
        .position(|m| UnionMember::from_name(&m.name).is_some_and(|x| x > member))
        .unwrap_or(members.len());
    members.insert(at, Field::optional(member.name(), t));
}

/// Adds a sibling column of the key after the field's last column.
fn add_sibling(fields: &mut Vec<Field>, member: &str, t: DataType, struct_fields: &[Field]) {
    let base = &fields[0];
    let taken: Vec<Field> = struct_fields.iter().chain(fields.iter()).cloned().collect();
    let name = free_name(&format!("{}__{member}", base.name), &taken);
    let mut f = Field::optional(name, t);
    f.key = Some(base.json_key().to_string());
    fields.push(f);
}

/// `name`, or `name_2`, `name_3`, ...: the first not equal, case folded, to a name in `taken`.
fn free_name(name: &str, taken: &[Field]) -> String {
    let used = |n: &str| {
        taken
            .iter()
            .any(|f| f.name.to_lowercase() == n.to_lowercase())
    };
    if !used(name) {
        return name.to_string();
    }
    (2..)
        .map(|i| format!("{name}_{i}"))
        .find(|n| !used(n))
        .expect("a free name exists")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schema(fields: Vec<Field>) -> Schema {
        Schema::new(fields)
    }

    fn spell(s: &Schema) -> String {
        s.fields
            .iter()
            .map(|f| {
                let t = serde_json::to_string(&s_type(&f.data_type)).unwrap();
                match &f.key {
                    Some(k) => format!("{}({k}):{t}", f.name),
                    None => format!("{}:{t}", f.name),
                }
            })
            .collect::<Vec<_>>()
            .join(" ")
    }

    fn s_type(t: &DataType) -> serde_json::Value {
        let f = Field::optional("v", t.clone());
        let j = Schema::new(vec![f]).to_json();
        let mut v = j["fields"][0].clone();
        v.as_object_mut().unwrap().shift_remove("name");
        v.as_object_mut().unwrap().shift_remove("repetition");
        v
    }

    #[test]
    fn evolution_table() {
        use DataType::*;
        let list = |t: DataType| List(Box::new(Field::optional("element", t)));
        let union = |ms: Vec<(&str, DataType)>| {
            Union(ms.into_iter().map(|(n, t)| Field::optional(n, t)).collect())
        };
        // (dataset field type, batch field type, expected fields)
        let cases: Vec<(DataType, DataType, &str)> = vec![
            (Int64, Int64, r#"x:{"type":"int64"}"#),
            (
                Int64,
                String,
                r#"x:{"type":"int64"} x__string(x):{"type":"string"}"#,
            ),
            (
                Int64,
                Double,
                r#"x:{"type":"int64"} x__double(x):{"type":"double"}"#,
            ),
            (Double, Int64, r#"x:{"type":"double"}"#),
            (Null, String, r#"x:{"type":"string"}"#),
            (
                Null,
                Int64,
                r#"x:{"type":"null"} x__long(x):{"type":"int64"}"#,
            ),
            (
                String,
                list(String),
                r#"x:{"type":"string"} x__array(x):{"type":"list","element":{"repetition":"optional","type":"string"}}"#,
            ),
            (
                union(vec![("long", Int64), ("string", String)]),
                Boolean,
                r#"x:{"type":"union","members":[{"name":"boolean","repetition":"optional","type":"boolean"},{"name":"long","repetition":"optional","type":"int64"},{"name":"string","repetition":"optional","type":"string"}]}"#,
            ),
            (
                list(Int64),
                list(String),
                r#"x:{"type":"list","element":{"repetition":"optional","type":"int64"}} x__array(x):{"type":"list","element":{"repetition":"optional","type":"union","members":[{"name":"long","repetition":"optional","type":"int64"},{"name":"string","repetition":"optional","type":"string"}]}}"#,
            ),
            (Json, Int64, r#"x:{"type":"json"}"#),
            (
                Int64,
                Json,
                r#"x:{"type":"int64"} x__json(x):{"type":"json"}"#,
            ),
        ];
        for (old, new, want) in cases {
            let evolved = evolve(
                &schema(vec![Field::optional("x", old.clone())]),
                &schema(vec![Field::optional("x", new.clone())]),
            )
            .unwrap();
            assert_eq!(spell(&evolved), want, "{old:?} + {new:?}");
            // Evolving again with the same batch changes nothing (appends are repeatable).
            let again = evolve(&evolved, &schema(vec![Field::optional("x", new)])).unwrap();
            assert_eq!(again, evolved);
        }
    }

    #[test]
    fn structs_gain_fields_and_nested_fields_get_siblings() {
        let old = Schema::from_json_str(
            r#"{"fields":[{"name":"a","fields":[{"name":"b","type":"int64"}]},{"name":"z","type":"string"}]}"#,
            None,
        )
        .unwrap();
        let new = Schema::from_json_str(
            r#"{"fields":[{"name":"a","fields":[{"name":"b","type":"string"},{"name":"c","type":"boolean"}]},{"name":"n","type":"double"}]}"#,
            None,
        )
        .unwrap();
        let evolved = evolve(&old, &new).unwrap();
        let leaves: Vec<String> = evolved
            .leaves()
            .into_iter()
            .map(|l| l.parquet_path)
            .collect();
        assert_eq!(leaves, ["a.b", "a.b__string", "a.c", "z", "n"]);
        // The evolved schema is a valid schema (adjacent siblings share the key).
        Schema::from_json_str(&evolved.to_json_string(), None).unwrap();
    }
}
