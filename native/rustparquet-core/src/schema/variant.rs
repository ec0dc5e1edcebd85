//! The Parquet layout of a [`DataType::Variant`] field (parquet-format `VariantShredding.md`),
//! written once for every place that needs it: the message type, the leaf columns and their
//! levels, and the checks a shredding schema must pass.
//!
//! An unshredded variant is `group <name> (VARIANT(1)) { required binary metadata; required
//! binary value; }`. A shredded one has an optional `value` and an optional `typed_value`: a
//! scalar column (BOOLEAN, INT64, DOUBLE, STRING), a group with one required
//! `{ optional binary value; optional typed_value }` group per shredded object field, or a
//! `LIST` whose required element is such a pair. A row's variant is the `typed_value` where
//! the value has the shredded type, `value` otherwise (an object's fields that are not
//! shredded stay in `value` as a partial object); both null inside an object means the field
//! is missing.

use std::sync::Arc;

use parquet::basic::{LogicalType, Repetition as PqRepetition, Type as Physical};
use parquet::schema::types::{Type as PqType, TypePtr};

use super::{DataType, Field, LeafColumn, Repetition};
use crate::error::Result;
use crate::path::ColumnPath;

/// How a caller reads one primitive Parquet column as our type.
pub(super) type PrimitiveType = fn(&PqType, &ColumnPath) -> std::result::Result<DataType, String>;

/// The variant's metadata (field-name dictionary) column.
pub const METADATA: &str = "metadata";
/// The variant's binary value column.
pub const VALUE: &str = "value";
/// The shredded, typed column (tree).
pub const TYPED_VALUE: &str = "typed_value";
/// The JSON "key" that names the whole document (`--variant '$'`).
pub const WHOLE_DOCUMENT: &str = "$";
/// The column name of the whole document as one variant.
pub const DOCUMENT_COLUMN: &str = "document";
/// The Variant specification version we write (`VARIANT(1)`).
pub const SPEC_VERSION: i8 = 1;

/// The field that holds the whole document as one variant (`--variant '$'`).
pub fn whole_document_field(shredding: Option<Field>) -> Field {
    Field {
        name: DOCUMENT_COLUMN.into(),
        key: Some(WHOLE_DOCUMENT.into()),
        repetition: Repetition::Required,
        data_type: DataType::Variant(shredding.map(Box::new)),
    }
}

/// Whether `fields` is the whole document as one variant.
pub fn is_whole_document(fields: &[Field]) -> bool {
    matches!(fields, [f] if f.json_key() == WHOLE_DOCUMENT && matches!(f.data_type, DataType::Variant(_)))
}

fn binary(name: &str, rep: PqRepetition) -> Result<TypePtr> {
    Ok(Arc::new(
        PqType::primitive_type_builder(name, Physical::BYTE_ARRAY)
            .with_repetition(rep)
            .build()?,
    ))
}

/// The `VARIANT(1)` group of a variant field named `name`.
pub(super) fn variant_to_parquet(
    name: &str,
    rep: PqRepetition,
    shredding: Option<&Field>,
) -> Result<PqType> {
    let mut fields = vec![binary(METADATA, PqRepetition::REQUIRED)?];
    fields.extend(value_columns(shredding)?);
    Ok(PqType::group_type_builder(name)
        .with_repetition(rep)
        .with_logical_type(Some(LogicalType::variant(Some(SPEC_VERSION))))
        .with_fields(fields)
        .build()?)
}

/// `value` and, when shredded, `typed_value`.
fn value_columns(shredding: Option<&Field>) -> Result<Vec<TypePtr>> {
    Ok(match shredding {
        None => vec![binary(VALUE, PqRepetition::REQUIRED)?],
        Some(typed) => vec![
            binary(VALUE, PqRepetition::OPTIONAL)?,
            Arc::new(typed_to_parquet(
                TYPED_VALUE,
                PqRepetition::OPTIONAL,
                typed,
            )?),
        ],
    })
}

fn typed_to_parquet(name: &str, rep: PqRepetition, typed: &Field) -> Result<PqType> {
    let primitive = |physical, logical| -> Result<PqType> {
        Ok(PqType::primitive_type_builder(name, physical)
            .with_repetition(rep)
            .with_logical_type(logical)
            .build()?)
    };
    match &typed.data_type {
        DataType::Boolean => primitive(Physical::BOOLEAN, None),
        DataType::Int64 => primitive(Physical::INT64, None),
        DataType::Double => primitive(Physical::DOUBLE, None),
        DataType::String => primitive(Physical::BYTE_ARRAY, Some(LogicalType::String)),
        DataType::Struct(fields) => {
            let children = fields
                .iter()
                .map(|f| Ok(Arc::new(pair_to_parquet(&f.name, f)?)))
                .collect::<Result<Vec<_>>>()?;
            Ok(PqType::group_type_builder(name)
                .with_repetition(rep)
                .with_fields(children)
                .build()?)
        }
        DataType::List(element) => {
            let list = PqType::group_type_builder("list")
                .with_repetition(PqRepetition::REPEATED)
                .with_fields(vec![Arc::new(pair_to_parquet("element", element)?)])
                .build()?;
            Ok(PqType::group_type_builder(name)
                .with_repetition(rep)
                .with_logical_type(Some(LogicalType::List))
                .with_fields(vec![Arc::new(list)])
                .build()?)
        }
        t => Err(crate::Error::Schema {
            source_name: None,
            reason: format!("a variant cannot be shredded as {}", t.name()),
        }),
    }
}

/// A shredded object field or array element: `required group <name> { value; typed_value }`.
fn pair_to_parquet(name: &str, f: &Field) -> Result<PqType> {
    let DataType::Variant(shredding) = &f.data_type else {
        return Err(crate::Error::Schema {
            source_name: None,
            reason: format!("shredded field `{name}` must be a variant"),
        });
    };
    Ok(PqType::group_type_builder(name)
        .with_repetition(PqRepetition::REQUIRED)
        .with_fields(value_columns(shredding.as_deref())?)
        .build()?)
}

/// Appends the leaf columns of a variant field at JSON path `path`, Parquet path `pq`, whose
/// group is present at definition level `def` (repetition level `rep`).
pub(super) fn variant_leaves(
    shredding: Option<&Field>,
    path: &ColumnPath,
    pq: &str,
    def: i16,
    rep: i16,
    out: &mut Vec<LeafColumn>,
) {
    let leaf = |name: &str, d: i16, r: i16, t: DataType| LeafColumn {
        path: path.clone(),
        parquet_path: format!("{pq}.{name}"),
        data_type: t,
        max_def: d,
        max_rep: r,
    };
    out.push(leaf(METADATA, def, rep, DataType::Variant(None)));
    pair_leaves(shredding, path, pq, def, rep, out);
}

/// The `value` and `typed_value` leaves of a variant or shredded pair present at `def`.
fn pair_leaves(
    shredding: Option<&Field>,
    path: &ColumnPath,
    pq: &str,
    def: i16,
    rep: i16,
    out: &mut Vec<LeafColumn>,
) {
    let Some(typed) = shredding else {
        out.push(LeafColumn {
            path: path.clone(),
            parquet_path: format!("{pq}.{VALUE}"),
            data_type: DataType::Variant(None),
            max_def: def,
            max_rep: rep,
        });
        return;
    };
    out.push(LeafColumn {
        path: path.clone(),
        parquet_path: format!("{pq}.{VALUE}"),
        data_type: DataType::Variant(None),
        max_def: def + 1,
        max_rep: rep,
    });
    let tpq = format!("{pq}.{TYPED_VALUE}");
    let def = def + 1;
    match &typed.data_type {
        DataType::Struct(fields) => {
            for f in fields {
                if let DataType::Variant(s) = &f.data_type {
                    let q = format!("{tpq}.{}", f.name);
                    pair_leaves(s.as_deref(), &path.key(f.json_key()), &q, def, rep, out);
                }
            }
        }
        DataType::List(element) => {
            if let DataType::Variant(s) = &element.data_type {
                let q = format!("{tpq}.list.element");
                pair_leaves(s.as_deref(), &path.element(), &q, def + 1, rep + 1, out);
            }
        }
        t => out.push(LeafColumn {
            path: path.clone(),
            parquet_path: tpq,
            data_type: t.clone(),
            max_def: def,
            max_rep: rep,
        }),
    }
}

/// Checks a shredding schema (`typed` of a variant at `path`): scalars BOOLEAN, INT64,
/// DOUBLE or STRING; structs of at least one required variant field; lists of a required
/// variant element.
pub(super) fn check_shredding(typed: &Field, path: &ColumnPath) -> std::result::Result<(), String> {
    let pair = |f: &Field, p: &ColumnPath| -> std::result::Result<(), String> {
        match (&f.data_type, f.repetition) {
            (DataType::Variant(s), Repetition::Required) => match s {
                Some(t) => check_shredding(t, p),
                None => Ok(()),
            },
            _ => Err(format!(
                "`{p}`: a shredded object field or array element must be a required variant"
            )),
        }
    };
    if typed.repetition != Repetition::Optional {
        return Err(format!(
            "`{path}`: a variant's typed_value must be optional"
        ));
    }
    match &typed.data_type {
        DataType::Boolean | DataType::Int64 | DataType::Double | DataType::String => Ok(()),
        DataType::Struct(fields) if !fields.is_empty() => {
            for f in fields {
                pair(f, &path.key(f.json_key()))?;
            }
            Ok(())
        }
        DataType::List(element) => pair(element, &path.element()),
        t => Err(format!(
            "`{path}`: a variant cannot be shredded as {} (boolean, int64, double, string, a struct of variants or a list of variants)",
            t.name()
        )),
    }
}

/// Our type for the children of a group annotated `VARIANT` (a file's footer, or the message
/// form): unshredded, or shredded as its `typed_value` says. `primitive` is the Parquet form's
/// reading of a primitive column (passed in, so that this layout module does not import the
/// form that calls it).
pub(super) fn variant_from_parquet(
    children: &[TypePtr],
    path: &ColumnPath,
    primitive: PrimitiveType,
) -> std::result::Result<DataType, String> {
    let named = |n: &str| children.iter().find(|c| c.name() == n);
    if !named(METADATA).is_some_and(|c| c.is_primitive()) {
        return Err(format!(
            "`{path}`: a VARIANT group needs a binary `{METADATA}` column"
        ));
    }
    pair_from_parquet(children, path, primitive)
}

/// The variant a `{value, typed_value}` pair (or a variant group's) children stand for.
fn pair_from_parquet(
    children: &[TypePtr],
    path: &ColumnPath,
    primitive: PrimitiveType,
) -> std::result::Result<DataType, String> {
    let typed = match children.iter().find(|c| c.name() == TYPED_VALUE) {
        None => None,
        Some(t) => Some(Box::new(Field {
            name: TYPED_VALUE.into(),
            key: None,
            repetition: Repetition::Optional,
            data_type: typed_from_parquet(t, path, primitive)?,
        })),
    };
    Ok(DataType::Variant(typed))
}

fn typed_from_parquet(
    t: &PqType,
    path: &ColumnPath,
    primitive: PrimitiveType,
) -> std::result::Result<DataType, String> {
    if t.is_primitive() {
        return primitive(t, path);
    }
    let children = t.get_fields();
    let is_list = matches!(
        t.get_basic_info().logical_type_ref(),
        Some(LogicalType::List)
    );
    if is_list {
        let element = match children {
            [list] if list.is_group() => match list.get_fields() {
                [element] if element.is_group() => element,
                _ => return Err(format!("`{path}`: a shredded LIST needs one element group")),
            },
            _ => return Err(format!("`{path}`: a shredded LIST needs one element group")),
        };
        let data_type = pair_from_parquet(element.get_fields(), &path.element(), primitive)?;
        return Ok(DataType::List(Box::new(Field {
            name: "element".into(),
            key: None,
            repetition: Repetition::Required,
            data_type,
        })));
    }
    let fields = children
        .iter()
        .map(|c| {
            let p = path.key(c.name());
            if !c.is_group() {
                return Err(format!("`{p}`: a shredded field must be a group"));
            }
            Ok(Field {
                name: c.name().to_string(),
                key: None,
                repetition: Repetition::Required,
                data_type: pair_from_parquet(c.get_fields(), &p, primitive)?,
            })
        })
        .collect::<std::result::Result<Vec<_>, String>>()?;
    Ok(DataType::Struct(fields))
}
