# Recording tensors inside a user's own loops. Mirrors python/lstmparity/core/record.py.

RECORD_FORWARD <- c("x", "i", "f", "g", "o", "c", "h")
RECORD_BACKWARD <- c("dh", "do", "dc", "di", "df", "dg", "dx")
RECORD_PHASE <- c(stats::setNames(rep("forward", 9), c(RECORD_FORWARD, "logits", "loss")),
                  stats::setNames(rep("backward", 10), c(RECORD_BACKWARD, "dlogits", "dh0", "dc0")),
                  stats::setNames(rep("grads", 6), c("dWy", "dby", "dW", "dU", "db", "dE")))

#' Record tensors inside your own loops
#'
#' Instead of assembling `T x B x H` arrays, add one line per tensor inside
#' your loops and return the recording from your adapter (the conformance
#' runner calls `recording_result()`):
#'
#' ```
#' rec <- new_recording()
#' for (t in seq_len(T)) { ...; record(rec, "i", t, i); record(rec, "c", t, c) }
#' record(rec, "dh0", NULL, dh_next)    # a tensor of the whole sequence: t = NULL
#' rec
#' ```
#'
#' Names are those of a fixture's `expected` (`i`, `dh`, `dW`, `loss`, ...);
#' the phase comes from the name, or is given: `"grads.W_i"` (a gradient in a
#' declared layout, see [layouts]). Steps start at `step_base` (1 in R; 0 in
#' Python). A value without `dim` (one sequence, `B = 1`) is taken as a 1-row matrix.
#'
#' @param rec a recording from `new_recording()` (an environment: `record()` changes it in place).
#' @param name tensor name, e.g. `"i"`, `"dh0"`, `"grads.W_i"`.
#' @param t the step (`step_base`, `step_base + 1`, ...), or `NULL` for a whole-sequence tensor.
#' @param value the tensor at that step (`B x H` matrix), or the whole tensor.
#' @param step_base the first step number used with `record()`.
#' @return `new_recording()`: an empty recording; `record()`: `rec`, invisibly;
#'   `recording_result()`: `list(forward, backward, grads)` with per-step values
#'   stacked into arrays of dim `c(T, B, .)`.
#' @examples
#' rec <- new_recording()
#' for (t in 1:3) record(rec, "h", t, matrix(t, 2, 4))
#' dim(recording_result(rec)$forward$h)  # 3 2 4
#' @name record
NULL

#' @rdname record
#' @export
new_recording <- function() {
  rec <- new.env(parent = emptyenv())
  rec$values <- list()
  class(rec) <- "lstmparity_recording"
  rec
}

record_phase_name <- function(name) {
  if (grepl(".", name, fixed = TRUE)) {
    parts <- strsplit(name, ".", fixed = TRUE)[[1]]
    if (!parts[1] %in% c("forward", "backward", "grads")) {
      stop(sprintf("record(): '%s': the phase must be forward, backward or grads", name), call. = FALSE)
    }
    return(c(parts[1], paste(parts[-1], collapse = ".")))
  }
  if (!name %in% names(RECORD_PHASE)) {
    d <- utils::adist(name, names(RECORD_PHASE))[1, ]
    close <- names(RECORD_PHASE)[d == min(d) & d <= 2]
    hint <- if (length(close)) sprintf("; did you mean %s?", paste0("'", close, "'", collapse = " or ")) else ""
    stop(sprintf("record(): unknown tensor '%s'%s (a layout's gradient: 'grads.W_i')", name, hint), call. = FALSE)
  }
  c(RECORD_PHASE[[name]], name)
}

#' @rdname record
#' @export
record <- function(rec, name, t, value) {
  pn <- record_phase_name(name)
  key <- paste(pn, collapse = ".")
  per_step <- pn[2] %in% c(RECORD_FORWARD, RECORD_BACKWARD) || pn[1] == "grads"
  if (!is.null(t) && !per_step) {
    stop(sprintf("record(): '%s' is not a per-step tensor; pass t = NULL", name), call. = FALSE)
  }
  steps <- rec$values[[key]]
  if (is.null(steps)) steps <- list()
  tkey <- if (is.null(t)) "whole" else as.character(as.integer(t))
  if (!is.null(steps[[tkey]])) {
    stop(sprintf("record(): '%s' at t = %s recorded twice", name, tkey), call. = FALSE)
  }
  if (is.null(dim(value)) && !is.null(t)) value <- matrix(value, nrow = 1)
  steps[[tkey]] <- value
  rec$values[[key]] <- steps
  invisible(rec)
}

#' @rdname record
#' @export
recording_result <- function(rec, step_base = 1L) {
  out <- list(forward = list(), backward = list(), grads = list())
  for (key in names(rec$values)) {
    pn <- strsplit(key, ".", fixed = TRUE)[[1]]
    phase <- pn[1]
    name <- paste(pn[-1], collapse = ".")
    steps <- rec$values[[key]]
    if ("whole" %in% names(steps)) {
      if (length(steps) > 1) stop(sprintf("record(): '%s' recorded both with and without t", name), call. = FALSE)
      out[[phase]][[name]] <- steps$whole
      next
    }
    ts <- sort(as.integer(names(steps)))
    if (ts[1] < step_base) {
      stop(sprintf(paste("record(): '%s' at t = %d, before the first step %d",
                         "(an adapter counting steps from 0 declares step_base = 0)"),
                   name, ts[1], step_base), call. = FALSE)
    }
    gaps <- setdiff(seq(step_base, max(ts)), ts)
    if (length(gaps)) {
      stop(sprintf("record(): '%s': steps %d..%d recorded with t = %s missing (steps start at %d)",
                   name, ts[1], max(ts), paste(gaps, collapse = ", "), step_base), call. = FALSE)
    }
    slices <- steps[as.character(ts)]
    d <- dim(slices[[1]])
    a <- array(unlist(lapply(slices, as.numeric)), c(d, length(ts)))  # (B, ., T)
    out[[phase]][[name]] <- aperm(a, c(length(d) + 1, seq_along(d)))  # (T, B, .)
  }
  out
}
