# Every shared case: every forward value, backward intermediate, parameter
# gradient and optimiser step, in trace order, to the case's tolerance.

# Known disagreements with the stored expectations (see "Open problems" in
# docs/R.md). A listed comparison is still made, to the stated looser rtol, and
# the case is then reported as skipped with the reason, never silently passed.
# NumPy's SIMD tanh/exp are not correctly rounded (np.tanh differs from the
# correctly rounded value in ~18% of inputs, R's glibc tanh in ~3%), and
# ill-conditioned slices amplify one ulp.
# Example entry: the long_sequence_vanishing case needed rtol 1e-11 on its backward
# slices before the case itself was given rtol 1e-11 (after ~90 backward steps
# df at t = 33 differed by 1.14e-12 of the slice's max; against mpmath NumPy was
# off by 8.6e-13 and R by 2.8e-13 there):
#   long_sequence_vanishing = list(loosened = c("^backward[.]" = 1e-11), reason = "...") # nolint
KNOWN <- list()

# The rtol for one comparison: the case's, unless a known pattern loosens it.
rtol_for <- function(name, tol, known) {
  hit <- vapply(names(known$loosened), grepl, logical(1), x = name)
  if (any(hit)) known$loosened[[which(hit)[1]]] else tol$rtol
}

test_that("the fixtures folder holds cases", {
  skip_if_no_fixtures()
  expect_gte(length(case_paths(fixtures_dir())), 1L)
})

# Without fixtures (R CMD check) there is nothing to loop over (not tempdir(): other tests write JSON there).
for (path in if (is.null(fixtures_dir())) character(0) else case_paths(fixtures_dir())) {
  case_name <- sub("\\.json$", "", basename(path))
  test_that(paste0(case_name, ": the R port reproduces every expected tensor"), {
    case <- read_case(path)
    result <- run_case(case)
    known <- KNOWN[[case$name]]
    tol <- case$tolerance
    expect_setequal(names(result$forward), names(case$expected$forward))
    expect_setequal(names(result$backward), names(case$expected$backward))
    expect_setequal(names(result$grads), names(case$expected$grads))
    expect_length(result$optimizer_steps, length(case$expected$optimizer_steps))
    for (cmp in trace_comparisons(case, result)) {
      expect_close(cmp$actual, cmp$expected, rtol_for(cmp$name, tol, known), tol$atol,
                   name = paste0(case$name, ": ", cmp$name))
    }
    if (!is.null(known)) {
      skip(paste0("known contract issue; ", paste(names(known$loosened), "rtol", known$loosened, collapse = ", "),
                  " instead of ", tol$rtol, ": ", known$reason))
    }
  })
}
