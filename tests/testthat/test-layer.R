# The layer against simpler computations of the same thing.

test_that("the layer equals the step function applied by hand, step by step", {
  case <- random_case(config_of(5, 3, 4, 2), seed = 3, state = TRUE)
  p <- case$params; x <- case$inputs$x
  run <- lstm_forward(x, p$W, p$U, p$b, case$inputs$h0, case$inputs$c0)
  h <- case$inputs$h0; c <- case$inputs$c0
  # The layer computes x_t W + b as one product [1 | x_t] [b; W], which rounds
  # differently from x_t W + b: a few ulps per step, so 1e-13 (not 1e-15) relative.
  for (t in 1:5) {
    xw <- x[t, , ] %*% p$W + matrix(p$b, 3, 8, byrow = TRUE)
    s <- lstm_step_forward(xw, h, c, p$U)
    h <- s$h; c <- s$c
    expect_equal(run$out$h[[t]], h, tolerance = 1e-13)
    expect_equal(run$out$c[[t]], c, tolerance = 1e-13)
    expect_equal(run$out$g[[t]], s$g, tolerance = 1e-13)
  }
})

test_that("a batch equals its sequences run one at a time (forward and backward)", {
  case <- random_case(config_of(4, 3, 2, 5), seed = 4, state = TRUE, lengths = c(4, 2, 3))
  p <- case$params; inp <- case$inputs
  all <- lstm_forward(inp$x, p$W, p$U, p$b, inp$h0, inp$c0, inp$mask)
  back <- lstm_backward(inp$proj, all$cache)
  h_all <- stack_steps(all$out$h); dc_all <- stack_steps(back$trace$dc); dx_all <- stack_steps(back$trace$dx)
  dW <- 0
  for (b in 1:3) {
    one <- lstm_forward(inp$x[, b, , drop = FALSE], p$W, p$U, p$b, inp$h0[b, , drop = FALSE],
                        inp$c0[b, , drop = FALSE], inp$mask[, b, drop = FALSE])
    expect_equal(stack_steps(one$out$h)[, 1, ], h_all[, b, ], tolerance = 1e-14)
    one_back <- lstm_backward(inp$proj[, b, , drop = FALSE], one$cache)
    expect_equal(stack_steps(one_back$trace$dc)[, 1, ], dc_all[, b, ], tolerance = 1e-14)
    expect_equal(stack_steps(one_back$trace$dx)[, 1, ], dx_all[, b, ], tolerance = 1e-14)
    dW <- dW + one_back$grads$dW
  }
  expect_equal(dW, back$grads$dW, tolerance = 1e-14)
})

test_that("stack_steps() and unstack_steps() convert per-step lists and (T, B, F) arrays", {
  a <- array(rnorm(5 * 3 * 2), c(5, 3, 2)) # non-square, so a transposed layout cannot pass
  steps <- unstack_steps(a)
  expect_length(steps, 5)
  expect_identical(steps[[4]], a[4, , ])
  expect_identical(stack_steps(steps), a)
  one <- unstack_steps(array(1:6 + 0, c(2, 1, 3))) # B = 1: still (B, F) matrices
  expect_identical(dim(one[[2]]), c(1L, 3L))
})

test_that("padded steps carry h and c unchanged and get no gate gradients", {
  case <- random_case(config_of(5, 2, 3, 4), seed = 5, lengths = c(5, 2))
  p <- case$params; inp <- case$inputs
  run <- lstm_forward(inp$x, p$W, p$U, p$b, mask = inp$mask)
  for (t in 3:5) {
    expect_identical(run$out$h[[t]][2, ], run$out$h[[2]][2, ])
    expect_identical(run$out$c[[t]][2, ], run$out$c[[2]][2, ])
  }
  back <- lstm_backward(inp$proj, run$cache)
  for (n in c("do", "dc", "di", "df", "dg", "dx")) expect_true(all(stack_steps(back$trace[[n]])[3:5, 2, ] == 0))
})

test_that("the embedding gathers rows and scatter-adds gradients, repeated ids included", {
  E <- matrix(rnorm(12), 4, 3)
  tokens <- matrix(c(2L, 4L, 2L, 1L, 2L, 3L), 3, 2)
  x <- embedding_forward(E, tokens)
  expect_identical(dim(x), c(3L, 2L, 3L))
  expect_identical(x[3, 2, ], E[3, ])
  dx <- array(rnorm(18), c(3, 2, 3))
  dE <- embedding_backward(dx, tokens, 5)
  by_hand <- matrix(0, 5, 3)
  for (t in 1:3) for (b in 1:2) by_hand[tokens[t, b], ] <- by_hand[tokens[t, b], ] + dx[t, b, ]
  expect_equal(dE, by_hand, tolerance = 1e-15)
  expect_identical(dE[5, ], c(0, 0, 0))
})
