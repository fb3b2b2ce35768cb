# Checks on data and settings before anything trains. Mirrors python/lstmparity/training/validate.py:
# the same names, and for files the same messages (values shown as JSON: null, "1", 0.5).

#' Check data and settings before training
#'
#' Each check stops with one line naming the field and the offending value
#' (an error of class `lstmparity_data_error`), e.g.
#' `reuters.json: documents[3].label: expected one of 0, 1, got 2`.
#' Positions in a file are 0-based, as JSON paths (and Python) count them, so R
#' and Python print the same line for the same file; positions in R objects
#' are 1-based.
#'
#' * `check_text_file()`: a parsed text-classification file (read with
#'   `simplifyVector = FALSE`): `labels` (at least 2 names), `documents`, each with
#'   a `text` holding at least one word, an integer `label` in `0..length(labels) - 1`
#'   and a `split` in train / valid / test; every split in `need` must occur.
#' * `check_dataset()`: token ids in `1..V`, no empty sequence, targets that fit the head.
#' * `check_options()`: positive whole `epochs`, `batch_size`, positive `lr`, clip, patience,
#'   `checkpoint_every`.
#' * `check_positive()`: one positive (whole) number.
#' * `check_resume()`: a checkpoint continues only the run it came from: the same
#'   `config` (`D, H, V, K, head`) and the same options, except `epochs` (resuming
#'   with more epochs trains on), `progress`, `checkpoint` and `checkpoint_every`.
#'
#' @param raw the parsed file.
#' @param path the file's name (for the message).
#' @param need splits that must have a document.
#' @param dataset list(`tokens`, `targets`) with 1-based ids.
#' @param config list(`D, H, V, K, head`).
#' @param name the data set's name in messages.
#' @param opts [train_options()].
#' @param value,whole a value; whether it must be a whole number.
#' @param ck_config,ck_options the checkpoint's `config` and `options` ([load_checkpoint()]).
#' @param options this run's [train_options()].
#' @return `NULL`, invisibly; or an error.
#' @examples
#' try(check_positive("epochs", 0, whole = TRUE))
#' @name validate
NULL

data_error <- function(...) {
  msg <- paste0(...)
  stop(structure(class = c("lstmparity_data_error", "error", "condition"),
                 list(message = msg, call = NULL)))
}

# A value as messages show it: JSON for file values (null, "1", 0.5), NA for R's missing values.
show_value <- function(v) {
  if (is.null(v)) return("null")
  if (is.list(v)) { # as Python's json.dumps: {"name": "adam", "lr": 0.01}
    parts <- vapply(v, show_value, "", USE.NAMES = FALSE)
    if (is.null(names(v))) return(paste0("[", paste(parts, collapse = ", "), "]"))
    return(paste0("{", paste0(vapply(names(v), show_value, ""), ": ", parts, collapse = ", "), "}"))
  }
  if (length(v) != 1L) return(paste0("[", paste(vapply(v, show_value, ""), collapse = ", "), "]"))
  if (is.na(v)) return(if (is.nan(v)) "NaN" else "NA")
  if (is.character(v)) return(as.character(jsonlite::toJSON(v, auto_unbox = TRUE)))
  if (is.logical(v)) return(if (v) "true" else "false")
  if (is.factor(v)) return(show_value(as.character(v)))
  if (is.integer(v)) return(as.character(v))
  sprintf("%.15g", v)
}

is_whole <- function(v) {
  (is.integer(v) || is.double(v)) && length(v) == 1L && !is.na(v) && is.finite(v) && v == round(v)
}

has_words <- function(text) {
  is.character(text) && length(text) == 1L && !is.na(text) && grepl("[a-z]", tolower(text))
}

#' @rdname validate
#' @export
check_text_file <- function(raw, path, need = c("train", "test")) {
  if (!is.list(raw) || is.null(names(raw))) {
    data_error(path, ": expected a JSON object with 'labels' and 'documents'")
  }
  labels <- raw$labels
  if (!is.list(labels) || length(labels) < 2L || !all(vapply(labels, is.character, TRUE))) {
    data_error(path, ": labels: expected a list of at least 2 names, got ", show_value(labels))
  }
  docs <- raw$documents
  if (!is.list(docs) || !length(docs)) {
    data_error(path, ": documents: expected a non-empty list, got ", show_value(docs))
  }
  allowed <- paste(seq_along(labels) - 1L, collapse = ", ")
  for (i in seq_along(docs)) {
    d <- docs[[i]]
    where <- sprintf("%s: documents[%d]", path, i - 1L)
    if (!is.list(d) || is.null(names(d))) {
      data_error(where, ": expected an object with text, label, split, got ", show_value(d))
    }
    if (!has_words(d$text)) {
      data_error(where, ".text: expected a string with at least one word, got ", show_value(d$text))
    }
    label <- d$label
    if (!(is_whole(label) && label >= 0 && label < length(labels))) {
      data_error(where, ".label: expected one of ", allowed, ", got ", show_value(label))
    }
    if (!(is.character(d$split) && length(d$split) == 1L && d$split %in% c("train", "valid", "test"))) {
      data_error(where, '.split: expected "train", "valid" or "test", got ', show_value(d$split))
    }
  }
  present <- vapply(docs, function(d) d$split, "")
  for (split in need) {
    if (!split %in% present) data_error(path, ': documents: no document has split "', split, '"')
  }
  invisible(NULL)
}

#' @rdname validate
#' @export
check_dataset <- function(dataset, config, name = "train_set") {
  tokens <- dataset$tokens; targets <- dataset$targets
  if (!length(tokens)) data_error(name, "$tokens: expected at least one sequence, got none")
  if (length(targets) != length(tokens)) {
    data_error(name, "$targets: expected ", length(tokens), " (one per sequence), got ", length(targets))
  }
  V <- config$V; head <- config$head
  many <- head == "many_to_many_softmax"
  for (n in seq_along(tokens)) {
    seq <- tokens[[n]]
    if (!length(seq)) data_error(sprintf("%s$tokens[[%d]]: expected at least one token, got none", name, n))
    bad <- which(is.na(seq) | seq < 1 | seq > V | seq != round(seq))
    if (length(bad)) {
      data_error(sprintf("%s$tokens[[%d]][%d]: expected a token id in 1..%d, got %s", name, n, bad[1], V,
                         show_value(seq[bad[1]])))
    }
    y <- if (many || is.list(targets)) targets[[n]] else targets[n]
    if (many && length(y) != length(seq)) {
      data_error(sprintf("%s$targets[[%d]]: expected %d targets (one per token), got %d", name, n,
                         length(seq), length(y)))
    }
    ok <- if (head == "many_to_one_sigmoid") !is.na(y) & y %in% c(0, 1) else
      !is.na(y) & y >= 1 & y <= config$K & y == round(y)
    if (!all(ok)) {
      range <- if (head == "many_to_one_sigmoid") "0 or 1" else sprintf("a class in 1..%d", config$K)
      data_error(sprintf("%s$targets[[%d]]: expected %s, got %s", name, n, range, show_value(y[!ok][1])))
    }
  }
  invisible(NULL)
}

#' @rdname validate
#' @export
check_positive <- function(name, value, whole = FALSE) {
  ok <- is.numeric(value) && length(value) == 1L && !is.na(value) && is.finite(value) && value > 0 &&
    (!whole || value == round(value))
  if (!ok) {
    data_error(name, ": expected ", if (whole) "a positive whole number" else "a positive number",
               ", got ", show_value(value))
  }
  invisible(NULL)
}

#' @rdname validate
#' @export
check_options <- function(opts) {
  check_positive("epochs", opts$epochs, whole = TRUE)
  check_positive("batch_size", opts$batch_size, whole = TRUE)
  check_positive("lr", opts$optimizer$lr)
  for (key in names(opts$clip)) check_positive(paste0("clip.", key), opts$clip[[key]])
  if (!is.null(opts$patience)) check_positive("patience", opts$patience, whole = TRUE)
  if (!is.null(opts$checkpoint_every)) check_positive("checkpoint_every", opts$checkpoint_every, whole = TRUE)
  invisible(NULL)
}

#' @rdname validate
#' @export
check_resume <- function(path, ck_config, ck_options, config, options) {
  defaults <- list(cell = "lstm", reset_after = TRUE) # what a config that does not name them runs
  for (key in c("D", "H", "V", "K", "head", "cell", "reset_after")) {
    ck <- if (is.null(ck_config[[key]])) defaults[[key]] else ck_config[[key]]
    now <- if (is.null(config[[key]])) defaults[[key]] else config[[key]]
    if (!same_value(ck, now)) {
      data_error(sprintf("%s: config.%s: the checkpoint has %s, this run %s (a checkpoint of another task or model)",
                         path, key, show_value(ck), show_value(now)))
    }
  }
  for (key in sort(union(names(ck_options), names(options)))) {
    if (key %in% c("epochs", "progress", "checkpoint", "checkpoint_every")) next
    if (!same_value(ck_options[[key]], options[[key]])) {
      data_error(sprintf("%s: options.%s: the checkpoint was trained with %s, this run asks for %s; %s",
                         path, key, show_value(ck_options[[key]]), show_value(options[[key]]),
                         "resume with the same settings"))
    }
  }
  invisible(NULL)
}

# Equal as JSON values: numbers compare by value (1L == 1), lists element by element.
same_value <- function(a, b) {
  if (is.list(a) || is.list(b)) {
    if (!is.list(a) || !is.list(b) || length(a) != length(b) || !setequal(names(a), names(b))) return(FALSE)
    keys <- if (is.null(names(a))) seq_along(a) else names(a)
    return(all(vapply(keys, function(k) same_value(a[[k]], b[[k]]), TRUE)))
  }
  if (is.numeric(a) && is.numeric(b)) return(length(a) == length(b) && all(as.numeric(a) == as.numeric(b)))
  identical(a, b)
}
