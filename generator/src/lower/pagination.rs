//! Pagination: `x-dropshot-pagination` scans and link-style (`x-ms-pageable`, `next`) pages.

use std::collections::BTreeSet;

use serde_json::{json, Value};

use crate::diagnostic::pointer_join;
use crate::ir::{
    LinkPagination, Location, PageBody, Pagination, Parameter, Response, ResponseBody, SchemaUse,
    StatusSpec,
};
use crate::load::refs::{self};

use super::{schema, Lower};

impl<'a> Lower<'a> {
    /// Splits the scan parameters out of `params` for an operation marked as paginated.
    pub(super) fn pagination(
        &mut self,
        op_pointer: &str,
        type_base: &str,
        params: &mut Vec<Parameter>,
        responses: &[Response],
    ) -> Option<Pagination> {
        let (key, marker) = ["x-dropshot-pagination", "x-pagination"]
            .iter()
            .find_map(|key| {
                let pointer = pointer_join(op_pointer, key);
                self.doc
                    .node(&pointer)
                    .map(|value| (pointer, value.clone()))
            })?;
        let required: Vec<String> = match &marker {
            Value::Bool(false) => return None,
            Value::Bool(true) | Value::Null => Vec::new(),
            Value::Object(map) => match map.get("required") {
                None => Vec::new(),
                Some(Value::Array(names)) if names.iter().all(Value::is_string) => names
                    .iter()
                    .filter_map(|n| n.as_str().map(str::to_string))
                    .collect(),
                Some(_) => {
                    self.problem(
                        pointer_join(&key, "required"),
                        "`required` must be a list of query parameter names",
                    );
                    return None;
                }
            },
            _ => {
                self.problem(
                    key,
                    "expected `true` or an object such as `{\"required\": []}`",
                );
                return None;
            }
        };
        if !params
            .iter()
            .any(|p| p.location == Location::Query && p.name == "page_token")
        {
            self.problem(
                key,
                "a paginated operation must declare the `page_token` query parameter (and usually `limit`)",
            );
            return None;
        }
        let mut scan = Vec::new();
        let mut runtime_params = Vec::new();
        params.retain(|p| {
            if p.location != Location::Query || p.name == "limit" || p.name == "page_token" {
                if p.location == Location::Query {
                    runtime_params.push(p.clone());
                }
                return p.location != Location::Query;
            }
            scan.push(p.clone());
            false
        });
        let mut required_by_marker = Vec::new();
        for name in &required {
            match scan.iter_mut().find(|p| &p.name == name) {
                Some(param) => {
                    if !param.required {
                        required_by_marker.push(name.clone());
                    }
                    param.required = true;
                }
                None => self.problem(
                    pointer_join(&key, "required"),
                    format!("`{name}` is not a query parameter of this operation"),
                ),
            }
        }
        Some(Pagination {
            scan,
            scan_type: format!("{type_base}Scan"),
            marker_type: format!("{type_base}Marker"),
            page: self.page_body(responses),
            runtime_params,
            required_by_marker,
        })
    }

    /// Azure's `x-ms-pageable`: the page body's items and next-link fields, when the page
    /// is a named schema holding exactly those two.
    pub(super) fn link_pagination(
        &mut self,
        op_pointer: &str,
        responses: &[Response],
    ) -> Option<LinkPagination> {
        let pointer = pointer_join(op_pointer, "x-ms-pageable");
        let marker = self.doc.node(&pointer)?;
        let Some(marker) = marker.as_object() else {
            self.problem(
                pointer,
                "`x-ms-pageable` must be an object such as `{\"nextLinkName\": \"nextLink\"}`",
            );
            return None;
        };
        let next = marker.get("nextLinkName").and_then(Value::as_str)?;
        let items = marker
            .get("itemName")
            .and_then(Value::as_str)
            .unwrap_or("value");
        let body = self.page_body_with(responses, items, next)?;
        Some(LinkPagination {
            body,
            items_field: schema::typify_field_name(items),
            next_field: schema::typify_field_name(next),
        })
    }

    /// The `{items, next_page}` body of the first success response, when both the page
    /// and its items are named component schemas.
    pub(super) fn page_body(&self, responses: &[Response]) -> Option<PageBody> {
        self.page_body_with(responses, "items", "next_page")
    }

    /// The `{<items>, <next>}` body of the first success response, when both the page and
    /// its items are named component schemas.
    pub(super) fn page_body_with(
        &self,
        responses: &[Response],
        items_key: &str,
        next_key: &str,
    ) -> Option<PageBody> {
        let schema = responses.iter().find_map(|r| match (&r.status, &r.body) {
            (StatusSpec::Code(200..=299), Some(ResponseBody::Json { schema, .. })) => Some(schema),
            _ => None,
        })?;
        let reference = schema.schema.get("$ref")?.as_str()?;
        let raw = self.doc.node(&refs::local_pointer(reference)?)?;
        let properties = raw.get("properties")?.as_object()?;
        let keys: BTreeSet<&str> = properties.keys().map(String::as_str).collect();
        if keys != BTreeSet::from([items_key, next_key]) {
            return None;
        }
        // The runtime's pages hold the next marker as an `Option`; a required one is a
        // plain field the conversion cannot fill on the last page.
        let next = properties.get(next_key)?;
        let required = raw
            .get("required")
            .and_then(Value::as_array)
            .is_some_and(|names| names.iter().any(|name| name == next_key));
        let nullable = next.get("nullable") == Some(&Value::Bool(true))
            || next
                .get("type")
                .and_then(Value::as_array)
                .is_some_and(|types| types.iter().any(|t| t == "null"));
        if required && !nullable {
            return None;
        }
        let items = properties.get(items_key)?;
        if items.get("type")?.as_str()? != "array" {
            return None;
        }
        let item_ref = items.get("items")?.get("$ref")?.as_str()?;
        refs::component_schema_name(item_ref)?;
        Some(PageBody {
            page: schema.clone(),
            item: SchemaUse {
                schema: json!({ "$ref": item_ref }),
                name_hint: String::new(),
            },
        })
    }
}
