# R/record.R: tensors recorded step by step inside one's own loop, assembled as (T, B, .) arrays.

test_that("record() per step, recording_result() stacks them into (T, B, .) with [t, b, j] indexing", {
  rec <- new_recording()
  for (t in 1:3) record(rec, "h", t, matrix(t * 10 + 1:4, 2, 2))
  record(rec, "loss", NULL, 1.5)
  record(rec, "dW", NULL, diag(2))
  out <- recording_result(rec)
  expect_identical(dim(out$forward$h), c(3L, 2L, 2L))
  expect_identical(out$forward$h[2, , ], matrix(20 + 1:4, 2, 2))
  expect_identical(out$forward$loss, 1.5)
  expect_identical(out$grads$dW, diag(2))
})

test_that("steps counted from 0 need step_base = 0; a gap is named", {
  rec <- new_recording()
  for (t in 0:1) record(rec, "c", t, matrix(t, 1, 2))
  expect_error(recording_result(rec), "before the first step 1 .*step_base = 0")
  expect_identical(dim(recording_result(rec, step_base = 0L)$forward$c), c(2L, 1L, 2L))
  rec <- new_recording()
  for (t in c(1, 2, 4)) record(rec, "dc", t, matrix(0, 1, 1))
  expect_error(recording_result(rec), "t = 3 missing")
})

test_that("mistakes are refused with a hint: unknown names, a step on a whole tensor, a step twice", {
  rec <- new_recording()
  expect_error(record(rec, "dcc", 1, 0), "unknown tensor 'dcc'; did you mean 'dc'")
  expect_error(record(rec, "loss", 1, 0), "not a per-step tensor; pass t = NULL")
  record(rec, "i", 1, 0)
  expect_error(record(rec, "i", 1, 0), "recorded twice")
})
