# The committed corpus of bad inputs (tests/bad_data/cases.json) in R: each case stops with one
# line naming the field and the value, before anything trains. Python and the CLI run the same
# corpus (tests/python/test_bad_data.py).

bad_cases <- function(kinds) {
  path <- testthat::test_path("..", "bad_data", "cases.json")
  cases <- jsonlite::fromJSON(path, simplifyVector = FALSE)$cases
  Filter(function(c) c$kind %in% kinds, cases)
}

one_line_error <- function(expr) {
  msg <- tryCatch({
    force(expr)
    NULL
  }, lstmparity_data_error = function(e) conditionMessage(e))
  expect_false(is.null(msg))
  expect_false(grepl("\n", msg))
  msg
}

test_that("the corpus has cases of every kind R checks", {
  expect_gte(length(bad_cases("file")), 10)
  expect_gte(length(bad_cases(c("dataset", "options", "fit"))), 10)
  expect_length(bad_cases("checkpoint"), 3)
})

test_that("bad text-classification files stop with the same line as in Python", {
  dir <- tempfile("bad_data") # a folder of its own (other tests list the session's temporary folder)
  dir.create(dir)
  on.exit(unlink(dir, recursive = TRUE))
  for (case in bad_cases(c("file", "file_text"))) {
    path <- file.path(dir, paste0(case$name, ".json"))
    text <- if (case$kind == "file_text") case$input else
      as.character(jsonlite::toJSON(case$input, auto_unbox = TRUE, null = "null", digits = NA))
    writeLines(text, path)
    msg <- one_line_error(read_reuters(path))
    expected <- if (case$kind == "file") paste0(path, ": ", case$error) else case$error
    if (case$kind == "file") expect_identical(msg, expected, label = case$name) else
      expect_true(startsWith(msg, paste0(path, ": ", expected)), label = case$name)
  }
})

test_that("bad token data sets stop train_model() before its first step", {
  for (case in bad_cases("dataset")) {
    data <- list(tokens = lapply(case$input$tokens, function(s) as.integer(unlist(s)) + 1L),
                 targets = unlist(case$input$targets))
    config <- case$config
    expect_identical(one_line_error(check_dataset(data, config, "train_set")), case$error_r, label = case$name)
    expect_identical(one_line_error(train_model(init_params(config), config, data, NULL,
                                                train_options(progress = FALSE))),
                     case$error_r, label = case$name)
  }
})

test_that("bad settings stop before training, with Python's message", {
  texts <- c("oil rose", "shares fell")
  for (case in bad_cases("options")) {
    args <- c(list(texts, c(1, 0), verbose = FALSE), case$input)
    expect_identical(one_line_error(do.call(lstm_fit, args)), case$error, label = case$name)
    field <- names(case$input)
    opts <- if (field == "lr") train_options(optimizer = list(name = "adam", lr = case$input$lr)) else
      do.call(train_options, case$input)
    expect_identical(one_line_error(check_options(opts)), case$error, label = case$name)
  }
})

test_that("bad texts and labels stop lstm_fit()", {
  for (case in bad_cases("fit")) {
    x <- vapply(case$input$x, function(v) if (is.null(v)) NA_character_ else v, "")
    y <- vapply(case$input$y, function(v) if (is.null(v)) NA_real_ else v, 0)
    expect_identical(one_line_error(lstm_fit(x, y, epochs = 1, verbose = FALSE)), case$error_r, label = case$name)
  }
  expect_identical(one_line_error(lstm_fit(c("oil rose", "shares fell"), c(1, NaN), verbose = FALSE)),
                   "y[2]: missing label (NaN)")
})

test_that("bad checkpoints stop the resume with Python's line, and the file is left as it was", {
  dir <- tempfile("bad_ck")
  dir.create(dir)
  on.exit(unlink(dir, recursive = TRUE))
  good <- file.path(dir, "hamlet.json")
  train_hamlet(epochs = 2, progress = FALSE, checkpoint = good)
  text <- readChar(good, file.size(good), useBytes = TRUE)
  for (case in bad_cases("checkpoint")) {
    path <- file.path(dir, paste0(case$name, ".json"))
    writeChar(if (case$make == "truncate") substr(text, 1, nchar(text) %/% 2) else text, path, eos = NULL)
    before <- readBin(path, "raw", file.size(path))
    msg <- one_line_error(switch(case$make,
      truncate = train_hamlet(epochs = 4, progress = FALSE, resume_from = path, checkpoint = path),
      other_task = train_reuters(epochs = 4, progress = FALSE, resume_from = path, checkpoint = path),
      change_lr = train_hamlet(epochs = 4, lr = 0.02, progress = FALSE, resume_from = path, checkpoint = path)))
    expected <- paste0(path, ": ", case$error)
    if (case$make == "truncate") expect_true(startsWith(msg, expected), label = case$name) else
      expect_identical(msg, expected, label = case$name)
    expect_identical(readBin(path, "raw", file.size(path)), before, label = case$name)
  }
})
