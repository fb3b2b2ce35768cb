# Clipping and optimisers against their definitions, worked by hand.

grads <- list(dW = matrix(c(3, 0, 0, 0), 2), db = c(4, 0))

test_that("clip_grad_norm scales by max_norm / (total + 1e-6) only when that is < 1", {
  clipped <- clip_grad_norm(grads, 1)
  coef <- 1 / (5 + 1e-6)
  expect_identical(clipped$dW, grads$dW * coef)
  expect_identical(clipped$db, grads$db * coef)
  expect_identical(clip_grad_norm(grads, 10), grads)
  expect_identical(clip_grads(grads, list(max_norm = 1)), clipped)
  expect_identical(clip_grads(grads, NULL), grads)
})

test_that("clip_grad_value clips every element and keeps shapes", {
  clipped <- clip_grad_value(list(dW = matrix(c(-3, 0.1, 2, -0.2), 2)), 0.5)
  expect_identical(clipped$dW, matrix(c(-0.5, 0.1, 0.5, -0.2), 2))
  expect_identical(clip_grads(grads, list(value = 1))$db, c(1, 0))
})

test_that("sgd_step: plain, and momentum with buf = g on the first step", {
  params <- list(W = matrix(1, 2, 2), b = c(1, 1))
  plain <- sgd_step(params, grads, list(), lr = 0.1)
  expect_identical(plain$params$b, c(1 - 0.1 * 4, 1))
  s1 <- sgd_step(params, grads, list(), lr = 0.1, momentum = 0.9)
  expect_identical(s1$params$b, c(1 - 0.1 * 4, 1))
  s2 <- sgd_step(s1$params, grads, s1$state, lr = 0.1, momentum = 0.9)
  expect_identical(s2$params$b, s1$params$b - 0.1 * (0.9 * grads$db + grads$db))
})

test_that("adam_step: the first step moves every parameter by about lr * sign(g)", {
  params <- list(W = matrix(1, 2, 2), b = c(1, 1))
  s1 <- adam_step(params, grads, list(), lr = 0.01)
  expect_equal(s1$params$b, c(1 - 0.01, 1), tolerance = 1e-9)
  expect_identical(s1$state$k, 1)
  s2 <- adam_step(s1$params, grads, s1$state, lr = 0.01)
  m <- 0.9 * 0.1 * 4 + 0.1 * 4
  v <- 0.999 * 0.001 * 16 + 0.001 * 16
  expect_equal(s2$params$b[1], s1$params$b[1] - 0.01 * (m / (1 - 0.9^2)) / (sqrt(v / (1 - 0.999^2)) + 1e-8),
               tolerance = 1e-15)
})

test_that("optimizer_step dispatches on the name with the case's hyper-parameters", {
  params <- list(b = c(1, 1))
  opt <- list(name = "sgd", lr = 0.5, momentum = 0.9, steps = 2)
  expect_identical(optimizer_step(params, grads, list(), opt), sgd_step(params, grads, list(), 0.5, 0.9))
  expect_error(optimizer_step(params, grads, list(), list(name = "rmsprop", lr = 1)), "unknown optimizer")
})
