//! `rustparquet.Schema`: a document schema (the core's [`Schema`]) in every written form of
//! `rustparquet_core::schema_format`, and as an Arrow schema through the Arrow PyCapsule
//! interface (`__arrow_c_schema__`), which `pyarrow.schema(...)` and polars take as is.

use std::ffi::CString;
use std::path::PathBuf;

use arrow_schema::ffi::FFI_ArrowSchema;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyCapsule;

use rustparquet_core::schema::Schema;
use rustparquet_core::schema::{self as forms, SchemaFormat};

use crate::errors::to_py;

/// A document schema: what `infer_schema` returns and `convert(schema=...)` takes.
#[pyclass(name = "Schema", module = "rustparquet", frozen, eq)]
#[derive(Clone, PartialEq)]
pub struct PySchema {
    pub inner: Schema,
}

impl From<Schema> for PySchema {
    fn from(inner: Schema) -> Self {
        PySchema { inner }
    }
}

impl PySchema {
    fn render(&self, py: Python<'_>, format: SchemaFormat) -> PyResult<String> {
        forms::render(&self.inner, format).map_err(|e| to_py(py, e))
    }
}

#[pymethods]
impl PySchema {
    /// Reads a schema written in any form but the tree: `format` is one of auto (recognised
    /// from the text), ddl, spark-json, parquet, json-schema, rustparquet.
    #[staticmethod]
    #[pyo3(signature = (text, format = "auto", source_name = None))]
    fn parse(
        py: Python<'_>,
        text: &str,
        format: &str,
        source_name: Option<&str>,
    ) -> PyResult<Self> {
        let schema = match format {
            "auto" => forms::parse_any(text, source_name),
            name => match SchemaFormat::from_name(name) {
                Some(SchemaFormat::Tree) | None => {
                    return Err(PyValueError::new_err(format!(
                        "schema format `{name}` (expected auto, ddl, spark-json, parquet, json-schema or rustparquet)"
                    )))
                }
                Some(f) => forms::parse(text, f, source_name),
            },
        };
        schema.map(PySchema::from).map_err(|e| to_py(py, e))
    }

    /// Reads a schema file, in any form `parse` reads (`format` as there).
    #[staticmethod]
    #[pyo3(signature = (path, format = "auto"))]
    fn from_file(py: Python<'_>, path: PathBuf, format: &str) -> PyResult<Self> {
        let text = std::fs::read_to_string(&path).map_err(|e| {
            to_py(
                py,
                rustparquet_core::Error::Io {
                    path: path.clone(),
                    source: e,
                },
            )
        })?;
        Self::parse(py, &text, format, Some(&path.display().to_string()))
    }

    /// The schema in one of the forms `rustparquet schema --format` prints: tree, ddl,
    /// spark-json, parquet, json-schema, rustparquet.
    fn to_string(&self, py: Python<'_>, format: &str) -> PyResult<String> {
        let f = SchemaFormat::from_name(format).ok_or_else(|| {
            PyValueError::new_err(format!(
                "schema format `{format}` (expected tree, ddl, spark-json, parquet, json-schema or rustparquet)"
            ))
        })?;
        self.render(py, f)
    }

    /// Spark DDL (`spark.read.schema(...)`, `StructType.fromDDL`).
    fn to_ddl(&self, py: Python<'_>) -> PyResult<String> {
        self.render(py, SchemaFormat::Ddl)
    }

    /// Spark's `StructType` JSON (`StructType.fromJson(json.loads(...))`).
    fn to_spark_json(&self, py: Python<'_>) -> PyResult<String> {
        self.render(py, SchemaFormat::SparkJson)
    }

    /// JSON Schema, draft 2020-12.
    fn to_json_schema(&self, py: Python<'_>) -> PyResult<String> {
        self.render(py, SchemaFormat::JsonSchema)
    }

    /// The Parquet message type of the files written with this schema.
    fn to_parquet(&self, py: Python<'_>) -> PyResult<String> {
        self.render(py, SchemaFormat::Parquet)
    }

    /// rustparquet's own JSON form, the one stored in every file it writes.
    fn to_json(&self, py: Python<'_>) -> PyResult<String> {
        self.render(py, SchemaFormat::Rustparquet)
    }

    /// The Arrow schema of the files written with this schema, as a `pyarrow.Schema`
    /// (pyarrow is imported here, and only here).
    fn to_arrow<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        let pyarrow = slf.py().import("pyarrow")?;
        pyarrow.call_method1("schema", (slf,))
    }

    /// The Arrow schema of the files written with this schema (as the `parquet` crate's Arrow
    /// reader sees them), exported through the Arrow PyCapsule interface.
    #[pyo3(signature = (requested_schema = None))]
    fn __arrow_c_schema__<'py>(
        &self,
        py: Python<'py>,
        requested_schema: Option<Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyCapsule>> {
        // A schema is exported as it is: a requested (cast) schema is not supported, which
        // the protocol allows to ignore.
        let _ = requested_schema;
        let arrow =
            rustparquet_core::to_arrow::arrow_schema(&self.inner).map_err(|e| to_py(py, e))?;
        let ffi = FFI_ArrowSchema::try_from(arrow.as_ref())
            .map_err(|e| PyValueError::new_err(format!("cannot export the Arrow schema: {e}")))?;
        let name =
            CString::new("arrow_schema").map_err(|e| PyValueError::new_err(e.to_string()))?;
        // The capsule owns the exported schema: a consumer that moves it out leaves a released
        // struct behind, whose drop does nothing; one that does not gets it released on drop.
        PyCapsule::new(py, ffi, Some(name))
    }

    fn __str__(&self) -> String {
        forms::to_tree(&self.inner)
    }

    fn __repr__(&self) -> String {
        format!("Schema({:?})", forms::to_ddl(&self.inner))
    }
}
