//! Every parameter style of `specs/param-styles.yaml` over real HTTP: each request is
//! written the way the OpenAPI 3.0 style table writes it, the handler echoes what it
//! decoded, and malformed values get a 400 naming the parameter and its location.

mod support;

use std::sync::Arc;

use serde_json::{json, Value};
use specfirst_fixture_buildrs::param_styles as api;
use specfirst_runtime::{HttpError, RequestContext};

/// Echoes every decoded parameter back as JSON.
struct Styles;

fn echo(value: Value) -> Result<api::types::Echo, HttpError> {
    serde_json::from_value(value).map_err(|e| HttpError::for_internal_error(e.to_string()))
}

impl api::ParamStylesApi for Styles {
    async fn simple_path(
        &self,
        _ctx: RequestContext,
        r: api::SimplePathRequest,
    ) -> Result<api::SimplePathResponse, HttpError> {
        let body = echo(json!({
            "scalar": r.scalar, "list": r.list, "listx": r.listx, "obj": r.obj, "objx": r.objx,
        }))?;
        Ok(api::SimplePathResponse::Ok { body })
    }

    async fn label_path(
        &self,
        _ctx: RequestContext,
        r: api::LabelPathRequest,
    ) -> Result<api::LabelPathResponse, HttpError> {
        let body = echo(json!({
            "scalar": r.scalar, "list": r.list, "listx": r.listx, "obj": r.obj, "objx": r.objx,
        }))?;
        Ok(api::LabelPathResponse::Ok { body })
    }

    async fn matrix_path(
        &self,
        _ctx: RequestContext,
        r: api::MatrixPathRequest,
    ) -> Result<api::MatrixPathResponse, HttpError> {
        let body = echo(json!({
            "scalar": r.scalar, "list": r.list, "listx": r.listx, "obj": r.obj, "objx": r.objx,
        }))?;
        Ok(api::MatrixPathResponse::Ok { body })
    }

    async fn query_styles(
        &self,
        _ctx: RequestContext,
        r: api::QueryStylesRequest,
    ) -> Result<api::QueryStylesResponse, HttpError> {
        let body = echo(json!({
            "scalar": r.scalar, "list": r.list, "csv": r.csv, "point": r.point, "rgb": r.rgb,
            "spaced": r.spaced, "spacedRgb": r.spaced_rgb, "piped": r.piped,
            "pipedRgb": r.piped_rgb, "where": r.where_, "note": r.note,
        }))?;
        Ok(api::QueryStylesResponse::Ok { body })
    }

    async fn search(
        &self,
        _ctx: RequestContext,
        r: api::SearchRequest,
    ) -> Result<api::SearchResponse, HttpError> {
        let body = echo(json!({"filter": r.filter, "labels": r.labels}))?;
        Ok(api::SearchResponse::Ok { body })
    }

    async fn rest(
        &self,
        _ctx: RequestContext,
        r: api::RestRequest,
    ) -> Result<api::RestResponse, HttpError> {
        let body = echo(json!({
            "q": r.q, "expand": r.expand, "created": r.created, "extra": r.extra,
        }))?;
        Ok(api::RestResponse::Ok { body })
    }

    async fn rest_lists(
        &self,
        _ctx: RequestContext,
        r: api::RestListsRequest,
    ) -> Result<api::RestListsResponse, HttpError> {
        let body = echo(json!({"rest": r.rest}))?;
        Ok(api::RestListsResponse::Ok { body })
    }

    async fn rest_twice(
        &self,
        _ctx: RequestContext,
        r: api::RestTwiceRequest,
    ) -> Result<api::RestTwiceResponse, HttpError> {
        let body = echo(json!({"q": r.q, "filter": r.filter, "sort_by": r.sort_by}))?;
        Ok(api::RestTwiceResponse::Ok { body })
    }

    async fn boxes(
        &self,
        _ctx: RequestContext,
        r: api::BoxesRequest,
    ) -> Result<api::BoxesResponse, HttpError> {
        let body = echo(json!({"box": r.box_, "rest": r.rest}))?;
        Ok(api::BoxesResponse::Ok { body })
    }

    async fn header_styles(
        &self,
        _ctx: RequestContext,
        r: api::HeaderStylesRequest,
    ) -> Result<api::HeaderStylesResponse, HttpError> {
        let body = echo(json!({
            "scalar": r.x_scalar, "list": r.x_list, "listx": r.x_listx, "obj": r.x_obj,
            "objx": r.x_objx, "where": r.x_where,
        }))?;
        Ok(api::HeaderStylesResponse::Ok { body })
    }

    async fn cookie_styles(
        &self,
        _ctx: RequestContext,
        r: api::CookieStylesRequest,
    ) -> Result<api::CookieStylesResponse, HttpError> {
        let body = echo(json!({
            "session": r.session, "tags": r.tags, "csv": r.csv, "point": r.point, "rgb": r.rgb,
            "prefs": r.prefs,
        }))?;
        Ok(api::CookieStylesResponse::Ok { body })
    }
}

/// GETs `path` with `headers` and returns the status and JSON body.
async fn get(http: &support::Server, path: &str, headers: &[(&str, &str)]) -> (u16, Value) {
    let mut request = http.get(path);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request.send().await.expect("request");
    let status = response.status().as_u16();
    (status, response.json().await.expect("a JSON body"))
}

async fn ok(http: &support::Server, path: &str, headers: &[(&str, &str)]) -> Value {
    let (status, body) = get(http, path, headers).await;
    assert_eq!(status, 200, "{path}: {body}");
    body
}

/// Asserts a 400 whose message names `needle` (the location word and the parameter).
async fn bad(
    http: &support::Server,
    path: &str,
    headers: &[(&str, &str)],
    code: &str,
    needle: &str,
) {
    let (status, body) = get(http, path, headers).await;
    assert_eq!(status, 400, "{path} {headers:?}: {body}");
    assert_eq!(body["error_code"], code, "{path} {headers:?}: {body}");
    let message = body["message"].as_str().unwrap_or_default();
    assert!(
        message.contains(needle),
        "{path} {headers:?}: {message:?} should contain {needle:?}"
    );
}

#[tokio::test]
async fn path_styles_decode() {
    let http = support::start(api::router(Arc::new(Styles))).await;
    let rgb = json!({"R": 1, "G": 2});
    let rgb3 = json!({"R": 1, "G": 2, "B": 3});

    let body = ok(&http, "/simple/5/1,2/a,b/R,1,G,2/R=1,G=2,B=3", &[]).await;
    let expected =
        json!({"scalar": 5, "list": [1, 2], "listx": ["a", "b"], "obj": rgb, "objx": rgb3});
    assert_eq!(body, expected);

    // Non-exploded label lists as the 3.0.3 table writes them, then as RFC 6570 does.
    let body = ok(&http, "/label/.large/.1.2/.a.b/.R.1.G.2/.R=1.G=2.B=3", &[]).await;
    let expected =
        json!({"scalar": "large", "list": [1, 2], "listx": ["a", "b"], "obj": rgb, "objx": rgb3});
    assert_eq!(body, expected);
    let body = ok(&http, "/label/.small/.1,2/.a/.R,1,G,2/.R=1.G=2", &[]).await;
    assert_eq!(body["list"], json!([1, 2]));
    assert_eq!(body["listx"], json!(["a"]));
    assert_eq!(body["obj"], rgb);

    let body = ok(
        &http,
        "/matrix/;scalar=1.5/;list=1,2/;listx=a;listx=b/;obj=R,1,G,2/;R=1;G=2;B=3",
        &[],
    )
    .await;
    let expected =
        json!({"scalar": 1.5, "list": [1, 2], "listx": ["a", "b"], "obj": rgb, "objx": rgb3});
    assert_eq!(body, expected);
}

#[tokio::test]
async fn bad_path_values_are_400() {
    let http = support::start(api::router(Arc::new(Styles))).await;
    let cases = [
        ("/simple/x/1/a/R,1,G,2/R=1,G=2", "path parameter \"scalar\""),
        ("/simple/5/1/a/R,1,G/R=1,G=2", "property \"G\" has no value"),
        (
            "/simple/5/1/a/R,1,G,2/R=1,G=2,X=3",
            "unknown property \"X\"",
        ),
        ("/simple/5/1/a/R,1,G,256/R=1,G=2", "path parameter \"obj\""),
        ("/simple/5/1/a/R,1/R=1", "path parameter \"obj\""),
        (
            "/label/large/.1/.a/.R.1.G.2/.R=1.G=2",
            "starting with \".\"",
        ),
        (
            "/label/.huge/.1/.a/.R.1.G.2/.R=1.G=2",
            "path parameter \"scalar\"",
        ),
        (
            "/label/.large/.1/.a/.R.1.G.2/.R1.G=2",
            "path parameter \"objx\"",
        ),
        (
            "/matrix/scalar=1/;list=1/;listx=a/;obj=R,1,G,2/;R=1;G=2",
            "starting with \";\"",
        ),
        (
            "/matrix/;other=1/;list=1/;listx=a/;obj=R,1,G,2/;R=1;G=2",
            "expected \";scalar=value\"",
        ),
        (
            "/matrix/;scalar=1/;list=1/;listx=a;other=b/;obj=R,1,G,2/;R=1;G=2",
            "path parameter \"listx\"",
        ),
        (
            "/matrix/;scalar=1/;list=1/;listx=a/;obj=R,1,G,2/;R=x;G=2",
            "property \"R\": expected an integer",
        ),
    ];
    for (path, needle) in cases {
        let (status, body) = get(&http, path, &[]).await;
        assert_eq!(status, 400, "{path}: {body}");
        assert_eq!(body["error_code"], "InvalidParameter", "{path}: {body}");
        let message = body["message"].as_str().unwrap_or_default();
        assert!(
            message.contains(needle),
            "{path}: {message:?} should contain {needle:?}"
        );
    }
}

#[tokio::test]
async fn query_styles_decode() {
    let http = support::start(api::router(Arc::new(Styles))).await;
    let body = ok(
        &http,
        "/query?scalar=true&list=1&list=2&csv=a,b&x=1.5&y=-2&label=here&rgb=R,1,G,2\
         &spaced=1%202+3&spacedRgb=R%201%20G%202&piped=a|b&pipedRgb=R|1|G|2|B|3\
         &where=%7B%22field%22%3A%22name%22%2C%22equals%22%3A%5B1%2C2%5D%7D&note=just+text",
        &[],
    )
    .await;
    assert_eq!(
        body,
        json!({
            "scalar": true, "list": [1, 2], "csv": ["a", "b"],
            "point": {"x": 1.5, "y": -2.0, "label": "here"},
            "rgb": {"R": 1, "G": 2}, "spaced": [1, 2, 3], "spacedRgb": {"R": 1, "G": 2},
            "piped": ["a", "b"], "pipedRgb": {"R": 1, "G": 2, "B": 3},
            "where": {"field": "name", "equals": [1, 2]}, "note": "just text",
        })
    );
    // Absent optional parameters, objects included, are null.
    let body = ok(&http, "/query", &[]).await;
    assert!(
        body.as_object()
            .expect("an object")
            .values()
            .all(Value::is_null),
        "{body}"
    );
}

#[tokio::test]
async fn bad_query_values_are_400() {
    let http = support::start(api::router(Arc::new(Styles))).await;
    let invalid = [
        ("/query?list=1&list=x", "query parameter \"list\""),
        (
            "/query?csv=a&csv=b",
            "expected a single comma-separated value, got 2",
        ),
        ("/query?x=1", "query parameter \"point\""),
        (
            "/query?x=east&y=1",
            "property \"x\": expected a finite number",
        ),
        ("/query?rgb=R,1,G", "query parameter \"rgb\""),
        ("/query?rgb=R,1,G,2,A,3", "unknown property \"A\""),
        ("/query?spaced=1,2", "query parameter \"spaced\""),
        ("/query?pipedRgb=R|300|G|2", "query parameter \"pipedRgb\""),
        ("/query?where=%7Bnope", "expected JSON"),
        ("/query?where=%7B%7D", "query parameter \"where\""),
    ];
    for (path, needle) in invalid {
        let (status, body) = get(&http, path, &[]).await;
        assert_eq!(status, 400, "{path}: {body}");
        let message = body["message"].as_str().unwrap_or_default();
        assert!(
            message.contains(needle),
            "{path}: {message:?} should contain {needle:?}"
        );
    }
}

#[tokio::test]
async fn deep_objects_decode() {
    let http = support::start(api::router(Arc::new(Styles))).await;
    let body = ok(
        &http,
        "/search?filter[name]=ann&filter[active]=true&filter[tags][]=a&filter[tags][]=b\
         &filter[range][min]=1&filter[range][max]=9&labels[env]=prod&labels[team]=core",
        &[],
    )
    .await;
    assert_eq!(
        body,
        json!({
            "filter": {"name": "ann", "active": true, "tags": ["a", "b"], "range": {"min": 1, "max": 9}},
            "labels": {"env": "prod", "team": "core"},
        })
    );
    // Percent-encoded brackets are the same keys.
    let body = ok(&http, "/search?filter%5Bname%5D=bo", &[]).await;
    assert_eq!(body, json!({"filter": {"name": "bo"}, "labels": null}));

    bad(
        &http,
        "/search",
        &[],
        "MissingParameter",
        "query parameter \"filter\"",
    )
    .await;
    bad(
        &http,
        "/search?name=ann",
        &[],
        "MissingParameter",
        "query parameter \"filter\"",
    )
    .await;
    // Filter declares additionalProperties: false, so an undeclared key is an error.
    bad(
        &http,
        "/search?filter[nope]=1",
        &[],
        "InvalidParameter",
        "unknown property \"nope\"",
    )
    .await;
    bad(
        &http,
        "/search?filter[range][avg]=1",
        &[],
        "InvalidParameter",
        "unknown property \"avg\"",
    )
    .await;
    bad(
        &http,
        "/search?filter[active]=maybe",
        &[],
        "InvalidParameter",
        "query parameter \"filter\"",
    )
    .await;
    bad(
        &http,
        "/search?filter[name",
        &[],
        "InvalidParameter",
        "malformed key",
    )
    .await;
}

#[tokio::test]
async fn header_styles_decode() {
    let http = support::start(api::router(Arc::new(Styles))).await;
    let body = ok(
        &http,
        "/headers",
        &[
            ("x-scalar", "7"),
            ("x-list", "1, 2"),
            ("x-list", "3"),
            ("x-listx", "a,b"),
            ("x-obj", "R,1,G,2"),
            ("x-objx", "R=1, G=2, B=3"),
            ("x-where", "{\"field\":\"a\",\"equals\":\"b,c\"}"),
        ],
    )
    .await;
    assert_eq!(
        body,
        json!({
            "scalar": 7, "list": [1, 2, 3], "listx": ["a", "b"], "obj": {"R": 1, "G": 2},
            "objx": {"R": 1, "G": 2, "B": 3}, "where": {"field": "a", "equals": "b,c"},
        })
    );
    bad(
        &http,
        "/headers",
        &[],
        "MissingParameter",
        "header parameter \"x-scalar\"",
    )
    .await;
    let scalar = ("x-scalar", "7");
    bad(
        &http,
        "/headers",
        &[scalar, ("x-obj", "R,1,G")],
        "InvalidParameter",
        "header parameter \"x-obj\"",
    )
    .await;
    bad(
        &http,
        "/headers",
        &[scalar, ("x-objx", "R:1")],
        "InvalidParameter",
        "header parameter \"x-objx\"",
    )
    .await;
    bad(
        &http,
        "/headers",
        &[scalar, ("x-where", "[]")],
        "InvalidParameter",
        "header parameter \"x-where\"",
    )
    .await;
}

#[tokio::test]
async fn cookie_styles_decode() {
    let http = support::start(api::router(Arc::new(Styles))).await;
    let body = ok(
        &http,
        "/cookies",
        &[
            ("cookie", "session=abc; tags=a; tags=b; csv=1,2"),
            (
                "cookie",
                "x=1; y=2; label=%C3%A9t%C3%A9; rgb=R,1,G,2; prefs=%7B%22theme%22%3A%22dark%22%7D",
            ),
        ],
    )
    .await;
    assert_eq!(
        body,
        json!({
            "session": "abc", "tags": ["a", "b"], "csv": [1, 2],
            "point": {"x": 1.0, "y": 2.0, "label": "été"}, "rgb": {"R": 1, "G": 2},
            "prefs": {"theme": "dark"},
        })
    );
    let body = ok(&http, "/cookies", &[("cookie", "session=\"quoted\"")]).await;
    assert_eq!(body["session"], "quoted");
    assert_eq!(body["tags"], Value::Null);

    bad(
        &http,
        "/cookies",
        &[],
        "MissingParameter",
        "missing required cookie parameter \"session\"",
    )
    .await;
    bad(
        &http,
        "/cookies",
        &[("cookie", "other=1")],
        "MissingParameter",
        "cookie parameter \"session\"",
    )
    .await;
    let cases = [
        ("session=ab", "cookie parameter \"session\""),
        ("session=abc; csv=1,x", "cookie parameter \"csv\""),
        ("session=abc; csv=1; csv=2", "cookie parameter \"csv\""),
        ("session=abc; x=1", "cookie parameter \"point\""),
        ("session=abc; rgb=R,1,Q,2", "cookie parameter \"rgb\""),
        (
            "session=abc; prefs=%7B%22size%22%3A1%7D",
            "cookie parameter \"prefs\"",
        ),
    ];
    for (cookie, needle) in cases {
        bad(
            &http,
            "/cookies",
            &[("cookie", cookie)],
            "InvalidParameter",
            needle,
        )
        .await;
    }
}

#[tokio::test]
async fn form_objects_read_nested_objects_in_brackets() {
    let http = support::start(api::router(Arc::new(Styles))).await;
    let body = ok(
        &http,
        "/boxes?label=a&corner[x]=1&corner[y]=-2&style[border][width]=3&tint=red",
        &[],
    )
    .await;
    assert_eq!(
        body,
        json!({
            "box": {"label": "a", "corner": {"x": 1, "y": -2}, "style": {"border": {"width": 3}}},
            "rest": {"tint": "red"},
        })
    );
    // The nested object's own rules hold: required properties, types, bounds.
    bad(
        &http,
        "/boxes?corner[x]=1",
        &[],
        "InvalidParameter",
        "query parameter \"box\"",
    )
    .await;
    bad(
        &http,
        "/boxes?corner[x]=one&corner[y]=2",
        &[],
        "InvalidParameter",
        "property \"corner\": property \"x\": expected an integer",
    )
    .await;
    bad(
        &http,
        "/boxes?style[border][width]=-1",
        &[],
        "InvalidParameter",
        "query parameter \"box\"",
    )
    .await;
    bad(
        &http,
        "/boxes?corner=1",
        &[],
        "InvalidParameter",
        "property \"corner\" is an object, which needs a key per property",
    )
    .await;
}

#[tokio::test]
async fn two_free_form_objects_each_take_every_remaining_key() {
    let http = support::start(api::router(Arc::new(Styles))).await;
    let body = ok(&http, "/rest/twice?q=x&name=asc&size=desc", &[]).await;
    assert_eq!(
        body,
        json!({
            "q": "x",
            "filter": {"name": "asc", "size": "desc"},
            "sort_by": {"name": "asc", "size": "desc"},
        })
    );
    // A key one of them cannot take is that one's 400, naming it.
    bad(
        &http,
        "/rest/twice?q=x&color=red",
        &[],
        "InvalidParameter",
        "query parameter \"sort_by\"",
    )
    .await;
}

#[tokio::test]
async fn free_form_objects_take_the_remaining_keys() {
    let http = support::start(api::router(Arc::new(Styles))).await;
    // `q`, `expand[]` and `created[...]` are other parameters'; the rest is the map.
    let body = ok(
        &http,
        "/rest?q=x&size=2&expand[]=a&created[gt]=1&width=-7&expand[]=b",
        &[],
    )
    .await;
    assert_eq!(
        body,
        json!({
            "q": "x", "expand": ["a", "b"], "created": {"gt": 1},
            "extra": {"size": 2, "width": -7},
        })
    );
    // Nothing left over: the map is absent.
    let body = ok(&http, "/rest?q=x", &[]).await;
    assert_eq!(
        body,
        json!({"q": "x", "expand": null, "created": null, "extra": null})
    );
    // A value of the map's type that does not parse is the usual 400.
    bad(
        &http,
        "/rest?size=big",
        &[],
        "InvalidParameter",
        "invalid value for query parameter \"extra\": property \"size\": expected an integer",
    )
    .await;
    bad(
        &http,
        "/rest?size=1&size=2",
        &[],
        "InvalidParameter",
        "property \"size\" is given more than once",
    )
    .await;

    // Declared properties are read by name; repeated undeclared keys make lists.
    let body = ok(&http, "/rest/lists?own=true&a=1&b=x&a=2", &[]).await;
    assert_eq!(
        body,
        json!({"rest": {"own": true, "a": ["1", "2"], "b": ["x"]}})
    );
    bad(
        &http,
        "/rest/lists?own=maybe",
        &[],
        "InvalidParameter",
        "query parameter \"rest\"",
    )
    .await;
}

#[tokio::test]
async fn deep_object_lists_and_compositions_decode() {
    let http = support::start(api::router(Arc::new(Styles))).await;
    for query in [
        "expand[]=a&expand[]=b",
        "expand[0]=a&expand[1]=b",
        "expand%5B%5D=a&expand%5B%5D=b",
        "expand=a&expand=b",
    ] {
        let body = ok(&http, &format!("/rest?{query}"), &[]).await;
        assert_eq!(body["expand"], json!(["a", "b"]), "{query}");
        assert_eq!(body["extra"], Value::Null, "{query}");
    }
    bad(
        &http,
        "/rest?expand[x]=a",
        &[],
        "InvalidParameter",
        "query parameter \"expand\"",
    )
    .await;

    // Stripe's `created`: an integer, or a range of integers.
    let body = ok(&http, "/rest?created=5", &[]).await;
    assert_eq!(body["created"], json!(5));
    let body = ok(&http, "/rest?created[gt]=1&created[lt]=9", &[]).await;
    assert_eq!(body["created"], json!({"gt": 1, "lt": 9}));
    bad(
        &http,
        "/rest?created[gt]=soon",
        &[],
        "InvalidParameter",
        "query parameter \"created\"",
    )
    .await;
    bad(
        &http,
        "/rest?created=1&created[gt]=2",
        &[],
        "InvalidParameter",
        "query parameter \"created\"",
    )
    .await;
}

/// A typed value from JSON, for building requests from the values the echo is
/// compared with.
fn typed<T: serde::de::DeserializeOwned>(value: &Value) -> T {
    serde_json::from_value(value.clone()).unwrap_or_else(|e| panic!("{value}: {e}"))
}

/// The echo as JSON.
fn echoed(body: api::types::Echo) -> Value {
    serde_json::to_value(body).expect("the echo serializes")
}

/// The typed client writes every style as the server reads it: each request, sent in
/// process and over HTTP, comes back from the echoing handler as it was sent, values
/// holding the styles' delimiters and characters to escape included.
#[tokio::test]
async fn the_client_writes_every_style_as_the_server_reads_it() {
    let router = api::router(Arc::new(Styles));
    let http = support::start(router.clone()).await;
    let clients = [
        api::client::Client::in_process(router),
        api::client::Client::http(&http.url("")),
    ];
    for client in clients {
        let sent = json!({
            "scalar": 5, "list": [1, -2], "listx": ["a b", "c/d?e"],
            "obj": {"R": 1, "G": 2}, "objx": {"R": 1, "G": 2, "B": 3},
        });
        let api::SimplePathResponse::Ok { body } = client
            .simple_path(api::SimplePathRequest {
                scalar: typed(&sent["scalar"]),
                list: typed(&sent["list"]),
                listx: typed(&sent["listx"]),
                obj: typed(&sent["obj"]),
                objx: typed(&sent["objx"]),
            })
            .await
            .expect("simple path");
        assert_eq!(echoed(body), sent);

        let sent = json!({
            "scalar": "large", "list": [1, 2], "listx": ["a", "b"],
            "obj": {"R": 1, "G": 2}, "objx": {"R": 1, "G": 2, "B": 3},
        });
        let api::LabelPathResponse::Ok { body } = client
            .label_path(api::LabelPathRequest {
                scalar: typed(&sent["scalar"]),
                list: typed(&sent["list"]),
                listx: typed(&sent["listx"]),
                obj: typed(&sent["obj"]),
                objx: typed(&sent["objx"]),
            })
            .await
            .expect("label path");
        assert_eq!(echoed(body), sent);

        let sent = json!({
            "scalar": 1.5, "list": [1, 2], "listx": ["a", "b"],
            "obj": {"R": 1, "G": 2}, "objx": {"R": 1, "G": 2, "B": 3},
        });
        let api::MatrixPathResponse::Ok { body } = client
            .matrix_path(api::MatrixPathRequest {
                scalar: typed(&sent["scalar"]),
                list: typed(&sent["list"]),
                listx: typed(&sent["listx"]),
                obj: typed(&sent["obj"]),
                objx: typed(&sent["objx"]),
            })
            .await
            .expect("matrix path");
        assert_eq!(echoed(body), sent);

        let sent = json!({
            "scalar": true, "list": [1, 2], "csv": ["a", "b"],
            "point": {"x": 1.5, "y": -2.0, "label": "here & there"},
            "rgb": {"R": 1, "G": 2}, "spaced": [1, 2, 3], "spacedRgb": {"R": 1, "G": 2},
            "piped": ["a", "b"], "pipedRgb": {"R": 1, "G": 2, "B": 3},
            "where": {"field": "name", "equals": [1, 2]}, "note": "just text; 100% = {}",
        });
        let api::QueryStylesResponse::Ok { body } = client
            .query_styles(api::QueryStylesRequest {
                scalar: typed(&sent["scalar"]),
                list: typed(&sent["list"]),
                csv: typed(&sent["csv"]),
                point: typed(&sent["point"]),
                rgb: typed(&sent["rgb"]),
                spaced: typed(&sent["spaced"]),
                spaced_rgb: typed(&sent["spacedRgb"]),
                piped: typed(&sent["piped"]),
                piped_rgb: typed(&sent["pipedRgb"]),
                where_: typed(&sent["where"]),
                note: typed(&sent["note"]),
            })
            .await
            .expect("query styles");
        assert_eq!(echoed(body), sent);
        // Absent optional parameters stay absent.
        let api::QueryStylesResponse::Ok { body } = client
            .query_styles(api::QueryStylesRequest::default())
            .await
            .expect("no query");
        assert!(echoed(body)
            .as_object()
            .expect("an object")
            .values()
            .all(Value::is_null));

        let sent = json!({
            "filter": {"name": "bo", "tags": ["x", "y"]},
            "labels": {"team": "a[b]", "env": "prod"},
        });
        let api::SearchResponse::Ok { body } = client
            .search(api::SearchRequest {
                filter: typed(&sent["filter"]),
                labels: typed(&sent["labels"]),
            })
            .await
            .expect("deep objects");
        assert_eq!(echoed(body)["labels"], sent["labels"]);

        let sent = json!({
            "q": "x", "expand": ["a", "b"], "created": {"gt": 1},
            "extra": {"size": 2, "width": -7},
        });
        let api::RestResponse::Ok { body } = client
            .rest(api::RestRequest {
                q: typed(&sent["q"]),
                expand: typed(&sent["expand"]),
                created: typed(&sent["created"]),
                extra: typed(&sent["extra"]),
            })
            .await
            .expect("free-form object");
        assert_eq!(echoed(body), sent);

        let sent = json!({
            "box": {"label": "a", "corner": {"x": 1, "y": -2}, "style": {"border": {"width": 3}}},
            "rest": {"tint": "red"},
        });
        let api::BoxesResponse::Ok { body } = client
            .boxes(api::BoxesRequest {
                box_: typed(&sent["box"]),
                rest: typed(&sent["rest"]),
            })
            .await
            .expect("nested form objects");
        assert_eq!(echoed(body), sent);

        let sent = json!({
            "scalar": 7, "list": [1, 2, 3], "listx": ["a", "b"], "obj": {"R": 1, "G": 2},
            "objx": {"R": 1, "G": 2, "B": 3}, "where": {"field": "a", "equals": "b,c"},
        });
        let api::HeaderStylesResponse::Ok { body } = client
            .header_styles(api::HeaderStylesRequest {
                x_scalar: typed(&sent["scalar"]),
                x_list: typed(&sent["list"]),
                x_listx: typed(&sent["listx"]),
                x_obj: typed(&sent["obj"]),
                x_objx: typed(&sent["objx"]),
                x_where: typed(&sent["where"]),
            })
            .await
            .expect("header styles");
        assert_eq!(echoed(body), sent);

        let sent = json!({
            "session": "abc", "tags": ["a", "b"], "csv": [1, 2],
            "point": {"x": 1.0, "y": 2.0, "label": "été; x=y"}, "rgb": {"R": 1, "G": 2},
            "prefs": {"theme": "dark"},
        });
        let api::CookieStylesResponse::Ok { body } = client
            .cookie_styles(api::CookieStylesRequest {
                session: typed(&sent["session"]),
                tags: typed(&sent["tags"]),
                csv: typed(&sent["csv"]),
                point: typed(&sent["point"]),
                rgb: typed(&sent["rgb"]),
                prefs: typed(&sent["prefs"]),
            })
            .await
            .expect("cookie styles");
        assert_eq!(echoed(body), sent);
    }
}

/// The two operations whose objects take the query keys no other parameter names,
/// through both clients: `restLists` reads back its declared `own` and every list of
/// repeated keys as sent; `restTwice`'s two free-form objects both receive every
/// remaining key (nothing in the query says whose a key is), so what comes back for
/// each is the union of what was sent in both, and equal maps round-trip as they are.
#[tokio::test]
async fn the_client_writes_the_remaining_keys_as_the_server_reads_them() {
    let router = api::router(Arc::new(Styles));
    let http = support::start(router.clone()).await;
    let clients = [
        api::client::Client::in_process(router),
        api::client::Client::http(&http.url("")),
    ];
    for client in clients {
        let sent = json!({"rest": {"own": true, "a": ["1", "2"], "b": ["x y", "&="]}});
        let api::RestListsResponse::Ok { body } = client
            .rest_lists(api::RestListsRequest {
                rest: typed(&sent["rest"]),
            })
            .await
            .expect("rest as lists");
        assert_eq!(echoed(body), sent);
        let api::RestListsResponse::Ok { body } = client
            .rest_lists(api::RestListsRequest::default())
            .await
            .expect("no rest");
        assert_eq!(echoed(body), json!({"rest": null}));

        let sent = json!({
            "q": "a&b", "filter": {"name": "asc", "size": "desc"},
            "sort_by": {"name": "asc", "size": "desc"},
        });
        let api::RestTwiceResponse::Ok { body } = client
            .rest_twice(api::RestTwiceRequest {
                q: typed(&sent["q"]),
                filter: typed(&sent["filter"]),
                sort_by: typed(&sent["sort_by"]),
            })
            .await
            .expect("two free-form objects");
        assert_eq!(echoed(body), sent);
        // One object's keys are the other's too: the query cannot say otherwise.
        let api::RestTwiceResponse::Ok { body } = client
            .rest_twice(api::RestTwiceRequest {
                q: None,
                filter: typed(&json!({"name": "asc"})),
                sort_by: typed(&json!({"size": "desc"})),
            })
            .await
            .expect("keys of both");
        assert_eq!(
            echoed(body),
            json!({
                "q": null, "filter": {"name": "asc", "size": "desc"},
                "sort_by": {"name": "asc", "size": "desc"},
            })
        );
    }
}
