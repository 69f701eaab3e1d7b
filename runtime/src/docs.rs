//! The API's documentation page ([`RouterOptions::docs_path`](crate::RouterOptions)):
//! Swagger UI over the served document, its code bundled into the binary (the `docs`
//! feature, through the swagger-ui-dist crate), so the page works without the Internet.
//!
//! The page is written here rather than taken from swagger-ui-dist, whose own page puts
//! the request's whole URI (query string included) in front of its asset paths and the
//! title in the HTML unescaped; only its assets are used, under `{docs_path}/assets`.

use axum::response::Html;
use axum::routing::get;
use axum::Router;

/// The routes of the page at `docs_path` (and `docs_path/`) and its assets, for the
/// document served at `openapi_path`.
pub(crate) fn routes(docs_path: &str, openapi_path: &str, document: &str) -> Router {
    let page = Html(page(docs_path, openapi_path, &title(document)));
    let assets = swagger_ui_dist::generate_routes(swagger_ui_dist::ApiDefinition {
        uri_prefix: format!("{docs_path}/assets"),
        api_definition: swagger_ui_dist::OpenApiSource::Uri(openapi_path.to_string()),
        title: None,
    });
    let again = page.clone();
    Router::new()
        .route(docs_path, get(move || async move { page }))
        .route(&format!("{docs_path}/"), get(move || async move { again }))
        .merge(assets)
}

/// The document's `info.title`, or a plain name when it has none.
fn title(document: &str) -> String {
    let document: serde_json::Value = serde_json::from_str(document).unwrap_or_default();
    match document
        .pointer("/info/title")
        .and_then(|title| title.as_str())
    {
        Some(title) if !title.trim().is_empty() => title.to_string(),
        _ => "API documentation".to_string(),
    }
}

/// The HTML of the page.
pub(crate) fn page(docs_path: &str, openapi_path: &str, title: &str) -> String {
    let assets = format!("{docs_path}/assets");
    // In a script, a string written as JSON is a JavaScript string; `<` is escaped too
    // so that no `</script>` can end the script early.
    let spec_url = serde_json::to_string(openapi_path)
        .unwrap_or_else(|_| "\"\"".into())
        .replace('<', "\\u003c");
    format!(
        r##"<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{title}</title>
  <link rel="stylesheet" href="{assets}/swagger-ui.css">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="{assets}/swagger-ui-bundle.js"></script>
  <script>
    window.onload = function () {{
      window.ui = SwaggerUIBundle({{
        url: {spec_url},
        dom_id: "#swagger-ui",
        displayOperationId: true,
        deepLinking: true,
        validatorUrl: null
      }});
    }};
  </script>
</body>
</html>
"##,
        title = escape(title),
        assets = escape(&assets),
    )
}

/// `text` safe inside HTML text and attribute values.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_points_at_the_document_and_its_assets() {
        let html = page("/docs", "/openapi.json", "Books <& co>");
        assert!(
            html.contains("<title>Books &lt;&amp; co&gt;</title>"),
            "{html}"
        );
        assert!(html.contains(r#"src="/docs/assets/swagger-ui-bundle.js""#));
        assert!(html.contains(r#"href="/docs/assets/swagger-ui.css""#));
        assert!(html.contains(r#"url: "/openapi.json","#));
        // Nothing is fetched from elsewhere.
        assert!(!html.contains("http"), "{html}");
    }

    #[test]
    fn a_path_cannot_end_the_script() {
        let html = page("/docs", "/x</script><script>alert(1)", "T");
        assert!(!html.contains("</script><script>alert"), "{html}");
    }

    #[test]
    fn the_title_comes_from_the_document() {
        assert_eq!(title(r#"{"info": {"title": "Shelf"}}"#), "Shelf");
        assert_eq!(title("{}"), "API documentation");
        assert_eq!(title("not json"), "API documentation");
    }
}
