"""Schemathesis hook for streamed request bodies: a JSON Lines (or json-seq) body is
described as a string whose items `x-specfirst-item-schema` types, and schemathesis has
no serializer for those media types. The body goes on the wire as the text it generates,
as `text/plain` does.

Used by .ci/schemathesis and .ci/schemathesis-mock through SCHEMATHESIS_HOOKS.
"""

import schemathesis

schemathesis.serializer.alias(
    ["application/x-ndjson", "application/jsonl", "application/json-seq"], "text/plain"
)
