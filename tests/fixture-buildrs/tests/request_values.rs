//! Requests a unit test builds without HTTP: `Default` where every field is optional,
//! `new` with the required ones otherwise, so that an optional parameter added to the
//! spec breaks neither.

use specfirst_fixture_buildrs::{param_styles, params};

#[test]
fn a_request_of_optional_fields_is_its_default() {
    let request = param_styles::QueryStylesRequest::default();
    assert!(request.scalar.is_none() && request.list.is_none() && request.rgb.is_none());
    let request = param_styles::QueryStylesRequest {
        scalar: Some(true),
        ..Default::default()
    };
    assert_eq!(request.scalar, Some(true));
}

#[test]
fn new_takes_the_required_fields_and_leaves_the_optional_ones_none() {
    let trace = uuid::Uuid::from_u128(7);
    let mut request =
        params::GetThingRequest::new(1, params::types::Kind::Small, vec![2, 3], true, trace);
    assert_eq!(
        (request.id, request.flag, request.x_trace),
        (1, true, trace)
    );
    assert_eq!(request.ids, [2, 3]);
    assert!(request.ratio.is_none() && request.count.is_none() && request.x_tags.is_none());
    // Optional fields are then set by name.
    request.count = Some(4);
    assert_eq!(request.count, Some(4));
}
