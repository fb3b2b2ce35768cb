# R/plots.R: the training pictures (files written) and the gradient norms they show.

test_that("gradient_norms()[t] is ||dL/dh_t||: with proj only at the last step it is ||proj_T||, then 0 before", {
  config <- list(T = 4, B = 2, D = 3, H = 5, V = NULL, K = NULL, head = "none")
  params <- init_params(config, seed = 2)
  set.seed(2)
  proj <- array(0, c(4, 2, 5))
  proj[4, , ] <- rnorm(10)
  batch <- list(x = array(rnorm(4 * 2 * 3), c(4, 2, 3)), proj = proj)
  norms <- gradient_norms(params, config, batch)
  expect_length(norms, 4L)
  expect_equal(norms[4], sqrt(sum(proj[4, , ]^2)), tolerance = 1e-15) # dL/dh_T = proj_T exactly
  expect_true(all(norms[1:3] > 0) && all(norms[1:3] < norms[4])) # what flows back through U shrinks here
})

png_ok <- function() isTRUE(capabilities("png"))

test_that("plot_history() and plot_gradient_norms() write PNG files", {
  if (!png_ok()) skip("this R cannot write PNG files")
  dir <- tempfile("plots")
  dir.create(dir)
  on.exit(unlink(dir, recursive = TRUE), add = TRUE)
  history <- data.frame(epoch = 1:3, loss = c(2, 1, 0.5), accuracy = c(0.2, 0.5, 0.9), seconds = 0.1,
                        valid_loss = c(2.1, 1.2, 0.8), valid_accuracy = c(0.1, 0.4, 0.7))
  path <- file.path(dir, "history.png")
  expect_identical(plot_history(history, path), path)
  path2 <- file.path(dir, "norms.png")
  plot_gradient_norms(list(a = c(1e-3, 1e-2, 1), b = c(0.5, 1)), path2)
  for (p in c(path, path2)) {
    expect_identical(readBin(p, "raw", 8L), as.raw(c(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)))
  }
})
