//! `rustparquet schema`: print the schema inferred from JSON documents.

use std::process::ExitCode;

use rustparquet_core::input::{expand_inputs, InputFormat};
use rustparquet_core::schema::{DataType, Field, Repetition, Schema};
use rustparquet_core::ConvertOptions;

use super::{CliError, CliResult};

/// Arguments of `rustparquet schema`.
#[derive(clap::Args, Debug)]
pub struct SchemaArgs {
    /// Input files, globs, or `-` for standard input (as for `convert`).
    #[arg(required = true, value_name = "INPUT")]
    pub inputs: Vec<String>,

    /// Output form: tree (readable), rustparquet (the JSON form `convert --schema` reads),
    /// parquet (the Parquet message type).
    #[arg(long, short, value_name = "FORMAT", default_value = "tree", value_parser = ["tree", "rustparquet", "parquet"])]
    pub format: String,

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
}

/// Runs `schema`.
pub fn run(args: SchemaArgs) -> CliResult {
    let mut inputs = expand_inputs(&args.inputs)?;
    for input in &mut inputs {
        input.spill_stdin()?;
    }
    let options = ConvertOptions {
        sample: args.sample,
        infer: args.infer.options(),
        max_depth: args.max_depth,
        input_format: match args.input_format.as_str() {
            "ndjson" => InputFormat::Stream,
            "array" => InputFormat::Array,
            _ => InputFormat::Auto,
        },
        ..ConvertOptions::default()
    };
    let schema = rustparquet_core::convert::infer_schema(&inputs, &options)?;
    let text = match args.format.as_str() {
        "rustparquet" => serde_json::to_string_pretty(&schema.to_json())
            .map_err(|e| CliError::Usage(e.to_string()))?,
        "parquet" => {
            let mut out = Vec::new();
            parquet::schema::printer::print_schema(&mut out, &*schema.to_parquet()?);
            String::from_utf8_lossy(&out).trim_end().to_string()
        }
        _ => tree(&schema),
    };
    println!("{text}");
    Ok(ExitCode::SUCCESS)
}

/// A readable tree: one line per field, `name: type`, nested by indentation.
fn tree(schema: &Schema) -> String {
    fn type_name(t: &DataType) -> String {
        match t {
            DataType::List(e) => format!("array<{}>", type_name(&e.data_type)),
            DataType::Struct(f) if f.is_empty() => "object {}".into(),
            DataType::Struct(_) => "object".into(),
            t => t.name().to_string(),
        }
    }
    fn walk(fields: &[Field], indent: usize, out: &mut String) {
        for f in fields {
            let key = match &f.key {
                Some(k) => format!("{} (JSON key {k:?})", f.name),
                None => f.name.clone(),
            };
            let rep = match f.repetition {
                Repetition::Required => " required",
                Repetition::Repeated => " repeated",
                Repetition::Optional => "",
            };
            out.push_str(&format!(
                "{}{key}: {}{rep}\n",
                "  ".repeat(indent),
                type_name(&f.data_type)
            ));
            let mut t = &f.data_type;
            while let DataType::List(e) = t {
                t = &e.data_type;
            }
            if let DataType::Struct(children) = t {
                walk(children, indent + 1, out);
            }
        }
    }
    let mut out = String::new();
    walk(&schema.fields, 0, &mut out);
    out.trim_end().to_string()
}
