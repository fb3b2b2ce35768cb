# R/serialize.R: the JSON writer shared with Python's model files.

test_that("json_text() writes 17 significant digits, matrices row by row", {
  x <- c(0.1, 1 / 3, 5e-324, .Machine$double.xmax)
  expect_identical(jsonlite::fromJSON(json_text(x)), x) # jsonlite reads 17 digits exactly
  m <- matrix(c(1, 2, 3, 4, 5, 6) / 7, 2, 3)
  back <- jsonlite::fromJSON(json_text(m))
  expect_identical(back, m)
  expect_match(json_text(matrix(1:6 + 0, 2)), "[1, 3, 5]", fixed = TRUE)
})

test_that("json_text() refuses non-finite numbers rather than writing invalid JSON", {
  for (bad in list(NaN, Inf, NA_real_, c(1, -Inf))) {
    expect_error(json_text(bad), "non-finite")
  }
})

test_that("a saved model is written atomically: no temporary file is left beside it", {
  dir <- tempfile("models")
  on.exit(unlink(dir, recursive = TRUE), add = TRUE)
  config <- list(D = 2, H = 3, V = NULL, K = 2, head = "many_to_one_softmax")
  path <- file.path(dir, "m.json")
  save_model(path, init_params(config, seed = 1), config)
  expect_identical(list.files(dir, all.files = TRUE, no.. = TRUE), "m.json")
})

test_that("load_model() names the file and the expected format when given something else", {
  path <- tempfile(fileext = ".json")
  on.exit(unlink(path), add = TRUE)
  writeLines('{"format": "lstmparity-checkpoint", "format_version": 1}', path)
  expect_error(load_model(path), paste0(basename(path), ".*expected format 'lstmparity-model' version 1"))
})
