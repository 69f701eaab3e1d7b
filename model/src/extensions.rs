//! The `x-specfirst-*` extensions: keys specfirst reads from a spec or writes into the
//! documents it produces.

/// On an operation: the operation's own request body limit in bytes, replacing the
/// server's.
pub const BODY_LIMIT: &str = "x-specfirst-body-max-bytes";

/// Where the runtime's description keeps a JSON text that should have been an object
/// but is not, so a comparison with the spec shows it instead of it vanishing.
pub const UNREADABLE: &str = "x-specfirst-unreadable";

/// On a media type object of a streamed type (`text/event-stream`, JSON Lines,
/// `application/json-seq`): the schema of one item, as OpenAPI 3.2's `itemSchema`
/// gives it, for documents of earlier versions.
pub const ITEM_SCHEMA: &str = "x-specfirst-item-schema";

/// On a request body's multipart media type object: the encodings of its leading parts,
/// by position, as OpenAPI 3.2's `prefixEncoding` gives them, for documents of earlier
/// versions.
pub const PREFIX_ENCODING: &str = "x-specfirst-prefix-encoding";

/// On a request body's multipart media type object: the encoding of every part after the
/// leading ones, as OpenAPI 3.2's `itemEncoding` gives it, for documents of earlier
/// versions.
pub const ITEM_ENCODING: &str = "x-specfirst-item-encoding";

/// Marks a cookie parameter of OpenAPI 3.2's `cookie` style in a document of an earlier
/// version, which has no word for it and says `form`: the 3.1 form the generator reads a
/// 3.2 document in, and the OpenAPI 3.0 document an API description stands for.
pub const COOKIE_STYLE: &str = "x-specfirst-cookie-style";

/// Marks a query parameter that is OpenAPI 3.2's `in: querystring`, the whole query
/// string as one value, in a document of an earlier version, which has no word for it and
/// says `in: query`: the 3.1 form the generator reads a 3.2 document in, and the OpenAPI
/// 3.0 document an API description stands for.
pub const QUERYSTRING: &str = "x-specfirst-querystring";
