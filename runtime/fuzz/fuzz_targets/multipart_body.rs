//! `specfirst_runtime::fuzz::multipart_body` under libFuzzer.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| specfirst_runtime::fuzz::multipart_body(data));
