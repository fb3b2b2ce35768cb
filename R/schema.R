# Validating a decoded case against the case schema (inst/schema/case.schema.json,
# the same file Python's reader validates with jsonschema), so that both readers
# refuse the same files. A small JSON Schema (draft 2020-12) walker for the
# keywords the schema uses: type, required, properties, additionalProperties,
# items, enum, const, pattern, minimum, maximum, exclusiveMinimum,
# exclusiveMaximum, minLength, minProperties, maxProperties, anyOf, $ref ($defs).
# A keyword it does not know is an error (so a schema change cannot be skipped
# silently). Messages follow jsonschema's wording.

SCHEMA_KEYWORDS <- c("type", "required", "properties", "additionalProperties", "items", "enum", "const",
                     "pattern", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "minLength",
                     "minProperties", "maxProperties", "anyOf", "$ref",
                     # annotations: no effect on validation
                     "$schema", "$id", "$defs", "title", "description")

# The case schema (JSON Schema draft 2020-12), shipped with the package.
case_schema <- function() inst_json("schema/case.schema.json")

# The first way `value` breaks `schema`, as list(where = JSON path, message), or
# NULL when it is valid. A missing or unexpected key is named in the path (as
# fixtures.py does). `root` resolves "#/$defs/..." references.
schema_error <- function(value, schema, root = schema, where = character(0)) {
  unknown <- setdiff(names(schema), SCHEMA_KEYWORDS)
  if (length(unknown)) stop(sprintf("case schema: keyword '%s' is not supported by R/schema.R", unknown[1]))
  fail <- function(message) list(where = where, message = message)
  if (!is.null(schema[["$ref"]])) {
    e <- schema_error(value, resolve_ref(schema[["$ref"]], root), root, where)
    if (!is.null(e)) return(e)
  }
  if (!is.null(schema$type) && !any(vapply(unlist(schema$type), json_is, logical(1), value = value))) {
    types <- paste0("'", unlist(schema$type), "'", collapse = ", ")
    return(fail(sprintf("%s is not of type %s", json_repr(value), types)))
  }
  if (!is.null(schema$const) && !identical(json_repr(value), json_repr(schema$const))) {
    return(fail(sprintf("%s was expected", json_repr(schema$const))))
  }
  choices <- vapply(schema$enum, json_repr, "")
  if (!is.null(schema$enum) && !json_repr(value) %in% choices) {
    return(fail(sprintf("%s is not one of [%s]", json_repr(value), paste(choices, collapse = ", "))))
  }
  if (is.character(value) && length(value) == 1L) {
    if (!is.null(schema$minLength) && nchar(value) < schema$minLength) {
      return(fail(sprintf("%s is too short (minLength %d)", json_repr(value), schema$minLength)))
    }
    if (!is.null(schema$pattern) && !grepl(schema$pattern, value, perl = TRUE)) {
      return(fail(sprintf("%s does not match '%s'%s", json_repr(value), schema$pattern, why(schema))))
    }
  }
  if (json_is("number", value)) {
    bound <- function(key, bad, words) {
      if (!is.null(schema[[key]]) && bad(value, schema[[key]])) {
        fail(sprintf("%s is %s %s%s", json_num(value), words, json_num(schema[[key]]), why(schema)))
      }
    }
    e <- bound("minimum", `<`, "less than the minimum of") %||%
      bound("maximum", `>`, "greater than the maximum of") %||%
      bound("exclusiveMinimum", `<=`, "less than or equal to the minimum of") %||%
      bound("exclusiveMaximum", `>=`, "greater than or equal to the maximum of")
    if (!is.null(e)) return(e)
  }
  if (json_is("object", value)) {
    for (key in unlist(schema$required)) {
      if (!key %in% names(value)) {
        return(list(where = c(where, key), message = sprintf("'%s' is a required property", key)))
      }
    }
    if (!is.null(schema$minProperties) && length(value) < schema$minProperties) {
      return(fail(sprintf("%s should be non-empty", json_repr(value))))
    }
    if (!is.null(schema$maxProperties) && length(value) > schema$maxProperties) {
      return(fail(sprintf("%s has too many properties (at most %d)", json_repr(value), schema$maxProperties)))
    }
    for (key in names(value)) {
      sub <- schema$properties[[key]]
      if (is.null(sub)) {
        extra <- schema$additionalProperties
        if (isFALSE(extra)) {
          return(list(where = c(where, key),
                      message = sprintf("Additional properties are not allowed ('%s' was unexpected)", key)))
        }
        if (is.list(extra)) sub <- extra
      }
      if (!is.null(sub)) {
        e <- schema_error(value[[key]], sub, root, c(where, key))
        if (!is.null(e)) return(e)
      }
    }
  }
  if (json_is("array", value) && !is.null(schema$items)) {
    for (k in seq_along(value)) {
      e <- schema_error(value[[k]], schema$items, root, c(where, as.character(k - 1L)))
      if (!is.null(e)) return(e)
    }
  }
  if (!is.null(schema$anyOf)) {
    ok <- vapply(schema$anyOf, function(s) is.null(schema_error(value, s, root, where)), logical(1))
    if (!any(ok)) return(fail(sprintf("%s is not valid under any of the given schemas", json_repr(value))))
  }
  NULL
}

`%||%` <- function(a, b) if (is.null(a)) b else a

# " (the schema's description)" for the keywords whose reason is worth saying (as fixtures.py does).
why <- function(schema) if (is.null(schema$description)) "" else paste0(" (", schema$description, ")")

resolve_ref <- function(ref, root) {
  if (!startsWith(ref, "#/")) stop(sprintf("case schema: only local references are supported, got '%s'", ref))
  node <- root
  for (part in strsplit(substring(ref, 3L), "/", fixed = TRUE)[[1]]) node <- node[[part]]
  if (is.null(node)) stop(sprintf("case schema: reference '%s' not found", ref))
  node
}

# JSON types of a value decoded by jsonlite::parse_json(simplifyVector = FALSE):
# objects are named lists ({} is a named empty list), arrays unnamed lists.
json_is <- function(type, value) {
  switch(type,
         object = is.list(value) && !is.null(names(value)),
         array = is.list(value) && is.null(names(value)),
         string = is.character(value) && length(value) == 1L,
         boolean = is.logical(value) && length(value) == 1L && !is.na(value),
         null = is.null(value),
         number = is.numeric(value) && length(value) == 1L,
         integer = is.numeric(value) && length(value) == 1L && is.finite(value) && value == round(value),
         stop(sprintf("case schema: unknown type '%s'", type)))
}

json_num <- function(v) {
  if (is.numeric(v) && v == round(v) && abs(v) < 1e15) format(v, scientific = FALSE) else format(v, digits = 15)
}

# A short JSON rendering of a value for messages.
json_repr <- function(v) {
  if (is.null(v)) return("null")
  if (is.list(v)) {
    text <- as.character(jsonlite::toJSON(v, auto_unbox = TRUE, null = "null", digits = NA))
    return(if (nchar(text) > 60) paste0(substr(text, 1, 57), "...") else text)
  }
  if (is.character(v)) return(paste0("'", v, "'"))
  if (is.logical(v)) return(if (is.na(v)) "NA" else if (v) "True" else "False")
  json_num(v)
}

# The decoded case with every row of numbers emptied (schema validation stays
# fast on a large case; the arrays are checked element by element afterwards),
# refusing non-finite scalars and objects holding a key twice (as fixtures.py: _skeleton()).
MAX_DEPTH <- 32L # a case nests 5 levels (expected.forward.h[t][b][j]); deeper is hostile input

case_skeleton <- function(value, path, where = character(0)) {
  field <- function(w) if (length(w)) paste(w, collapse = ".") else "(top level)"
  if (length(where) > MAX_DEPTH) {
    input_error(path, field(where[seq_len(2L)]), sprintf(
      "expected at most %d levels of nesting, got a JSON value nested deeper (too deeply nested)", MAX_DEPTH))
  }
  if (is.list(value)) {
    keys <- names(value)
    if (!is.null(keys)) {
      dup <- keys[duplicated(keys)]
      if (length(dup)) {
        input_error(path, field(c(where, dup[1])), sprintf(paste(
          "duplicate key: the object holds '%s' more than once",
          "(expected each key once; readers would disagree on which value counts)"), dup[1]))
      }
      for (k in keys) value[k] <- list(case_skeleton(value[[k]], path, c(where, k)))
      return(value)
    }
    if (numeric_nest(value, MAX_DEPTH - length(where))) return(list())
    children <- lapply(seq_along(value), function(k) case_skeleton(value[[k]], path, c(where, as.character(k - 1L))))
    emptied <- vapply(children, function(ch) is.list(ch) && !length(ch) && is.null(names(ch)), logical(1))
    if (length(children) && all(emptied)) {
      return(list())
    }
    return(children)
  }
  if (is.numeric(value) && length(value) == 1L && !is.finite(value)) {
    input_error(path, field(where), sprintf(paste("expected a finite number, got %s",
                                                  "(JSON has no NaN/Infinity, and 1e999 overflows)"), format(value)))
  }
  value
}

# TRUE when `value` (an unnamed list) is an array of numbers nested level by level: every node of
# a level an unnamed list, down to a level of numbers only; case_skeleton() would collapse it to
# list() element by element, this finds it level by level (vectorised: a case holds ~10^4 numbers).
# FALSE for anything else (objects, strings, null, mixed levels, nesting past `levels`): then
# case_skeleton() walks it and says what is wrong.
numeric_nest <- function(value, levels) {
  nodes <- value
  for (level in seq_len(max(levels, 0L))) {
    if (!length(nodes)) return(TRUE)
    if (all(vapply(nodes, is.numeric, NA)) && all(lengths(nodes) == 1L)) return(TRUE)
    if (!all(vapply(nodes, is.list, NA)) || !is.null(unlist(lapply(nodes, names)))) return(FALSE) # {} too
    nodes <- unlist(nodes, recursive = FALSE, use.names = FALSE)
  }
  FALSE
}

# Refuse a case that breaks the schema: "<file>: <JSON path>: <what>".
validate_case <- function(raw, path) {
  e <- schema_error(case_skeleton(raw, path), case_schema())
  if (!is.null(e)) input_error(path, if (length(e$where)) paste(e$where, collapse = ".") else "(top level)", e$message)
  invisible(raw)
}
