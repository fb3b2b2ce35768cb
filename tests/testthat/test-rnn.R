# The vanilla RNN against central finite differences (tolerance: see test-gru.R).

for (masked in c(FALSE, TRUE)) {
  test_that(sprintf("RNN backward = finite differences (mask = %s)", masked), {
    case <- cell_case("rnn")
    mask <- if (masked) case$mask else NULL
    run <- cell_run("rnn", case$p, case$x, case$h0, case$proj, mask)
    back <- rnn_backward(case$proj, run$fwd$cache)
    ours <- c(back$grads, list(dh0 = back$trace$dh0, dx = stack_steps(back$trace$dx)))
    num <- cell_numerical("rnn", case, mask)
    expect_setequal(names(ours), names(num))
    for (k in names(num)) {
      expect_gt(max(abs(num[[k]])), 1e-3)
      expect_lt(rel_err(as.vector(ours[[k]]), as.vector(num[[k]])), 1e-9, label = k)
    }
  })
}

test_that("RNN step: a padded step carries h, and no gradient reaches its g", {
  U <- matrix(c(0.5, -0.3, 0.2, 0.9), 2)
  s <- rnn_step_forward(matrix(1:4 / 4, 2), matrix(c(0.1, 0.2, 0.3, 0.4), 2), U, m = c(1, 0))
  expect_identical(s$h[2, ], c(0.2, 0.4))
  expect_identical(s$h[1, ], s$g[1, ])
  expect_identical(rnn_local_grads(s$g, c(1, 0))$dh_dg[2, ], c(0, 0))
})
