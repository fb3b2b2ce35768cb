# Saved models and checkpoints: the JSON format python/lstmparity/training/serialize.py reads and writes.
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

# The parsed file, or one line naming the file when it is not a complete file of this format.
read_json_file <- function(path, format) {
  obj <- tryCatch(jsonlite::fromJSON(path, simplifyVector = TRUE, simplifyDataFrame = FALSE),
                  error = function(e) {
                    data_error(path, ": cannot read a complete JSON file (truncated?): ",
                               strsplit(conditionMessage(e), "\n")[[1]][1])
                  })
  if (!is.list(obj) || !identical(obj$format, format) ||
      !identical(as.integer(obj$format_version), SERIALIZE_VERSION)) {
    got <- if (is.list(obj)) obj else list()
    data_error(sprintf("%s: expected format '%s' version %d, got %s version %s", path, format,
                       SERIALIZE_VERSION, show_value(got$format), show_value(got$format_version)))
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

# The size/head part of a config, and its cell when it names one (an LSTM's file does not).
model_config <- function(config) {
  keys <- c("D", "H", "V", "K", "head")
  out <- lapply(keys, function(k) config[[k]])
  names(out) <- keys
  c(out, config[intersect(c("cell", "reset_after"), names(config))])
}

#' Save and load a training checkpoint
#'
#' The same JSON file as Python's `save_checkpoint()` / `load_checkpoint()`, so a
#' run can be resumed in either language: `{"format": "lstmparity-checkpoint",
#' "format_version": 1, "config": {D, H, V, K, head}, "options": (train_options()),
#' "state": {params, opt_state, rng_state, epoch, batch, step, sums, history,
#' step_losses, best, stopped}}`, numbers with 17 significant digits (resume is
#' bit-identical), written atomically (temporary file in the same folder, then
#' rename): an interrupted write leaves the previous checkpoint. [train_model()]
#' writes it when `opts$checkpoint` is set.
#'
#' @param path file path.
#' @param state a training state ([new_train_state()], `train_model()$state`).
#' @param config list with `D, H, V, K, head`.
#' @param opts [train_options()].
#' @return `save_checkpoint()`: `path`, invisibly. `load_checkpoint()`:
#'   list(`state`, `config`, `options`); a file that is not a complete checkpoint
#'   stops with one line naming the file and the field.
#' @examples
#' config <- list(D = 2, H = 3, V = 4, K = 1L, head = "many_to_one_sigmoid")
#' data <- list(tokens = list(c(1L, 2L), c(3L, 4L, 2L)), targets = c(0, 1))
#' path <- tempfile(fileext = ".json")
#' fit <- train_model(init_params(config), config, data,
#'                    opts = train_options(epochs = 2, progress = FALSE, checkpoint = path))
#' ck <- load_checkpoint(path)
#' ck$state$epoch
#' @name save_checkpoint
NULL

#' @rdname save_checkpoint
#' @export
save_checkpoint <- function(path, state, config, opts) {
  best <- state$best
  if (!is.null(best)) {
    best <- list(epoch = best$epoch, valid_loss = best$valid_loss, params = params_for_json(best$params))
  }
  st <- list(params = params_for_json(state$params), opt_state = opt_state_to_json(state$opt_state),
             rng_state = state$rng_state, epoch = state$epoch, batch = state$batch, step = state$step,
             sums = I(as.numeric(state$sums)), history = state$history,
             step_losses = I(as.numeric(state$step_losses)), best = best, stopped = isTRUE(state$stopped))
  obj <- list(format = CHECKPOINT_FORMAT, format_version = SERIALIZE_VERSION, config = model_config(config),
              options = options_for_json(opts), state = st)
  write_atomic(path, paste0(json_text(obj), "\n"))
}

#' @rdname save_checkpoint
#' @export
load_checkpoint <- function(path) {
  obj <- read_json_file(path, CHECKPOINT_FORMAT)
  st <- obj$state
  need <- c("params", "opt_state", "rng_state", "epoch", "batch", "step", "sums", "history", "step_losses",
            "stopped")
  for (key in c("config", "options", "state")) {
    if (!is.list(obj[[key]])) data_error(path, ": not a complete checkpoint (missing or bad field '", key, "')")
  }
  for (key in need) {
    if (!(key %in% names(st))) data_error(path, ": not a complete checkpoint (missing or bad field 'state.", key, "')")
  }
  best <- st$best
  if (!is.null(best)) best$params <- params_from_json(best$params)
  state <- list(params = params_from_json(st$params), opt_state = opt_state_from_json(st$opt_state),
                rng_state = as.numeric(st$rng_state), epoch = as.integer(st$epoch),
                batch = as.integer(st$batch), step = as.integer(st$step), sums = as.numeric(unlist(st$sums)),
                history = st$history, step_losses = as.numeric(unlist(st$step_losses)), best = best,
                stopped = isTRUE(st$stopped))
  list(state = state, config = obj$config, options = obj$options)
}

# Adam's state {k, m, v} or SGD's {momentum_buffer}: k a number, the rest parameter-shaped lists.
opt_state_to_json <- function(s) {
  empty <- structure(list(), names = character(0))
  if (!length(s)) return(empty)
  out <- lapply(names(s), function(k) if (k == "k") s[[k]] else if (length(s[[k]])) params_for_json(s[[k]]) else empty)
  names(out) <- names(s)
  out
}

opt_state_from_json <- function(s) {
  if (!length(s)) return(list())
  out <- lapply(names(s), function(k) if (k == "k") as.numeric(s[[k]]) else params_from_json(s[[k]]))
  names(out) <- names(s)
  out
}

# train_options() as written: every option present (NULL -> null), as Python's TrainOptions.
options_for_json <- function(opts) {
  keys <- names(train_options())
  out <- lapply(keys, function(k) opts[[k]])
  names(out) <- keys
  out
}
