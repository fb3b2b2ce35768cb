# Where the shared conformance cases are, and how to compare against them.

# The repository root when the tests run from a checkout (test_local(),
# test_dir("tests/testthat")), NULL inside R CMD check (the built package
# holds neither fixtures/ nor the sources).
repo_root <- function() {
  root <- normalizePath(test_path("..", ".."), mustWork = FALSE)
  if (file.exists(file.path(root, "DESCRIPTION")) && dir.exists(file.path(root, "R")) &&
      dir.exists(file.path(root, "fixtures"))) root else NULL
}

# fixtures/ of the checkout, or $LSTMPARITY_FIXTURES; NULL when neither exists.
fixtures_dir <- function() {
  env <- Sys.getenv("LSTMPARITY_FIXTURES")
  if (nzchar(env)) return(if (dir.exists(env)) env else NULL)
  root <- repo_root()
  if (is.null(root) || !length(case_paths(file.path(root, "fixtures")))) NULL else file.path(root, "fixtures")
}

skip_if_no_fixtures <- function() {
  if (is.null(fixtures_dir())) {
    skip(paste("fixtures/*.json not found: the JSON cases live in the repository, not in the",
               "built package; run the tests from the checkout (make test) or set LSTMPARITY_FIXTURES"))
  }
}

fixture <- function(name) read_case(file.path(fixtures_dir(), paste0(name, ".json")))

# The tolerance rule of fixtures/README.md, on one tensor (or one step's slice):
#     max |actual - expected| <= atol + rtol * max |expected|
# Failures name the tensor, the step and the worst element (0-based JSON index).
expect_close <- function(object, expected, rtol, atol, name = NULL) {
  act <- quasi_label(rlang::enquo(object), label = name, arg = "object")
  if (is.null(act$val)) {
    fail(sprintf("%s is missing from the result", act$lab))
    return(invisible(act$val))
  }
  a <- as.array(act$val)
  e <- as.array(expected)
  if (!identical(dim(a), dim(e))) {
    fail(sprintf("%s has dim %s, expected %s", act$lab, paste(dim(a), collapse = " x "),
                 paste(dim(e), collapse = " x ")))
    return(invisible(act$val))
  }
  diff <- abs(a - e)
  err <- if (length(diff)) max(diff) else 0
  limit <- atol + rtol * max(abs(e), 0)
  k <- which.max(ifelse(is.na(diff), Inf, diff))
  where <- sprintf("[%d]", k - 1L)
  if (length(dim(e)) > 1L) where <- paste0("[", arrayInd(k, dim(e)) - 1L, "]", collapse = "")
  expect(
    isTRUE(err <= limit),
    sprintf(paste("%s: max|actual - expected| = %.3g > %.3g = atol + rtol * max|expected|",
                  "(rtol %g, atol %g); worst element %s (0-based): actual %.17g, expected %.17g"),
            act$lab, err, limit, rtol, atol, where, a[k], e[k])
  )
  invisible(act$val)
}

# Tensors computed per time step (from spec/tensors.json): compared one step at a time, as the rule says.
PER_STEP <- c(per_step_names("forward"), per_step_names("backward"))

# Every comparison a case implies, in trace order (spec/tensors.json, trace_blocks()):
# a list of list(name, actual, expected); per-step tensors contribute one entry per
# step (t = 0..T-1 forward, T-1..0 backward; "t" is 0-based as in the JSON).
trace_comparisons <- function(case, result) {
  T <- case$config$T
  out <- list()
  add <- function(name, a, e) out[[length(out) + 1L]] <<- list(name = name, actual = a, expected = e)
  for (block in trace_blocks()) {
    phase <- block$phase
    if (phase == "optimizer") {
      for (k in seq_along(case$expected$optimizer_steps)) {
        e <- case$expected$optimizer_steps[[k]]
        r <- result$optimizer_steps[[k]]
        for (n in block$names) {
          if (n == "loss") {
            add(sprintf("optimizer_steps[%d].loss", k - 1L), r$loss, e$loss)
          } else if (!is.null(e$params[[n]])) {
            add(sprintf("optimizer_steps[%d].params.%s", k - 1L, n), r$params[[n]], e$params[[n]])
          }
        }
      }
      next
    }
    names <- intersect(block$names, names(case$expected[[phase]]))
    if (!block$per_step) {
      for (n in names) add(paste0(phase, ".", n), result[[phase]][[n]], case$expected[[phase]][[n]])
      next
    }
    steps <- if (phase == "forward") seq_len(T) else rev(seq_len(T))
    for (t in steps) for (n in names) {
      add(sprintf("%s.%s at t = %d", phase, n, t - 1L), slice_t(result[[phase]][[n]], t),
          slice_t(case$expected[[phase]][[n]], t))
    }
  }
  out
}

slice_t <- function(a, t) {
  if (is.null(a)) return(NULL)
  s <- a[t, , , drop = FALSE]
  dim(s) <- dim(a)[-1]
  s
}
