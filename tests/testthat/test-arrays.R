# R/arrays.R: (T, B, F) arrays, (T * B, F) row matrices and per-step lists.

test_that("as_rows() puts a[t, b, ] in row t + (b - 1) * T, and from_rows() undoes it", {
  T <- 3L; B <- 2L; F <- 4L
  a <- array(seq_len(T * B * F) + 0, c(T, B, F))
  rows <- as_rows(a)
  expect_identical(dim(rows), c(T * B, F))
  for (t in seq_len(T)) for (b in seq_len(B)) expect_identical(rows[t + (b - 1) * T, ], a[t, b, ])
  expect_identical(from_rows(rows, T, B), a)
})

test_that("step_slice() keeps dims of size 1 (B = 1, F = 1)", {
  a <- array(1:6 + 0, c(6, 1, 1))
  expect_identical(step_slice(a, 4), matrix(4, 1, 1))
  a <- array(1:12 + 0, c(3, 2, 2))
  expect_identical(step_slice(a, 2), a[2, , ])
})

test_that("stack_steps(list of T (B, F) matrices)[t, , ] is the t-th matrix, also for B = 1", {
  set.seed(3)
  steps <- lapply(1:4, function(t) matrix(rnorm(3), 1, 3))
  a <- stack_steps(steps)
  expect_identical(dim(a), c(4L, 1L, 3L))
  for (t in 1:4) expect_identical(step_slice(a, t), steps[[t]])
  expect_identical(unstack_steps(a), steps)
})
