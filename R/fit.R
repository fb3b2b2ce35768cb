# Models people can use: lstm_fit() (text classifier) and lstm_char_lm() (character language
# model) with print / summary / predict / plot / generate. Mirrors python/lstmparity/training/estimators.py
# (LSTMClassifier, CharLM): the same defaults, validation split, vocabulary and training loop,
# so the same initial weights give the same trajectory in both languages.

#' Fit an LSTM text classifier
#'
#' Texts and labels in, a fitted model out: tokenising (lower-case runs of a-z),
#' the vocabulary (`"<pad>"`, `"<unk>"`, then the words seen at least `min_count`
#' times in the training part), padding and masks happen inside, and the
#' vocabulary travels with the model. A `validation` fraction of the texts,
#' chosen by the seeded shuffle Python shares ([shuffle_order()]), is held out;
#' training (Adam, gradient clipping, mini-batches) stops when the held-out loss
#' has not improved for `patience` epochs and keeps the best epoch's weights.
#' Two classes: a sigmoid head; more (a factor or character labels): softmax.
#'
#' Data are checked first: a missing text or label, a text without words, a
#' numeric label other than 0/1, a non-positive `epochs` or `lr` stop with one
#' line naming the element and the value; nothing trains on bad data.
#'
#' @param x a character vector of texts, or a list of character vectors (words).
#' @param y labels: 0/1, logical, a factor, or a character vector.
#' @param embed,hidden embedding and hidden sizes.
#' @param epochs most epochs.
#' @param batch_size texts per mini-batch.
#' @param lr Adam's learning rate.
#' @param clip_norm clip gradients to this global norm (`NULL`: no clipping).
#' @param min_count,max_len vocabulary threshold; words kept per text.
#' @param validation held-out fraction (0: none, no early stopping).
#' @param patience epochs without a better held-out loss before stopping (`NULL`: never).
#' @param seed initial weights, split and shuffling.
#' @param verbose progress: a bar on a terminal, one line per epoch otherwise; `FALSE`: nothing.
#' @param init `NULL` (seeded initial weights) or a named list of parameters
#'   (e.g. `load_model(path)$params`) to start from.
#' @return an object of class `lstm_fit`: `params`, `config`, `vocab`, `classes`,
#'   `history` (data frame, one row per epoch), `settings`, `stopped_early`.
#' @seealso [predict.lstm_fit()], [lstm_save()], [lstm_char_lm()].
#' @examples
#' texts <- c("oil prices rose", "the company bought shares", "crude oil output",
#'            "shares of the firm were acquired", "opec cut oil output", "a merger of two banks")
#' fit <- lstm_fit(rep(texts, 5), rep(c(1, 0, 1, 0, 1, 0), 5), epochs = 5, min_count = 1,
#'                 verbose = FALSE)
#' fit
#' predict(fit, c("oil output", "bank shares"), type = "prob")
#' @export
lstm_fit <- function(x, y, embed = 16, hidden = 16, epochs = 20, batch_size = 32, lr = 0.01,
                     clip_norm = 5, min_count = 2, max_len = 50, validation = 0.1, patience = 5,
                     seed = 0, verbose = TRUE, init = NULL) {
  settings <- list(embed = embed, hidden = hidden, epochs = epochs, batch_size = batch_size, lr = lr,
                   clip_norm = clip_norm, min_count = min_count, max_len = max_len,
                   validation = validation, patience = patience, seed = seed)
  for (name in c("embed", "hidden", "min_count", "max_len")) check_positive(name, settings[[name]], whole = TRUE)
  words <- as_words(x, "x")
  lab <- as_labels(y, length(words))
  split <- validation_split(length(words), validation, seed)
  vocab <- build_vocab(words[split$train], min_count)
  K <- length(lab$classes)
  config <- list(D = embed, H = hidden, V = length(vocab), K = if (K == 2L) 1L else K,
                 head = if (K == 2L) "many_to_one_sigmoid" else "many_to_one_softmax")
  codes <- if (K == 2L) lab$codes - 1L else lab$codes # sigmoid: 0/1; softmax: 1-based classes
  subset <- function(idx) {
    list(tokens = lapply(words[idx], encode_words, vocab = vocab, max_len = max_len), targets = codes[idx])
  }
  valid <- if (length(split$valid)) subset(split$valid) else NULL
  opts <- train_options(epochs = epochs, batch_size = batch_size, optimizer = list(name = "adam", lr = lr),
                        clip = if (is.null(clip_norm)) NULL else list(max_norm = clip_norm), seed = seed,
                        patience = if (is.null(valid)) NULL else patience, progress = isTRUE(verbose))
  check_options(opts)
  if (is.null(init)) {
    init <- init_params(config, seed)
    init$E <- init$E * 0.1 # small embeddings: the LSTM starts in its linear range
  }
  res <- train_model(init, config, subset(split$train), valid, opts)
  structure(list(params = res$params, config = config, vocab = vocab, classes = lab$classes,
                 history = res$history, settings = settings, stopped_early = isTRUE(res$state$stopped),
                 n_train = length(split$train), n_valid = length(split$valid)),
            class = "lstm_fit")
}

# Texts -> list of word vectors; missing or wordless texts are an error naming the element.
as_words <- function(x, name) {
  if (is.factor(x)) x <- as.character(x)
  if (!is.character(x) && !is.list(x)) {
    data_error(name, ": expected a character vector of texts or a list of word vectors, got a ", class(x)[1])
  }
  out <- vector("list", length(x))
  for (i in seq_along(x)) {
    xi <- x[[i]]
    if (!is.character(xi) || !length(xi) || anyNA(xi)) {
      data_error(sprintf("%s[%d]: expected a string (or a character vector of words), got %s", name, i,
                         show_value(if (length(xi) == 1L || is.null(xi)) xi else xi[is.na(xi)][1])))
    }
    words <- if (is.list(x)) xi else tokenize(xi)
    if (!length(words)) data_error(sprintf("%s[%d]: expected at least one word, got %s", name, i, show_value(xi)))
    out[[i]] <- words
  }
  out
}

# Labels -> list(classes (in y's own type), codes 1..K). Numbers must be 0/1 (a factor for more).
as_labels <- function(y, n) {
  if (length(y) != n) data_error(sprintf("y: expected %d labels (one per text), got %d", n, length(y)))
  miss <- which(is.na(y))
  if (length(miss)) data_error(sprintf("y[%d]: missing label (%s)", miss[1], show_value(y[miss[1]])))
  if (is.numeric(y)) {
    bad <- which(!y %in% c(0, 1))
    if (length(bad)) {
      data_error(sprintf("y[%d]: expected 0 or 1 (use a factor for more classes), got %s", bad[1],
                         show_value(y[bad[1]])))
    }
  } else if (!is.logical(y) && !is.character(y) && !is.factor(y)) {
    data_error("y: expected 0/1 numbers, logicals, a factor or strings, got a ", class(y)[1])
  }
  classes <- if (is.factor(y)) factor(levels(y), levels(y)) else sort(unique(y), method = "radix")
  if (is.factor(y)) classes <- classes[levels(y) %in% as.character(y)] # only classes that occur
  if (length(classes) < 2L) data_error("y: expected at least 2 classes, got only ", show_value(classes[1]))
  list(classes = classes, codes = match(as.character(y), as.character(classes)))
}

#' Hold out a validation part
#'
#' The first `floor(fraction * n)` positions of the seeded shuffle
#' (`shuffle_order(n, rng_seed(seed))`) are held out: Python's
#' `validation_split()` gives the same sets (0-based).
#'
#' @param n number of items.
#' @param fraction held-out fraction in `[0, 1)`.
#' @param seed the seed.
#' @return list(`train`, `valid`): ascending 1-based indices.
#' @examples
#' validation_split(10, 0.2, seed = 0)
#' @export
validation_split <- function(n, fraction, seed) {
  if (!is.numeric(fraction) || length(fraction) != 1L || is.na(fraction) || fraction < 0 || fraction >= 1) {
    data_error("validation: expected a fraction in [0, 1), got ", show_value(fraction))
  }
  order <- shuffle_order(n, rng_seed(seed))$order
  valid <- sort(order[seq_len(floor(fraction * n))])
  list(train = setdiff(seq_len(n), valid), valid = valid)
}

#' Predict with a fitted LSTM classifier
#'
#' @param object an `lstm_fit`.
#' @param newdata a character vector of texts (or a list of word vectors).
#' @param type `"class"` (labels, in the type of the training labels), `"prob"`
#'   (two classes: the probability of the second class, `object$classes[2]`;
#'   more: a matrix, one column per class) or `"link"` (logits).
#' @param ... unused.
#' @return a vector (or matrix) with one element (row) per text.
#' @export
predict.lstm_fit <- function(object, newdata, type = c("class", "prob", "link"), ...) {
  type <- match.arg(type)
  words <- as_words(newdata, "newdata")
  data <- list(tokens = lapply(words, encode_words, vocab = object$vocab, max_len = object$settings$max_len),
               targets = rep(if (object$config$K == 1L) 0L else 1L, length(words)))
  logits <- do.call(rbind, lapply(batch_indices(seq_along(words), 256), function(idx) {
    model_forward(object$params, object$config, make_batch(data, idx))$trace$logits
  }))
  binary <- object$config$head == "many_to_one_sigmoid"
  if (type == "link") {
    return(if (binary) logits[, 1] else structure(logits, dimnames = list(NULL, as.character(object$classes))))
  }
  if (binary) {
    p <- sigmoid(logits[, 1])
    if (type == "prob") return(p)
    return(object$classes[ifelse(p > 0.5, 2L, 1L)])
  }
  e <- exp(logits - apply(logits, 1, max))
  p <- e / rowSums(e)
  colnames(p) <- as.character(object$classes)
  if (type == "prob") return(p)
  object$classes[max.col(p, ties.method = "first")]
}

#' @export
print.lstm_fit <- function(x, ...) {
  cfg <- x$config; h <- x$history; last <- h[nrow(h), ]
  cat(sprintf("LSTM text classifier: embedding %d -> LSTM %d -> %s (%d classes: %s)\n", cfg$D, cfg$H,
              sub("many_to_one_", "", cfg$head), length(x$classes),
              paste(utils::head(as.character(x$classes), 5), collapse = ", ")))
  cat(sprintf("vocabulary %d words (incl. <pad>, <unk>); trained on %d texts, %d held out\n",
              length(x$vocab), x$n_train, x$n_valid))
  cat(sprintf("%d epochs%s; final train loss %.4f, accuracy %.3f", nrow(h),
              if (x$stopped_early) " (stopped early; best epoch's weights)" else "", last$loss, last$accuracy))
  if (!is.null(last$valid_loss)) {
    best <- which.min(h$valid_loss)
    cat(sprintf("\nheld-out (best epoch %d): loss %.4f, accuracy %.3f", h$epoch[best], h$valid_loss[best],
                h$valid_accuracy[best]))
  }
  cat("\n")
  invisible(x)
}

#' @export
summary.lstm_fit <- function(object, ...) {
  n_params <- sum(lengths(object$params))
  structure(list(fit = object, n_params = n_params), class = "summary.lstm_fit")
}

#' @export
print.summary.lstm_fit <- function(x, ...) {
  print(x$fit)
  s <- x$fit$settings
  cat(sprintf("%d parameters; Adam lr %s, batch %d, clip norm %s, min_count %d, max_len %d, seed %s\n",
              x$n_params, format(s$lr), s$batch_size, format(s$clip_norm), s$min_count, s$max_len, format(s$seed)))
  cols <- intersect(c("epoch", "loss", "accuracy", "valid_loss", "valid_accuracy", "seconds"), names(x$fit$history))
  print(utils::tail(x$fit$history[, cols], 10), digits = 4, row.names = FALSE)
  invisible(x)
}

#' @export
plot.lstm_fit <- function(x, ...) {
  plot_history(x$history, NULL, "lstm_fit")
}

#' Save and load a fitted model as the model file Python reads
#'
#' `lstm_save()` writes [save_model()]'s JSON file with the classes and settings
#' in `meta` (Python: `lstmparity.training.estimators.load_estimator(path)` reads it, and
#' `LSTMClassifier.save()` writes what `lstm_load()` reads). `saveRDS()` works too.
#'
#' @param fit an `lstm_fit`.
#' @param path file path.
#' @return `lstm_save()`: `path`, invisibly. `lstm_load()`: an `lstm_fit` (an `lstm_char_lm`
#'   for a file written by Python's `CharLM.save()`).
#' @export
lstm_save <- function(fit, path) {
  classes <- fit$classes
  meta <- list(task = "classifier", classes = I(if (is.factor(classes)) as.character(classes) else classes),
               settings = fit$settings[!vapply(fit$settings, is.null, TRUE)])
  save_model(path, fit$params, fit$config, fit$vocab, meta)
}

#' @rdname lstm_save
#' @export
lstm_load <- function(path) {
  m <- load_model(path)
  if (identical(m$meta$task, "char_lm")) { # Python's CharLM.save()
    return(structure(list(params = m$params, config = m$config, vocab = m$vocab, history = data.frame(),
                          accuracy = NA_real_), class = "lstm_char_lm"))
  }
  if (!identical(m$meta$task, "classifier")) {
    data_error(path, ": meta.task: expected \"classifier\" or \"char_lm\", got ", show_value(m$meta$task))
  }
  settings <- m$meta$settings
  if (is.null(settings$max_len)) settings$max_len <- 50
  structure(list(params = m$params, config = m$config, vocab = m$vocab, classes = m$meta$classes,
                 history = data.frame(), settings = settings, stopped_early = FALSE, n_train = NA, n_valid = NA),
            class = "lstm_fit")
}

#' A character language model
#'
#' Predict character t+1 from character t over one text (one sequence,
#' full-sequence BPTT, one-hot input learned from there), as [train_hamlet()];
#' [generate()] samples from it. Python: `lstmparity.training.estimators.CharLM`.
#'
#' @param text one string.
#' @param hidden hidden size.
#' @param epochs,lr,clip_norm,seed,verbose as [lstm_fit()].
#' @return an object of class `lstm_char_lm`: `params`, `config`, `vocab`, `history`, `accuracy`.
#' @examples
#' lm <- lstm_char_lm("to be or not to be", epochs = 20, verbose = FALSE)
#' generate(lm, 20, start = "to")
#' @export
lstm_char_lm <- function(text, hidden = 25, epochs = 300, lr = 0.01, clip_norm = 5, seed = 0, verbose = TRUE) {
  if (!is.character(text) || length(text) != 1L || is.na(text) || nchar(text) < 2L) {
    data_error("text: expected one string of at least 2 characters, got ", show_value(text))
  }
  check_positive("hidden", hidden, whole = TRUE)
  vocab <- char_vocab(text)
  V <- length(vocab)
  config <- list(D = V, H = hidden, V = V, K = V, head = "many_to_many_softmax")
  params <- init_params(config, seed)
  params$E <- diag(V)
  data <- char_dataset(text, vocab)
  opts <- train_options(epochs = epochs, batch_size = 1, optimizer = list(name = "adam", lr = lr),
                        clip = if (is.null(clip_norm)) NULL else list(max_norm = clip_norm), seed = seed,
                        shuffle = FALSE, progress = isTRUE(verbose))
  res <- train_model(params, config, data, NULL, opts)
  structure(list(params = res$params, config = config, vocab = vocab, history = res$history,
                 accuracy = evaluate(res$params, config, data)[["accuracy"]]), class = "lstm_char_lm")
}

#' @export
print.lstm_char_lm <- function(x, ...) {
  h <- x$history
  cat(sprintf("LSTM character model: %d characters -> LSTM %d -> softmax\n", length(x$vocab), x$config$H))
  if (nrow(h)) {
    cat(sprintf("%d epochs; final loss %.4f; greedy next-character accuracy %.3f\n", nrow(h),
                h$loss[nrow(h)], x$accuracy))
  } else {
    cat("read from a model file (no training history)\n")
  }
  invisible(x)
}

#' @export
plot.lstm_char_lm <- function(x, ...) {
  plot_history(x$history, NULL, "lstm_char_lm")
}

#' Sample text from a character model
#'
#' Runs `start` through the model, then draws each next character from
#' `softmax(logits / temperature)` by inverse CDF with the Park-Miller generator
#' ([rng_next()]): Python's `CharLM.generate()` draws the same characters.
#'
#' @param object an `lstm_char_lm`.
#' @param n characters to draw.
#' @param start the text to start from (default: the first character of the vocabulary).
#' @param temperature softmax temperature (lower: more greedy).
#' @param seed the generator's seed.
#' @param ... unused.
#' @return one string: `start` followed by `n` characters.
#' @export
generate <- function(object, ...) UseMethod("generate")

#' @rdname generate
#' @export
generate.lstm_char_lm <- function(object, n = 100, start = NULL, temperature = 1, seed = 0, ...) {
  check_positive("n", n, whole = TRUE)
  check_positive("temperature", temperature)
  vocab <- object$vocab; p <- object$params
  if (is.null(start) || !nzchar(start)) start <- vocab[1]
  ids <- match(strsplit(enc2utf8(start), "")[[1]], vocab)
  if (anyNA(ids)) data_error("start: character '", strsplit(start, "")[[1]][which(is.na(ids))[1]],
                             "' is not in the model's vocabulary")
  H <- object$config$H
  h <- matrix(0, 1, H); c <- matrix(0, 1, H)
  state <- rng_seed(seed)
  out <- integer(0)
  for (t in seq_len(length(ids) + n - 1L)) {
    tok <- if (t <= length(ids)) ids[t] else out[length(out)]
    step <- lstm_step_forward(p$E[tok, , drop = FALSE] %*% p$W + p$b, h, c, p$U)
    h <- step$h; c <- step$c
    if (t < length(ids)) next
    a <- as.vector(h %*% p$Wy + p$by) / temperature
    q <- exp(a - max(a)); q <- q / sum(q)
    state <- rng_next(state)
    u <- state / PM_MODULUS
    out <- c(out, min(sum(cumsum(q) <= u) + 1L, length(q)))
  }
  paste0(start, paste(vocab[out], collapse = ""))
}
