# R/layouts.R: other code's weight layouts, there and back, and what each layout computes.

layout_params <- function(D = 2L, H = 3L, seed = 11) {
  set.seed(seed)
  list(W = matrix(rnorm(D * 4 * H), D), U = matrix(rnorm(H * 4 * H), H), b = rnorm(4 * H))
}

test_that("every layout and gate order carries the parameters there and back exactly", {
  p <- layout_params()
  for (layout in c("lstmparity", "pytorch", "keras", "per_gate_xh", "per_gate_hx",
                   "per_gate_xh_bias_row", "per_gate_hx_bias_row")) {
    for (order in c("ifgo", "iofc", "fico")) {
      if (startsWith(layout, "per_gate") && order != "ifgo") next
      there <- params_to_layout(p, layout, order)
      expect_identical(params_from_layout(there, layout, order, D = 2L), p, info = paste(layout, order))
    }
  }
})

test_that("a per-gate matrix gives the gate's pre-activation on cbind(x, h) (or cbind(h, x, 1))", {
  p <- layout_params()
  x <- matrix(c(0.5, -1), 1)
  h <- matrix(c(0.1, 0.2, 0.3), 1)
  z <- x %*% p$W + h %*% p$U + p$b # ours, blocks i, f, g, o
  xh <- params_to_layout(p, "per_gate_xh")
  expect_equal(drop(cbind(x, h) %*% xh$W_f + xh$b_f), drop(z[, 4:6]), tolerance = 1e-15)
  hx1 <- params_to_layout(p, "per_gate_hx_bias_row")
  expect_equal(drop(cbind(h, x, 1) %*% hx1$W_o), drop(z[, 10:12]), tolerance = 1e-15)
})

test_that("PyTorch's two biases are added on the way in; a gate order that is no permutation is refused", {
  p <- layout_params()
  pt <- params_to_layout(p, "pytorch")
  pt$bias_ih <- pt$bias_ih - 1
  pt$bias_hh <- pt$bias_hh + 1
  expect_equal(params_from_layout(pt, "pytorch")$b, p$b, tolerance = 1e-15)
  expect_error(params_to_layout(p, "pytorch", "iffo"))
})

test_that("gate_grads_from_post() applies sigmoid' and tanh' from the gate values", {
  fwd <- list(i = 0.5, f = 0.9, g = 0.5, o = 0.2)
  bwd <- gate_grads_from_post(list(di = 1, df = 1, dg = 1, do = 2), fwd)
  expect_equal(unlist(bwd), c(di = 0.25, df = 0.09, dg = 0.75, do = 0.32), tolerance = 1e-15)
})
