//! `specfirst_runtime::fuzz::parameters` under libFuzzer.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| specfirst_runtime::fuzz::parameters(data));
