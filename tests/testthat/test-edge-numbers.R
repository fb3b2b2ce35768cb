# Numbers at the edge: saturated gates, very long sequences, exploding gradients.
# Mirrors tests/python/test_edge_numbers.py. R has no floating-point traps, so
# each run must be silent (no warning) and give only finite numbers.

HEADS <- c("none", "many_to_many_softmax", "many_to_one_sigmoid", "many_to_one_softmax")

all_finite <- function(tree) {
  if (is.list(tree)) return(all(vapply(tree, all_finite, logical(1))))
  all(is.finite(tree))
}

# A parsed case (as read_case() returns) with random parameters and inputs.
# Class targets are 1-based (as read_case() makes them); sigmoid targets are 0/1.
make_case <- function(T, B, D, H, head, seed = 0, K = 3L) {
  config <- list(T = T, B = B, D = D, H = H, V = NULL,
                 K = if (head == "none") NULL else if (head == "many_to_one_sigmoid") 1L else K, head = head)
  set.seed(seed)
  inputs <- list(x = array(rnorm(T * B * D), c(T, B, D)))
  if (head == "none") inputs$proj <- array(rnorm(T * B * H), c(T, B, H))
  if (head == "many_to_many_softmax") inputs$targets <- matrix(sample.int(K, T * B, TRUE), T, B)
  if (head == "many_to_one_softmax") inputs$targets <- sample.int(K, B, TRUE)
  if (head == "many_to_one_sigmoid") inputs$targets <- sample(0:1, B, TRUE)
  list(config = config, params = init_params(config, seed), inputs = inputs)
}

# Scale x so that max |x_1 W + b| over the first step is exactly z_max (h0 = 0 there).
scale_to_max_preactivation <- function(case, z_max) {
  case$params$b <- case$params$b * 0
  x1 <- matrix(case$inputs$x[1, , ], dim(case$inputs$x)[2])
  case$inputs$x <- case$inputs$x * (z_max / max(abs(x1 %*% case$params$W)))
  case
}

test_that("activations are finite and in range at extreme inputs", {
  z <- c(-1e3, -745.2, -709.8, -40, 0, 40, 709.8, 745.2, 1e3)
  expect_silent(s <- sigmoid(z))
  expect_silent(sp <- softplus(z))
  expect_silent(ls <- log_softmax(rbind(c(1e3, -1e3, 0), c(-1e3, -1e3, -1e3))))
  expect_true(all(s >= 0 & s <= 1) && s[9] == 1 && s[5] == 0.5)
  expect_true(all(s[1:3] < 1e-300)) # sigmoid(-745) ~ 5e-324; a clipped z gives ~1e-304: both fine
  expect_equal(s[4], exp(-40) / (1 + exp(-40)), tolerance = 1e-15)
  expect_true(all(is.finite(sp)) && sp[9] == 1e3 && sp[1] == 0)
  expect_true(all(is.finite(ls)) && ls[1, 1] == 0 && ls[1, 2] == -2e3)
  expect_equal(ls[2, ], rep(log(1 / 3), 3), tolerance = 1e-15)
})

test_that("pre-activations up to |z| = 1e3 give finite numbers, in every head", {
  for (head in HEADS) for (z_max in c(1e1, 1e2, 1e3)) {
    case <- scale_to_max_preactivation(make_case(4L, 3L, 2L, 5L, head, seed = z_max), z_max)
    expect_silent(out <- run_case(case))
    label <- sprintf("head %s, |z| <= %g", head, z_max)
    expect_true(all_finite(out), label = label)
    gates <- c(out$forward$i, out$forward$f, out$forward$o)
    expect_true(all(gates >= 0 & gates <= 1), label = label)
    expect_true(all(abs(out$forward$h) <= 1), label = label)
    # the gates really saturate: sigmoid(z) is exactly 1 from z ~ 37 on, below 1e-30 under z ~ -69
    if (z_max >= 1e2) expect_true(any(gates == 1) && min(gates) < 1e-30, label = label)
  }
})

test_that("head weights of 1e3 (logits ~1e3) give finite losses and gradients", {
  for (head in HEADS[-1]) {
    case <- make_case(3L, 2L, 2L, 4L, head, seed = 7)
    case$params$Wy <- case$params$Wy * 1e3 / max(abs(case$params$Wy))
    expect_silent(out <- run_case(case))
    expect_true(all_finite(out), label = head)
    expect_gt(max(abs(out$forward$logits)), 10)
  }
})

test_that("a sequence of 10,000 steps (one sequence padded after 6,000) stays finite", {
  T <- 10000L; H <- 4L
  case <- make_case(T, 2L, 3L, H, "many_to_many_softmax", seed = 3)
  mask <- matrix(1, T, 2)
  mask[6001:T, 2] <- 0
  case$inputs$mask <- mask
  expect_silent(out <- run_case(case))
  expect_true(all_finite(out))
  expect_true(max(abs(out$forward$h)) <= 1 && out$forward$loss > 0 && out$forward$loss < 10)
  expect_true(all(out$forward$h[6001:T, 2, ] == rep(out$forward$h[6000, 2, ], each = T - 6000)))
  expect_true(all(out$backward$di[6001:T, 2, ] == 0))
})

# Recurrent weights ~10x the init scale: the gradient norm is ~1e7 and more.
exploding_case <- function(clip) {
  case <- make_case(60L, 2L, 3L, 8L, "none", seed = 0)
  case$params$U <- case$params$U * 10 * sqrt(8)
  case$params$b <- case$params$b * 0
  case$inputs$x <- case$inputs$x * 0.01
  case$optimizer <- list(name = "sgd", lr = 0.1, steps = 3L, momentum = 0)
  case$clip <- clip
  case
}

grad_norm <- function(grads) sqrt(sum(vapply(grads, function(g) sum(g * g), numeric(1))))

test_that("the exploding case explodes", {
  case <- exploding_case(list(max_norm = 1))
  lg <- loss_and_grads(case$params, case$config, case$inputs)
  expect_gt(grad_norm(lg$grads), 1e6)
})

test_that("clip_grad_norm keeps exploding steps finite and of length lr * max_norm", {
  case <- exploding_case(list(max_norm = 1))
  expect_silent(out <- run_case(case))
  expect_true(all_finite(out))
  before <- case$params
  for (step in out$optimizer_steps) {
    moved <- sqrt(sum(vapply(names(before), function(k) sum((step$params[[k]] - before[[k]])^2), numeric(1))))
    expect_lte(moved, 0.1 * (1 + 1e-12))
    expect_gte(moved, 0.1 * 0.99)
    before <- step$params
  }
})

test_that("clip_grad_value keeps exploding steps within lr * value", {
  case <- exploding_case(list(value = 0.5))
  expect_silent(out <- run_case(case))
  expect_true(all_finite(out))
  first <- out$optimizer_steps[[1]]$params
  for (k in names(case$params)) expect_lte(max(abs(first[[k]] - case$params[[k]])), 0.05 * (1 + 1e-12))
})

test_that("clip_grad_norm gives finite gradients when the squared norm overflows", {
  # sum(g^2) overflows to Inf; PyTorch's clip_grad_norm_ returns zeros here, and so do we
  clipped <- clip_grads(list(dW = matrix(1e200, 2, 3), db = c(-1e200, 3)), list(max_norm = 1))
  expect_true(all_finite(clipped))
  expect_equal(clip_grad_norm(list(dW = c(3, 4)), 1)$dW, c(0.6, 0.8), tolerance = 1e-6)
})

test_that("an all-zero mask is refused by the reader, naming inputs.mask", {
  skip_if_no_fixtures()
  src <- file.path(fixtures_dir(), "char_lm_many_to_many.json")
  raw <- jsonlite::fromJSON(src, simplifyVector = FALSE)
  raw$inputs$mask <- lapply(raw$inputs$mask, function(row) lapply(row, function(v) 0))
  raw$expected <- NULL
  path <- tempfile(fileext = ".json")
  writeLines(jsonlite::toJSON(raw, auto_unbox = TRUE, digits = NA), path)
  expect_error(read_fixture(path), "inputs.mask.*at least one valid step")
})
