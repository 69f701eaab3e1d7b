//! `specs/refs.yaml` served on 127.0.0.1 and called over real HTTP: references of every
//! component kind followed.

mod support;

use std::sync::Arc;

use serde_json::{json, Value};
use specfirst_fixture_buildrs::refs;
use specfirst_runtime::{HttpError, RequestContext};

struct Trees;

fn depth(node: &refs::types::Node) -> u64 {
    1 + node.children.iter().flatten().map(depth).max().unwrap_or(0)
}

impl refs::RefsApi for Trees {
    async fn plant_tree(
        &self,
        _ctx: RequestContext,
        r: refs::PlantTreeRequest,
    ) -> Result<refs::PlantTreeResponse, HttpError> {
        assert_eq!(
            r.x_trace.as_deref().map(String::as_str),
            Some("t-1"),
            "a parameter reached through two references"
        );
        Ok(refs::PlantTreeResponse::Created {
            x_depth: depth(&r.body),
            body: r.body,
        })
    }

    async fn get_tree(
        &self,
        _ctx: RequestContext,
        r: refs::GetTreeRequest,
    ) -> Result<refs::GetTreeResponse, HttpError> {
        let body = refs::types::Node {
            name: format!("tree {}", r.tree_id),
            children: None,
            parent: None,
        };
        Ok(refs::GetTreeResponse::Ok { x_depth: 1, body })
    }

    async fn get_tree_forest(
        &self,
        ctx: RequestContext,
        r: refs::GetTreeForestRequest,
    ) -> Result<refs::GetTreeForestResponse, HttpError> {
        let refs::GetTreeResponse::Ok { x_depth, body } = self
            .get_tree(ctx, refs::GetTreeRequest { tree_id: r.tree_id })
            .await?;
        Ok(refs::GetTreeForestResponse::Ok { x_depth, body })
    }

    async fn list_species(
        &self,
        _ctx: RequestContext,
        r: refs::ListSpeciesRequest,
    ) -> Result<refs::ListSpeciesResponse, HttpError> {
        let all = [("PIN", "needle"), ("OAK", "broad")];
        let wanted = r.leaf.map(|leaf| leaf.to_string());
        // The trace, when given, is each species' family: what the header carried.
        let family = r.x_trace.map(|trace| trace.0);
        let body = all
            .iter()
            .filter(|(_, leaf)| wanted.is_none() || wanted.as_deref() == Some(*leaf))
            .map(|(code, leaf)| {
                let mut species = json!({"code": code, "leaf": leaf});
                if let Some(family) = &family {
                    species["family"] = json!(family);
                }
                serde_json::from_value(species)
            })
            .collect::<Result<Vec<refs::types::Species>, _>>()
            .map_err(|e| HttpError::for_internal_error(e.to_string()))?;
        Ok(refs::ListSpeciesResponse::Ok { body })
    }

    async fn post_note(
        &self,
        _ctx: RequestContext,
        r: refs::PostNoteRequest,
    ) -> Result<refs::PostNoteResponse, HttpError> {
        Ok(refs::PostNoteResponse::Ok { body: r.body })
    }

    async fn get_species(
        &self,
        _ctx: RequestContext,
        r: refs::GetSpeciesRequest,
    ) -> Result<refs::GetSpeciesResponse, HttpError> {
        let body =
            serde_json::from_value(json!({"code": r.code, "leaf": "broad", "family": "Fagaceae"}))
                .map_err(|e| HttpError::for_internal_error(e.to_string()))?;
        Ok(refs::GetSpeciesResponse::Ok { body })
    }
}

#[tokio::test]
async fn references_of_every_kind_are_followed() {
    let http = support::start(refs::router(Arc::new(Trees))).await;
    let tree =
        json!({"name": "oak", "children": [{"name": "branch", "children": [{"name": "twig"}]}]});
    let response = http
        .post("/trees")
        .header("x-trace", "t-1")
        .json(&tree)
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 201);
    assert_eq!(response.headers()["x-depth"], "3");
    assert_eq!(response.json::<Value>().await.expect("json"), tree);

    // `/forest/{treeId}` is a reference to the path item of `/trees/{treeId}`.
    for path in ["/trees/7", "/forest/7"] {
        let response = http.get(path).send().await.expect("request");
        assert_eq!(response.status(), 200, "{path}");
        assert_eq!(
            response.json::<Value>().await.expect("json")["name"],
            "tree 7"
        );
    }

    // References into the middle of schemas share the types of their targets.
    let needles: Value = http
        .get("/species?leaf=needle")
        .send()
        .await
        .expect("request")
        .json()
        .await
        .expect("json");
    assert_eq!(needles, json!([{"code": "PIN", "leaf": "needle"}]));
    let bad_leaf = http
        .get("/species?leaf=scale")
        .send()
        .await
        .expect("request");
    assert_eq!(bad_leaf.status(), 400);
    let oak: Value = http
        .get("/species/OAK")
        .send()
        .await
        .expect("request")
        .json()
        .await
        .expect("json");
    assert_eq!(oak["family"], "Fagaceae");
    let bad_code = http.get("/species/oak").send().await.expect("request");
    assert_eq!(bad_code.status(), 400);
}

#[tokio::test]
async fn a_reference_to_a_response_where_a_schema_belongs_takes_any_value() {
    let http = support::start(refs::router(Arc::new(Trees))).await;
    for note in [json!({"any": [1, "two"]}), json!("text"), json!(null)] {
        let response = http
            .post("/notes")
            .json(&note)
            .send()
            .await
            .expect("request");
        assert_eq!(response.status(), 200, "{note}");
        assert_eq!(response.json::<Value>().await.expect("json"), note);
    }
    // The body must still be JSON.
    let response = http
        .post("/notes")
        .header("content-type", "application/json")
        .body("{")
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 400);
}

/// Optional nullable properties that refer to each other (Stripe's `Customer.discount`
/// and `Discount.customer`) keep typify's boxed `Option`s: as `Nullable`s of each other
/// by value the two types would hold themselves and not compile.
#[test]
fn a_cycle_of_nullable_references_reads_and_writes() {
    let text = json!({"discount": {"customer": {"discount": {}}}});
    let customer: refs::types::Customer = serde_json::from_value(text.clone()).expect("reads");
    let inner = customer
        .discount
        .as_ref()
        .and_then(|discount| discount.customer.as_ref())
        .expect("the customer inside");
    assert!(inner.discount.is_some());
    assert_eq!(serde_json::to_value(&customer).expect("writes"), text);
    let empty: refs::types::Customer =
        serde_json::from_value(json!({"discount": null})).expect("reads null");
    assert!(empty.discount.is_none());
}

/// Every operation of the spec through the typed client, in process and over HTTP:
/// parameters reached through references (a header behind two, a path item behind a
/// component and behind another path, schemas in the middle of others) arrive as sent;
/// a recursive body comes back whole with its required depth header; a body whose
/// schema is a response takes any JSON value as sent.
#[tokio::test]
async fn the_client_round_trips_every_operation() {
    let router = refs::router(Arc::new(Trees));
    let http = support::start(router.clone()).await;
    let clients = [
        refs::client::Client::in_process(router),
        refs::client::Client::http(&http.url("")),
    ];
    for client in clients {
        let tree = json!({"name": "oak", "children": [{"name": "branch", "children": [{"name": "twig"}]}]});
        let refs::PlantTreeResponse::Created { body, x_depth } = client
            .plant_tree(refs::PlantTreeRequest {
                x_trace: Some(serde_json::from_value(json!("t-1")).expect("a trace")),
                body: serde_json::from_value(tree.clone()).expect("a tree"),
            })
            .await
            .expect("planted");
        assert_eq!(
            (serde_json::to_value(body).expect("JSON"), x_depth),
            (tree, 3)
        );
        // The handler holds the trace to be `t-1`; any other is its 500.
        let error = client
            .plant_tree(refs::PlantTreeRequest {
                x_trace: Some(serde_json::from_value(json!("t-2")).expect("a trace")),
                body: serde_json::from_value(json!({"name": "x"})).expect("a tree"),
            })
            .await
            .expect_err("another trace");
        assert_eq!(error.status().map(|s| s.as_u16()), Some(500));

        let refs::GetTreeResponse::Ok { body, x_depth } = client
            .get_tree(refs::GetTreeRequest { tree_id: -7 })
            .await
            .expect("a tree");
        assert_eq!((body.name.as_str(), x_depth), ("tree -7", 1));
        let refs::GetTreeForestResponse::Ok { body, x_depth } = client
            .get_tree_forest(refs::GetTreeForestRequest::new(8))
            .await
            .expect("a tree of the forest");
        assert_eq!((body.name.as_str(), x_depth), ("tree 8", 1));

        let refs::ListSpeciesResponse::Ok { body } = client
            .list_species(refs::ListSpeciesRequest {
                leaf: Some(serde_json::from_value(json!("needle")).expect("a leaf")),
                x_trace: Some(serde_json::from_value(json!("trace 9")).expect("a trace")),
            })
            .await
            .expect("species");
        assert_eq!(
            serde_json::to_value(body).expect("JSON"),
            json!([{"code": "PIN", "leaf": "needle", "family": "trace 9"}])
        );
        let refs::ListSpeciesResponse::Ok { body } = client
            .list_species(refs::ListSpeciesRequest::default())
            .await
            .expect("every species");
        assert_eq!(
            serde_json::to_value(body).expect("JSON"),
            json!([{"code": "PIN", "leaf": "needle"}, {"code": "OAK", "leaf": "broad"}])
        );
        let refs::GetSpeciesResponse::Ok { body } = client
            .get_species(refs::GetSpeciesRequest::new(
                serde_json::from_value(json!("OAK")).expect("a code"),
            ))
            .await
            .expect("a species");
        assert_eq!(
            serde_json::to_value(body).expect("JSON"),
            json!({"code": "OAK", "leaf": "broad", "family": "Fagaceae"})
        );

        for note in [json!({"any": [1, "two"]}), json!("text"), json!(null)] {
            let refs::PostNoteResponse::Ok { body } = client
                .post_note(refs::PostNoteRequest::new(note.clone()))
                .await
                .expect("a note");
            assert_eq!(body, note);
        }
    }
}
