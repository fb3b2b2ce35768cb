# record(): per-step values stacked into T x B x . arrays, whole-sequence values
# kept, and every misuse refused with the tensor and the step named.

test_that("per-step values are stacked in step order", {
  rec <- new_recording()
  for (t in 3:1) record(rec, "h", t, matrix(t * 1:6, 2, 3))
  record(rec, "dh0", NULL, matrix(0, 2, 3))
  record(rec, "grads.W_i", NULL, diag(2))
  out <- recording_result(rec)
  expect_identical(dim(out$forward$h), c(3L, 2L, 3L))
  expect_identical(out$forward$h[2, , ], matrix(2 * 1:6, 2, 3))
  expect_identical(out$backward$dh0, matrix(0, 2, 3))
  expect_identical(out$grads$W_i, diag(2))
})

test_that("a vector is one sequence (B = 1)", {
  rec <- new_recording()
  record(rec, "c", 1, c(1, 2))
  expect_identical(dim(recording_result(rec)$forward$c), c(1L, 1L, 2L))
})

test_that("misuse is refused by name", {
  rec <- new_recording()
  expect_error(record(rec, "hh", 1, 1), "unknown tensor 'hh'; did you mean 'h'")
  expect_error(record(rec, "loss", 1, 1), "not a per-step tensor")
  record(rec, "i", 1, 1)
  expect_error(record(rec, "i", 1, 2), "'i' at t = 1 recorded twice")
  record(rec, "i", 3, 1)
  expect_error(recording_result(rec), "'i': steps 1..3 recorded with t = 2 missing")
  rec0 <- new_recording()
  record(rec0, "f", 0, 1)
  expect_error(recording_result(rec0), "declares step_base = 0")
  expect_identical(dim(recording_result(rec0, step_base = 0)$forward$f), c(1L, 1L, 1L))
})
