# Weights carried to PyTorch, Keras and ONNX layouts and back. (The comparison with the ONNX
# reference evaluator and torch runs in Python, tests/python/test_convert_cells.py, and
# tests/python/test_cells_r.py checks that these functions return the Python numbers.)

convert_params <- function(cell, reset_after = TRUE, D = 4, H = 2) {
  set.seed(2)
  G <- c(lstm = 4, gru = 3, rnn = 1)[[cell]]
  p <- list(W = matrix(rnorm(D * G * H), D), U = matrix(rnorm(H * G * H), H), b = rnorm(G * H))
  if (cell == "gru") p <- c(p, list(b_hn = rnorm(H), reset_after = reset_after))
  p
}

for (cell in c("lstm", "gru", "rnn")) for (reset_after in if (cell == "gru") c(TRUE, FALSE) else TRUE) {
  test_that(sprintf("%s weights round-trip (reset_after = %s)", cell, reset_after), {
    p <- convert_params(cell, reset_after)
    canonical <- p
    if (cell == "gru" && !reset_after) { # reset before, b_hn is only added: it comes back inside b
      canonical$b <- p$b + c(0, 0, 0, 0, p$b_hn)
      canonical$b_hn <- c(0, 0)
    }
    k <- to_keras(p, cell)
    expect_identical(from_keras(k[[1]], k[[2]], k[[3]], cell, reset_after = reset_after), canonical)
    o <- to_onnx(p, cell)
    back <- do.call(from_onnx, c(o, list(cell = cell), onnx_attributes(p, cell)))
    expect_identical(back, canonical)
    if (reset_after) {
      back <- from_torch(to_torch(p, cell), cell)
      if (cell == "gru") back$reset_after <- TRUE
      expect_identical(back, p)
    }
  })
}

test_that("onnx_forward runs the weights it was given", {
  p <- convert_params("gru")
  set.seed(3)
  x <- array(rnorm(5 * 3 * 4), c(5, 3, 4))
  o <- to_onnx(p, "gru")
  y <- onnx_forward("gru", x, o$W, o$R, o$B, linear_before_reset = 1)
  h <- stack_steps(gru_forward(x, p$W, p$U, p$b, p$b_hn)$out$h)
  expect_identical(y$Y[, 1, , ], h)
  yb <- onnx_forward("gru", aperm(x, c(2, 1, 3)), o$W, o$R, o$B, linear_before_reset = 1, layout = 1)
  expect_identical(yb$Y[, , 1, ], aperm(h, c(2, 1, 3)))
  rev_run <- onnx_forward("gru", x, o$W, o$R, o$B, linear_before_reset = 1, direction = "reverse")
  expect_gt(max(abs(rev_run$Y_h - y$Y_h)), 1e-3)
})

test_that("what lstmparity does not compute is refused, naming the attribute", {
  o <- to_onnx(convert_params("lstm"), "lstm")
  refuse <- function(pattern, ...) expect_error(from_onnx(o$W, o$R, o$B, ...), pattern)
  refuse("^clip = 3: not supported", clip = 3)
  refuse("^input_forget = 1", input_forget = 1)
  refuse("^activations = \\[Sigmoid, Tanh, Relu\\]", activations = c("Sigmoid", "Tanh", "Relu"))
  refuse("^activation_alpha", activation_alpha = 0.5)
  refuse("^linear_before_reset", linear_before_reset = 1)
  refuse("^layout = 2", layout = 2)
  refuse("^direction = 'sideways'", direction = "sideways")
  refuse("^hidden_size = 5", hidden_size = 5)
  refuse("attributes \\[peephole\\]", peephole = 1)
  refuse("^P: peephole", P = matrix(1, 1, 6))
  expect_silent(from_onnx(o$W, o$R, o$B, P = matrix(0, 1, 6)))
  expect_error(onnx_forward("lstm", array(0, c(5, 3, 4)), o$W, o$R, o$B, sequence_lens = c(5, 4, 5)),
               "^sequence_lens")
  expect_error(to_torch(convert_params("gru", FALSE), "gru"), "^reset_after")
  expect_error(from_keras(matrix(0, 4, 8), matrix(0, 2, 8), numeric(8), recurrent_activation = "hard_sigmoid"),
               "^recurrent_activation: 'hard_sigmoid'")
  expect_error(from_torch(list(weight_ih_l0 = matrix(0, 8, 4), weight_ih_l1 = 1)), "more layers")
  expect_error(to_onnx(convert_params("rnn"), "elman"), "^cell: expected one of")
})
