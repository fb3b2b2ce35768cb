# R/demos.R: the two demos, on tiny data sets (the full runs are make demo-hamlet-r / demo-reuters-r).

test_that("train_hamlet() trains a character model on any text and reports its accuracy", {
  path <- tempfile(fileext = ".txt")
  on.exit(unlink(path), add = TRUE)
  writeLines("to be or not to be", path, sep = "")
  out <- train_hamlet(epochs = 3, hidden = 4, progress = FALSE, path = path)
  expect_identical(out$vocab, c(" ", "b", "e", "n", "o", "r", "t"))
  expect_identical(out$config$V, 7L)
  expect_identical(nrow(out$result$history), 3L)
  expect_true(out$accuracy >= 0 && out$accuracy <= 1)
  expect_lt(out$result$history$loss[3], out$result$history$loss[1]) # Adam at lr 0.01 on 17 steps
  expect_true(is.finite(out$ms_per_epoch))
})

test_that("train_reuters() trains the sigmoid classifier on a Reuters-shaped file", {
  path <- tempfile(fileext = ".json")
  on.exit(unlink(path), add = TRUE)
  docs <- lapply(1:12, function(k) {
    list(text = c("shares acquire company stake shares", "oil crude barrel price oil")[k %% 2 + 1],
         label = k %% 2, split = if (k <= 6) "train" else "test")
  })
  jsonlite::write_json(list(labels = list("acq", "crude"), documents = docs), path, auto_unbox = TRUE)
  out <- train_reuters(epochs = 2, batch_size = 4, embed = 3, hidden = 3, progress = FALSE, path = path)
  expect_identical(out$config$head, "many_to_one_sigmoid")
  expect_true(all(c("<pad>", "<unk>", "oil", "shares") %in% out$vocab))
  expect_identical(nrow(out$result$history), 2L)
  expect_true(out$accuracy >= 0 && out$accuracy <= 1)
})
