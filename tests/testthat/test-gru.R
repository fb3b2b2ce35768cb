# The GRU against central finite differences (both reset placements, with and without mask).
# Richardson-extrapolated central differences at eps = 1e-3 have truncation O(eps^4) and
# rounding ~1e-16 / 1e-3 on these O(1) values: 1e-9 leaves a margin, far below any wrong formula.

for (reset_after in c(TRUE, FALSE)) for (masked in c(FALSE, TRUE)) {
  test_that(sprintf("GRU backward = finite differences (reset_after = %s, mask = %s)", reset_after, masked), {
    case <- cell_case("gru")
    mask <- if (masked) case$mask else NULL
    run <- cell_run("gru", case$p, case$x, case$h0, case$proj, mask, reset_after)
    back <- gru_backward(case$proj, run$fwd$cache)
    ours <- c(back$grads, list(dh0 = back$trace$dh0, dx = stack_steps(back$trace$dx)))
    num <- cell_numerical("gru", case, mask, reset_after)
    expect_setequal(names(ours), names(num))
    for (k in names(num)) {
      expect_gt(max(abs(num[[k]])), 1e-3) # the check is not empty
      expect_lt(rel_err(as.vector(ours[[k]]), as.vector(num[[k]])), 1e-9, label = k)
    }
  })
}

test_that("the two reset placements give different GRUs", {
  case <- cell_case("gru")
  a <- cell_run("gru", case$p, case$x, case$h0, case$proj, NULL, TRUE)$loss
  b <- cell_run("gru", case$p, case$x, case$h0, case$proj, NULL, FALSE)$loss
  expect_gt(abs(a - b), 1e-3)
})

test_that("GRU masked steps carry the state", {
  case <- cell_case("gru")
  h <- stack_steps(cell_run("gru", case$p, case$x, case$h0, case$proj, case$mask)$fwd$out$h)
  expect_identical(h[2, 2, ], h[1, 2, ]) # batch 2 is padded at steps 2 and 3
  expect_identical(h[3, 2, ], h[1, 2, ])
  expect_false(identical(h[4, 2, ], h[3, 2, ]))
})
