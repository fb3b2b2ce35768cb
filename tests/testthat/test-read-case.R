# read_case(): orientation, kept size-1 dimensions, ids, and classed errors for bad input.

test_that("arrays keep the JSON's orientation (non-square, non-symmetric case)", {
  skip_if_no_fixtures()
  path <- file.path(fixtures_dir(), "batch_all_dims_differ.json")
  case <- read_case(path)
  raw <- jsonlite::parse_json(readLines(path, warn = FALSE), simplifyVector = FALSE)
  expect_identical(dim(case$params$W), c(5L, 16L)) # D x 4H
  expect_identical(case$params$W[1, 2], raw$params$W[[1]][[2]])
  expect_identical(case$params$W[5, 13], raw$params$W[[5]][[13]])
  expect_identical(case$params$U[2, 1], raw$params$U[[2]][[1]])
  expect_identical(dim(case$inputs$x), c(6L, 3L, 5L)) # T x B x D
  expect_identical(case$inputs$x[2, 3, 4], raw$inputs$x[[2]][[3]][[4]])
  expect_identical(case$expected$forward$h[6, 1, 2], raw$expected$forward$h[[6]][[1]][[2]])
  expect_identical(case$expected$grads$db[7], raw$expected$grads$db[[7]])
})

test_that("a case written by jsonlite reads back to the same arrays", {
  case <- random_case(config_of(4, 3, 2, 5, "many_to_one_softmax", V = 7, K = 3), lengths = c(4, 2, 3))
  back <- parse_case(to_raw(case), "roundtrip")
  expect_identical(back$params, case$params)
  expect_identical(back$inputs$tokens, case$inputs$tokens)
  expect_identical(back$inputs$targets, case$inputs$targets)
  expect_identical(back$inputs$mask, case$inputs$mask)
})

test_that("dimensions of size 1 are kept (D = H = B = T = 1)", {
  skip_if_no_fixtures()
  case <- read_case(file.path(fixtures_dir(), "one_unit_worked_example.json"))
  expect_identical(dim(case$params$W), c(1L, 4L))
  expect_identical(dim(case$inputs$x), c(1L, 1L, 1L))
  expect_identical(dim(case$inputs$h0), c(1L, 1L))
  expect_identical(dim(case$expected$backward$dx), c(1L, 1L, 1L))
  expect_equal(case$expected$forward$f[1, 1, 1], 0.9974009322376768, tolerance = 1e-15)
})

test_that("token ids and class targets become 1-based, 0/1 targets stay 0/1", {
  soft <- random_case(config_of(3, 2, 2, 2, "many_to_many_softmax", V = 4, K = 4))
  raw <- to_raw(soft)
  expect_identical(parse_case(raw)$inputs$tokens[2, 1], as.integer(raw$inputs$tokens[[2]][[1]]) + 1L)
  expect_identical(parse_case(raw)$inputs$targets[3, 2], as.integer(raw$inputs$targets[[3]][[2]]) + 1L)
  bin <- random_case(config_of(3, 2, 2, 2, "many_to_one_sigmoid", K = 1))
  expect_identical(parse_case(to_raw(bin))$inputs$targets, c(1L, 0L))
})

# The classed error, and that its message names the file, the field and what was expected.
expect_input_error <- function(code, field, what) {
  err <- expect_error(code, class = "lstmparity_input_error")
  expect_identical(err$field, field)
  expect_match(conditionMessage(err), paste0(": ", field, ": "), fixed = TRUE)
  expect_match(conditionMessage(err), what, fixed = TRUE)
}

good_raw <- function() to_raw(random_case(config_of(2, 3, 3, 4), state = TRUE))

test_that("a missing field is an input error naming it", {
  raw <- good_raw(); raw$params$W <- NULL
  expect_input_error(parse_case(raw, "case.json"), "params.W", "'W' is a required property")
  raw <- good_raw(); raw$config$H <- NULL
  expect_input_error(parse_case(raw, "case.json"), "config.H", "'H' is a required property")
  raw <- good_raw(); raw$inputs$proj <- NULL
  expect_input_error(parse_case(raw, "case.json"), "inputs.proj", "required by config but missing")
  raw <- good_raw(); raw$tolerance <- NULL
  expect_input_error(parse_case(raw, "case.json"), "tolerance", "'tolerance' is a required property")
})

test_that("a wrong shape is an input error saying what was expected", {
  raw <- good_raw(); raw$params$W <- lapply(raw$params$W, function(row) row[-16])
  expect_input_error(parse_case(raw, "case.json"), "params.W", "expected a 3 x 16 matrix, got 3 x 15")
  raw <- good_raw(); raw$params$b <- raw$params$b[-1]
  expect_input_error(parse_case(raw, "case.json"), "params.b", "expected a vector of length 16, got length 15")
  raw <- good_raw(); raw$inputs$x[[1]][[2]] <- raw$inputs$x[[1]][[2]][-1]
  expect_input_error(parse_case(raw, "case.json"), "inputs.x", "got a ragged, non-numeric or too deeply nested array")
  raw <- good_raw(); raw$inputs$h0[[1]][[1]] <- "0.5"
  expect_input_error(parse_case(raw, "case.json"), "inputs.h0.0.0", "'0.5' is not of type 'number'")
})

test_that("NA, NaN, Inf and null are input errors naming the element", {
  raw <- good_raw(); raw$params$W[[2]][[5]] <- NaN
  expect_input_error(parse_case(raw, "case.json"), "params.W", "got NaN at params.W[1][4]")
  raw <- good_raw(); raw$inputs$x[[2]][[1]][[3]] <- Inf
  expect_input_error(parse_case(raw, "case.json"), "inputs.x", "got Inf at inputs.x[1][0][2]")
  raw <- good_raw(); raw$params$U[[1]][1] <- list(NULL) # JSON null
  expect_input_error(parse_case(raw, "case.json"), "params.U.0.0", "null is not of type 'number'")
  raw <- good_raw(); raw$inputs$c0[[3]][[4]] <- NA
  expect_input_error(parse_case(raw, "case.json"), "inputs.c0.2.3", "NA is not of type 'number'")
})

test_that("token ids and targets out of range are input errors", {
  raw <- to_raw(random_case(config_of(3, 2, 2, 2, "many_to_many_softmax", V = 4, K = 5)))
  raw$inputs$tokens[[1]][[2]] <- 4L
  expect_input_error(parse_case(raw, "case.json"), "inputs.tokens", "expected ids in 0..3, got values from")
  raw <- to_raw(random_case(config_of(3, 2, 2, 2, "many_to_one_softmax", K = 3)))
  raw$inputs$targets[[2]] <- -1L
  expect_input_error(parse_case(raw, "case.json"), "inputs.targets", "expected ids in 0..2")
  raw <- to_raw(random_case(config_of(3, 2, 2, 2, "many_to_one_sigmoid", K = 1)))
  raw$inputs$targets[[1]] <- 0.5
  expect_input_error(parse_case(raw, "case.json"), "inputs.targets", "expected integers")
})

test_that("other malformed cases are input errors", {
  raw <- good_raw(); raw$inputs$mask <- rep(list(list(1, 0.5, 1)), 2)
  expect_input_error(parse_case(raw, "case.json"), "inputs.mask", "expected only 0 and 1")
  raw <- good_raw(); raw$inputs$tokens <- list(list(0L))
  expect_input_error(parse_case(raw, "case.json"), "inputs.tokens", "not expected for this config")
  raw <- good_raw(); raw$format_version <- 2L
  expect_input_error(parse_case(raw, "case.json"), "format_version", "regenerate")
  raw <- good_raw(); raw$config$head <- "many_to_many_softmax"
  expect_input_error(parse_case(raw, "case.json"), "config.K", "expected null exactly when")
  raw <- good_raw(); raw$colour <- "blue"
  expect_input_error(parse_case(raw, "case.json"), "colour", "Additional properties are not allowed")
})

test_that("config.cell and config.reset_after: kept, checked, and only where they apply", {
  gru <- random_case(config_of(2, 3, 3, 4, cell = "gru", reset_after = FALSE), state = TRUE)
  back <- parse_case(to_raw(gru), "gru.json")
  expect_identical(back$config$cell, "gru")
  expect_false(back$config$reset_after)
  expect_identical(back$params, gru$params)
  expect_identical(run_case(back), run_case(gru))
  expect_null(parse_case(good_raw())$config$cell) # an LSTM case need not say so
  raw <- good_raw(); raw$config$cell <- "elman"
  expect_input_error(parse_case(raw, "case.json"), "config.cell", "'elman' is not one of ['lstm', 'gru', 'rnn']")
  raw <- good_raw(); raw$config$reset_after <- TRUE
  expect_input_error(parse_case(raw, "case.json"), "config.reset_after", "expected only with config.cell 'gru'")
  raw <- to_raw(gru); raw$config$reset_after <- "yes"
  expect_input_error(parse_case(raw, "case.json"), "config.reset_after", "'yes' is not of type 'boolean'")
  raw <- to_raw(gru); raw$params$b_hn <- NULL
  expect_input_error(parse_case(raw, "case.json"), "params.b_hn", "required by config but missing")
  raw <- to_raw(gru); raw$inputs$c0 <- raw$inputs$h0
  expect_input_error(parse_case(raw, "case.json"), "inputs.c0", "not expected for this config")
  raw <- good_raw(); raw$params$b_hn <- as.list(1:4)
  expect_input_error(parse_case(raw, "case.json"), "params.b_hn", "not expected for this config")
  raw <- to_raw(random_case(config_of(2, 3, 3, 4, cell = "rnn")))
  raw$params$W <- nest(matrix(0, 3, 16))
  expect_input_error(parse_case(raw, "case.json"), "params.W", "expected a 3 x 4 matrix, got 3 x 16")
})

test_that("unreadable files and invalid JSON are input errors naming the file", {
  missing <- file.path(tempdir(), "no-such-case.json")
  err <- expect_error(read_case(missing), class = "lstmparity_input_error")
  expect_match(conditionMessage(err), "no-such-case.json: cannot read the file", fixed = TRUE)
  bad <- tempfile(fileext = ".json")
  writeLines('{"format_version": 1, "name": "x", "params": {"W": [[1, 2]]', bad)
  err <- expect_error(read_case(bad), class = "lstmparity_input_error")
  expect_match(conditionMessage(err), paste0(bad, ": not valid JSON"), fixed = TRUE)
  writeLines("[1, 2]", bad)
  expect_input_error(read_case(bad), "(top level)", "expected a JSON object")
})

test_that("bare NaN / Infinity tokens (not JSON) are input errors naming the element", {
  skip_if_no_fixtures()
  text <- readLines(file.path(fixtures_dir(), "batch_all_dims_differ.json"), warn = FALSE)
  bad <- tempfile(fileext = ".json")
  at <- grep("^ *\"W\": \\[", text)[1] + 1L # the first row of params.W
  writeLines(replace(text, at, sub("\\[[^,]*,[^,]*,", "[1.5, NaN,", text[at])), bad)
  expect_input_error(read_case(bad), "params.W", "expected finite numbers, got NaN at params.W[0][1]")
  writeLines(replace(text, at, sub("\\[[^,]*,", "[-Infinity,", text[at])), bad)
  expect_input_error(read_case(bad), "params.W", "got -Inf at params.W[0][0]")
})

test_that("arrays nested deeper than expected are refused without deep recursion", {
  raw <- good_raw()
  deep <- 1
  for (k in 1:5000) deep <- list(deep)
  raw$params$b <- deep
  expect_input_error(parse_case(raw, "case.json"), "params.b", "too deeply nested")
})
