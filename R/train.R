# Training: mini-batches with padding and masks, seeded shuffling, clipping, SGD / Adam,
# evaluation on a held-out split each epoch, optional early stopping, checkpoint / resume.
# Mirrors python/lstmparity/training/train.py (same names, same order of operations).

#' Training options
#'
#' @param epochs number of passes over the training set.
#' @param batch_size sequences per mini-batch.
#' @param optimizer list(`name` = `"sgd"` or `"adam"`, `lr`, ...), as in the fixtures.
#' @param clip `NULL`, `list(max_norm = x)` or `list(value = x)`.
#' @param seed seed of the shuffle ([shuffle_order()]).
#' @param shuffle shuffle the training set every epoch.
#' @param patience `NULL` or epochs without a better held-out loss before stopping.
#' @param restore_best when early stopping fires, return the best parameters.
#' @param progress show progress: on a terminal (`interactive()` or `isatty(stdout())`)
#'   a [utils::txtProgressBar()] with the running loss and accuracy, otherwise one
#'   line per epoch; `FALSE`: nothing.
#' @param checkpoint `NULL` or a file path: [train_model()] writes a checkpoint
#'   ([save_checkpoint()], the JSON file Python writes and reads) at the end, on an
#'   interrupt, and during training every `checkpoint_every` epochs, or, when that is
#'   `NULL`, after an epoch once 20 times the last write's time has passed since it
#'   (writing then costs at most ~5% of the training time).
#' @param checkpoint_every `NULL` or a positive whole number of epochs.
#' @return a list of the options.
#' @export
train_options <- function(epochs = 10, batch_size = 32, optimizer = list(name = "adam", lr = 0.01),
                          clip = NULL, seed = 0, shuffle = TRUE, patience = NULL,
                          restore_best = TRUE, progress = TRUE, checkpoint = NULL, checkpoint_every = NULL) {
  list(epochs = epochs, batch_size = batch_size, optimizer = optimizer, clip = clip, seed = seed,
       shuffle = shuffle, patience = patience, restore_best = restore_best, progress = progress,
       checkpoint = checkpoint, checkpoint_every = checkpoint_every)
}

#' A fresh training state
#'
#' @param params named list of parameters.
#' @param seed shuffle seed.
#' @return list(`params`, `opt_state`, `rng_state` (generator state at the start of the
#'   epoch), `epoch`, `batch`, `step`, `sums` (loss * n, correct, n), `history`,
#'   `step_losses`, `best`, `stopped`).
#' @export
new_train_state <- function(params, seed = 0) {
  list(params = ordered(params), opt_state = list(), rng_state = rng_seed(seed), epoch = 0L,
       batch = 0L, step = 0L, sums = c(0, 0, 0), history = list(), step_losses = numeric(0),
       best = NULL, stopped = FALSE)
}

#' Loss and accuracy of a batch or a data set
#'
#' `batch_metrics()`: (loss * n, correct, n) for one batch, n counting predictions
#' (valid steps or sequences). `evaluate()`: mean loss and accuracy over a data set.
#'
#' @param trace the forward trace ([model_forward()]).
#' @param batch a batch ([make_batch()]).
#' @param head the head's name.
#' @param params,config the model.
#' @param dataset list(`tokens`, `targets`).
#' @param batch_size sequences per batch.
#' @return `batch_metrics()`: numeric(3). `evaluate()`: c(loss, accuracy).
#' @export
batch_metrics <- function(trace, batch, head) {
  logits <- trace$logits; y <- batch$targets
  if (head == "many_to_many_softmax") {
    m <- if (is.null(batch$mask)) array(1, dim(y)) else batch$mask
    n <- sum(m)
    d <- dim(logits)
    pred <- max.col(matrix(logits, d[1] * d[2], d[3]), ties.method = "first")
    correct <- sum((pred == as.vector(y)) * as.vector(m))
  } else {
    n <- length(y)
    pred <- if (head == "many_to_one_sigmoid") as.integer(logits[, 1] > 0) else
      max.col(logits, ties.method = "first")
    correct <- sum(pred == y)
  }
  c(trace$loss * n, correct, n)
}

#' @rdname batch_metrics
#' @export
evaluate <- function(params, config, dataset, batch_size = 64) {
  total <- c(0, 0, 0)
  for (idx in batch_indices(seq_along(dataset$tokens), batch_size)) {
    batch <- make_batch(dataset, idx)
    total <- total + batch_metrics(model_forward(params, config, batch)$trace, batch, config$head)
  }
  c(loss = total[1] / total[3], accuracy = total[2] / total[3])
}

# One update on one batch: forward, backward, clip, optimiser step.
train_step <- function(state, config, batch, opts) {
  fwd <- model_forward(state$params, config, batch)
  grads <- clip_grads(model_backward(fwd$cache)$grads, opts$clip)
  upd <- optimizer_step(state$params, grads, state$opt_state, opts$optimizer)
  state$params <- upd$params
  state$opt_state <- upd$state
  state$batch <- state$batch + 1L
  state$step <- state$step + 1L
  state$sums <- state$sums + batch_metrics(fwd$trace, batch, config$head)
  state$step_losses <- c(state$step_losses, fwd$trace$loss)
  state
}

# Close an epoch: history row, held-out evaluation, early-stopping bookkeeping.
end_epoch <- function(state, config, valid, opts, rng_after, seconds) {
  s <- state$sums
  row <- list(epoch = state$epoch + 1L, loss = s[1] / s[3], accuracy = s[2] / s[3])
  if (!is.null(valid)) {
    ev <- evaluate(state$params, config, valid, opts$batch_size)
    row$valid_loss <- ev[[1]]
    row$valid_accuracy <- ev[[2]]
    if (is.null(state$best) || row$valid_loss < state$best$valid_loss) {
      state$best <- list(epoch = state$epoch + 1L, valid_loss = row$valid_loss, params = state$params)
    }
    state$stopped <- !is.null(opts$patience) && state$epoch + 1L - state$best$epoch >= opts$patience
  }
  row$seconds <- seconds
  state$history[[length(state$history) + 1L]] <- row
  state$epoch <- state$epoch + 1L
  state$batch <- 0L
  state$sums <- c(0, 0, 0)
  state$rng_state <- rng_after
  state
}

#' Train a model
#'
#' Every step: [loss_and_grads()] on one padded batch, [clip_grads()], then
#' [optimizer_step()] (SGD or Adam). The shuffle ([shuffle_order()]) gives the
#' same batches as Python's `train_model()` for the same seed, so the same
#' initial parameters give the same trajectory in both languages. An interrupt
#' (Ctrl-C) stops after the last complete step; pass the returned `state` back
#' as `state` to continue. With `opts$checkpoint`, the state is also written to
#' that file (see [train_options()]); `load_checkpoint(path)$state` continues from
#' it to the same result, bit for bit, as an uninterrupted run.
#'
#' @param params named list of initial parameters.
#' @param config list(`D, H, V, K, head`).
#' @param train_set,valid_set data sets (list(`tokens`, `targets`), 1-based ids);
#'   `valid_set` may be `NULL`.
#' @param opts [train_options()].
#' @param state `NULL` or the `state` of an earlier (interrupted) run.
#' @param on_step `NULL` or a function of the state, run after every step.
#' @return list(`params`, `history` (a data frame, one row per epoch, columns
#'   `epoch, loss, accuracy, seconds`, and `valid_loss, valid_accuracy` with a
#'   `valid_set`), `state`, `interrupted`).
#' @export
train_model <- function(params, config, train_set, valid_set = NULL, opts = train_options(),
                        state = NULL, on_step = NULL) {
  check_options(opts)
  check_dataset(train_set, config, "train_set")
  if (!is.null(valid_set)) check_dataset(valid_set, config, "valid_set")
  if (is.null(state)) state <- new_train_state(params, opts$seed)
  n <- length(train_set$tokens)
  n_batches <- ceiling(n / opts$batch_size)
  bar <- progress_start(opts, n_batches, state)
  writer <- checkpoint_writer(opts, config)
  committed <- state
  interrupted <- tryCatch({
    while (state$epoch < opts$epochs && !state$stopped) {
      sh <- if (opts$shuffle) shuffle_order(n, state$rng_state) else list(order = seq_len(n), state = state$rng_state)
      start <- proc.time()[["elapsed"]]
      batches <- batch_indices(sh$order, opts$batch_size)
      for (idx in batches[seq_along(batches) > state$batch]) {
        state <- train_step(state, config, make_batch(train_set, idx), opts)
        committed <- state
        if (!is.null(on_step)) on_step(state)
        progress_update(bar, state)
      }
      state <- end_epoch(state, config, valid_set, opts, sh$state, proc.time()[["elapsed"]] - start)
      committed <- state
      progress_epoch(bar, state, opts$epochs)
      writer$after_epoch(state)
    }
    FALSE
  }, interrupt = function(e) TRUE)
  progress_close(bar)
  state <- committed
  writer$write(state)
  final <- if (opts$restore_best && state$stopped && !is.null(state$best)) state$best$params else state$params
  list(params = final, history = history_frame(state$history), state = state, interrupted = interrupted)
}

# Writes opts$checkpoint every opts$checkpoint_every epochs, or (NULL) after an epoch once 20x
# the last write's duration has passed since that write: the writes then take at most ~1/21 of
# the time (~5%), whatever the model's size. write() (end of training, interrupt) always writes.
checkpoint_writer <- function(opts, config) {
  env <- new.env()
  env$last_end <- proc.time()[["elapsed"]]
  env$cost <- 0 # seconds the last write took
  write <- function(state) {
    if (is.null(opts$checkpoint)) return(invisible())
    start <- proc.time()[["elapsed"]]
    save_checkpoint(opts$checkpoint, state, config, opts)
    env$last_end <- proc.time()[["elapsed"]]
    env$cost <- env$last_end - start
  }
  after_epoch <- function(state) {
    every <- opts$checkpoint_every
    due <- if (!is.null(every)) state$epoch %% every == 0 else
      proc.time()[["elapsed"]] - env$last_end >= 20 * env$cost
    if (due) write(state)
  }
  list(after_epoch = after_epoch, write = write)
}

history_frame <- function(rows) {
  if (!length(rows)) return(data.frame())
  do.call(rbind, lapply(rows, as.data.frame))
}

# On a terminal: txtProgressBar over all steps; the running loss and accuracy follow the bar
# (written whenever the bar is redrawn, fixed width so each write covers the last).
# Elsewhere (a log file, knitr): one line per epoch.
progress_start <- function(opts, n_batches, state) {
  if (!isTRUE(opts$progress)) return(NULL)
  env <- new.env()
  env$terminal <- interactive() || isatty(stdout())
  if (!env$terminal) return(env)
  env$total <- opts$epochs * n_batches
  env$n_batches <- n_batches
  env$pc <- -1
  env$bar <- utils::txtProgressBar(min = 0, max = max(env$total, 1), style = 3, width = 40)
  env
}

progress_update <- function(env, state) {
  if (is.null(env) || !env$terminal) return(invisible())
  value <- state$epoch * env$n_batches + state$batch
  utils::setTxtProgressBar(env$bar, value)
  pc <- round(100 * value / env$total) + 1000 * round(40 * value / env$total) # redrawn when either changes
  if (pc != env$pc) {
    s <- state$sums
    cat(sprintf("  epoch %5d  loss %9.4f  acc %.3f", state$epoch + 1L, s[1] / s[3], s[2] / s[3]))
    utils::flush.console()
    env$pc <- pc
  }
}

progress_epoch <- function(env, state, epochs) {
  if (is.null(env) || env$terminal) return(invisible())
  row <- state$history[[length(state$history)]]
  line <- sprintf("epoch %d/%d  loss %.4f  acc %.3f", row$epoch, epochs, row$loss, row$accuracy)
  if (!is.null(row$valid_loss)) {
    line <- sprintf("%s  valid_loss %.4f  valid_acc %.3f", line, row$valid_loss, row$valid_accuracy)
  }
  cat(sprintf("%s  %.2fs\n", line, row$seconds))
}

progress_close <- function(env) {
  if (!is.null(env) && env$terminal) close(env$bar)
}
