# R/model.R: parameters, the swappable blocks, and the model's gradients.

test_that("init_params(): the parameters a config needs, uniform in +-1/sqrt(H), seeded", {
  config <- list(T = 2, B = 2, D = 3, H = 4, V = 7, K = 5, head = "many_to_one_softmax")
  p <- init_params(config, seed = 3)
  expect_identical(names(p), c("E", "W", "U", "b", "Wy", "by"))
  expect_identical(lapply(p, function(a) if (is.matrix(a)) dim(a) else length(a)),
                   list(E = c(7L, 3L), W = c(3L, 16L), U = c(4L, 16L), b = 16L, Wy = c(4L, 5L), by = 5L))
  for (n in c("W", "U", "b", "Wy", "by")) expect_true(all(abs(p[[n]]) <= 1 / sqrt(4)))
  expect_identical(init_params(config, seed = 3), p)
  expect_false(identical(init_params(config, seed = 4)$W, p$W))
  none <- init_params(modifyList(config, list(V = NULL, head = "none", K = NULL)), seed = 3)
  expect_identical(names(none), c("W", "U", "b"))
  gru <- init_params(c(config, cell = "gru"), seed = 3)
  expect_identical(lapply(gru, function(a) if (is.matrix(a)) dim(a) else length(a)),
                   list(E = c(7L, 3L), W = c(3L, 12L), U = c(4L, 12L), b = 12L, b_hn = 4L, Wy = c(4L, 5L), by = 5L))
  rnn <- init_params(c(config, cell = "rnn"), seed = 3)
  expect_identical(dim(rnn$U), c(4L, 4L))
  expect_identical(rnn$E, p$E) # the same draws up to the layer's weights
})

test_that("reference_ops() replaces only the named blocks and refuses unknown names", {
  mine <- function(...) stop("not called here")
  ops <- reference_ops(clip_grads = mine)
  expect_identical(ops$clip_grads, mine)
  expect_identical(ops[names(ops) != "clip_grads"], reference_ops()[names(ops) != "clip_grads"])
  expect_error(reference_ops(step_fwd = mine), "unknown block\\(s\\) step_fwd")
  expect_identical(reference_ops()$cell, "lstm")
  for (cell in names(CELLS)) {
    ops <- reference_ops(cell)
    expect_identical(ops[c("step_forward", "local_grads", "step_backward", "param_grads")], get_cell(cell)$blocks)
    expect_identical(ops$step_backward, get(paste0(cell, "_step_backward")))
  }
})

test_that("a run refuses the ops of another cell than its config's", {
  case <- random_case(config_of(2, 2, 2, 2, cell = "gru"), seed = 5)
  expect_error(run_case(case, reference_ops()), "built for the lstm cell, but config\\$cell is gru")
  expect_error(model_forward(case$params, config_of(2, 2, 2, 2), case$inputs, reference_ops("rnn")),
               "built for the rnn cell, but config\\$cell is lstm")
  expect_identical(run_case(case, reference_ops("gru")), run_case(case))
})

test_that("loss_and_grads() is model_forward() then model_backward(), and moves the loss as its gradient says", {
  case <- random_case(config_of(4, 3, 2, 3, "many_to_many_softmax", K = 3), seed = 9, lengths = c(4, 2, 3))
  lg <- loss_and_grads(case$params, case$config, case$inputs)
  fwd <- model_forward(case$params, case$config, case$inputs)
  expect_identical(lg$loss, fwd$trace$loss)
  expect_identical(lg$grads, model_backward(fwd$cache)$grads)
  # A small step against the gradient lowers the loss by about lr * |g|^2 (first order).
  lr <- 1e-4
  stepped <- Map(function(p, g) p - lr * g, case$params, lg$grads[paste0("d", names(case$params))])
  drop <- lg$loss - loss_and_grads(stepped, case$config, case$inputs)$loss
  expect_equal(drop, lr * sum(unlist(lg$grads)^2), tolerance = 1e-3) # second-order term ~ lr^2
})
