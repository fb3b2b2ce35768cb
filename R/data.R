# Data sets, vocabularies, padded mini-batches and a seeded shuffle that Python reproduces exactly.
# Mirrors python/lstmparity/training/data.py. Token ids are 1-based here (0-based in Python and in files).

PM_MODULUS <- 2147483647 # the Mersenne prime 2^31 - 1
PM_MULTIPLIER <- 16807
PAD_TOKEN <- "<pad>"
UNK_TOKEN <- "<unk>"

#' Seeded shuffling that gives the same orders in R and Python
#'
#' The Park-Miller "minimal standard" generator, `s <- 16807 s mod (2^31 - 1)`:
#' every product is below 2^46, exact in doubles, so R and Python draw the same
#' numbers. `shuffle_order()` is Fisher-Yates from the back: step k = n-1 .. 1
#' draws `j = floor(u * (k + 1))`, `u = s / (2^31 - 1)`, and swaps positions k and j
#' (0-based, as in Python).
#'
#' @param seed any integer.
#' @param state a generator state in `1 .. 2^31 - 2`.
#' @param n number of items.
#' @param order a permutation (1-based indices).
#' @param batch_size items per batch (the last batch may be shorter).
#' @return `rng_seed()`, `rng_next()`: a state. `shuffle_order()`: list(`order`:
#'   a permutation of `1..n`, `state`: the new state). `batch_indices()`: a list of
#'   index vectors.
#' @examples
#' shuffle_order(5, rng_seed(0))$order
#' @name shuffling
NULL

#' @rdname shuffling
#' @export
rng_seed <- function(seed) as.numeric(seed) %% (PM_MODULUS - 1) + 1

#' @rdname shuffling
#' @export
rng_next <- function(state) (PM_MULTIPLIER * state) %% PM_MODULUS

#' @rdname shuffling
#' @export
shuffle_order <- function(n, state) {
  order <- seq_len(n) - 1L
  for (k in rev(seq_len(n - 1L))) {
    state <- rng_next(state)
    j <- floor(state / PM_MODULUS * (k + 1))
    tmp <- order[k + 1L]
    order[k + 1L] <- order[j + 1L]
    order[j + 1L] <- tmp
  }
  list(order = order + 1L, state = state)
}

#' @rdname shuffling
#' @export
batch_indices <- function(order, batch_size) {
  unname(split(order, ceiling(seq_along(order) / batch_size)))
}

#' One padded mini-batch
#'
#' A data set is `list(tokens = list of integer vectors (1-based ids), targets = ...)`:
#' `targets[[n]]` is a vector as long as `tokens[[n]]` (many-to-many heads) or one
#' number (many-to-one heads; then `targets` may be a plain vector). Sequences are
#' padded at the end to the longest of the batch with token 1 and target 1; the
#' mask is 1 on real steps, 0 on padding. Without padding there is no `mask`
#' (an all-ones mask gives the same numbers; the unmasked step is cheaper).
#'
#' @param dataset list(`tokens`, `targets`).
#' @param idx indices of the sequences in the batch.
#' @return list(`tokens`: integer matrix `c(T, B)`, `mask`: matrix `c(T, B)` (only with padding),
#'   `targets`: integer matrix `c(T, B)` or vector of length `B`).
#' @export
make_batch <- function(dataset, idx) {
  seqs <- dataset$tokens[idx]
  lens <- lengths(seqs)
  T <- max(lens); B <- length(seqs)
  tokens <- matrix(1L, T, B)
  mask <- matrix(0, T, B)
  for (b in seq_len(B)) {
    tokens[seq_len(lens[b]), b] <- seqs[[b]]
    mask[seq_len(lens[b]), b] <- 1
  }
  targets <- dataset$targets[idx]
  if (is.list(targets) && max(lengths(targets)) > 1L) {
    y <- matrix(1L, T, B)
    for (b in seq_len(B)) y[seq_along(targets[[b]]), b] <- targets[[b]]
  } else {
    y <- unlist(targets, use.names = FALSE)
  }
  if (all(mask == 1)) return(list(tokens = tokens, targets = y)) # no padding: no mask (same numbers, cheaper)
  list(tokens = tokens, mask = mask, targets = y)
}

#' Character and word data
#'
#' `char_vocab()`: distinct characters sorted by code point. `char_dataset()`: one
#' sequence, predict character t+1 from character t. `tokenize()`: lower-case words,
#' runs of a-z, of one string (a longer vector is an error: use `tokenize_texts()`,
#' which returns a list with one character vector per text). `build_vocab()`:
#' `"<pad>", "<unk>"`, then words seen at least `min_count` times, by count then alphabetically.
#' `encode_words()`: 1-based ids of
#' the first `max_len` words, unknown words to `"<unk>"` (id 2). `text_datasets()`:
#' train and test sets from a text-classification file, vocabulary from the train split;
#' `text_splits()`: train, valid and test. `read_reuters()`: a text-classification file
#' (by default the Reuters demo data), checked by [check_text_file()].
#' `dataset_path()`: a data file installed with the package (`inst/extdata`:
#' `hamlet.txt`, `reuters_acq_crude.json`, `austen_sentences.json`).
#'
#' @param text a string.
#' @param texts a character vector.
#' @param name a file name.
#' @param need splits that must have a document.
#' @param path a file.
#' @param vocab character vector (token id k is `vocab[k]`).
#' @param docs list of character vectors (words).
#' @param words character vector.
#' @param min_count,max_len vocabulary threshold and sequence length limit.
#' @param raw a parsed text-classification file ([read_reuters()]).
#' @return see the description; `text_datasets()` returns list(`train`, `test`, `vocab`),
#'   `text_splits()` list(`train`, `valid`, `test`, `vocab`).
#' @examples
#' tokenize("To be, or not to be")
#' tokenize_texts(c("To be.", "Or not"))
#' substr(read_text(dataset_path("hamlet.txt")), 1, 40)
#' @name text_data
NULL

#' @rdname text_data
#' @export
dataset_path <- function(name) {
  installed <- system.file("extdata", name, package = "lstmparity")
  if (nzchar(installed)) return(installed)
  dir <- normalizePath(getwd(), mustWork = FALSE) # not installed (lstmparity_source()): the source tree
  repeat {
    candidate <- file.path(dir, "inst", "extdata", name)
    if (file.exists(candidate)) return(candidate)
    if (dirname(dir) == dir) break
    dir <- dirname(dir)
  }
  stop(sprintf("%s: not among the package's data files (inst/extdata)", name), call. = FALSE)
}

#' @rdname text_data
#' @export
read_text <- function(path) {
  text <- readChar(path, file.info(path)$size, useBytes = TRUE)
  Encoding(text) <- "UTF-8"
  text
}

#' @rdname text_data
#' @export
char_vocab <- function(text) {
  sort(unique(strsplit(enc2utf8(text), "")[[1]]), method = "radix")
}

#' @rdname text_data
#' @export
char_dataset <- function(text, vocab) {
  ids <- match(strsplit(enc2utf8(text), "")[[1]], vocab)
  n <- length(ids)
  list(tokens = list(ids[-n]), targets = list(ids[-1]))
}

#' @rdname text_data
#' @export
tokenize <- function(text) {
  if (!is.character(text) || length(text) != 1L) {
    stop(sprintf("tokenize(): expected one string, got a %s of length %d (use tokenize_texts())",
                 class(text)[1], length(text)), call. = FALSE)
  }
  text <- tolower(text)
  regmatches(text, gregexpr("[a-z]+", text))[[1]]
}

#' @rdname text_data
#' @export
tokenize_texts <- function(texts) {
  lapply(as.character(texts), tokenize)
}

#' @rdname text_data
#' @export
build_vocab <- function(docs, min_count = 2) {
  counts <- table(unlist(docs))
  words <- names(counts)[counts >= min_count]
  n <- as.integer(counts[words])
  c(PAD_TOKEN, UNK_TOKEN, words[order(-n, words, method = "radix")])
}

#' @rdname text_data
#' @export
encode_words <- function(words, vocab, max_len) {
  ids <- match(utils::head(words, max_len), vocab)
  ids[is.na(ids)] <- 2L
  ids
}

#' @rdname text_data
#' @export
read_reuters <- function(path = NULL, need = c("train", "test")) {
  if (is.null(path)) path <- dataset_path("reuters_acq_crude.json")
  raw <- tryCatch(jsonlite::fromJSON(path, simplifyVector = FALSE),
                  error = function(e) {
                    data_error(path, ": cannot read a JSON file: ", strsplit(conditionMessage(e), "\n")[[1]][1])
                  })
  check_text_file(raw, path, need)
  docs <- raw$documents
  raw$labels <- unlist(raw$labels)
  raw$documents <- data.frame(text = vapply(docs, function(d) d$text, ""),
                              label = vapply(docs, function(d) as.integer(d$label), 1L),
                              split = vapply(docs, function(d) d$split, ""), stringsAsFactors = FALSE)
  raw
}

#' The installed demo corpora as texts and labels
#'
#' `"reuters"`: 70 Reuters-21578 news texts, acq / crude. `"austen"`: 3000
#' sentences of Sense and Sensibility / Pride and Prejudice (Debian's
#' r-cran-janeaustenr; inst/extdata/README.md). Python: `lstmparity.training.data.demo_texts()`.
#'
#' @param name `"reuters"` or `"austen"`.
#' @param split `NULL` (all) or `"train"`, `"valid"`, `"test"`.
#' @return a data frame: `text`, `label` (a factor of the class names), `split`.
#' @examples
#' d <- demo_texts("reuters", "train")
#' table(d$label)
#' @export
demo_texts <- function(name, split = NULL) {
  files <- c(reuters = "reuters_acq_crude.json", austen = "austen_sentences.json")
  if (!is.character(name) || length(name) != 1L || !name %in% names(files)) {
    data_error("name: expected one of 'reuters', 'austen', got ", show_value(name))
  }
  raw <- read_reuters(dataset_path(files[[name]]), need = character(0))
  d <- raw$documents
  out <- data.frame(text = d$text, label = factor(raw$labels[d$label + 1L], levels = raw$labels),
                    split = d$split, stringsAsFactors = FALSE)
  if (!is.null(split)) out <- out[out$split == split, , drop = FALSE]
  rownames(out) <- NULL
  out
}

#' @rdname text_data
#' @export
text_datasets <- function(raw, min_count = 2, max_len = 100) {
  sets <- text_splits(raw, min_count, max_len)
  list(train = sets$train, test = sets$test, vocab = sets$vocab)
}

#' @rdname text_data
#' @export
text_splits <- function(raw, min_count = 2, max_len = 100) {
  docs <- raw$documents
  words <- lapply(docs$text, tokenize)
  vocab <- build_vocab(words[docs$split == "train"], min_count)
  make <- function(split) {
    keep <- docs$split == split
    list(tokens = lapply(words[keep], encode_words, vocab = vocab, max_len = max_len),
         targets = as.integer(docs$label[keep]))
  }
  list(train = make("train"), valid = make("valid"), test = make("test"), vocab = vocab)
}
