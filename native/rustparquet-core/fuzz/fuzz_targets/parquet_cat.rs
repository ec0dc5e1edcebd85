//! libFuzzer target: see `rustparquet_fuzz::parquet_cat`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| rustparquet_fuzz::parquet_cat(data));
