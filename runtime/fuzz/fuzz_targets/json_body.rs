//! `specfirst_runtime::fuzz::json_body` under libFuzzer.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| specfirst_runtime::fuzz::json_body(data));
