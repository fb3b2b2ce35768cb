# GRU and RNN mutants (conformance/mutants/cell_mutants.R): each is first seen where
# cell_catalogue.json says, as in Python (tests/python/test_cell_mutants.py).

root <- repo_root()
skip_if(is.null(root), "needs the repository checkout (conformance/ is not part of the package)")
mutants_env <- new.env(parent = environment())
sys.source(file.path(root, "conformance", "mutants", "cell_mutants.R"), envir = mutants_env)
catalogue <- jsonlite::fromJSON(file.path(root, "conformance", "mutants", "cell_catalogue.json"),
                                simplifyVector = FALSE)

case_inputs <- function(cell, masked) {
  cs <- catalogue$case
  T <- cs$T; B <- cs$B; D <- cs$D; H <- cs$H
  G <- if (cell == "gru") 3 else 1
  shapes <- list(x = c(T, B, D), h0 = c(B, H), W = c(D, G * H), U = c(H, G * H), b = G * H, proj = c(T, B, H))
  if (cell == "gru") shapes$b_hn <- H
  out <- lapply(names(shapes), function(k) {
    s <- shapes[[k]]
    v <- sin(0.37 * (seq_len(prod(s)) - 1) + cs$offset[[k]]) * cs$scale[[k]] # row-major, as NumPy
    if (length(s) == 1) v else aperm(array(v, rev(s)), rev(seq_along(s)))
  })
  names(out) <- names(shapes)
  out$mask <- if (masked) matrix(unlist(cs$mask), cs$T, byrow = TRUE) else NULL
  out
}

test_that("at least six mutants per cell", {
  cells <- vapply(catalogue$mutants, `[[`, "", "cell")
  expect_gte(sum(cells == "gru"), 6)
  expect_gte(sum(cells == "rnn"), 6)
})

for (m in catalogue$mutants) {
  test_that(sprintf("mutant %s is first seen where catalogued", m$name), {
    inputs <- case_inputs(m$cell, m$mask)
    ra <- if (is.null(m$reset_after)) TRUE else m$reset_after
    ref <- mutants_env$run_cell_trace(m$cell, inputs, ra)
    expect_null(mutants_env$first_divergence_cells(ref, mutants_env$run_cell_trace(m$cell, inputs, ra)))
    blocks <- list(get(m$name, envir = mutants_env))
    names(blocks) <- m$block
    got <- mutants_env$first_divergence_cells(ref, mutants_env$run_cell_trace(m$cell, inputs, ra, blocks))
    want <- m$first
    expect_identical(got$phase, want$phase)
    expect_identical(got$tensor, want$tensor)
    expect_equal(got$step, if (is.null(want$step)) NA else want$step)
  })
}
