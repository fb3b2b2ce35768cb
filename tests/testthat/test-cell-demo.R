# R/cell_demo.R: the noisy-bit task, the gradient norms and the trainer of the vanishing-gradient
# demo (Python: tests/python/test_cell_demo.py). That the RNN does not learn the demo's T = 50
# while the GRU and the LSTM do is the demo's result (docs/cells.md), not a test: a minute per cell.

test_that("noisy_bit_task(): the bit and the marker at the first step only, noise after", {
  set.seed(1)
  task <- noisy_bit_task(N = 7, T = 4, sigma = 2)
  expect_identical(dim(task$x), c(4L, 7L, 2L))
  expect_true(all(task$y %in% c(0, 1)))
  expect_identical(task$x[1, , 1], 2 * task$y - 1)
  expect_identical(task$x[, , 2], rbind(rep(1, 7), matrix(0, 3, 7)))
  expect_true(all(task$x[-1, , 1] != 0)) # noise, not silence, after the first step
})

test_that("noisy_bit_task(): the noise has sd sigma and does not tell the label", {
  set.seed(2)
  task <- noisy_bit_task(N = 400, T = 51, sigma = 2)
  noise <- task$x[-1, , 1] # 50 * 400 = 20000 draws of N(0, 4)
  # standard errors: mean sigma / sqrt(n) = 0.014, sd sigma / sqrt(2 n) = 0.01; bounds ~7 of them
  expect_lt(abs(mean(noise)), 0.1)
  expect_lt(abs(stats::sd(as.vector(noise)) - 2), 0.07)
  # the label only at t = 1: cor(y, a sequence's mean noise) has standard error 1 / sqrt(400) = 0.05
  expect_lt(abs(stats::cor(task$y, colMeans(noise))), 0.25)
  expect_true(sum(task$y) > 150 && sum(task$y) < 250) # both labels, about half each (binomial sd 10)
})

test_that("the demo's parameters start with the keep bias and a sigmoid head", {
  for (cell in c("lstm", "gru")) { # f is block 2 of i, f, g, o; z of r, z, n
    p <- init_demo_params(cell, 2, 3)
    expect_true(all(p$b[4:6] == KEEP_BIAS))
    expect_identical(dim(p$Wy), c(3L, 1L))
  }
})

test_that("cell_gradient_norms(): one norm per step, and the RNN's vanishes fastest", {
  norms <- lapply(setNames(names(CELLS), names(CELLS)), cell_gradient_norms, T = 50, B = 16)
  expect_true(all(lengths(norms) == 50L))
  expect_true(all(vapply(norms, function(n) all(is.finite(n) & n >= 0), TRUE)))
  ratio <- vapply(norms, function(n) n[10] / n[50], 0) # what survives 40 steps back
  expect_lt(ratio[["rnn"]], 1e-2 * ratio[["gru"]])
  expect_lt(ratio[["rnn"]], 1e-2 * ratio[["lstm"]])
})

for (cell in names(CELLS)) {
  test_that(sprintf("train_noisy_bit(): the %s learns a short noisy-bit task", cell), {
    # T = 5 is within every cell's reach (the demo's T = 50 is not, for the RNN)
    result <- train_noisy_bit(cell, T = 5, steps = 200, n_test = 200)
    expect_identical(length(result$loss), 200L)
    expect_identical(result[c("cell", "T", "steps")], list(cell = cell, T = 5, steps = 200))
    expect_gte(result$accuracy, 0.95) # chance is 0.5; the runs measured reach 1.0
    expect_lt(mean(utils::tail(result$loss, 10)), 0.1 * mean(result$loss[1:10]))
  })
}

test_that("train_noisy_bit(): the seed fixes the run", {
  runs <- lapply(c(0, 0, 1), function(s) train_noisy_bit("rnn", T = 4, steps = 5, n_test = 10, seed = s)$loss)
  expect_identical(runs[[1]], runs[[2]])
  expect_false(identical(runs[[1]], runs[[3]]))
})
