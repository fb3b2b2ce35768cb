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

test_that("step_rows() puts a[t, b, ] in row (t - 1) * B + b (not as_rows()' order)", {
  T <- 3L; B <- 2L; F <- 4L
  a <- array(seq_len(T * B * F) + 0, c(T, B, F))
  rows <- step_rows(a)
  expect_identical(dim(rows), c(T * B, F))
  for (t in seq_len(T)) for (b in seq_len(B)) expect_identical(rows[(t - 1) * B + b, ], a[t, b, ])
})

test_that("rows_of_steps() stacks per-step matrices as rbind() does, and steps_of_rows() undoes it", {
  set.seed(4)
  for (d in list(c(2L, 3L), c(1L, 3L), c(3L, 1L), c(1L, 1L))) { # B = 1 and F = 1 keep their dims
    mats <- lapply(1:5, function(t) matrix(rnorm(d[1] * d[2]), d[1], d[2]))
    rows <- rows_of_steps(mats)
    expect_identical(rows, do.call(rbind, mats))
    expect_identical(steps_of_rows(rows, 5L), mats)
  }
})

test_that("pick_steps() gathers each named value over the steps, whatever the order inside a step", {
  steps <- list(list(a = matrix(1), b = matrix(2, 1, 2)), list(b = matrix(3, 1, 2), a = matrix(4)),
                list(a = matrix(5), b = matrix(6, 1, 2)))
  picked <- pick_steps(steps, c("b", "a"))
  expect_identical(names(picked), c("b", "a"))
  expect_identical(picked$a, lapply(steps, `[[`, "a"))
  expect_identical(picked$b, lapply(steps, `[[`, "b"))
})
