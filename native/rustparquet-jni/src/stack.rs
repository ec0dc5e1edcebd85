//! Which thread a native call runs on. The JVM's task threads have the default 1 MiB stack
//! (`-Xss`), which deep recursion overflows (the JVM then dies without a word), so a call
//! whose walk does not fit in it moves to a thread of its own; the rule and the figures are
//! the core's thread and stack policy ([`rustparquet_core::threads`]). Here is only what the
//! JNI side knows: the JVM thread's stack, and which walk each path does.

use rustparquet_core::threads::{run_within, Recursion};

use crate::error::Result;

/// The stack of a JVM task thread (the JVM's default `-Xss`).
const JVM_STACK_BYTES: usize = 1 << 20;

/// Runs typed-path work (the Arrow writer's walk over a schema `depth` levels deep).
pub fn for_schema<T: Send>(depth: usize, work: impl FnOnce() -> Result<T> + Send) -> Result<T> {
    run_within(JVM_STACK_BYTES, Recursion::arrow_schema(depth), work)
}

/// Runs raw-path work (shredding or inferring documents nested at most `max_depth` deep).
pub fn for_documents<T: Send>(
    max_depth: usize,
    work: impl FnOnce() -> Result<T> + Send,
) -> Result<T> {
    run_within(JVM_STACK_BYTES, Recursion::documents(max_depth), work)
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use arrow_array::{ArrayRef, Int64Array, ListArray, RecordBatch, StructArray};
    use arrow_buffer::OffsetBuffer;
    use arrow_ipc::writer::StreamWriter;
    use arrow_schema::{Field, Fields, Schema};
    use parquet::file::reader::{FileReader, SerializedFileReader};

    use super::*;
    use crate::{TypedWriter, WriterOptions};

    /// Two rows of `levels` nested lists (`shape == "lists"`) or structs around a long.
    fn deep_column(shape: &str, levels: usize) -> ArrayRef {
        let mut column: ArrayRef = Arc::new(Int64Array::from(vec![Some(1), None]));
        for _ in 0..levels {
            column = if shape == "lists" {
                let item = Arc::new(Field::new("element", column.data_type().clone(), true));
                Arc::new(ListArray::new(
                    item,
                    OffsetBuffer::from_lengths([1, 1]),
                    column,
                    None,
                ))
            } else {
                let fields = Fields::from(vec![Field::new("a", column.data_type().clone(), true)]);
                Arc::new(StructArray::new(fields, vec![column], None))
            };
        }
        column
    }

    /// The schema message and the batch message, as the Scala side sends them.
    fn ipc(column: ArrayRef) -> (Vec<u8>, Vec<u8>) {
        let schema = Schema::new(vec![Field::new("d", column.data_type().clone(), true)]);
        let batch = RecordBatch::try_new(Arc::new(schema.clone()), vec![column]).expect("batch");
        let mut writer = StreamWriter::try_new(Vec::new(), &schema).expect("ipc writer");
        let schema_len = writer.get_ref().len();
        writer.write(&batch).expect("ipc batch");
        // (before `finish`: the Scala side sends no end-of-stream marker)
        let all = writer.get_ref();
        (all[..schema_len].to_vec(), all[schema_len..].to_vec())
    }

    /// What the JNI entry points do with one file, on the calling thread's stack.
    fn write_file(levels: usize, schema: Vec<u8>, batch: Vec<u8>) -> Result<Vec<u8>> {
        let options = format!(r#"{{"path":"deep.parquet","nestingDepth":{}}}"#, levels + 1);
        let options = WriterOptions::from_json(options.as_bytes())?;
        let depth = options.nesting_depth.unwrap_or(usize::MAX);
        let mut writer = for_schema(depth, || TypedWriter::open(options, schema))?;
        let mut file = for_schema(depth, || writer.append_owned(batch))?;
        file.extend(for_schema(depth, move || writer.finish())?);
        Ok(file)
    }

    /// The Spark suite's deep-nesting test checks this through a JVM; here it is checked on a
    /// stack exactly the size of a JVM task thread's, which the JVM cannot promise its own
    /// frames (Spark's task deserialization needs a larger -Xss at these depths).
    #[test]
    fn deep_schemas_are_written_from_a_jvm_sized_stack() {
        for shape in ["lists", "structs"] {
            let levels = 200;
            // (the test's own Arrow IPC encoding is not the code under test: done here)
            let (schema, batch) = ipc(deep_column(shape, levels));
            let file = std::thread::Builder::new()
                .stack_size(JVM_STACK_BYTES)
                .spawn(move || write_file(levels, schema, batch))
                .expect("spawn")
                .join()
                .expect("no overflow on a 1 MiB stack")
                .expect("written");
            let reader = SerializedFileReader::new(bytes::Bytes::from(file)).expect("parquet");
            assert_eq!(reader.metadata().file_metadata().num_rows(), 2, "{shape}");
            let leaf = reader.metadata().file_metadata().schema_descr().column(0);
            let expected = if shape == "lists" { 2 * levels } else { levels } + 1;
            assert_eq!(leaf.path().parts().len(), expected, "{shape}");
            assert_eq!(leaf.max_def_level() as usize, expected, "{shape}");
        }
    }
}
