//! libFuzzer target: see `rustparquet_fuzz::infer_merge`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| rustparquet_fuzz::infer_merge(data));
