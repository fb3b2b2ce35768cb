# The tensor spec (spec/tensors.json): names, shapes, presence and trace order of every tensor, as data.
# Mirrors python/lstmparity/core/spec.py: spec_rows() ~ rows(), spec_applies() ~ applies(),
# spec_dims() ~ dims(), spec_shapes() ~ shapes(), spec_required() ~ required(),
# param_order(), trace_blocks(), per_step_names() (the last two for one cell or every cell).
# The package ships the spec as inst/spec/tensors.json (a copy of spec/tensors.json written by `make generate`).

# Set by lstmparity_source() to the checkout's inst/ folder when the R files are
# sourced instead of installed; NULL in the installed package (system.file() then).
LSTMPARITY_INST <- NULL

DEFAULT_CELL <- "lstm"

# Parsed JSON files of inst/, read once per session.
spec_cache <- new.env(parent = emptyenv())

# Path of a file shipped in inst/ ("spec/tensors.json", "schema/case.schema.json").
inst_file <- function(rel) {
  if (!is.null(LSTMPARITY_INST)) return(file.path(LSTMPARITY_INST, rel))
  path <- system.file(rel, package = "lstmparity")
  if (!nzchar(path)) stop(sprintf("lstmparity: %s not found (inst/%s of the package)", rel, rel), call. = FALSE)
  path
}

inst_json <- function(rel) {
  if (is.null(spec_cache[[rel]])) {
    spec_cache[[rel]] <- jsonlite::parse_json(paste(readLines(inst_file(rel), encoding = "UTF-8", warn = FALSE),
                                                    collapse = "\n"), simplifyVector = FALSE)
  }
  spec_cache[[rel]]
}

#' The tensor spec
#'
#' `tensor_spec()` returns spec/tensors.json, the table of every tensor and
#' parameter of a conformance case (phase, name, symbolic dims, per step or
#' not, when present, trace position, meaning) that the readers, the case schema
#' and the docs derive from. `trace_blocks()` gives the trace order as blocks of
#' names: per-step blocks run t = 1..T forward, T..1 backward; the optimizer
#' block once per update.
#'
#' @param cell `NULL`: the order of every cell's tensors together (a case holds
#'   those of its own cell: the order of any one cell is the same with the others
#'   left out); `"lstm"`, `"gru"` or `"rnn"`: only that cell's tensors.
#' @return `tensor_spec()`: the decoded JSON (nested lists). `trace_blocks()`: a
#'   list of list(`phase`, `per_step`, `names`).
#' @examples
#' rows <- tensor_spec()$tensors
#' do <- Filter(function(r) r$name == "do", rows)[[1]]
#' do$meaning
#' vapply(trace_blocks(), function(b) b$phase, "")
#' trace_blocks("gru")[[1]]$names                # x, r, z, n, h
#' @export
tensor_spec <- function() inst_json("spec/tensors.json")

# The tensor rows, in file order; only those of `phase` when given.
spec_rows <- function(phase = NULL) {
  rows <- tensor_spec()$tensors
  if (is.null(phase)) rows else Filter(function(r) r$phase == phase, rows)
}

# Whether a case with this config has the row's tensor (cell, embedding, head).
spec_applies <- function(row, config) {
  cell <- if (is.null(config$cell)) DEFAULT_CELL else config$cell
  if (row$cell != "any" && row$cell != cell) return(FALSE)
  if (!is.null(row$embedding) && !identical(row$embedding, !is.null(config$V))) return(FALSE)
  is.null(row$heads) || config$head %in% unlist(row$heads)
}

# The row's symbolic dims for a config: GH is the cell's gate count times H.
spec_dims <- function(row, config) {
  cell <- if (is.null(config$cell)) DEFAULT_CELL else config$cell
  gates <- length(tensor_spec()$cells[[cell]]$gates)
  vapply(row$dims, function(d) as.integer(if (d == "GH") gates * config$H else config[[d]]), integer(1))
}

json_phase <- function(phase) {
  if (phase %in% c("forward", "backward", "grads")) paste0("expected.", phase) else phase
}

# Shape of every array a case with this config may hold, by JSON path.
spec_shapes <- function(config) {
  s <- list()
  for (r in spec_rows()) {
    if (r$phase == "optimizer" || !spec_applies(r, config)) next
    s[[paste0(json_phase(r$phase), ".", r$name)]] <- spec_dims(r, config)
  }
  s
}

# JSON paths a case with this config must hold.
spec_required <- function(config) {
  out <- character(0)
  for (r in spec_rows()) if (isTRUE(r$required) && spec_applies(r, config)) out <- c(out, paste0(r$phase, ".", r$name))
  out
}

# JSON paths holding integer ids (tokens, class targets).
spec_int_fields <- function() {
  unique(unlist(lapply(Filter(function(r) r$dtype == "int", spec_rows()), function(r) paste0(r$phase, ".", r$name))))
}

# The parameters in canonical order (E, W, U, b, b_hn, Wy, by).
param_order <- function() unique(vapply(spec_rows("params"), function(r) r$name, ""))

#' @rdname tensor_spec
#' @export
trace_blocks <- function(cell = NULL) {
  rows <- Filter(function(r) !is.null(r$trace) && (is.null(cell) || r$cell %in% c("any", cell)), spec_rows())
  rows <- rows[order(vapply(rows, function(r) r$trace, numeric(1)))]
  blocks <- list()
  for (r in rows) {
    k <- length(blocks)
    if (k && blocks[[k]]$phase == r$phase && blocks[[k]]$per_step == r$per_step) {
      blocks[[k]]$names <- union(blocks[[k]]$names, r$name)
    } else {
      blocks[[k + 1L]] <- list(phase = r$phase, per_step = r$per_step, names = r$name)
    }
  }
  blocks
}

# Names of the per-step tensors of a phase, in trace order (of every cell, or of one).
per_step_names <- function(phase, cell = NULL) {
  unlist(lapply(Filter(function(b) b$phase == phase && b$per_step, trace_blocks(cell)), function(b) b$names))
}
