# Training (short runs), seeded shuffling, padded batches, save/load round trip.
# The cross-language trajectory test is tests/python/test_train_parity.py.

tiny_task <- function() {
  set.seed(3)
  tokens <- lapply(1:20, function(n) sample.int(7, sample(3:9, 1), replace = TRUE))
  list(data = list(tokens = tokens, targets = vapply(tokens, function(s) as.integer(4L %in% s), 1L)),
       config = list(D = 4, H = 5, V = 7, K = 1, head = "many_to_one_sigmoid"))
}

test_that("the shuffle is seeded and gives Python's order", {
  sh <- shuffle_order(10, rng_seed(3))
  expect_equal(sh$order, c(4L, 2L, 3L, 7L, 9L, 8L, 6L, 10L, 5L, 1L)) # Python: [3, 1, 2, 6, 8, 7, 5, 9, 4, 0]
  expect_identical(shuffle_order(10, rng_seed(3)), sh)
  expect_equal(sort(shuffle_order(57, sh$state)$order), 1:57)
})

test_that("batches are padded at the end and masked", {
  b <- make_batch(list(tokens = list(c(2L, 3L, 4L), 5L), targets = c(1, 0)), 1:2)
  expect_equal(b$tokens, matrix(c(2L, 3L, 4L, 5L, 1L, 1L), 3, 2))
  expect_equal(b$mask, matrix(c(1, 1, 1, 1, 0, 0), 3, 2))
  expect_equal(b$targets, c(1, 0))
  expect_equal(batch_indices(5:7, 2), list(5:6, 7L))
  expect_null(make_batch(list(tokens = list(1:2, 3:4), targets = c(1, 0)), 1:2)$mask) # nothing padded
})

test_that("the loss falls with Adam + clip-norm and with SGD + clip-value", {
  task <- tiny_task()
  for (o in list(list(opt = list(name = "adam", lr = 0.05), clip = list(max_norm = 1)),
                 list(opt = list(name = "sgd", lr = 0.5, momentum = 0.9), clip = list(value = 0.5)))) {
    params <- init_params(task$config, 1)
    res <- train_model(params, task$config, task$data, task$data,
                       train_options(epochs = 15, batch_size = 4, optimizer = o$opt, clip = o$clip,
                                     progress = FALSE))
    h <- res$history
    expect_lt(h$loss[nrow(h)], 0.8 * h$loss[1])
    expect_equal(h$valid_loss[nrow(h)], evaluate(res$params, task$config, task$data)[["loss"]])
  }
})

test_that("the Hamlet and Reuters losses fall (short runs, on the installed demo data)", {
  ham <- train_hamlet(epochs = 15, progress = FALSE)
  expect_lt(ham$result$history$loss[15], ham$result$history$loss[1] - 0.3)
  expect_length(ham$vocab, 32)
  reu <- train_reuters(epochs = 4, progress = FALSE)
  expect_lt(reu$result$history$loss[4], 0.8 * reu$result$history$loss[1])
})

test_that("a saved model reads back exactly", {
  task <- tiny_task()
  params <- lapply(init_params(task$config, 1), function(p) p * pi / 3)
  path <- tempfile(fileext = ".json")
  save_model(path, params, task$config, c("a", "b\u2014", "c"), list(task = "test"))
  m <- load_model(path)
  expect_identical(m$params, params)
  expect_equal(m$vocab, c("a", "b\u2014", "c"))
  expect_equal(m$meta$task, "test")
  expect_equal(m$config$head, "many_to_one_sigmoid")
  expect_length(list.files(dirname(path), pattern = "\\.tmp$"), 0)
})

test_that("the GRU and the RNN train, and a saved model keeps its cell", {
  task <- tiny_task()
  for (config in list(c(task$config, cell = "gru", reset_after = FALSE), c(task$config, cell = "rnn"))) {
    res <- train_model(init_params(config, 1), config, task$data, task$data,
                       train_options(epochs = 12, batch_size = 4, optimizer = list(name = "adam", lr = 0.05),
                                     clip = list(max_norm = 1), progress = FALSE))
    h <- res$history
    expect_lt(h$loss[nrow(h)], 0.8 * h$loss[1])
    path <- tempfile(fileext = ".json")
    save_model(path, res$params, config)
    m <- load_model(path)
    expect_identical(m$config$cell, config$cell)
    expect_equal(evaluate(m$params, m$config, task$data), evaluate(res$params, config, task$data))
    expect_error(check_resume("ck.json", m$config, list(), task$config, list()),
                 sprintf("config.cell: the checkpoint has \"%s\", this run \"lstm\"", config$cell), fixed = TRUE)
  }
})

test_that("early stopping stops and returns the best parameters", {
  task <- tiny_task()
  flipped <- list(tokens = task$data$tokens, targets = 1L - task$data$targets)
  res <- train_model(init_params(task$config, 1), task$config, task$data, flipped,
                     train_options(epochs = 200, batch_size = 4, patience = 2, progress = FALSE))
  expect_true(res$state$stopped)
  expect_lt(nrow(res$history), 200)
  expect_identical(res$params, res$state$best$params)
})
