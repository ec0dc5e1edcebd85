//! `rustparquet schema`: print the schema inferred from JSON documents, stored in Parquet files,
//! or read from a schema file, in any of the forms of `rustparquet_core::schema`.

use std::io::Read;
use std::path::{Path, PathBuf};

use rustparquet_core::input::{open_inputs, InputFormat, Passes};
use rustparquet_core::read::ParquetFile;
use rustparquet_core::schema::{self, Schema, SchemaFormat};
use rustparquet_core::ConvertOptions;

use super::{CliError, CliResult};

/// Arguments of `rustparquet schema`.
#[derive(clap::Args, Debug)]
pub struct SchemaArgs {
    /// Input files, globs, or `-` for standard input (as for `convert`); or Parquet files
    /// (their stored schema, merged when there are several).
    #[arg(required_unless_present = "schema", value_name = "INPUT")]
    pub inputs: Vec<String>,

    /// Output form: tree (readable), ddl (Spark DDL: `spark.read.schema(...)`), spark-json
    /// (`StructType.fromJson`), parquet (the message type), json-schema (draft 2020-12), or
    /// rustparquet (the JSON form stored in our files). `convert --schema` reads all but tree.
    #[arg(long, short, value_name = "FORMAT", default_value = "tree",
          value_parser = ["tree", "ddl", "spark-json", "parquet", "json-schema", "rustparquet"])]
    pub format: String,

    /// Print this schema file (any form `convert --schema` reads) instead of inferring one.
    #[arg(long, value_name = "FILE", conflicts_with = "inputs")]
    pub schema: Option<PathBuf>,

    /// The form of --schema FILE (default: recognised from its content).
    #[arg(long, value_name = "FORMAT", default_value = "auto",
          value_parser = ["auto", "ddl", "spark-json", "parquet", "json-schema", "rustparquet"])]
    pub schema_format: String,

    /// Infer from the first N documents only.
    #[arg(long, value_name = "N")]
    pub sample: Option<u64>,

    #[command(flatten)]
    pub infer: super::InferArgs,

    /// Input layout: auto, ndjson or array (as for `convert`).
    #[arg(long, value_name = "FORMAT", default_value = "auto", value_parser = ["auto", "ndjson", "array"])]
    pub input_format: String,

    /// Deepest nesting accepted.
    #[arg(long, value_name = "N", default_value_t = rustparquet_core::DEFAULT_MAX_DEPTH)]
    pub max_depth: usize,

    /// Instead of the schema, a table of each object path (and each union or variant): the
    /// form it got (struct, map, union, variant) and why (distinct keys, how often the typical
    /// key appears, how many keys look like data, whether the values share one shape).
    #[arg(long, conflicts_with = "schema")]
    pub explain: bool,
}

/// Runs `schema`.
pub fn run(args: SchemaArgs) -> CliResult {
    let format = SchemaFormat::from_name(&args.format)
        .ok_or_else(|| CliError::Usage(format!("--format: unknown form `{}`", args.format)))?;
    if args.explain {
        if parquet_inputs(&args.inputs)?.is_some() {
            return Err(CliError::Usage(
                "--explain explains inference from JSON inputs, not a stored schema".into(),
            ));
        }
        let inputs = open_inputs(&args.inputs, Passes::Twice)?;
        let (_, decisions) = rustparquet_core::convert::explain_schema(&inputs, &options(&args))?;
        return super::print_text(&explain_table(&decisions));
    }
    let schema = match &args.schema {
        Some(path) => read_schema_file(path, &args.schema_format)?,
        None => match parquet_inputs(&args.inputs)? {
            Some(files) => stored_schema(&files, &args)?,
            None => infer(&args)?,
        },
    };
    let mut text = schema::render(&schema, format)?;
    text.push('\n');
    super::print_text(&text)
}

/// Reads a schema file in any form but the tree (`form` "auto": recognised from the content).
pub fn read_schema_file(path: &Path, form: &str) -> Result<Schema, CliError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| CliError::Usage(format!("--schema {}: {e}", path.display())))?;
    let name = path.display().to_string();
    Ok(match SchemaFormat::from_name(form) {
        Some(f) => schema::parse(&text, f, Some(&name))?,
        None => schema::parse_any(&text, Some(&name))?,
    })
}

/// The explanation as a table: one line per path, columns aligned.
fn explain_table(decisions: &[rustparquet_core::infer::Decision]) -> String {
    let pct = |x: Option<f64>| x.map_or("-".to_string(), |x| format!("{:.0}%", x * 100.0));
    let mut rows = vec![[
        "PATH".to_string(),
        "FORM".to_string(),
        "KEYS".to_string(),
        "KEY SHARE".to_string(),
        "DATA-LIKE".to_string(),
        "WHY".to_string(),
    ]];
    for d in decisions {
        rows.push([
            d.path.clone(),
            d.form.to_string(),
            d.keys.map_or("-".to_string(), |k| k.to_string()),
            pct(d.key_share),
            pct(d.data_like),
            d.reason.clone(),
        ]);
    }
    let mut widths = [0usize; 5];
    for r in &rows {
        for (w, c) in widths.iter_mut().zip(r.iter()) {
            *w = (*w).max(c.chars().count());
        }
    }
    let mut out = String::new();
    for r in &rows {
        for (w, c) in widths.iter().zip(r.iter()) {
            out.push_str(c);
            out.push_str(&" ".repeat(w - c.chars().count() + 2));
        }
        out.push_str(&r[5]);
        out.push('\n');
    }
    if decisions.is_empty() {
        out.push_str("(no object paths)\n");
    }
    out
}

fn options(args: &SchemaArgs) -> ConvertOptions {
    ConvertOptions {
        sample: args.sample,
        infer: args.infer.options(),
        max_depth: args.max_depth,
        input_format: match args.input_format.as_str() {
            "ndjson" => InputFormat::Stream,
            "array" => InputFormat::Array,
            _ => InputFormat::Auto,
        },
        ..ConvertOptions::default()
    }
}

fn infer(args: &SchemaArgs) -> Result<Schema, CliError> {
    let inputs = open_inputs(&args.inputs, Passes::Twice)?;
    Ok(rustparquet_core::convert::infer_schema(
        &inputs,
        &options(args),
    )?)
}

/// The files, when every input is a Parquet file (by its magic bytes) or a dataset directory
/// (standing for its schema file, `_rustparquet_schema.json`); `None` for JSON inputs.
fn parquet_inputs(args: &[String]) -> Result<Option<Vec<PathBuf>>, CliError> {
    if args.iter().any(|a| a == "-") {
        return Ok(None);
    }
    let mut files = Vec::new();
    for a in args {
        let schema_file = Path::new(a).join(rustparquet_core::dataset::SCHEMA_FILE);
        if schema_file.is_file() {
            files.push(schema_file);
            continue;
        }
        match rustparquet_core::read::expand_inputs(std::slice::from_ref(a)) {
            Ok(found) => files.extend(found),
            Err(_) => return Ok(None),
        }
    }
    let is_ours = |p: &PathBuf| {
        let mut magic = [0u8; 4];
        p.ends_with(rustparquet_core::dataset::SCHEMA_FILE)
            || std::fs::File::open(p)
                .and_then(|mut f| f.read_exact(&mut magic))
                .is_ok_and(|_| &magic == b"PAR1")
    };
    match files.iter().filter(|p| is_ours(p)).count() {
        0 => Ok(None),
        n if n == files.len() => Ok(Some(files)),
        _ => Err(CliError::Usage(
            "give either JSON inputs or Parquet files and datasets, not both".into(),
        )),
    }
}

/// The schema stored in each file (ours), read from its footer (other writers'), or a
/// dataset's schema file, merged by the union rules of `--unions`.
fn stored_schema(files: &[PathBuf], args: &SchemaArgs) -> Result<Schema, CliError> {
    let mut merged: Option<Schema> = None;
    for path in files {
        let name = path.display().to_string();
        let schema = if path.ends_with(rustparquet_core::dataset::SCHEMA_FILE) {
            let text = std::fs::read_to_string(path)
                .map_err(|e| CliError::Usage(format!("{name}: {e}")))?;
            Schema::from_json_str(&text, Some(&name))?
        } else {
            let file = ParquetFile::open(path)?;
            match file.our_schema() {
                Some(s) => s.clone(),
                None => schema::from_parquet_type(
                    file.metadata().file_metadata().schema(),
                    Some(&name),
                )?,
            }
        };
        merged = Some(match merged {
            None => schema,
            Some(m) => {
                rustparquet_core::infer::merge_schemas(&m, &schema, args.infer.options().unions)?
            }
        });
    }
    merged.ok_or_else(|| CliError::Usage("no input".into()))
}
