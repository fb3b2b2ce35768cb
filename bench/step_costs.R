# Where one step of the R port spends its time: every line of lstm_step_forward(),
# lstm_local_grads() and lstm_step_backward() (R/cell.R) timed alone, and each
# function called whole, in microseconds (CPU), at the Hamlet shape B=1, H=25, D=32
# (or B H D given as arguments). The difference between "called whole" and the sum
# of its lines is what the call itself costs: promises for the arguments, the
# environment, the returned list's names. From the repository root:
#   OPENBLAS_NUM_THREADS=1 Rscript bench/step_costs.R [B H D]
# docs/bench.md ("The R floor") quotes its figures.

step_costs_main <- function(args) {
  shape <- if (length(args) == 3) as.integer(args) else c(1L, 25L, 32L)
  B <- shape[1]; H <- shape[2]; D <- shape[3]
  script <- new.env()
  sys.source(file.path("bench", "bench_rpy2.R"), envir = script)
  lp <- script$bench_load("R")
  old <- options(matprod = "blas")
  on.exit(options(old))
  d <- script$bench_data(B, 2L, D, H)
  v <- new.env(parent = lp) # the step's variables, as the step functions see them
  set.seed(2)
  v$U <- d$U
  v$xw_t <- cbind(1, matrix(d$x[1, , ], B, D), deparse.level = 0) %*% rbind(d$b, d$W, deparse.level = 0)
  v$h_prev <- matrix(stats::runif(B * H), B)
  v$c_prev <- matrix(stats::runif(B * H), B)
  v$m <- NULL
  v$dh <- matrix(stats::rnorm(B * H), B)
  v$dc_next <- matrix(stats::rnorm(B * H), B)
  forward <- list(
    "H <- dim(h_prev)[2]" = quote(H <- dim(h_prev)[2]),
    "z <- h_prev %*% U + xw_t" = quote(z <- h_prev %*% U + xw_t),
    "g <- tanh(z[, (2 * H + 1):(3 * H), drop = FALSE])" = quote(g <- tanh(z[, (2 * H + 1):(3 * H), drop = FALSE])),
    "a <- sigmoid(z)" = quote(a <- sigmoid(z)),
    "i <- a[, 1:H, drop = FALSE]" = quote(i <- a[, 1:H, drop = FALSE]),
    "f <- a[, (H + 1):(2 * H), drop = FALSE]" = quote(f <- a[, (H + 1):(2 * H), drop = FALSE]),
    "o <- a[, (3 * H + 1):(4 * H), drop = FALSE]" = quote(o <- a[, (3 * H + 1):(4 * H), drop = FALSE]),
    "c <- f * c_prev + i * g" = quote(c <- f * c_prev + i * g),
    "tanh_c <- tanh(c)" = quote(tanh_c <- tanh(c)),
    "h <- o * tanh_c" = quote(h <- o * tanh_c),
    "if (!is.null(m)) ..." = quote(if (!is.null(m)) NULL),
    "list(i = i, ..., tanh_c = tanh_c)" = quote(list(i = i, f = f, g = g, o = o, c = c, h = h, tanh_c = tanh_c)))
  local <- list(
    "dh_do <- tanh_c * o * (1 - o)" = quote(dh_do <- tanh_c * o * (1 - o)),
    "dh_dc <- o * (1 - tanh_c * tanh_c)" = quote(dh_dc <- o * (1 - tanh_c * tanh_c)),
    "if (!is.null(m)) ..." = quote(if (!is.null(m)) NULL),
    "dc_di <- g * i * (1 - i)" = quote(dc_di <- g * i * (1 - i)),
    "dc_df <- c_prev * f * (1 - f)" = quote(dc_df <- c_prev * f * (1 - f)),
    "dc_dg <- i * (1 - g * g)" = quote(dc_dg <- i * (1 - g * g)),
    "list(dh_do = dh_do, ..., dc_dg = dc_dg)" =
      quote(list(dh_do = dh_do, dh_dc = dh_dc, dc_di = dc_di, dc_df = dc_df, dc_dg = dc_dg)))
  backward <- list(
    "dc <- (if (is.null(m)) dc_next else m * dc_next) + dh * dh_dc" =
      quote(dc <- (if (is.null(m)) dc_next else m * dc_next) + dh * dh_dc),
    "do <- dh * dh_do" = quote(do <- dh * dh_do),
    "di <- dc * dc_di" = quote(di <- dc * dc_di),
    "df <- dc * dc_df" = quote(df <- dc * dc_df),
    "dg <- dc * dc_dg" = quote(dg <- dc * dc_dg),
    "dz <- c(di, df, dg, do)" = quote(dz <- c(di, df, dg, do)),
    "dim(dz) <- dim(di) * c(1L, 4L)" = quote(dim(dz) <- dim(di) * c(1L, 4L)),
    "dh_prev <- tcrossprod(dz, U)" = quote(dh_prev <- tcrossprod(dz, U)),
    "dc_prev <- dc * f" = quote(dc_prev <- dc * f),
    "if (!is.null(m)) ..." = quote(if (!is.null(m)) NULL),
    "list(dc = dc, ..., dc_prev = dc_prev)" =
      quote(list(dc = dc, di = di, df = df, dg = dg, do = do, dh_prev = dh_prev, dc_prev = dc_prev)))
  calls <- list(
    lstm_step_forward = quote(lstm_step_forward(xw_t, h_prev, c_prev, U, m)),
    lstm_local_grads = quote(lstm_local_grads(i, f, g, o, c_prev, tanh_c, m)),
    lstm_step_backward = quote(lstm_step_backward(dh, dc_next, dh_do, dh_dc, dc_di, dc_df, dc_dg, f, U, m)))
  for (e in c(forward, local, backward)) eval(e, v) # the values every later line needs
  blocks <- list(lstm_step_forward = forward, lstm_local_grads = local, lstm_step_backward = backward)
  cat(sprintf("B=%d H=%d D=%d: CPU microseconds per evaluation (best of 7 runs of %d)\n", B, H, D, REPS))
  total_calls <- 0
  for (name in names(blocks)) {
    lines <- vapply(blocks[[name]], us_per_eval, 0, env = v)
    whole <- us_per_eval(calls[[name]], v)
    total_calls <- total_calls + whole - sum(lines)
    cat(sprintf("\n%s: lines %.2f, called whole %.2f, so the call itself %.2f\n", name, sum(lines), whole,
                whole - sum(lines)))
    cat(sprintf("  %6.2f  %s\n", lines, names(lines)), sep = "")
  }
  cat(sprintf("\nthe three calls per step: %.2f us\n", total_calls))
}

REPS <- 100000L

# CPU microseconds per evaluation of `expr` in `env`: a byte-compiled loop of REPS
# evaluations, best of 7, less an empty loop.
us_per_eval <- function(expr, env) {
  loop <- function(body) {
    f <- eval(call("function", as.pairlist(alist()), call("for", quote(k), quote(seq_len(REPS)), body)))
    environment(f) <- env
    compiler::cmpfun(f)
  }
  f <- loop(expr)
  f0 <- loop(NULL)
  cpu <- function(g) {
    t0 <- proc.time()
    g()
    t1 <- proc.time() - t0
    t1[["user.self"]] + t1[["sys.self"]]
  }
  f()
  best <- min(vapply(1:7, function(r) cpu(f), 0))
  (best - cpu(f0)) / REPS * 1e6
}

if (sys.nframe() == 0L) step_costs_main(commandArgs(trailingOnly = TRUE))
