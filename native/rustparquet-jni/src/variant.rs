//! Spark 4's `VARIANT` columns on the typed path, written as Parquet `VARIANT(1)` groups.
//!
//! Spark's Arrow conversion (`ArrowUtils.toArrowSchema`) hands a `VariantType` column over as
//! `struct<value: binary not null, metadata: binary not null>` whose `metadata` child carries
//! the field metadata `variant = true`. Written as it comes, that would be a plain group that
//! only Spark's row metadata calls a variant. Here such a struct becomes
//! `group <name> (VARIANT(1)) { required binary metadata; required binary value; }` (the
//! layout of parquet-format's `VariantEncoding.md`, and Spark 4.1+'s own writer): the Arrow
//! schema's two children are swapped once ([`VariantLayout::new`]), each batch's arrays the
//! same way ([`VariantLayout::batch`]), and the Parquet schema the Arrow writer derives gets the
//! annotation ([`VariantLayout::parquet_schema`]). A schema without variants passes untouched.

use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::{
    Array, ArrayRef, GenericListArray, MapArray, OffsetSizeTrait, RecordBatch, StructArray,
};
#[cfg(test)]
use arrow_schema::Field;
use arrow_schema::{ArrowError, DataType, FieldRef, Fields, Schema, SchemaRef};
use parquet::basic::LogicalType;
use parquet::errors::ParquetError;
use parquet::schema::types::{SchemaDescriptor, Type as PqType, TypePtr};

/// The child Spark marks (`ArrowUtils`: `metadata` with field metadata `variant = true`).
const METADATA: &str = "metadata";
const VALUE: &str = "value";
const SPARK_MARK: &str = "variant";
/// The Variant specification version written (`VARIANT(1)`).
const SPEC_VERSION: i8 = 1;

/// The schema the typed writer writes, when the incoming one has variant columns.
pub struct VariantLayout {
    /// The Arrow schema with each variant's children as `{metadata, value}`.
    pub schema: SchemaRef,
}

impl VariantLayout {
    /// `None` when `schema` has no Spark variant column (nothing to change).
    pub fn new(schema: &Schema) -> Option<Self> {
        let fields: Vec<FieldRef> = schema.fields().iter().map(reorder_field).collect();
        let changed = fields.iter().zip(schema.fields()).any(|(a, b)| a != b);
        changed.then(|| VariantLayout {
            schema: Arc::new(Schema::new_with_metadata(fields, schema.metadata().clone())),
        })
    }

    /// `batch` (of the incoming schema) with each variant's children swapped.
    pub fn batch(&self, batch: &RecordBatch) -> Result<RecordBatch, ArrowError> {
        let columns = batch
            .columns()
            .iter()
            .zip(self.schema.fields())
            .map(|(c, f)| reorder_array(c, f.data_type()))
            .collect::<Result<Vec<_>, _>>()?;
        RecordBatch::try_new(self.schema.clone(), columns)
    }

    /// The Parquet schema `derived` (the Arrow writer's own conversion of [`Self::schema`]) with
    /// each variant group annotated `VARIANT(1)`.
    pub fn parquet_schema(
        &self,
        derived: &SchemaDescriptor,
    ) -> Result<SchemaDescriptor, ParquetError> {
        let root = derived.root_schema();
        let fields = root
            .get_fields()
            .iter()
            .zip(self.schema.fields())
            .map(|(pq, f)| annotate(pq, f.data_type()))
            .collect::<Result<Vec<_>, _>>()?;
        let root = PqType::group_type_builder(root.name())
            .with_fields(fields)
            .build()?;
        Ok(SchemaDescriptor::new(Arc::new(root)))
    }
}

/// Whether `fields` are the children of a Spark variant (either order).
fn is_spark_variant(fields: &Fields) -> bool {
    fields.len() == 2
        && fields
            .iter()
            .all(|f| matches!(f.data_type(), DataType::Binary | DataType::LargeBinary))
        && fields.iter().any(|f| f.name() == VALUE)
        && fields.iter().any(|f| {
            f.name() == METADATA && f.metadata().get(SPARK_MARK).map(String::as_str) == Some("true")
        })
}

fn reorder_field(field: &FieldRef) -> FieldRef {
    let t = reorder_type(field.data_type());
    if &t == field.data_type() {
        field.clone()
    } else {
        Arc::new(field.as_ref().clone().with_data_type(t))
    }
}

/// The type with variants' children as `{metadata, value}`.
fn reorder_type(t: &DataType) -> DataType {
    match t {
        DataType::Struct(fields) if is_spark_variant(fields) => {
            let mut children: Vec<FieldRef> = fields.iter().cloned().collect();
            children.sort_by_key(|f| f.name() != METADATA);
            DataType::Struct(children.into())
        }
        DataType::Struct(fields) => {
            DataType::Struct(fields.iter().map(reorder_field).collect::<Vec<_>>().into())
        }
        DataType::List(item) => DataType::List(reorder_field(item)),
        DataType::LargeList(item) => DataType::LargeList(reorder_field(item)),
        DataType::Map(entries, sorted) => DataType::Map(reorder_field(entries), *sorted),
        other => other.clone(),
    }
}

/// `array` rebuilt as `target` (its reordered type): the same buffers, children swapped.
fn reorder_array(array: &ArrayRef, target: &DataType) -> Result<ArrayRef, ArrowError> {
    if array.data_type() == target {
        return Ok(array.clone());
    }
    Ok(match target {
        DataType::Struct(fields) => {
            let s = array.as_struct();
            let columns = if is_spark_variant(fields) {
                fields
                    .iter()
                    .map(|f| {
                        s.column_by_name(f.name()).cloned().ok_or_else(|| {
                            ArrowError::SchemaError(format!("variant without `{}`", f.name()))
                        })
                    })
                    .collect::<Result<Vec<_>, _>>()?
            } else {
                s.columns()
                    .iter()
                    .zip(fields)
                    .map(|(c, f)| reorder_array(c, f.data_type()))
                    .collect::<Result<Vec<_>, _>>()?
            };
            Arc::new(StructArray::try_new(
                fields.clone(),
                columns,
                s.nulls().cloned(),
            )?)
        }
        DataType::List(item) => Arc::new(relist::<i32>(array, item)?),
        DataType::LargeList(item) => Arc::new(relist::<i64>(array, item)?),
        DataType::Map(entries, sorted) => {
            let m = array.as_map();
            let inner: ArrayRef = Arc::new(m.entries().clone());
            let inner = reorder_array(&inner, entries.data_type())?;
            Arc::new(MapArray::try_new(
                entries.clone(),
                m.offsets().clone(),
                inner.as_struct().clone(),
                m.nulls().cloned(),
                *sorted,
            )?)
        }
        other => {
            return Err(ArrowError::SchemaError(format!(
                "internal error: a {} column does not match the variant layout {other}",
                array.data_type()
            )))
        }
    })
}

/// A list array with its values rebuilt as `item`.
fn relist<O: OffsetSizeTrait>(
    array: &ArrayRef,
    item: &FieldRef,
) -> Result<GenericListArray<O>, ArrowError> {
    let l = array.as_list::<O>();
    let values = reorder_array(l.values(), item.data_type())?;
    GenericListArray::try_new(
        item.clone(),
        l.offsets().clone(),
        values,
        l.nulls().cloned(),
    )
}

/// `pq` (the Arrow writer's Parquet type for an Arrow type `t`) with variant groups annotated.
fn annotate(pq: &TypePtr, t: &DataType) -> Result<TypePtr, ParquetError> {
    let children: Vec<&DataType> = match t {
        DataType::Struct(fields) if is_spark_variant(fields) => {
            return Ok(Arc::new(regroup(
                pq,
                pq.get_fields().to_vec(),
                Some(LogicalType::variant(Some(SPEC_VERSION))),
            )?));
        }
        DataType::Struct(fields) => fields.iter().map(|f| f.data_type()).collect(),
        // `group (LIST) { repeated group list { element } }` and
        // `group (MAP) { repeated group key_value { key; value } }`: one level in between.
        DataType::List(item) | DataType::LargeList(item) => {
            let Some(middle) = pq.get_fields().first() else {
                return Ok(pq.clone());
            };
            let inner = middle
                .get_fields()
                .iter()
                .map(|e| annotate(e, item.data_type()))
                .collect::<Result<Vec<_>, _>>()?;
            let middle = Arc::new(regroup(middle, inner, None)?);
            return Ok(Arc::new(regroup(pq, vec![middle], None)?));
        }
        DataType::Map(entries, _) => {
            let (Some(middle), DataType::Struct(kv)) =
                (pq.get_fields().first(), entries.data_type())
            else {
                return Ok(pq.clone());
            };
            let inner = middle
                .get_fields()
                .iter()
                .zip(kv)
                .map(|(e, f)| annotate(e, f.data_type()))
                .collect::<Result<Vec<_>, _>>()?;
            let middle = Arc::new(regroup(middle, inner, None)?);
            return Ok(Arc::new(regroup(pq, vec![middle], None)?));
        }
        _ => return Ok(pq.clone()),
    };
    let fields = pq
        .get_fields()
        .iter()
        .zip(children)
        .map(|(c, t)| annotate(c, t))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Arc::new(regroup(pq, fields, None)?))
}

/// The group `pq` with `fields`, and `logical` in place of its annotation when given.
fn regroup(
    pq: &PqType,
    fields: Vec<TypePtr>,
    logical: Option<LogicalType>,
) -> Result<PqType, ParquetError> {
    let info = pq.get_basic_info();
    let mut builder = PqType::group_type_builder(info.name()).with_fields(fields);
    if info.has_repetition() {
        builder = builder.with_repetition(info.repetition());
    }
    if info.has_id() {
        builder = builder.with_id(Some(info.id()));
    }
    builder = match logical {
        Some(l) => builder.with_logical_type(Some(l)),
        None => builder
            .with_converted_type(info.converted_type())
            .with_logical_type(info.logical_type_ref().cloned()),
    };
    builder.build()
}

/// The field Spark's `ArrowUtils` makes of a `VariantType` column (for tests).
#[cfg(test)]
pub(crate) fn spark_variant_field(name: &str, nullable: bool) -> Field {
    let mark: std::collections::HashMap<String, String> =
        [(SPARK_MARK.to_owned(), "true".to_owned())].into();
    Field::new(
        name,
        DataType::Struct(
            vec![
                Field::new(VALUE, DataType::Binary, false),
                Field::new(METADATA, DataType::Binary, false).with_metadata(mark),
            ]
            .into(),
        ),
        nullable,
    )
}

#[cfg(test)]
mod tests {
    use arrow_array::{BinaryArray, Int32Array, ListArray};
    use arrow_buffer::{NullBuffer, OffsetBuffer};
    use parquet::arrow::ArrowSchemaConverter;

    use super::*;

    #[test]
    fn a_schema_without_variants_is_left_alone() {
        let plain = Schema::new(vec![Field::new(
            "s",
            DataType::Struct(
                vec![
                    Field::new(VALUE, DataType::Binary, false),
                    Field::new(METADATA, DataType::Binary, false),
                ]
                .into(),
            ),
            true,
        )]);
        // A struct of the same shape without Spark's mark is a struct.
        assert!(VariantLayout::new(&plain).is_none());
    }

    #[test]
    fn variants_at_the_top_and_in_lists_become_variant_groups(
    ) -> Result<(), Box<dyn std::error::Error>> {
        let v = spark_variant_field("v", true);
        let element = Arc::new(spark_variant_field("element", false));
        let schema = Schema::new(vec![
            Field::new("id", DataType::Int32, false),
            v,
            Field::new("av", DataType::List(element.clone()), true),
        ]);
        let layout = VariantLayout::new(&schema).expect("variants");
        let derived = ArrowSchemaConverter::new().convert(&layout.schema)?;
        let pq = layout.parquet_schema(&derived)?;
        let text = format!("{:?}", pq.root_schema());
        let columns: Vec<String> = pq.columns().iter().map(|c| c.path().string()).collect();
        assert_eq!(
            columns,
            [
                "id",
                "v.metadata",
                "v.value",
                "av.list.element.metadata",
                "av.list.element.value"
            ]
        );
        let v = &pq.root_schema().get_fields()[1];
        assert!(
            matches!(
                v.get_basic_info().logical_type_ref(),
                Some(LogicalType::Variant(_))
            ),
            "{text}"
        );
        let element = &pq.root_schema().get_fields()[2].get_fields()[0].get_fields()[0];
        assert!(
            matches!(
                element.get_basic_info().logical_type_ref(),
                Some(LogicalType::Variant(_))
            ),
            "{text}"
        );

        // A batch as Spark sends it: children {value, metadata}; row 1's v is null.
        let values: ArrayRef = Arc::new(BinaryArray::from(vec![&b"V0"[..], b"V1"]));
        let metadata: ArrayRef = Arc::new(BinaryArray::from(vec![&b"M0"[..], b"M1"]));
        let DataType::Struct(spark_children) = schema.field(1).data_type() else {
            unreachable!()
        };
        let v: ArrayRef = Arc::new(StructArray::try_new(
            spark_children.clone(),
            vec![values.clone(), metadata.clone()],
            Some(NullBuffer::from(vec![true, false])),
        )?);
        let DataType::List(item) = schema.field(2).data_type() else {
            unreachable!()
        };
        let DataType::Struct(item_children) = item.data_type() else {
            unreachable!()
        };
        let items = StructArray::try_new(item_children.clone(), vec![values, metadata], None)?;
        let av: ArrayRef = Arc::new(ListArray::try_new(
            item.clone(),
            OffsetBuffer::from_lengths([2, 0]),
            Arc::new(items),
            None,
        )?);
        let id: ArrayRef = Arc::new(Int32Array::from(vec![1, 2]));
        let batch = RecordBatch::try_new(Arc::new(schema), vec![id, v, av])?;
        let out = layout.batch(&batch)?;
        let v = out.column(1).as_struct();
        assert_eq!(v.column_names(), [METADATA, VALUE]);
        assert_eq!(v.column(0).as_binary::<i32>().value(0), b"M0");
        assert_eq!(v.column(1).as_binary::<i32>().value(0), b"V0");
        assert!(v.is_null(1));
        let av = out.column(2).as_list::<i32>();
        let element = av.values().as_struct();
        assert_eq!(element.column(0).as_binary::<i32>().value(1), b"M1");
        Ok(())
    }
}
