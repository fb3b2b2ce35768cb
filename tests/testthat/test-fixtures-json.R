# R/fixtures.R, its JSON helpers: nested JSON lists -> arrays of a known shape, and the
# messages that name the field and what was expected.

test_that("as_array() keeps the JSON's row-major indexing for 1, 2 and 3 dimensions", {
  expect_identical(as_array("f.json", "b", list(1, 2, 3), 3L), c(1, 2, 3))
  m <- as_array("f.json", "W", list(list(1, 2, 3), list(4, 5, 6)), c(2L, 3L))
  expect_identical(m, matrix(c(1, 2, 3, 4, 5, 6), 2, 3, byrow = TRUE))
  a <- as_array("f.json", "x", list(list(list(1, 2), list(3, 4)), list(list(5, 6), list(7, 8))), c(2L, 2L, 2L))
  expect_identical(a[2, 1, 2], 6) # JSON x[1][0][1]
})

test_that("as_array() errors name the file, the field, what was expected and what came", {
  expect_error(as_array("f.json", "W", list(list(1, 2), list(3, 4), list(5, 6)), c(2L, 3L)),
               "f.json: W: expected a 2 x 3 matrix, got 3 x 2", fixed = TRUE)
  expect_error(as_array("f.json", "W", list(list(1, 2), list(3)), c(2L, 2L)),
               "W: expected a 2 x 2 matrix, got a ragged")
  expect_error(as_array("f.json", "b", list(1, "a"), 2L), "got a ragged, non-numeric")
  expect_error(as_array("f.json", "x", list(list(list(1, NULL))), c(1L, 1L, 2L)),
               "expected finite numbers, got null (NA) at x[0][0][1]", fixed = TRUE)
  expect_error(as_array("f.json", "x", list(list(list(1, 2))), c(1L, 1L, 2L)), NA)
  err <- tryCatch(as_array("f.json", "b", 1, 2L), error = identity)
  expect_s3_class(err, "lstmparity_input_error")
  expect_identical(err$field, "b")
})

test_that("json_index() is the 0-based row-major index of element k", {
  expect_identical(json_index(1L, c(2L, 3L)), "[0][0]")
  expect_identical(json_index(6L, c(2L, 3L)), "[1][2]")
  expect_identical(json_index(4L, c(2L, 3L)), "[1][0]")
})

test_that("as_ids(): integers in range, made 1-based (0/1 targets of the sigmoid head stay 0/1)", {
  config <- list(V = 5L, K = 3L, head = "many_to_one_softmax")
  expect_identical(as_ids("f.json", "inputs.tokens", matrix(c(0, 4), 1), config), matrix(c(1L, 5L), 1))
  expect_error(as_ids("f.json", "inputs.tokens", matrix(c(0, 5), 1), config),
               "expected ids in 0..4, got values from 0 to 5")
  expect_error(as_ids("f.json", "inputs.targets", c(0, 1.5), config), "expected integers")
  binary <- list(V = 5L, K = 1L, head = "many_to_one_sigmoid")
  expect_identical(as_ids("f.json", "inputs.targets", c(0, 1), binary), c(0L, 1L))
})
