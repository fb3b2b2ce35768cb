test_that("sigmoid is finite, in [0, 1] and accurate for |z| up to 1e3", {
  z <- c(-1000, -745, -710, -40, -1, 0, 1, 40, 710, 745, 1000)
  s <- sigmoid(z)
  expect_false(anyNA(s))
  expect_true(all(s >= 0 & s <= 1))
  expect_identical(s[z == 0], 0.5)
  expect_identical(sigmoid(1000), 1)
  expect_equal(sigmoid(-40), exp(-40) / (1 + exp(-40)), tolerance = 1e-15)
  moderate <- seq(-30, 30, by = 0.37)
  expect_equal(sigmoid(moderate), 1 / (1 + exp(-moderate)), tolerance = 1e-15)
  expect_equal(sigmoid(moderate) + sigmoid(-moderate), rep(1, length(moderate)), tolerance = 1e-15)
})

test_that("sigmoid keeps the shape of its argument", {
  z <- matrix(c(-3, 2, 0, 5, -1, 4), 2, 3)
  expect_identical(dim(sigmoid(z)), c(2L, 3L))
})

test_that("log_softmax subtracts the row max (no overflow) and normalises each row", {
  a <- rbind(c(1000, 0, -1000), c(1, 2, 3))
  l <- log_softmax(a)
  expect_false(anyNA(l))
  expect_equal(rowSums(exp(l)), c(1, 1), tolerance = 1e-15)
  expect_equal(l[2, ], c(1, 2, 3) - log(sum(exp(1:3))), tolerance = 1e-15)
  expect_identical(l[1, 1], 0)
})

test_that("softplus is log(1 + exp(z)) without overflow", {
  z <- c(-800, -20, -1, 0, 1, 20, 800)
  expect_equal(softplus(z[2:6]), log1p(exp(z[2:6])), tolerance = 1e-15)
  expect_identical(softplus(800), 800)
  expect_identical(softplus(-800), 0)
})
