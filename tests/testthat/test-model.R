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
})

test_that("reference_ops() replaces only the named blocks and refuses unknown names", {
  mine <- function(...) stop("not called here")
  ops <- reference_ops(clip_grads = mine)
  expect_identical(ops$clip_grads, mine)
  expect_identical(ops[names(ops) != "clip_grads"], reference_ops()[names(ops) != "clip_grads"])
  expect_error(reference_ops(step_fwd = mine), "unknown block\\(s\\) step_fwd")
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
