//! libFuzzer target: see `rustparquet_fuzz::json_convert`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| rustparquet_fuzz::json_convert(data));
