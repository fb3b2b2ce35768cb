# The two learning demos. Mirrors python/lstmparity/training/demos.py.

#' The Hamlet character model and the Reuters acq-vs-crude classifier
#'
#' `train_hamlet()`: predict character t+1 from character t over the 866-character
#' soliloquy (`dataset_path("hamlet.txt")`; B = 1, T = 865, full-sequence BPTT), hidden size 25,
#' one-hot input (the embedding starts as the identity and is learned), head
#' `many_to_many_softmax`, Adam lr 0.01, gradient clipping at global norm 5.
#' `accuracy` is the greedy next-character accuracy of the final parameters.
#'
#' `train_reuters()`: word embedding (16) + LSTM (16) + sigmoid head
#' (`many_to_one_sigmoid`), Adam lr 0.01, batches of 8, vocabulary of the words
#' seen at least 3 times in the training split, the first 50 words of each
#' document (`dataset_path("reuters_acq_crude.json")`). `accuracy` is the test-split
#' accuracy at the end: a demo figure, not a held-out estimate (its settings were
#' chosen looking at it).
#'
#' @param epochs,lr,max_norm,seed training settings.
#' @param hidden,embed hidden size, embedding size.
#' @param batch_size sequences per batch.
#' @param progress show a progress bar.
#' @param path the data file (`NULL`: the demo data installed with the package).
#' @param checkpoint,checkpoint_every `NULL` or a checkpoint file written during
#'   training, and how often (see [train_options()]).
#' @param resume_from `NULL` or a checkpoint file ([save_checkpoint()], written by
#'   R or Python) to continue from: it must come from the same task and settings
#'   (only `epochs`, the total, may differ; [check_resume()]), else one line
#'   naming the file and the field stops before anything trains or is written.
#' @return list(`result` ([train_model()]'s value), `config`, `vocab`, `accuracy`,
#'   `ms_per_epoch` (mean), `ms_per_epoch_median`).
#' @name demos
NULL

#' @rdname demos
#' @export
train_hamlet <- function(epochs = 1000, lr = 0.01, max_norm = 5, hidden = 25, seed = 0,
                         progress = TRUE, path = NULL, checkpoint = NULL, checkpoint_every = NULL,
                         resume_from = NULL) {
  text <- read_text(if (is.null(path)) dataset_path("hamlet.txt") else path)
  vocab <- char_vocab(text)
  V <- length(vocab)
  config <- list(D = V, H = hidden, V = V, K = V, head = "many_to_many_softmax")
  params <- init_params(config, seed)
  params$E <- diag(V) # one-hot input to start with; learned from there
  data <- char_dataset(text, vocab)
  opts <- train_options(epochs = epochs, batch_size = 1, optimizer = list(name = "adam", lr = lr),
                        clip = list(max_norm = max_norm), seed = seed, shuffle = FALSE,
                        progress = progress, checkpoint = checkpoint, checkpoint_every = checkpoint_every)
  result <- train_model(params, config, data, NULL, opts, resume_state(resume_from, config, opts))
  demo_summary(result, config, vocab, evaluate(result$params, config, data)[["accuracy"]])
}

#' @rdname demos
#' @export
train_reuters <- function(epochs = 25, lr = 0.01, batch_size = 8, embed = 16, hidden = 16,
                          max_norm = 5, seed = 0, progress = TRUE,
                          path = NULL, checkpoint = NULL, checkpoint_every = NULL, resume_from = NULL) {
  sets <- text_datasets(read_reuters(path), min_count = 3, max_len = 50)
  config <- list(D = embed, H = hidden, V = length(sets$vocab), K = 1L, head = "many_to_one_sigmoid")
  params <- init_params(config, seed)
  params$E <- params$E * 0.1 # small embeddings: the LSTM starts in its linear range
  opts <- train_options(epochs = epochs, batch_size = batch_size,
                        optimizer = list(name = "adam", lr = lr), clip = list(max_norm = max_norm),
                        seed = seed, progress = progress, checkpoint = checkpoint,
                        checkpoint_every = checkpoint_every)
  result <- train_model(params, config, sets$train, sets$test, opts, resume_state(resume_from, config, opts))
  demo_summary(result, config, sets$vocab, evaluate(result$params, config, sets$test)[["accuracy"]])
}

# The state to continue from (NULL: a fresh run), after checking the checkpoint belongs to this run.
resume_state <- function(resume_from, config, opts) {
  if (is.null(resume_from)) return(NULL)
  check_options(opts)
  ck <- load_checkpoint(resume_from)
  check_resume(resume_from, ck$config, ck$options, config, opts)
  ck$state
}

demo_summary <- function(result, config, vocab, accuracy) {
  secs <- result$history$seconds
  ms <- if (length(secs)) 1000 * mean(secs) else NA_real_
  median <- if (length(secs)) 1000 * stats::median(secs) else NA_real_
  list(result = result, config = config, vocab = vocab, accuracy = accuracy, ms_per_epoch = ms,
       ms_per_epoch_median = median)
}
