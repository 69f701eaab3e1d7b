//! `specfirst_runtime::fuzz::credentials` under libFuzzer.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| specfirst_runtime::fuzz::credentials(data));
