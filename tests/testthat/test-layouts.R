# Weight layouts: every layout carries W, U, b there and back; the per-gate
# layouts compute the same gate pre-activations as ours; gradients come back
# under our names.

random_params <- function(D = 3, H = 2) {
  set.seed(1)
  list(W = matrix(rnorm(D * 4 * H), D), U = matrix(rnorm(H * 4 * H), H), b = rnorm(4 * H), Wy = matrix(1, H, 1))
}

test_that("every layout goes there and back", {
  p <- random_params()
  for (layout in LAYOUTS) {
    for (order in c("ifgo", "fico")) {
      back <- params_from_layout(params_to_layout(p, layout, order), layout, order, D = 3)
      expect_equal(back[c("W", "U", "b", "Wy")], p[c("W", "U", "b", "Wy")], tolerance = 0, info = paste(layout, order))
    }
  }
})

test_that("per-gate matrices on cbind(x, h) compute our pre-activations", {
  p <- random_params()
  x <- matrix(rnorm(2 * 3), 2)
  h <- matrix(rnorm(2 * 2), 2)
  z <- x %*% p$W + h %*% p$U + rep(p$b, each = 2)
  pg <- params_to_layout(p, "per_gate_xh")
  z_f <- cbind(x, h) %*% pg$W_f + rep(pg$b_f, each = 2)
  expect_equal(z_f, z[, 3:4], tolerance = 1e-14)
  pr <- params_to_layout(p, "per_gate_hx_bias_row")
  expect_equal(cbind(h, x, 1) %*% pr$W_o, z[, 7:8], tolerance = 1e-14)
})

test_that("gate order and PyTorch biases", {
  p <- random_params()
  keras <- params_to_layout(p, "keras", "ifco")
  expect_identical(keras$kernel, p$W)
  fico <- params_to_layout(p, "lstmparity", "fico")
  expect_identical(fico$W[, 1:2], p$W[, 3:4])  # f first
  torch <- params_to_layout(p, "pytorch")
  expect_identical(torch$weight_ih, t(p$W))
  both <- torch
  both$bias_hh <- both$bias_ih / 2
  both$bias_ih <- both$bias_ih / 2
  expect_equal(params_from_layout(both, "pytorch")$b, p$b)
  g <- grads_from_layout(list(weight_ih = t(p$W), weight_hh = t(p$U), bias_ih = p$b, bias_hh = p$b), "pytorch")
  expect_identical(g$db, p$b)  # each bias's gradient is db, not their sum
  expect_named(g, c("dW", "dU", "db"))
})

test_that("bad layouts and gate orders are refused by name", {
  p <- random_params()
  expect_error(params_to_layout(p, "tensorflow"), "layout 'tensorflow': expected one of")
  expect_error(params_to_layout(p, "lstmparity", "ifgg"), "permutation of 'ifgo'")
  expect_error(params_from_layout(params_to_layout(p, "per_gate_xh"), "per_gate_xh"), "pass D")
})

test_that("post-activation gate gradients become pre-activation ones", {
  fwd <- list(i = array(0.5, c(1, 1, 1)), f = array(0.25, c(1, 1, 1)), g = array(0.5, c(1, 1, 1)),
              o = array(0.75, c(1, 1, 1)))
  bwd <- gate_grads_from_post(list(di = array(2, c(1, 1, 1)), dg = array(2, c(1, 1, 1)), dh = 7), fwd)
  expect_equal(c(bwd$di), 2 * 0.5 * 0.5)
  expect_equal(c(bwd$dg), 2 * (1 - 0.25))
  expect_identical(bwd$dh, 7)
})
