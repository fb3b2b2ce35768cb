# Saved models and checkpoints: the JSON format python/lstmparity/serialize.py reads and writes.
#
# jsonlite::toJSON() writes at most 15 significant digits, so numbers are written
# here with sprintf("%.17g"), which reads back to the same double (jsonlite::fromJSON
# reads 17-digit numbers exactly). Matrices are written row by row (row-major,
# like the Python files); R holds them column-major.

MODEL_FORMAT <- "lstmparity-model"
CHECKPOINT_FORMAT <- "lstmparity-checkpoint"
SERIALIZE_VERSION <- 1L

# JSON text of x. NULL -> null; named list -> object; unnamed list -> array;
# matrix -> array of rows; atomic of length 1 -> scalar unless wrapped in I();
# other atomic vectors -> arrays. Doubles use %.17g; NA / NaN / Inf are refused.
json_text <- function(x, indent = 0L) {
  pad <- strrep(" ", indent); inner <- strrep(" ", indent + 1L)
  if (is.null(x)) return("null")
  if (is.list(x)) {
    if (!length(x)) return(if (is.null(names(x))) "[]" else "{}")
    parts <- vapply(x, json_text, "", indent = indent + 1L)
    if (!is.null(names(x))) parts <- paste0(json_scalars(names(x), FALSE), ": ", parts)
    open <- if (is.null(names(x))) "[" else "{"; close <- if (is.null(names(x))) "]" else "}"
    return(paste0(open, "\n", paste0(inner, parts, collapse = ",\n"), "\n", pad, close))
  }
  if (is.matrix(x)) {
    rows <- vapply(seq_len(nrow(x)), function(r) json_scalars(x[r, ], TRUE), "")
    return(paste0("[\n", paste0(inner, rows, collapse = ",\n"), "\n", pad, "]"))
  }
  json_scalars(x, inherits(x, "AsIs") || length(x) != 1L)
}

json_scalars <- function(v, as_array) {
  if (is.character(v)) {
    s <- vapply(v, function(e) as.character(jsonlite::toJSON(e, auto_unbox = TRUE)), "", USE.NAMES = FALSE)
  } else if (is.logical(v)) {
    s <- ifelse(v, "true", "false")
  } else {
    if (any(!is.finite(v))) stop("cannot write a non-finite number (NA, NaN, Inf) to JSON")
    s <- if (is.integer(v)) as.character(v) else sprintf("%.17g", v)
  }
  if (as_array) paste0("[", paste(s, collapse = ", "), "]") else s
}

# Write text to path atomically: a temporary file in the same folder, then rename.
write_atomic <- function(path, text) {
  dir.create(dirname(path), showWarnings = FALSE, recursive = TRUE)
  tmp <- tempfile(pattern = paste0(".", basename(path), "."), tmpdir = dirname(path), fileext = ".tmp")
  on.exit(if (file.exists(tmp)) unlink(tmp))
  con <- file(tmp, open = "wb")
  writeBin(charToRaw(enc2utf8(text)), con)
  close(con)
  if (!file.rename(tmp, path)) stop(sprintf("could not rename %s to %s", tmp, path))
  invisible(path)
}

read_json_file <- function(path, format) {
  obj <- jsonlite::fromJSON(path, simplifyVector = TRUE, simplifyDataFrame = FALSE)
  if (!identical(obj$format, format) || !identical(as.integer(obj$format_version), SERIALIZE_VERSION)) {
    stop(sprintf("%s: expected format '%s' version %d", path, format, SERIALIZE_VERSION))
  }
  obj
}

# Parameters for writing: vectors always as arrays.
params_for_json <- function(params) {
  lapply(ordered(params), function(p) if (is.matrix(p)) p else I(as.numeric(p)))
}

# Parameters as read: matrices stay matrices (rows as in the file), vectors numeric.
params_from_json <- function(p) {
  ordered(lapply(p, function(a) if (is.matrix(a)) a + 0 else as.numeric(a)))
}

#' Save and load a trained model (weights + vocabulary + config)
#'
#' The same JSON file as Python's `save_model()` / `load_model()`:
#' `{"format": "lstmparity-model", "format_version": 1, "config": {D, H, V, K, head},
#' "vocab": [...] or null, "meta": {...}, "params": {E, W, U, b, Wy, by}}`, arrays
#' row-major, numbers with 17 significant digits (exact round trip), written
#' atomically (temporary file, then rename).
#'
#' @param path file path.
#' @param params named list of parameters (`E, W, U, b, Wy, by` as present).
#' @param config list with `D, H, V, K, head` (other entries are not saved).
#' @param vocab character vector or `NULL`.
#' @param meta named list of anything else (task, tokeniser settings).
#' @return `save_model()`: `path`, invisibly. `load_model()`: list(`params`,
#'   `config`, `vocab`, `meta`).
#' @name save_model
NULL

#' @rdname save_model
#' @export
save_model <- function(path, params, config, vocab = NULL, meta = list()) {
  obj <- list(format = MODEL_FORMAT, format_version = SERIALIZE_VERSION,
              config = model_config(config), vocab = if (is.null(vocab)) NULL else I(vocab),
              meta = if (length(meta)) meta else structure(list(), names = character(0)),
              params = params_for_json(params))
  write_atomic(path, paste0(json_text(obj), "\n"))
}

#' @rdname save_model
#' @export
load_model <- function(path) {
  obj <- read_json_file(path, MODEL_FORMAT)
  list(params = params_from_json(obj$params), config = obj$config, vocab = obj$vocab,
       meta = obj$meta)
}

model_config <- function(config) {
  keys <- c("D", "H", "V", "K", "head")
  out <- lapply(keys, function(k) config[[k]])
  names(out) <- keys
  out
}
