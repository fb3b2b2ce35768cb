# lstm_fit() / predict() / print() / saveRDS, lstm_char_lm() / generate(), the text helpers.
# The cross-language checks (same trajectory, a model saved in one language predicting the same
# in the other) are in tests/python/test_estimators.py.

small_texts <- function() {
  oil <- c("oil prices rose", "crude oil output fell", "opec cut oil output", "oil and gas prices")
  firm <- c("the company bought shares", "a merger of two firms", "shares of the bank", "the firm was acquired")
  list(x = rep(c(oil, firm), 4), y = rep(rep(c(1, 0), each = 4), 4))
}

test_that("fit, predict, saveRDS / readRDS: the same predictions", {
  d <- small_texts()
  fit <- lstm_fit(d$x, d$y, epochs = 30, min_count = 1, validation = 0.25, verbose = FALSE)
  expect_s3_class(fit, "lstm_fit")
  new <- c("oil output rose", "the bank bought a firm", "words never seen")
  p <- predict(fit, new, type = "prob")
  expect_length(p, 3)
  expect_true(all(p > 0 & p < 1))
  expect_equal(predict(fit, new), ifelse(p > 0.5, 1, 0))
  expect_equal(predict(fit, new, type = "link"), log(p / (1 - p)), tolerance = 1e-12) # logit of the sigmoid
  expect_gt(mean(predict(fit, d$x) == d$y), 0.9) # a separable toy task is learned
  path <- tempfile(fileext = ".rds")
  saveRDS(fit, path)
  expect_identical(predict(readRDS(path), new, type = "prob"), p)
})

test_that("labels keep their type: factor, logical, character; more than 2 classes use softmax", {
  d <- small_texts()
  f <- factor(ifelse(d$y == 1, "crude", "acq"))
  fit <- lstm_fit(d$x, f, epochs = 2, min_count = 1, verbose = FALSE)
  expect_s3_class(predict(fit, "oil"), "factor")
  expect_identical(levels(predict(fit, "oil")), c("acq", "crude"))
  expect_type(predict(lstm_fit(d$x, d$y == 1, epochs = 1, min_count = 1, verbose = FALSE), "oil"), "logical")
  three <- rep(c("a", "b", "c", "a"), 8)
  fit3 <- lstm_fit(d$x, three, epochs = 2, min_count = 1, verbose = FALSE)
  expect_identical(fit3$config$head, "many_to_one_softmax")
  p <- predict(fit3, c("oil", "bank"), type = "prob")
  expect_identical(dim(p), c(2L, 3L))
  expect_equal(rowSums(p), c(1, 1), tolerance = 1e-14) # a softmax row sums to 1 up to rounding
  expect_identical(colnames(p), c("a", "b", "c"))
})

test_that("print is a few lines, summary a short table, plot draws", {
  d <- small_texts()
  fit <- lstm_fit(d$x, d$y, epochs = 3, min_count = 1, verbose = FALSE)
  out <- capture.output(print(fit))
  expect_lte(length(out), 5)
  expect_match(out[1], "embedding 16 -> LSTM 16 -> sigmoid")
  expect_lte(length(capture.output(summary(fit))), 20)
  path <- tempfile(fileext = ".png")
  grDevices::png(path)
  plot(fit)
  grDevices::dev.off()
  expect_gt(file.size(path), 0)
})

test_that("progress: one line per epoch off a terminal, nothing with verbose = FALSE", {
  d <- small_texts()
  out <- capture.output(fit <- lstm_fit(d$x, d$y, epochs = 3, min_count = 1, validation = 0, verbose = TRUE))
  skip_if(interactive(), "a terminal shows a bar instead")
  expect_length(grep("^epoch [0-9]+/3 ", out), 3)
  expect_length(capture.output(fit <- lstm_fit(d$x, d$y, epochs = 3, min_count = 1, verbose = FALSE)), 0)
})

test_that("early stopping on the held-out loss keeps the best epoch", {
  d <- small_texts()
  noise <- rep(c(1, 0, 0, 1, 1, 1, 0, 0), each = 4) # each text gets both labels: the held-out loss soon rises
  fit <- lstm_fit(d$x, noise, epochs = 200, lr = 0.05, min_count = 1, validation = 0.25, patience = 2,
                  verbose = FALSE)
  expect_true(fit$stopped_early)
  expect_lt(nrow(fit$history), 200)
  expect_identical(nrow(fit$history) - which.min(fit$history$valid_loss), 2L)
})

test_that("the validation split is Python's (same seed, same held-out texts)", {
  expect_identical(validation_split(10, 0.3, 0), list(train = c(1L, 2L, 4L, 7L, 8L, 9L, 10L), valid = c(3L, 5L, 6L)))
  # Python: validation_split(10, 0.3, 0) == ([0, 1, 3, 6, 7, 8, 9], [2, 4, 5])
})

test_that("lstm_save() writes the model file, lstm_load() reads it back exactly", {
  d <- small_texts()
  fit <- lstm_fit(d$x, factor(ifelse(d$y == 1, "crude", "acq")), epochs = 2, min_count = 1, verbose = FALSE)
  path <- file.path(tempfile("fit"), "model.json") # a folder of its own: no stray .json in tempdir()
  lstm_save(fit, path)
  back <- lstm_load(path)
  expect_identical(back$params, fit$params)
  expect_identical(predict(back, d$x, type = "prob"), predict(fit, d$x, type = "prob"))
  expect_identical(as.character(predict(back, d$x)), as.character(predict(fit, d$x)))
})

test_that("the character model learns and generate() is seeded", {
  text <- read_text(dataset_path("hamlet.txt"))
  lm <- lstm_char_lm(text, epochs = 15, verbose = FALSE)
  expect_s3_class(lm, "lstm_char_lm")
  expect_lt(lm$history$loss[15], lm$history$loss[1] - 0.3)
  g <- generate(lm, 40, start = "to be", seed = 3)
  expect_identical(nchar(g), 45L)
  expect_true(startsWith(g, "to be"))
  expect_identical(generate(lm, 40, start = "to be", seed = 3), g)
  expect_error(generate(lm, 5, start = "X"), "start: character 'X' is not in the model's vocabulary")
})

test_that("tokenize() takes one string; tokenize_texts() a vector", {
  expect_identical(tokenize("To be, or NOT"), c("to", "be", "or", "not"))
  expect_error(tokenize(c("a b", "c")), "tokenize\\(\\): expected one string, got a character of length 2")
  expect_identical(tokenize_texts(c("a b", "C")), list(c("a", "b"), "c"))
})

test_that("the demo data are installed with the package", {
  expect_identical(nchar(read_text(dataset_path("hamlet.txt"))), 866L)
  raw <- read_reuters()
  expect_identical(nrow(raw$documents), 70L)
  austen <- read_reuters(dataset_path("austen_sentences.json"), need = c("train", "valid", "test"))
  expect_identical(as.vector(table(austen$documents$split)[c("train", "valid", "test")]), c(2000L, 500L, 500L))
})

test_that("the Austen data file is what examples/make_austen_data.R makes from Debian's janeaustenr", {
  root <- repo_root()
  skip_if(is.null(root), "examples/ lives in the repository, not in the built package")
  skip_if_not_installed("janeaustenr")
  out <- file.path(tempfile("austen"), "austen_sentences.json")
  dir.create(dirname(out))
  old <- setwd(root)
  on.exit(setwd(old))
  system2(file.path(R.home("bin"), "Rscript"), c("examples/make_austen_data.R", out), stdout = FALSE)
  expect_identical(unname(tools::md5sum(out)), unname(tools::md5sum(dataset_path("austen_sentences.json"))))
})
