# The checks read_case() applies: the parts of case.schema.json that matter to a
# reader, and the conversion of nested JSON lists to R arrays of a known shape.

TOP_REQUIRED <- c("format_version", "name", "description", "config", "tolerance", "params", "inputs")
TOP_OPTIONAL <- c("optimizer", "clip", "expected")

check_top_level <- function(raw, path) {
  if (!is_object(raw)) input_error(path, "(top level)", "expected a JSON object")
  for (f in TOP_REQUIRED) if (!f %in% names(raw)) input_error(path, f, "required but missing")
  extra <- setdiff(names(raw), c(TOP_REQUIRED, TOP_OPTIONAL))
  if (length(extra)) input_error(path, extra[1], "not expected (unknown field)")
  if (!identical(as.integer(raw$format_version), FORMAT_VERSION)) {
    input_error(path, "format_version", sprintf("expected %d, got %s; %s", FORMAT_VERSION,
                                                format(raw$format_version), REGENERATE_HINT))
  }
  for (f in c("name", "description")) {
    if (!is.character(raw[[f]]) || length(raw[[f]]) != 1L || !nzchar(raw[[f]])) {
      input_error(path, f, "expected a non-empty string")
    }
  }
  for (f in c("params", "inputs", "tolerance")) {
    if (!is.list(raw[[f]]) || (length(raw[[f]]) && !is_object(raw[[f]]))) input_error(path, f, "expected a JSON object")
  }
  for (f in c("rtol", "atol")) check_number(raw$tolerance[[f]], path, paste0("tolerance.", f), min = 0)
  if (!is.null(raw$optimizer)) check_optimizer(raw$optimizer, path)
  if (!is.null(raw$clip)) {
    clip <- raw$clip
    if (!is_object(clip) || length(clip) != 1L || !names(clip) %in% c("max_norm", "value")) {
      input_error(path, "clip", "expected {\"max_norm\": x} or {\"value\": x}")
    }
    check_number(clip[[1]], path, paste0("clip.", names(clip)), min = 0, open = TRUE)
  }
  invisible(raw)
}

check_config <- function(config, path) {
  if (!is_object(config)) input_error(path, "config", "expected a JSON object")
  for (f in c("T", "B", "D", "H", "V", "K", "head")) {
    if (!f %in% names(config)) input_error(path, paste0("config.", f), "required but missing")
  }
  extra <- setdiff(names(config), c("T", "B", "D", "H", "V", "K", "head"))
  if (length(extra)) input_error(path, paste0("config.", extra[1]), "not expected (unknown field)")
  for (f in c("T", "B", "D", "H")) config[[f]] <- check_size(config[[f]], path, paste0("config.", f))
  for (f in c("V", "K")) {
    if (!is.null(config[[f]])) config[[f]] <- check_size(config[[f]], path, paste0("config.", f))
  }
  if (!is.character(config$head) || length(config$head) != 1L || !config$head %in% HEADS) {
    input_error(path, "config.head", paste("expected one of", paste(HEADS, collapse = ", ")))
  }
  if ((config$head == "none") != is.null(config$K)) {
    input_error(path, "config.K", "expected null exactly when config.head is 'none'")
  }
  config[c("T", "B", "D", "H", "V", "K", "head")]
}

check_optimizer <- function(opt, path) {
  if (!is_object(opt)) input_error(path, "optimizer", "expected a JSON object")
  known <- c("name", "lr", "steps", "momentum", "beta1", "beta2", "eps")
  extra <- setdiff(names(opt), known)
  if (length(extra)) input_error(path, paste0("optimizer.", extra[1]), "not expected (unknown field)")
  if (!identical(opt$name, "sgd") && !identical(opt$name, "adam")) {
    input_error(path, "optimizer.name", "expected \"sgd\" or \"adam\"")
  }
  check_number(opt$lr, path, "optimizer.lr", min = 0, open = TRUE)
  check_size(opt$steps, path, "optimizer.steps")
  for (f in c("momentum", "beta1", "beta2", "eps")) {
    if (!is.null(opt[[f]])) check_number(opt[[f]], path, paste0("optimizer.", f), min = 0)
  }
  invisible(opt)
}

check_number <- function(v, path, field, min = -Inf, open = FALSE) {
  ok <- is.numeric(v) && length(v) == 1L && is.finite(v) && (if (open) v > min else v >= min)
  if (!ok) input_error(path, field, sprintf("expected a finite number %s %s", if (open) ">" else ">=", min))
  invisible(v)
}

check_size <- function(v, path, field) {
  if (!is.numeric(v) || length(v) != 1L || !is.finite(v) || v != round(v) || v < 1) {
    input_error(path, field, "expected an integer >= 1")
  }
  as.integer(v)
}

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
  if (length(v) == 0L) return(0L)
  inner <- lapply(v, json_shape, depth - 1L)
  first <- inner[[1]]
  if (is.null(first) || !all(vapply(inner, identical, logical(1), first))) return(NULL)
  c(length(v), first)
}

# Numbers of a nested list of known depth, rows first; null -> NA.
flatten_json <- function(v, depth) {
  if (depth == 0L) return(if (is.null(v)) NA_real_ else as.numeric(v))
  if (depth == 1L) {
    if (is.atomic(v)) return(as.numeric(v))
    return(vapply(v, function(e) if (is.null(e)) NA_real_ else as.numeric(e), numeric(1)))
  }
  unlist(lapply(v, flatten_json, depth - 1L), use.names = FALSE)
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
