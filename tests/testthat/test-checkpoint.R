# Checkpoints (R/serialize.R save_checkpoint / load_checkpoint, train_model's writer): a run resumed
# from its checkpoint ends bit-identical to an uninterrupted run; the file is written on schedule,
# at the end and on an interrupt, atomically. Bad checkpoints: test-bad-data.R.

ck_task <- function() {
  set.seed(5)
  tokens <- lapply(1:18, function(n) sample.int(6, sample(2:7, 1), replace = TRUE))
  list(data = list(tokens = tokens, targets = vapply(tokens, function(s) as.integer(3L %in% s), 1L)),
       config = list(D = 3, H = 4, V = 6, K = 1, head = "many_to_one_sigmoid"))
}

ck_opts <- function(epochs, optimizer, ...) {
  train_options(epochs = epochs, batch_size = 4, optimizer = optimizer, clip = list(max_norm = 1),
                seed = 2, progress = FALSE, ...)
}

without_seconds <- function(history) history[setdiff(names(history), "seconds")]

test_that("training k epochs, then resuming from the file to N, is bit-identical to N epochs", {
  task <- ck_task()
  valid <- list(tokens = task$data$tokens[1:6], targets = task$data$targets[1:6])
  path <- tempfile(fileext = ".json")
  on.exit(unlink(path))
  for (optimizer in list(list(name = "adam", lr = 0.05), list(name = "sgd", lr = 0.3, momentum = 0.9))) {
    params <- init_params(task$config, 1)
    full <- train_model(params, task$config, task$data, valid, ck_opts(5, optimizer))
    part <- train_model(params, task$config, task$data, valid, ck_opts(2, optimizer, checkpoint = path))
    ck <- load_checkpoint(path)
    expect_identical(ck$state$epoch, 2L)
    expect_identical(ck$state$params, part$state$params) # 17 significant digits read back exactly
    resumed <- train_model(params, task$config, task$data, valid, ck_opts(5, optimizer), state = ck$state)
    expect_identical(resumed$params, full$params, label = optimizer$name)
    expect_identical(resumed$state$opt_state, full$state$opt_state)
    expect_identical(resumed$state$step_losses, full$state$step_losses)
    expect_identical(without_seconds(resumed$history), without_seconds(full$history))
    expect_identical(resumed$state$best$params, full$state$best$params)
  }
})

test_that("an interrupt mid-epoch writes the last complete step, which resumes to the same result", {
  task <- ck_task()
  opts <- ck_opts(3, list(name = "adam", lr = 0.05))
  params <- init_params(task$config, 1)
  full <- train_model(params, task$config, task$data, NULL, opts)
  path <- tempfile(fileext = ".json")
  on.exit(unlink(path))
  interrupt_at_6 <- function(state) {
    ctrl_c <- structure(class = c("interrupt", "condition"), list(message = "", call = NULL))
    if (state$step == 6L) signalCondition(ctrl_c)
  }
  stopped <- train_model(params, task$config, task$data, NULL, modifyList(opts, list(checkpoint = path)),
                         on_step = interrupt_at_6)
  expect_true(stopped$interrupted)
  ck <- load_checkpoint(path)
  expect_identical(c(ck$state$epoch, ck$state$batch, ck$state$step), c(1L, 1L, 6L)) # 5 batches an epoch
  resumed <- train_model(params, task$config, task$data, NULL, opts, state = ck$state)
  expect_identical(resumed$params, full$params)
  expect_identical(without_seconds(resumed$history), without_seconds(full$history))
})

# The epoch in the file when each epoch's first step has run (NA: no file yet).
epochs_on_file <- function(task, opts) {
  seen <- integer(0)
  look <- function(state) {
    if (state$batch == 1L) {
      seen <<- c(seen, if (file.exists(opts$checkpoint)) load_checkpoint(opts$checkpoint)$state$epoch else NA)
    }
  }
  res <- train_model(init_params(task$config, 1), task$config, task$data, NULL, opts, on_step = look)
  list(seen = seen, res = res)
}

test_that("the checkpoint is written every checkpoint_every epochs and at the end, atomically", {
  task <- ck_task()
  dir <- tempfile("ck")
  dir.create(dir)
  on.exit(unlink(dir, recursive = TRUE))
  path <- file.path(dir, "ck.json")
  opts <- ck_opts(5, list(name = "adam", lr = 0.05), checkpoint = path, checkpoint_every = 2)
  run <- epochs_on_file(task, opts)
  expect_identical(run$seen, c(NA, NA, 2L, 2L, 4L))
  expect_identical(load_checkpoint(path)$state$epoch, 5L) # the end
  expect_identical(load_checkpoint(path)$state$params, run$res$params)
  expect_identical(load_checkpoint(path)$options$checkpoint_every, 2L)
  expect_identical(list.files(dir, all.files = TRUE, no.. = TRUE), "ck.json") # no temporary file left
})

test_that("without checkpoint_every, the first epoch is written (no cost measured yet); without checkpoint, nothing", {
  task <- ck_task()
  dir <- tempfile("ck")
  dir.create(dir)
  on.exit(unlink(dir, recursive = TRUE))
  opts <- ck_opts(3, list(name = "adam", lr = 0.05), checkpoint = file.path(dir, "ck.json"))
  run <- epochs_on_file(task, opts)
  expect_identical(run$seen[1:2], c(NA, 1L))
  expect_identical(load_checkpoint(opts$checkpoint)$state$epoch, 3L)
  unlink(opts$checkpoint)
  train_model(init_params(task$config, 1), task$config, task$data, NULL, modifyList(opts, list(checkpoint = NULL)))
  expect_identical(list.files(dir, all.files = TRUE, no.. = TRUE), character(0))
})

test_that("checkpoint_every must be a positive whole number", {
  expect_error(check_options(train_options(checkpoint_every = 0)),
               "^checkpoint_every: expected a positive whole number, got 0$", class = "lstmparity_data_error")
})
