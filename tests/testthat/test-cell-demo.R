# R/cell_demo.R: the first-token task and the gradient norms of the vanishing-gradient demo.

test_that("first_token_task(): one-hot tokens, the label is the first token, the rest are distractors", {
  set.seed(1)
  task <- first_token_task(N = 8, T = 5, D = 4)
  expect_identical(dim(task$x), c(5L, 8L, 4L))
  expect_true(all(apply(task$x, c(1, 2), sum) == 1)) # one-hot at every (t, b)
  expect_identical(task$x[1, , 2], task$y) # token 2 (label 1) at t = 1 exactly when y = 1
  expect_true(all(task$x[-1, , 1:2] == 0)) # no label token after the first step
})

test_that("cell_gradient_norms(): one norm per step, and the gradient reaching step 1 shrinks most for the RNN", {
  norms <- lapply(c(lstm = "lstm", rnn = "rnn"), cell_gradient_norms, T = 30, B = 8, H = 8)
  expect_true(all(lengths(norms) == 30L))
  expect_true(all(vapply(norms, function(n) all(is.finite(n) & n >= 0), TRUE)))
  ratio <- vapply(norms, function(n) n[1] / n[30], 0) # how much survives 29 steps back
  expect_lt(ratio[["rnn"]], ratio[["lstm"]])
})
