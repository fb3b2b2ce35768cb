# Reading and checking conformance cases (fixtures/*.json).
# Mirrors python/lstmparity/fixtures.py: the same checks, the same JSON paths in
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
#' @param config list(`T, B, D, H, V, K, head`).
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
shapes <- function(config) {
  T <- config$T; B <- config$B; D <- config$D; H <- config$H
  V <- config$V; K <- config$K; head <- config$head
  s <- list(params.W = c(D, 4 * H), params.U = c(H, 4 * H), params.b = 4 * H)
  if (!is.null(V)) {
    s$params.E <- c(V, D)
    s$inputs.tokens <- c(T, B)
  } else {
    s$inputs.x <- c(T, B, D)
  }
  if (head != "none") {
    s$params.Wy <- c(H, K)
    s$params.by <- K
  }
  s[c("inputs.h0", "inputs.c0", "inputs.mask")] <- list(c(B, H), c(B, H), c(T, B))
  if (head == "none") {
    s$inputs.proj <- c(T, B, H)
  } else {
    s$inputs.targets <- if (head == "many_to_many_softmax") c(T, B) else B
  }
  for (n in c("i", "f", "g", "o", "c", "h")) s[[paste0("expected.forward.", n)]] <- c(T, B, H)
  if (!is.null(V)) s$expected.forward.x <- c(T, B, D)
  if (head != "none") {
    logits <- if (head == "many_to_many_softmax") c(T, B, K) else c(B, K)
    s$expected.forward.logits <- s$expected.backward.dlogits <- logits
    s$expected.grads.dWy <- c(H, K)
    s$expected.grads.dby <- K
  }
  for (n in c("dh", "do", "dc", "di", "df", "dg")) s[[paste0("expected.backward.", n)]] <- c(T, B, H)
  s$expected.backward.dx <- c(T, B, D)
  s$expected.backward.dh0 <- s$expected.backward.dc0 <- c(B, H)
  for (p in c("E", "W", "U", "b")) {
    if (!is.null(s[[paste0("params.", p)]])) s[[paste0("expected.grads.d", p)]] <- s[[paste0("params.", p)]]
  }
  lapply(s, as.integer)
}

INT_FIELDS <- c("inputs.tokens", "inputs.targets")

#' @rdname read_case
#' @export
parse_case <- function(raw, path = "<case>") {
  check_top_level(raw, path)
  config <- check_config(raw$config, path)
  expect <- shapes(config)
  case <- raw[setdiff(names(raw), c("config", "params", "inputs", "expected"))]
  case$config <- config
  for (section in c("params", "inputs")) {
    case[[section]] <- list()
    for (name in names(raw[[section]])) {
      field <- paste0(section, ".", name)
      if (is.null(expect[[field]])) input_error(path, field, "not expected for this config")
      a <- as_array(path, field, raw[[section]][[name]], expect[[field]])
      if (field %in% INT_FIELDS) a <- as_ids(path, field, a, config)
      case[[section]][[name]] <- a
    }
  }
  missing <- setdiff(grep("^params\\.", names(expect), value = TRUE), paste0("params.", names(case$params)))
  needed <- intersect(c("inputs.x", "inputs.tokens", "inputs.proj", "inputs.targets"), names(expect))
  missing <- c(missing, setdiff(needed, paste0("inputs.", names(case$inputs))))
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
