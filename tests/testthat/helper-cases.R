# Small random cases built in R, so most tests need no fixture files.

# config list as in a case file (`cell` and `reset_after` only when given, as in the LSTM's files).
config_of <- function(T, B, D, H, head = "none", V = NULL, K = NULL, cell = NULL, reset_after = NULL) {
  c(list(T = T, B = B, D = D, H = H, V = V, K = K, head = head),
    Filter(Negate(is.null), list(cell = cell, reset_after = reset_after)))
}

# A parsed case (as read_case() returns, without expected): random parameters
# and inputs; optional mask (sequence lengths), initial state and embedding.
random_case <- function(config, seed = 1, lengths = NULL, state = FALSE) {
  set.seed(seed)
  T <- config$T; B <- config$B; D <- config$D; H <- config$H
  inputs <- list()
  if (is.null(config$V)) {
    inputs$x <- array(rnorm(T * B * D), c(T, B, D))
  } else {
    inputs$tokens <- matrix(sample.int(config$V, T * B, replace = TRUE), T, B)
  }
  if (state) {
    inputs$h0 <- matrix(runif(B * H, -1, 1), B, H)
    c0 <- matrix(rnorm(B * H), B, H) # drawn for every cell: the same x, h0 and mask whatever the cell
    if (cell_of(config) == "lstm") inputs$c0 <- c0
  }
  if (!is.null(lengths)) inputs$mask <- 1 * outer(seq_len(T), lengths, "<=")
  K <- config$K
  inputs$targets <- switch(config$head,
    none = NULL,
    many_to_many_softmax = matrix(sample.int(K, T * B, replace = TRUE), T, B),
    many_to_one_softmax = sample.int(K, B, replace = TRUE),
    many_to_one_sigmoid = rep_len(c(1L, 0L), B))
  if (config$head == "none") inputs$proj <- array(rnorm(T * B * H), c(T, B, H))
  list(format_version = 1L, name = "r_random", description = "A random case built in R.",
       config = config, tolerance = list(rtol = 1e-12, atol = 1e-300),
       params = init_params(config, seed + 100), inputs = inputs)
}

# A parsed case back to the decoded-JSON form parse_case() takes: row-major
# nested lists as jsonlite::parse_json(simplifyVector = FALSE) gives, 0-based ids.
to_raw <- function(case) {
  raw <- case[c("format_version", "name", "description", "config", "tolerance", "params", "inputs")]
  binary <- case$config$head == "many_to_one_sigmoid"
  if (!is.null(raw$inputs$tokens)) raw$inputs$tokens <- raw$inputs$tokens - 1L
  if (!is.null(raw$inputs$targets) && !binary) raw$inputs$targets <- raw$inputs$targets - 1L
  raw$params <- lapply(raw$params, nest)
  raw$inputs <- lapply(raw$inputs, nest)
  raw
}

# An R vector, matrix or (T, B, .) array as nested lists, first index outermost.
nest <- function(a) {
  d <- dim(a)
  if (is.null(d)) return(as.list(a))
  lapply(seq_len(d[1]), function(k) {
    s <- if (length(d) == 2L) a[k, ] else a[k, , ]
    if (length(d) == 3L) dim(s) <- d[2:3]
    nest(s)
  })
}
