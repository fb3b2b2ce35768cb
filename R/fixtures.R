# Reading and checking conformance cases (fixtures/*.json).
# Mirrors python/lstmparity/suite/fixtures.py: the same checks, the same JSON paths in
# the messages. Arrays become R arrays indexed like the JSON (x[t, b, d] is the
# JSON's x[t-1][b-1][d-1]); token ids and class targets become 1-based.

FORMAT_VERSION <- 1L
REGENERATE_HINT <- "regenerate with `lstmparity fixtures` (or `make fixtures`)"

#' Read and check a conformance case
#'
#' `read_case()` reads one case file, checks it (the fields the JSON Schema
#' `case.schema.json` requires, then every array against the shape the config
#' implies) and converts its arrays to R arrays. `read_fixture()` is the same
#' function. `parse_case()` does the same for a case already decoded with
#' `jsonlite::fromJSON(path, simplifyVector = FALSE)`. `shapes()` gives the shape
#' of every array a case with a given config holds, by JSON path.
#'
#' Any problem (unreadable file, invalid JSON, missing field, wrong shape, NA,
#' NaN, Inf or null in an array, token id or class out of range) raises an
#' error of class `lstmparity_input_error` whose message names the file, the
#' field as a JSON path (e.g. `params.W`) and what was expected (e.g.
#' `expected a 3 x 16 matrix, got 3 x 15`). The condition also carries
#' `file` and `field`.
#'
#' Shapes in R: `x`, `proj` and the per-step expected tensors are arrays of dim
#' `c(T, B, .)`; matrices keep the JSON's rows (`W[d, k]` is the JSON's
#' `W[d-1][k-1]`); `b`, `by` are vectors. Dimensions of size 1 are kept.
#' `inputs$tokens` and the class `targets` of the softmax heads are 1-based
#' integers; the 0/1 `targets` of `many_to_one_sigmoid` stay 0/1.
#'
#' @param path path of a `.json` case file (also used in messages by `parse_case()`).
#' @param raw the decoded JSON (nested lists).
#' @param config list(`T, B, D, H, V, K, head`, `cell`?, `reset_after`?).
#' @param folder a folder holding case files.
#' @return `read_case()`, `parse_case()`: list(`format_version`, `name`,
#'   `description`, `config`, `tolerance`, `params`, `inputs`, `optimizer`?, `clip`?,
#'   `expected`?). `shapes()`: named list of integer dims. `case_paths()`: sorted paths.
#' @examples
#' shapes(list(T = 2, B = 3, D = 4, H = 5, V = NULL, K = NULL, head = "none"))$params.W
#' @name read_case
NULL

#' @rdname read_case
#' @export
read_case <- function(path) {
  check_case_size(path)
  text <- tryCatch(readChar(path, file.info(path)$size, useBytes = TRUE),
                   error = function(e) input_error(path, NULL, paste("cannot read the file:", conditionMessage(e))),
                   warning = function(w) input_error(path, NULL, paste("cannot read the file:", conditionMessage(w))))
  if (length(text) != 1L || is.na(text)) input_error(path, NULL, "cannot read the file")
  text <- sub("^\xef\xbb\xbf", "", text, useBytes = TRUE) # a UTF-8 byte-order mark is skipped (as in Python)
  raw <- tryCatch(jsonlite::parse_json(text, simplifyVector = FALSE),
                  error = function(e) parse_nonfinite(text, path, conditionMessage(e)))
  if (!is_object(raw)) input_error(path, "(top level)", "expected a JSON object")
  parse_case(raw, path)
}

#' @rdname read_case
#' @export
read_fixture <- read_case

#' @rdname read_case
#' @export
shapes <- function(config) spec_shapes(config)

ARRAY_SECTIONS <- c("params", "inputs", "layer_inputs")

#' @rdname read_case
#' @export
parse_case <- function(raw, path = "<case>") {
  if (!is_object(raw)) input_error(path, "(top level)", "expected a JSON object")
  if (!is.null(raw$format_version) && !identical(raw$format_version, FORMAT_VERSION)) {
    input_error(path, "format_version", sprintf("expected %d, got %s; %s", FORMAT_VERSION,
                                                json_repr(raw$format_version), REGENERATE_HINT))
  }
  validate_case(raw, path)
  config <- raw$config
  for (f in c("T", "B", "D", "H", "V", "K")) if (!is.null(config[[f]])) config[[f]] <- as.integer(config[[f]])
  fields <- c("T", "B", "D", "H", "V", "K", "head", intersect(c("cell", "reset_after"), names(config)))
  config <- config[fields]
  names(config) <- fields
  if (!is.null(config$reset_after) && !identical(config$cell, "gru")) {
    input_error(path, "config.reset_after", sprintf("expected only with config.cell 'gru', got cell '%s'",
                                                    cell_of(config)))
  }
  if ((config$head == "none") != is.null(config$K)) {
    input_error(path, "config.K", "expected null exactly when config.head is 'none'")
  }
  if (config$head == "many_to_one_sigmoid" && config$K != 1L) {
    input_error(path, "config.K", sprintf("expected 1 for head 'many_to_one_sigmoid', got %d", config$K))
  }
  expect <- shapes(config)
  case <- raw[setdiff(names(raw), c("config", ARRAY_SECTIONS, "expected"))]
  case$config <- config
  int_fields <- spec_int_fields()
  for (section in intersect(ARRAY_SECTIONS, names(raw))) {
    case[[section]] <- list()
    for (name in names(raw[[section]])) {
      field <- paste0(section, ".", name)
      if (is.null(expect[[field]])) input_error(path, field, "not expected for this config")
      a <- as_array(path, field, raw[[section]][[name]], expect[[field]])
      if (field %in% int_fields) a <- as_ids(path, field, a, config)
      case[[section]][[name]] <- a
    }
  }
  required <- spec_required(config)
  held <- unlist(lapply(ARRAY_SECTIONS, function(s) if (length(case[[s]])) paste0(s, ".", names(case[[s]]))))
  missing <- setdiff(required, held)
  if (length(missing)) input_error(path, missing[1], "required by config but missing")
  mask <- case$inputs$mask
  if (!is.null(mask) && !all(mask == 0 | mask == 1)) input_error(path, "inputs.mask", "expected only 0 and 1")
  if (!is.null(mask) && !any(mask == 1)) {
    input_error(path, "inputs.mask", "expected at least one valid step (all entries are 0)")
  }
  if (!is.null(raw$expected)) case$expected <- parse_expected(raw$expected, expect, path)
  case
}

#' @rdname read_case
#' @export
case_paths <- function(folder) {
  sort(list.files(folder, pattern = "\\.json$", full.names = TRUE))
}

# Signal the classed input error: "<file>: <field>: <what>".
# Cases larger than LSTMPARITY_MAX_CASE_MB (default 32) are refused before parsing, in well under a
# second; the committed cases are below 0.3 MB. Mirrors fixtures.py: check_case_size().
check_case_size <- function(path) {
  limit <- suppressWarnings(as.numeric(Sys.getenv("LSTMPARITY_MAX_CASE_MB", "32")))
  if (is.na(limit)) limit <- 32
  size <- file.info(path)$size
  if (!is.na(size) && size > limit * 1e6) {
    input_error(path, "(file size)", sprintf(
      "expected a case of at most %g MB, got %.1f MB; set LSTMPARITY_MAX_CASE_MB to read larger cases",
      limit, size / 1e6))
  }
}

input_error <- function(path, field, what) {
  msg <- paste(c(path, field, what), collapse = ": ")
  stop(structure(class = c("lstmparity_input_error", "error", "condition"),
                 list(message = msg, call = NULL, file = path, field = field)))
}

is_object <- function(v) is.list(v) && !is.null(names(v)) && all(names(v) != "")

parse_expected <- function(raw, expect, path) {
  if (!is_object(raw)) input_error(path, "expected", "expected a JSON object")
  for (phase in c("forward", "backward", "grads")) {
    if (!phase %in% names(raw)) input_error(path, paste0("expected.", phase), "required but missing")
  }
  extra <- setdiff(names(raw), c("forward", "backward", "grads", "optimizer_steps"))
  if (length(extra)) input_error(path, paste0("expected.", extra[1]), "not expected (unknown field)")
  out <- list()
  for (phase in c("forward", "backward", "grads")) {
    out[[phase]] <- list()
    for (name in names(raw[[phase]])) {
      field <- paste0("expected.", phase, ".", name)
      value <- raw[[phase]][[name]]
      if (phase == "forward" && name == "loss") {
        out[[phase]][[name]] <- as_array(path, field, value, integer(0))
      } else if (is.null(expect[[field]])) {
        input_error(path, field, "not expected for this config")
      } else {
        out[[phase]][[name]] <- as_array(path, field, value, expect[[field]])
      }
    }
  }
  if (!is.null(raw$optimizer_steps)) {
    out$optimizer_steps <- lapply(seq_along(raw$optimizer_steps), function(k) {
      s <- raw$optimizer_steps[[k]]
      at <- sprintf("expected.optimizer_steps.%d", k - 1L)
      params <- list()
      for (n in names(s$params)) {
        if (is.null(expect[[paste0("params.", n)]])) {
          input_error(path, paste0(at, ".params.", n), "not expected for this config")
        }
        params[[n]] <- as_array(path, paste0(at, ".params.", n), s$params[[n]], expect[[paste0("params.", n)]])
      }
      list(loss = as_array(path, paste0(at, ".loss"), s$loss, integer(0)), params = params)
    })
  }
  out
}

# JSON has no NaN or Infinity; Python's json writes them as bare tokens, which
# jsonlite refuses with a lexical error naming no field. Read them as numbers
# (NaN, Inf, -Inf) so that the checks name the field ("expected finite
# numbers, got NaN at params.W[0][0]"); when that does not parse either, report
# jsonlite's error.
parse_nonfinite <- function(text, path, message) {
  fail <- function(...) input_error(path, NULL, paste("not valid JSON:", message))
  tokens <- "(?<![\\w\".])(-?Infinity|NaN)(?![\\w\"])"
  if (!grepl(tokens, text, perl = TRUE)) fail()
  mark <- "lstmparity:nonfinite:"
  marked <- gsub(tokens, paste0("\"", mark, "\\1\""), text, perl = TRUE)
  raw <- tryCatch(jsonlite::parse_json(marked, simplifyVector = FALSE), error = fail)
  unmark <- function(v) {
    if (is.list(v)) return(if (length(v)) `attributes<-`(lapply(v, unmark), attributes(v)) else v)
    if (is.character(v) && length(v) == 1L && startsWith(v, mark)) {
      return(c("NaN" = NaN, "Infinity" = Inf, "-Infinity" = -Inf)[[substring(v, nchar(mark) + 1L)]])
    }
    v
  }
  raw <- tryCatch(unmark(raw), error = fail) # (deep nesting: recursion limits)
  if (!is_object(raw)) input_error(path, "(top level)", "expected a JSON object")
  raw
}

# --- JSON arrays -> R arrays of a known shape (as fixtures.py: _array(), _ints()) ---

# Nested JSON lists (rows first) -> R array of the given shape, indexed like the
# JSON. shape integer(0) is a single number.
as_array <- function(path, field, value, shape) {
  got <- json_shape(value, length(shape))
  if (is.null(got)) {
    input_error(path, field,
                paste0("expected ", describe(shape), ", got a ragged, non-numeric or too deeply nested array"))
  }
  if (!identical(got, shape)) {
    input_error(path, field, paste0("expected ", describe(shape), ", got ", describe_got(got)))
  }
  flat <- flatten_json(value, length(shape))
  bad <- which(!is.finite(flat))
  if (length(bad)) {
    what <- if (is.nan(flat[bad[1]])) "NaN" else if (is.na(flat[bad[1]])) "null (NA)" else format(flat[bad[1]])
    input_error(path, field, sprintf("expected finite numbers, got %s at %s%s", what, field, json_index(bad[1], shape)))
  }
  switch(length(shape) + 1L,
         flat,
         flat,
         matrix(flat, shape[1], shape[2], byrow = TRUE),
         aperm(array(flat, rev(shape)), 3:1))
}

# The shape of a nested list of numbers (integer(0) for a number or null), or
# NULL when it is ragged, holds something else (a string, true/false, an
# object) or is nested more than `depth` + 1 levels (no deep recursion on
# hostile input).
json_shape <- function(v, depth = 3L) {
  if (is.null(v)) return(integer(0))
  if (is.atomic(v)) {
    if (!is.numeric(v) && !all(is.na(v))) return(NULL)
    return(if (length(v) == 1L && is.null(dim(v))) integer(0) else if (is.null(dim(v))) length(v) else NULL)
  }
  if (!is.list(v) || !is.null(names(v)) || depth < 0L) return(NULL)
  # Level by level (vectorised: a case holds ~10^4 numbers): every node of a level has the same
  # length, and its children are all unnamed lists (one more level) or all leaves.
  shape <- integer(0)
  nodes <- list(v)
  repeat {
    n <- lengths(nodes)
    if (any(n != n[1L])) return(NULL)
    shape <- c(shape, n[1L])
    if (n[1L] == 0L) return(shape)
    kids <- unlist(nodes, recursive = FALSE, use.names = FALSE)
    if (all_numbers(kids)) return(shape)
    lists <- vapply(kids, is.list, NA)
    if (!any(lists)) return(leaf_shape(kids, shape))
    if (!all(lists) || length(shape) > depth) return(NULL)
    if (!is.null(unlist(lapply(kids, names)))) return(NULL) # an object ({} too: its names are character(0))
    nodes <- kids
  }
}

# TRUE when every element of the list `x` is one number: not null, a string, true/false, a list
# or a vector. In one pass of compiled code (unlist, lengths, rapply), not one R call per element.
all_numbers <- function(x) {
  if (!is.list(x)) return(is.numeric(x) && is.null(dim(x)))
  flat <- unlist(x, recursive = FALSE, use.names = FALSE) # a list if x holds one; true/false become 1/0:
  is.numeric(flat) && length(flat) == length(x) && all(lengths(x) == 1L) &&
    is.null(rapply(x, function(e) TRUE, how = "unlist", # so look for them (and for matrices)
                   classes = c("logical", "character", "complex", "raw", "matrix", "array")))
}

# The shape of an array whose last level holds `leaves` (shape: the levels above), or NULL
# when the leaves are not all numbers of one shape (null counts as a number, refused later).
leaf_shape <- function(leaves, shape) {
  inner <- lapply(leaves, json_shape, 0L)
  first <- inner[[1]]
  if (is.null(first) || !all(vapply(inner, identical, logical(1), first))) return(NULL)
  c(shape, first)
}

# Numbers of a nested list of known depth, rows first; null -> NA.
flatten_json <- function(v, depth) {
  if (depth == 0L) return(if (is.null(v)) NA_real_ else as.numeric(v))
  flat <- unlist(v, use.names = FALSE) # rows first; a null (NULL) would be dropped: then element by element
  if (is.numeric(flat) && length(flat) == length_json(v, depth)) return(as.numeric(flat))
  flatten_nested(v, depth)
}

# The number of leaves of a nested list of known depth whose levels are uniform (json_shape()).
length_json <- function(v, depth) {
  n <- 1L
  for (level in seq_len(depth)) {
    n <- n * length(v)
    if (!length(v)) break
    v <- v[[1L]]
  }
  n
}

flatten_nested <- function(v, depth) {
  if (depth == 0L) return(if (is.null(v)) NA_real_ else as.numeric(v))
  if (depth == 1L) {
    if (is.atomic(v)) return(as.numeric(v))
    return(vapply(v, function(e) if (is.null(e)) NA_real_ else as.numeric(e), numeric(1)))
  }
  unlist(lapply(v, flatten_nested, depth - 1L), use.names = FALSE)
}

describe <- function(shape) {
  switch(min(length(shape), 3L) + 1L,
         "a number",
         sprintf("a vector of length %d", shape),
         sprintf("a %d x %d matrix", shape[1], shape[2]),
         sprintf("a %s array", paste(shape, collapse = " x ")))
}

describe_got <- function(got) {
  if (length(got) == 0L) return("a number")
  if (length(got) == 1L) return(sprintf("length %d", got))
  paste(got, collapse = " x ")
}

# The JSON index ([t][b][j], 0-based) of element k (1-based) in row-major order.
json_index <- function(k, shape) {
  if (length(shape) == 0L) return("")
  idx <- integer(length(shape))
  r <- k - 1L
  for (d in rev(seq_along(shape))) {
    idx[d] <- r %% shape[d]
    r <- r %/% shape[d]
  }
  paste0("[", idx, "]", collapse = "")
}

# Token ids and class targets: integers in range, then 1-based (0/1 stays 0/1
# for the sigmoid head's targets).
as_ids <- function(path, field, a, config) {
  if (!all(a == round(a))) input_error(path, field, "expected integers")
  binary <- config$head == "many_to_one_sigmoid"
  upper <- if (field == "inputs.tokens") config$V else if (binary) 2L else config$K
  if (min(a) < 0 || max(a) >= upper) {
    input_error(path, field, sprintf("expected ids in 0..%d, got values from %s to %s", upper - 1L, min(a), max(a)))
  }
  ids <- a
  storage.mode(ids) <- "integer"
  if (field == "inputs.targets" && binary) ids else ids + 1L
}
