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

# Source R files (mutants, a user's adapter) into a new environment whose parent is `parent`.
conform_source <- function(files, parent) {
  env <- new.env(parent = parent)
  for (f in files) sys.source(f, envir = env, keep.source = FALSE)
  env
}

# Call fn(case) with an elapsed-time limit; never raises. R checks the limit
# between R-level operations, so a call stuck inside compiled code (one huge
# BLAS product, a C loop) runs past it.
conform_call <- function(fn, case, limit) {
  setTimeLimit(elapsed = limit, transient = TRUE)
  on.exit(setTimeLimit(elapsed = Inf, transient = FALSE))
  tryCatch(list(ok = TRUE, value = fn(case)),
           error = function(e) list(ok = FALSE, message = conditionMessage(e)))
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
