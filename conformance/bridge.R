# Helpers the conformance runner calls through rpy2 (conformance/rbridge.py).
# Sourced once per process into an environment of its own.

# Load the R implementation: the repository's R/ folder (lstmparity_source() when
# R/source.R defines it, else sys.source() of every file), or the installed package.
conform_load <- function(r_dir) {
  if (nzchar(r_dir) && dir.exists(r_dir)) {
    env <- new.env(parent = globalenv())
    if (file.exists(file.path(r_dir, "source.R"))) {
      sys.source(file.path(r_dir, "source.R"), envir = env, keep.source = FALSE)
      return(env$lstmparity_source(r_dir, envir = env))
    }
    for (f in sort(list.files(r_dir, pattern = "\\.[Rr]$", full.names = TRUE))) {
      sys.source(f, envir = env, keep.source = FALSE)
    }
    return(env)
  }
  if (!requireNamespace("lstmparity", quietly = TRUE)) {
    stop(sprintf("no R folder at '%s' and the R package lstmparity is not installed", r_dir))
  }
  asNamespace("lstmparity")
}

# Source R files (mutants) into a new environment whose parent is `parent`.
conform_source <- function(files, parent) {
  env <- new.env(parent = parent)
  for (f in files) sys.source(f, envir = env, keep.source = FALSE)
  env
}

# Source a user's adapter file into a new environment that sees the package's
# functions (layouts, record()): keep.source = TRUE so errors show file:line,
# chdir = TRUE so source("my_lstm.R") next to it works. Never raises.
conform_source_adapter <- function(file, parent) {
  if (!"lstmparity" %in% search()) {  # as library(lstmparity) would: code the adapter source()s sees it too
    attach(parent, name = "lstmparity", warn.conflicts = FALSE)
  }
  old <- options(keep.source = TRUE)  # also for files the adapter source()s
  on.exit(options(old))
  env <- new.env(parent = parent)
  got <- conform_call(function(f) sys.source(f, envir = env, chdir = TRUE, keep.source = TRUE), file, Inf)
  if (!got$ok) return(got)
  list(ok = TRUE, value = env)
}

# Call fn(case) with an elapsed-time limit; never raises. On an error: the
# message, the failing call and the calls that led there, with file:line where
# the code was sourced with keep.source = TRUE. (In a worker the runner also
# ends the process at the limit: R checks its own limit only between R-level
# operations, not inside one long BLAS call.)
conform_call <- function(fn, case, limit) {
  setTimeLimit(elapsed = limit, transient = TRUE)
  on.exit(setTimeLimit(elapsed = Inf, transient = FALSE))
  calls <- NULL
  tryCatch(list(ok = TRUE, value = withCallingHandlers(fn(case), error = function(e) calls <<- sys.calls())),
           error = function(e) list(ok = FALSE, message = conform_error_text(e, calls)))
}

conform_error_text <- function(e, calls) {
  call <- conditionCall(e)
  head <- if (is.null(call)) "R error: " else sprintf("R error in %s: ", conform_deparse(call))
  frames <- conform_traceback(calls)
  paste0(head, conditionMessage(e), if (length(frames)) paste0("\n", paste0("  ", frames, collapse = "\n")))
}

conform_deparse <- function(call) {
  text <- paste(deparse(call, width.cutoff = 60L, nlines = 1L), collapse = "")
  if (nchar(text) > 80) paste0(substr(text, 1, 77), "...") else text
}

# The user's frames of `calls` (those after the runner's fn(case)), each as
# "call at file:line" where a srcref is known, the innermost last.
conform_traceback <- function(calls) {
  if (is.null(calls)) return(character())
  heads <- vapply(calls, function(cl) paste(deparse(cl[[1]], nlines = 1L), collapse = ""), "")
  start <- match("withCallingHandlers", heads)
  if (is.na(start)) return(character())
  keep <- seq_along(calls) > start + 1 & !startsWith(heads, "conform_") &
    !heads %in% c(".handleSimpleError", "h", "stop", "sys.source", "eval", "fn")
  frames <- character()
  for (k in which(keep)) {
    sr <- attr(calls[[k]], "srcref")
    where <- if (is.null(sr)) "" else sprintf(" at %s:%d", basename(getSrcFilename(sr)), sr[1])
    frames <- c(frames, paste0(conform_deparse(calls[[k]]), where))
  }
  utils::tail(frames, 8)
}

# What an adapter gets: the case without its answers; for a layer-only adapter
# only x, dh_head (from layer_inputs), h0, c0, mask and W, U, b (b_hn); the weights in
# the adapter's declared layout.
conform_adapter_case <- function(impl, case, layer_only, layout, gate_order) {
  if (layer_only) {
    li <- case$layer_inputs
    if (is.null(li)) {
      stop("the fixture has no layer_inputs (x and dh_head for a layer-only adapter); ",
           "regenerate the fixtures with `lstmparity fixtures`", call. = FALSE)
    }
    inputs <- c(list(x = li$x, dh_head = li$dh_head), case$inputs[intersect(c("h0", "c0", "mask"), names(case$inputs))])
    case <- list(name = case$name, config = case$config, tolerance = case$tolerance,
                 params = case$params[intersect(c("W", "U", "b", "b_hn"), names(case$params))], inputs = inputs)
  }
  case <- case[setdiff(names(case), c("expected", "layer_inputs"))]
  case$params <- impl$params_to_layout(case$params, layout, gate_order)
  case
}

# Run a user's adapter on one case (see conform_call): the case as the adapter
# declared it wants it, the result with a recording turned into arrays.
conform_run_adapter <- function(impl, fn, case, layer_only, layout, gate_order, step_base, limit) {
  conform_call(function(case) {
    case <- conform_adapter_case(impl, case, layer_only, layout, gate_order)
    result <- fn(case)
    conform_unrecord(impl, result, step_base)
  }, case, limit)
}

# An adapter's result as plain lists: a recording becomes its arrays.
conform_unrecord <- function(impl, result, step_base) {
  if (inherits(result, "lstmparity_recording")) impl$recording_result(result, step_base) else result
}

# Read a case with the implementation's own reader; never raises.
conform_read <- function(impl, path) {
  tryCatch(list(ok = TRUE, value = impl$read_case(path)),
           error = function(e) list(ok = FALSE, message = conditionMessage(e)))
}

# The case an adapter sees: the case minus its answers.
conform_without_expected <- function(case) {
  case[setdiff(names(case), "expected")]
}
