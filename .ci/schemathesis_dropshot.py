"""Schemathesis hook for specs written by Dropshot (Oxide's nexus): the formats Dropshot
writes for Rust's integer types (`uint8` .. `uint64`, `int8` .. `int64`) and for an IP
address (`ip`) are not JSON Schema's, so schemathesis reads them as no constraint at all
and sends values no server built from the spec takes (a `uint32` of 38,210,630,964, an
`ip` of "0"). Before the spec is loaded, each is written as the JSON Schema it stands
for: the integer's bounds, and an IPv4 or IPv6 address.

Dropshot's `Hostname` pattern ends each label with a lookbehind, `(?<!-)`, which
hypothesis cannot write strings for: it draws strings and throws away those that do not
match, and under its CI profile (derandomized) it drew for `instance_create`'s
`hostname` for over an hour. The pattern is given as the same language without the
lookbehind (a label is a letter or digit, then letters, digits and hyphens ending in a
letter or digit), so the strings are written, not filtered; the mock still checks the
spec's own pattern.

Used by .ci/schemathesis-mock through SCHEMATHESIS_HOOKS.
"""

import schemathesis

BOUNDS = {
    "uint8": (0, 2**8 - 1),
    "uint16": (0, 2**16 - 1),
    "uint32": (0, 2**32 - 1),
    "uint64": (0, 2**64 - 1),
    "int8": (-(2**7), 2**7 - 1),
    "int16": (-(2**15), 2**15 - 1),
    "int32": (-(2**31), 2**31 - 1),
    "int64": (-(2**63), 2**63 - 1),
}


# Patterns hypothesis cannot write strings for, each with one of the same language that
# it can.
PATTERNS = {
    r"^([a-zA-Z0-9]+[a-zA-Z0-9\-]*(?<!-))(\.[a-zA-Z0-9]+[a-zA-Z0-9\-]*(?<!-))*$":
        r"^([a-zA-Z0-9]([a-zA-Z0-9\-]*[a-zA-Z0-9])?)(\.[a-zA-Z0-9]([a-zA-Z0-9\-]*[a-zA-Z0-9])?)*$",
}


def _declares(node, kind):
    declared = node.get("type")
    return declared == kind or (isinstance(declared, list) and kind in declared)


def _standardize(node):
    if isinstance(node, list):
        for item in node:
            _standardize(item)
        return
    if not isinstance(node, dict):
        return
    fmt = node.get("format")
    if isinstance(fmt, str) and fmt in BOUNDS and _declares(node, "integer"):
        low, high = BOUNDS[fmt]
        if not isinstance(node.get("minimum"), (int, float)) or node["minimum"] < low:
            node["minimum"] = low
        if not isinstance(node.get("maximum"), (int, float)) or node["maximum"] > high:
            node["maximum"] = high
    elif fmt == "ip" and _declares(node, "string"):
        del node["format"]
        node.setdefault("anyOf", [{"format": "ipv4"}, {"format": "ipv6"}])
    pattern = node.get("pattern")
    if isinstance(pattern, str) and pattern in PATTERNS:
        node["pattern"] = PATTERNS[pattern]
    for value in list(node.values()):
        _standardize(value)


@schemathesis.hook
def before_load_schema(ctx, raw_schema):
    _standardize(raw_schema)
