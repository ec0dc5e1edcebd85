//! Our chunks against the `parquet` crate's own file writer given the same values and
//! properties: read back whole and through the page index, and described the same way
//! (statistics, counts, encodings, sizes, histograms), for strings, INT64 and DOUBLE.

use std::sync::Arc;

use arrow_array::RecordBatch;
use parquet::arrow::arrow_reader::{RowSelection, RowSelector};
use parquet::basic::{Compression, ZstdLevel};
use parquet::data_type::{ByteArrayType, DoubleType, Int64Type};
use parquet::file::metadata::{ColumnChunkMetaData, PageIndexPolicy, ParquetMetaData};
use parquet::file::page_index::column_index::ColumnIndexMetaData;
use parquet::file::properties::{EnabledStatistics, WriterProperties, WriterPropertiesPtr};
use parquet::file::reader::{FileReader, SerializedFileReader};
use parquet::file::writer::SerializedFileWriter;
use parquet::schema::types::SchemaDescriptor;

use super::writer_for;
use crate::error::{Error, Result};
use crate::leaf::LeafValues;
use crate::schema::Schema;
use crate::shred::Shredder;
use crate::write::column::{byte_arrays_into, OpenColumn};
use crate::write::spill::Spill;
use crate::write::test_columns;

/// One column `s` of `element` type (a list of them when `list`) shredded from `docs`.
fn shredded(element: &str, list: bool, docs: &[String]) -> Result<(Schema, Shredder)> {
    let schema = if list {
        format!(r#"{{"fields":[{{"name":"s","type":"list","element":{{"type":"{element}"}}}}]}}"#)
    } else {
        format!(r#"{{"fields":[{{"name":"s","type":"{element}"}}]}}"#)
    };
    test_columns::shredded(&schema, docs.iter().cloned())
}

/// Lists of strings with nulls, null lists, empty lists and repeats, a few values unique.
fn tags() -> Vec<String> {
    (0..3000)
        .map(|i| match i % 7 {
            0 => r#"{"s": null}"#.to_string(),
            1 => r#"{"s": []}"#.to_string(),
            2 => r#"{"s": [null, null]}"#.to_string(),
            _ => format!(r#"{{"s": ["t{}", null, "u{}"]}}"#, i % 40, i),
        })
        .collect()
}

/// Optional strings longer than the statistics' 64 bytes, multi-byte characters among them,
/// whose bounds are truncated.
fn long_values() -> Vec<String> {
    (0..2000)
        .map(|i| match i % 5 {
            0 => r#"{"s": null}"#.to_string(),
            1 => format!(r#"{{"s": "{}{}"}}"#, "é".repeat(40), i % 30),
            2 => format!(r#"{{"s": "{}{}"}}"#, "a".repeat(70), i),
            3 => format!(r#"{{"s": "{}\uffff{}"}}"#, "z".repeat(63), i % 3),
            _ => format!(r#"{{"s": "{}"}}"#, "\u{10ffff}".repeat(20)),
        })
        .collect()
}

/// Lists of integers: nulls, empty lists, repeats, negatives, unique values and the extremes.
fn counts() -> Vec<String> {
    (0..3000i64)
        .map(|i| match i % 9 {
            0 => r#"{"s": null}"#.to_string(),
            1 => r#"{"s": []}"#.to_string(),
            2 => r#"{"s": [null]}"#.to_string(),
            3 => format!(r#"{{"s": [{}, {}]}}"#, i64::MIN + i, i64::MAX - i % 5),
            _ => format!(
                r#"{{"s": [{}, null, {}]}}"#,
                i % 40 - 20,
                i * 1000 - 1_000_000
            ),
        })
        .collect()
}

/// Optional doubles: both zeros, repeats, unique values, tiny and huge magnitudes.
fn measurements() -> Vec<String> {
    (0..3000)
        .map(|i| match i % 8 {
            0 => r#"{"s": null}"#.to_string(),
            1 => r#"{"s": -0.0}"#.to_string(),
            2 => r#"{"s": 0.0}"#.to_string(),
            3 => format!(r#"{{"s": {}.5}}"#, i % 13 - 6),
            4 => format!(r#"{{"s": {:e}}}"#, (i as f64) * 1.0e290),
            5 => format!(r#"{{"s": -{:e}}}"#, (i as f64) * 1.0e-300),
            _ => format!(r#"{{"s": {}}}"#, (i as f64) / 7.0),
        })
        .collect()
}

/// Optional zeros of both signs and numbers of one `sign`: a zero is a chunk's bound, and
/// which zero is the crate's total order's.
fn zeros_and(sign: f64) -> Vec<String> {
    (0..2000)
        .map(|i| match i % 4 {
            0 => r#"{"s": null}"#.to_string(),
            1 => r#"{"s": -0.0}"#.to_string(),
            2 => r#"{"s": 0.0}"#.to_string(),
            _ => format!(r#"{{"s": {}}}"#, sign * (i % 50 + 1) as f64),
        })
        .collect()
}

/// The doubles of [`measurements`] with NaNs of both signs among them (JSON has none; a
/// leaf buffer may), a run of pages' worth of them too.
fn with_nans(shredder: &mut Shredder) -> Result<()> {
    let LeafValues::Double(values) = &mut shredder.leaves_mut()[0].values else {
        return Err(Error::Other("not a double leaf".into()));
    };
    for (i, value) in values.iter_mut().enumerate() {
        if i % 11 == 0 || (1000..1300).contains(&i) {
            *value = if i % 2 == 0 { f64::NAN } else { -f64::NAN };
        }
    }
    Ok(())
}

struct Case {
    name: &'static str,
    element: &'static str,
    list: bool,
    docs: Vec<String>,
    nans: bool,
}

fn cases() -> Vec<Case> {
    let case = |name, element, list, docs, nans| Case {
        name,
        element,
        list,
        docs,
        nans,
    };
    vec![
        case("tags", "string", true, tags(), false),
        case("long values", "string", false, long_values(), false),
        case("counts", "int64", true, counts(), false),
        case("measurements", "double", false, measurements(), false),
        case(
            "measurements with NaNs",
            "double",
            false,
            measurements(),
            true,
        ),
        case(
            "zeros and positives",
            "double",
            false,
            zeros_and(1.0),
            false,
        ),
        case(
            "zeros and negatives",
            "double",
            false,
            zeros_and(-1.0),
            false,
        ),
    ]
}

impl Case {
    fn shredded(&self) -> Result<(Schema, Shredder)> {
        let (schema, mut shredder) = shredded(self.element, self.list, &self.docs)?;
        if self.nans {
            with_nans(&mut shredder)?;
        }
        Ok((schema, shredder))
    }
}

fn props(
    dictionary_bytes: usize,
    statistics: EnabledStatistics,
    codec: Compression,
) -> WriterPropertiesPtr {
    props_with_pages(dictionary_bytes, statistics, codec, 2048, 500)
}

fn props_with_pages(
    dictionary_bytes: usize,
    statistics: EnabledStatistics,
    codec: Compression,
    page_bytes: usize,
    page_rows: usize,
) -> WriterPropertiesPtr {
    Arc::new(
        WriterProperties::builder()
            .set_data_page_size_limit(page_bytes)
            .set_data_page_row_count_limit(page_rows)
            .set_dictionary_page_size_limit(dictionary_bytes)
            .set_statistics_enabled(statistics)
            .set_compression(codec)
            .build(),
    )
}

/// The file of one column chunk written by our writer, and by the `parquet` crate's own file
/// writer from the same values.
fn ours_and_the_crates(
    schema: &Schema,
    shredder: &mut Shredder,
    props: &WriterPropertiesPtr,
) -> Result<(bytes::Bytes, bytes::Bytes)> {
    ours_in_batches_and_the_crates(schema, shredder, props, &[])
}

/// As [`ours_and_the_crates`], our writer given the rows in batches that end at `cuts`.
fn ours_in_batches_and_the_crates(
    schema: &Schema,
    shredder: &mut Shredder,
    props: &WriterPropertiesPtr,
    cuts: &[usize],
) -> Result<(bytes::Bytes, bytes::Bytes)> {
    let leaf = &shredder.leaves()[0];
    let message = schema.to_parquet()?;
    let descr = SchemaDescriptor::new(message.clone());
    assert!(writer_for(&descr.column(0), props).is_some());

    let spill = Arc::new(Spill::new());
    let mut ours = OpenColumn::new(descr.column(0), props.clone(), &spill);
    let column = leaf.column();
    let mut from = 0;
    for &cut in cuts.iter().chain([&usize::MAX]) {
        let to = cut.min(leaf.rows());
        ours.write(&column, &column.slice_rows(from..to), &mut Vec::new())?;
        from = to;
    }
    let (chunk, close) = ours.finish()?;
    let chunk = spill.read(&chunk)?;
    let mut file = SerializedFileWriter::new(Vec::new(), message.clone(), props.clone())?;
    let mut group = file.next_row_group()?;
    group.append_column(&chunk, close)?;
    group.close()?;
    let ours = bytes::Bytes::from(file.into_inner()?);

    let mut file = SerializedFileWriter::new(Vec::new(), message, props.clone())?;
    let mut group = file.next_row_group()?;
    let mut column = group
        .next_column()?
        .ok_or_else(|| Error::Other("no column".into()))?;
    let def = (leaf.max_def > 0).then_some(&leaf.def_levels[..]);
    let rep = (leaf.max_rep > 0).then_some(&leaf.rep_levels[..]);
    match &leaf.values {
        LeafValues::Bytes { data, ends } => {
            let mut values = Vec::new();
            byte_arrays_into(&mut values, data, ends, 0);
            column
                .typed::<ByteArrayType>()
                .write_batch(&values, def, rep)?
        }
        LeafValues::Int64(values) => column.typed::<Int64Type>().write_batch(values, def, rep)?,
        LeafValues::Double(values) => column.typed::<DoubleType>().write_batch(values, def, rep)?,
        _ => return Err(Error::Other("another column type".into())),
    };
    column.close()?;
    group.close()?;
    Ok((ours, bytes::Bytes::from(file.into_inner()?)))
}

/// A chunk's statistics' bounds as bytes: `-0.0` and `0.0` (equal as numbers) differ here.
fn bound_bytes(chunk: &ColumnChunkMetaData) -> Option<(Option<Vec<u8>>, Option<Vec<u8>>)> {
    chunk.statistics().map(|s| {
        (
            s.min_bytes_opt().map(<[u8]>::to_vec),
            s.max_bytes_opt().map(<[u8]>::to_vec),
        )
    })
}

fn read(file: bytes::Bytes, selection: Option<RowSelection>) -> Result<Vec<RecordBatch>> {
    test_columns::read_back(file, PageIndexPolicy::Optional, selection)
}

fn metadata(file: &bytes::Bytes) -> Result<Arc<ParquetMetaData>> {
    let options = parquet::file::serialized_reader::ReadOptionsBuilder::new()
        .with_page_index()
        .build();
    Ok(
        SerializedFileReader::new_with_options(file.clone(), options)?
            .metadata()
            .clone()
            .into(),
    )
}

/// For each column type, dictionaries that hold and that fall back, each level of statistics
/// and each codec: the values read back (whole and through a row selection the page index
/// serves) are the crate's file's, and so are the chunk's statistics (truncated bounds, NaN
/// counts and the order of zeros among them), value and null counts, encodings, unencoded
/// bytes and level histograms.
#[test]
fn a_chunk_reads_back_and_describes_itself_as_the_crates() -> Result<()> {
    for case in cases() {
        let (schema, mut shredder) = case.shredded()?;
        for dictionary_bytes in [1 << 20, 256] {
            for statistics in [
                EnabledStatistics::Page,
                EnabledStatistics::Chunk,
                EnabledStatistics::None,
            ] {
                for codec in [
                    Compression::SNAPPY,
                    Compression::UNCOMPRESSED,
                    Compression::ZSTD(ZstdLevel::try_new(3)?),
                ] {
                    let name =
                        format!("{}, {dictionary_bytes}, {statistics:?}, {codec}", case.name);
                    let props = props(dictionary_bytes, statistics, codec);
                    let (ours, theirs) = ours_and_the_crates(&schema, &mut shredder, &props)?;
                    assert_eq!(
                        read(ours.clone(), None)?,
                        read(theirs.clone(), None)?,
                        "{name}"
                    );
                    let selection = || {
                        Some(RowSelection::from(vec![
                            RowSelector::skip(1100),
                            RowSelector::select(30),
                            RowSelector::skip(700),
                            RowSelector::select(170),
                        ]))
                    };
                    assert_eq!(
                        read(ours.clone(), selection())?,
                        read(theirs.clone(), selection())?,
                        "{name}"
                    );

                    let (ours, theirs) = (metadata(&ours)?, metadata(&theirs)?);
                    let (a, b) = (ours.row_group(0).column(0), theirs.row_group(0).column(0));
                    assert_eq!(a.statistics(), b.statistics(), "{name}");
                    assert_eq!(bound_bytes(a), bound_bytes(b), "{name}");
                    if statistics != EnabledStatistics::None && case.element == "double" {
                        let nans = a.statistics().and_then(|s| s.nan_count_opt());
                        assert_eq!(nans.is_some_and(|n| n > 0), case.nans, "{name}");
                    }
                    assert_eq!(a.num_values(), b.num_values(), "{name}");
                    assert_eq!(a.compression(), b.compression(), "{name}");
                    assert_eq!(
                        a.encodings().collect::<Vec<_>>(),
                        b.encodings().collect::<Vec<_>>(),
                        "{name}"
                    );
                    assert_eq!(
                        a.unencoded_byte_array_data_bytes(),
                        b.unencoded_byte_array_data_bytes(),
                        "{name}"
                    );
                    assert_eq!(
                        a.repetition_level_histogram(),
                        b.repetition_level_histogram(),
                        "{name}"
                    );
                    assert_eq!(
                        a.definition_level_histogram(),
                        b.definition_level_histogram(),
                        "{name}"
                    );
                    assert_eq!(
                        a.dictionary_page_offset().is_some(),
                        b.dictionary_page_offset().is_some(),
                        "{name}"
                    );
                    let pages = |m: &ParquetMetaData| {
                        m.page_index_for_row_group(0)
                            .page_locations(0)
                            .map(|l| l.len())
                    };
                    assert!(pages(&ours).unwrap_or(0) > 3, "{name}: several pages");
                    assert_eq!(
                        ours.page_index_for_row_group(0).column_index(0).is_some(),
                        statistics == EnabledStatistics::Page,
                        "{name}"
                    );
                }
            }
        }
    }
    Ok(())
}

/// Whether page `page` of `index` holds `value` (a value as [`crate::leaf::LeafBuffer::triplets`]
/// prints it) within its bounds; a NaN is held by a page that counts NaNs.
fn page_holds(index: &ColumnIndexMetaData, page: usize, value: &str) -> bool {
    match index {
        ColumnIndexMetaData::BYTE_ARRAY(index) => {
            let min = index.min_value(page).unwrap_or_default();
            let max = index.max_value(page).unwrap_or_default();
            min <= value.as_bytes() && value.as_bytes() <= max
        }
        ColumnIndexMetaData::INT64(index) => match value.parse::<i64>() {
            Ok(v) => {
                index.min_value(page).is_some_and(|&min| min <= v)
                    && index.max_value(page).is_some_and(|&max| v <= max)
            }
            Err(_) => false,
        },
        ColumnIndexMetaData::DOUBLE(index) => match value.parse::<f64>() {
            Ok(v) if v.is_nan() => index.nan_count(page).is_some_and(|n| n > 0),
            Ok(v) => {
                index
                    .min_value(page)
                    .is_some_and(|min| min.total_cmp(&v).is_le())
                    && index
                        .max_value(page)
                        .is_some_and(|max| v.total_cmp(max).is_le())
            }
            Err(_) => false,
        },
        _ => false,
    }
}

/// Each page's bounds in the column index hold every value of the page's rows (NaNs are
/// counted instead), a page without values is a null page, and the null and NaN counts add up
/// to the chunk's.
#[test]
fn page_bounds_hold_their_pages_values() -> Result<()> {
    for case in cases() {
        let (schema, mut shredder) = case.shredded()?;
        for dictionary_bytes in [1 << 20, 256] {
            let name = format!("{}, {dictionary_bytes}", case.name);
            let props = props(
                dictionary_bytes,
                EnabledStatistics::Page,
                Compression::SNAPPY,
            );
            let (ours, _) = ours_and_the_crates(&schema, &mut shredder, &props)?;
            let meta = metadata(&ours)?;
            let row_group = meta.page_index_for_row_group(0);
            let index = row_group
                .column_index(0)
                .ok_or_else(|| Error::Other("no index".into()))?;
            let locations = row_group
                .page_locations(0)
                .ok_or_else(|| Error::Other("no offsets".into()))?;
            let leaf = &shredder.leaves()[0];
            let mut row = -1i64;
            let (mut nulls, mut nans) = (0i64, 0i64);
            let mut page = 0usize;
            for (value, r, _) in &leaf.triplets() {
                if *r == 0 {
                    row += 1;
                    if page + 1 < locations.len() && locations[page + 1].first_row_index == row {
                        page += 1;
                    }
                }
                match value {
                    None => nulls += 1,
                    Some(v) => {
                        assert!(!index.is_null_page(page), "{name}: page {page}");
                        assert!(page_holds(index, page, v), "{name}: page {page}: {v}");
                        nans += (v == "NaN") as i64;
                    }
                }
            }
            assert_eq!(page + 1, locations.len(), "{name}");
            let pages = 0..locations.len();
            let counted: i64 = pages.clone().filter_map(|p| index.null_count(p)).sum();
            assert_eq!(counted, nulls, "{name}");
            let counted: i64 = pages.filter_map(|p| index.nan_count(p)).sum();
            assert_eq!(counted, nans, "{name}");
        }
    }
    Ok(())
}

/// A value of a random column: `(pick, len)` chooses it, `None` is null.
type RandomValue = Option<(usize, usize)>;

/// Random documents of one list column of `element` type, values chosen by `(pick, len)`.
fn random_docs(element: &str, docs: Vec<Option<Vec<RandomValue>>>) -> Vec<String> {
    let value = |(pick, len): (usize, usize)| -> serde_json::Value {
        match element {
            "string" => serde_json::Value::String(
                ["a", "b", "é", "z", "\u{10ffff}", "\u{ffff}"][pick]
                    .repeat(len % 7 + len / 80 * 70),
            ),
            "int64" => {
                serde_json::json!((len as i64 - 45) * [1, 7, 1 << 40, i64::MAX / 90, -1, 3][pick])
            }
            _ => {
                serde_json::json!((len as f64 - 45.0) * [1.0, 0.5, 1e300, -1e-300, 0.0, 3.25][pick])
            }
        }
    };
    docs.into_iter()
        .map(|doc| match doc {
            None => r#"{"s": null}"#.to_string(),
            Some(items) => {
                let items: Vec<serde_json::Value> = items
                    .into_iter()
                    .map(|i| i.map_or(serde_json::Value::Null, value))
                    .collect();
                serde_json::json!({ "s": items }).to_string()
            }
        })
        .collect()
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]
    /// Random lists of strings, integers or doubles (nulls, empty and null lists; strings of
    /// lengths past the 64-byte truncation; zeros of both signs) in random batches, page
    /// limits and dictionary limits: read back and described as the crate's file.
    #[test]
    fn random_columns_read_back_as_the_crates(
        element in 0usize..3,
        docs in proptest::collection::vec(
            proptest::option::of(proptest::collection::vec(
                proptest::option::of((0usize..6, 0usize..90)),
                0..5,
            )),
            1..300,
        ),
        cuts in proptest::collection::vec(0usize..300, 0..4),
        dictionary_bytes in 16usize..2048,
        page_bytes in 16usize..2048,
        page_rows in 1usize..200,
        statistics in 0usize..3,
    ) {
        let element = ["string", "int64", "double"][element];
        let docs = random_docs(element, docs);
        let statistics = [EnabledStatistics::Page, EnabledStatistics::Chunk, EnabledStatistics::None][statistics];
        let props = props_with_pages(dictionary_bytes, statistics, Compression::UNCOMPRESSED, page_bytes, page_rows);
        let mut cuts = cuts;
        cuts.sort_unstable();
        let (schema, mut shredder) = shredded(element, true, &docs)?;
        let (ours, theirs) = ours_in_batches_and_the_crates(&schema, &mut shredder, &props, &cuts)?;
        proptest::prop_assert_eq!(read(ours.clone(), None)?, read(theirs.clone(), None)?);
        let (ours, theirs) = (metadata(&ours)?, metadata(&theirs)?);
        let (a, b) = (ours.row_group(0).column(0), theirs.row_group(0).column(0));
        proptest::prop_assert_eq!(a.statistics(), b.statistics());
        proptest::prop_assert_eq!(bound_bytes(a), bound_bytes(b));
        proptest::prop_assert_eq!(a.num_values(), b.num_values());
        proptest::prop_assert_eq!(a.definition_level_histogram(), b.definition_level_histogram());
        proptest::prop_assert_eq!(a.repetition_level_histogram(), b.repetition_level_histogram());
        proptest::prop_assert_eq!(a.unencoded_byte_array_data_bytes(), b.unencoded_byte_array_data_bytes());
    }
}
