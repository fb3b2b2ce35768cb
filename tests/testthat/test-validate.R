# R/validate.R: the checks on data and settings; the corpus of bad inputs is test-bad-data.R.

test_that("show_value() shows a value as the message should: JSON for file values, NA / NaN for R's", {
  expect_identical(show_value(NULL), "null")
  expect_identical(show_value("1"), "\"1\"")
  expect_identical(show_value(0.5), "0.5")
  expect_identical(show_value(2L), "2")
  expect_identical(show_value(NA), "NA")
  expect_identical(show_value(NaN), "NaN")
  expect_identical(show_value(TRUE), "true")
  expect_identical(show_value(c(1, 2)), "[1, 2]")
  expect_identical(show_value(0.1 + 0.2), "0.3") # 15 significant digits
})

test_that("check_positive() names the setting, what it expected and what it got", {
  expect_error(check_positive("epochs", 0, whole = TRUE), "^epochs: expected a positive whole number, got 0$")
  expect_error(check_positive("lr", "0.1"), "lr: expected a positive number, got \"0.1\"")
  expect_error(check_positive("batch_size", 2.5, whole = TRUE), "got 2.5")
  expect_error(check_positive("lr", Inf), "got Inf")
  expect_null(check_positive("lr", 1e-3))
  err <- tryCatch(check_positive("lr", -1), error = identity)
  expect_s3_class(err, "lstmparity_data_error")
})

test_that("check_dataset() refuses token ids and targets out of range, naming the sequence", {
  config <- list(V = 5, K = 3, head = "many_to_one_softmax")
  ok <- list(tokens = list(c(1, 2), c(5)), targets = c(1, 3))
  expect_null(check_dataset(ok, config))
  bad <- ok
  bad$tokens[[2]] <- c(6)
  expect_error(check_dataset(bad, config), "train_set\\$tokens\\[\\[2\\]\\]\\[1\\]: expected a token id in 1..5, got 6")
  bad <- ok
  bad$targets <- c(1, 4)
  expect_error(check_dataset(bad, config), "targets\\[\\[2\\]\\]: expected a class in 1..3, got 4")
})
