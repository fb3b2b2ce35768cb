# R/cell.R: one step, forward on the hand-checkable one-unit example, backward
# against central differences.

test_that("the one-unit worked example: gate values, c_t and h_t to float64 precision", {
  # D = H = B = 1; weights in gate order i, f, g, o (fixtures/one_unit_worked_example.json).
  W <- matrix(c(1.65, 1.63, 0.94, -0.19), 1)
  U <- matrix(c(2.00, 2.70, 1.41, 4.38), 1)
  b <- c(0.62, 1.62, -0.32, 0.59)
  s <- lstm_step_forward(1 %*% W + b, h_prev = matrix(1), c_prev = matrix(2), U = U)
  # The values printed in the case's description (the NumPy reference). R's libm
  # exp/tanh may differ from NumPy's by an ulp or two, so 1e-15 relative.
  expect_equal(drop(s$i), 0.9862110114938586, tolerance = 1e-15)
  expect_equal(drop(s$f), 0.9974009322376768, tolerance = 1e-15)
  expect_equal(drop(s$g), 0.9660869289795985, tolerance = 1e-15)
  expect_equal(drop(s$o), 0.9916739069015661, tolerance = 1e-15)
  expect_equal(drop(s$c), 2.947567431895319, tolerance = 1e-15)
  expect_equal(drop(s$tanh_c), 0.9945095041362109, tolerance = 1e-15)
  expect_equal(drop(s$h), 0.9862291254174954, tolerance = 1e-15)
})

# One step as a function of (h_prev, c_prev): L = sum(ph * h_t) + sum(pc * c_t).
step_loss <- function(p, h_prev, c_prev) {
  s <- lstm_step_forward(p$xw, h_prev, c_prev, p$U, p$m)
  sum(p$ph * s$h) + sum(p$pc * s$c)
}

central <- function(f, x, e = 1e-6) {
  vapply(seq_along(x), function(k) {
    up <- x; up[k] <- up[k] + e
    down <- x; down[k] <- down[k] - e
    (f(up) - f(down)) / (2 * e)
  }, numeric(1))
}

test_that("lstm_step_backward: dh_prev and dc_prev agree with central differences, masked row included", {
  set.seed(6)
  B <- 3L; H <- 2L
  p <- list(xw = matrix(rnorm(B * 4 * H), B), U = matrix(rnorm(H * 4 * H) / 2, H), m = c(1, 0, 1),
            ph = matrix(rnorm(B * H), B), pc = matrix(rnorm(B * H), B))
  h_prev <- matrix(runif(B * H, -1, 1), B)
  c_prev <- matrix(rnorm(B * H), B)
  s <- lstm_step_forward(p$xw, h_prev, c_prev, p$U, p$m)
  local <- lstm_local_grads(s$i, s$f, s$g, s$o, c_prev, s$tanh_c, p$m)
  # dL/dh_t = ph and the gradient reaching c_t from later steps is pc.
  back <- lstm_step_backward(p$ph, p$pc, local$dh_do, local$dh_dc, local$dc_di, local$dc_df,
                             local$dc_dg, s$f, p$U, p$m)
  fd_h <- central(function(v) step_loss(p, matrix(v, B), c_prev), h_prev)
  fd_c <- central(function(v) step_loss(p, h_prev, matrix(v, B)), c_prev)
  # e = 1e-6 on an O(1) smooth function: error ~1e-10 relative; a wrong term is off by O(1).
  expect_lt(rel_error(back$dh_prev, matrix(fd_h, B)), 1e-7)
  expect_lt(rel_error(back$dc_prev, matrix(fd_c, B)), 1e-7)
  # The padded row (m = 0) passes h and c through: its gradients are ph and pc unchanged.
  expect_identical(back$dh_prev[2, ], p$ph[2, ])
  expect_identical(back$dc_prev[2, ], p$pc[2, ])
  expect_true(all(c(back$di[2, ], back$df[2, ], back$dg[2, ], back$do[2, ]) == 0))
})
