# run_case(): the structure of `expected`, the replaceable blocks, and that a
# comparison can fail.

test_that("run_case returns the names and shapes of a fixture's expected", {
  case <- random_case(config_of(3, 2, 4, 5, "many_to_many_softmax", V = 6, K = 6), lengths = c(3, 2))
  case$optimizer <- list(name = "adam", lr = 0.01, beta1 = 0.9, beta2 = 0.999, eps = 1e-8, steps = 2)
  case$clip <- list(max_norm = 0.5)
  r <- run_case(case)
  expect_named(r, c("forward", "backward", "grads", "optimizer_steps"))
  expect_named(r$forward, c("x", "i", "f", "g", "o", "c", "h", "logits", "loss"))
  expect_named(r$backward, c("dlogits", "dh", "do", "dc", "di", "df", "dg", "dx", "dh0", "dc0"))
  expect_named(r$grads, c("dWy", "dby", "dW", "dU", "db", "dE"))
  expect_named(r$optimizer_steps[[2]]$params, c("E", "W", "U", "b", "Wy", "by"))
  expect_identical(dim(r$forward$x), c(3L, 2L, 4L))
  expect_identical(dim(r$forward$logits), c(3L, 2L, 6L))
  expect_identical(dim(r$backward$dh0), c(2L, 5L))
  expect_identical(dim(r$grads$dE), c(6L, 4L))
  expect_identical(r$optimizer_steps[[1]]$loss, r$forward$loss)
})

test_that("the GRU's and the RNN's names: their own tensors, and the rest as for the LSTM", {
  for (cell in c("gru", "rnn")) {
    config <- config_of(3, 2, 4, 5, "many_to_many_softmax", V = 6, K = 6, cell = cell)
    case <- random_case(config, lengths = c(3, 2), state = TRUE)
    case$optimizer <- list(name = "sgd", lr = 0.1, momentum = 0.9, steps = 2)
    r <- run_case(case)
    layer <- if (cell == "gru") c("r", "z", "n") else "g"
    expect_named(r$forward, c("x", layer, "h", "logits", "loss"))
    expect_named(r$backward, c("dlogits", "dh", paste0("d", rev(layer)), "dx", "dh0"), ignore.order = TRUE)
    params <- c("E", "W", "U", "b", if (cell == "gru") "b_hn", "Wy", "by")
    expect_named(r$grads, c("dWy", "dby", "dW", "dU", "db", if (cell == "gru") "db_hn", "dE"))
    expect_named(r$optimizer_steps[[2]]$params, params)
    expect_identical(dim(r$grads$dU), c(5L, 5L * length(layer)))
  }
})

test_that("every shape the reader expects is the shape run_case produces", {
  for (cell in c("lstm", "gru", "rnn")) {
    for (head in c("none", "many_to_many_softmax", "many_to_one_sigmoid", "many_to_one_softmax")) {
      K <- switch(head, none = NULL, many_to_one_sigmoid = 1L, 3L)
      config <- config_of(2L, 3L, 4L, 5L, head, V = if (head == "none") NULL else 3L, K = K,
                          cell = if (cell != "lstm") cell)
      r <- run_case(random_case(config))
      s <- shapes(config)
      for (phase in c("forward", "backward", "grads")) for (n in setdiff(names(r[[phase]]), "loss")) {
        expect_identical(dim(as.array(r[[phase]][[n]])), s[[paste0("expected.", phase, ".", n)]],
                         label = paste(cell, head, phase, n))
      }
    }
  }
})

test_that("a block swapped in through ops changes the result, without global state", {
  case <- random_case(config_of(3, 2, 2, 3), seed = 7)
  buggy_step_backward <- function(dh, dc_next, dh_do, dh_dc, dc_di, dc_df, dc_dg, f, U, m = NULL) {
    s <- lstm_step_backward(dh, dc_next, dh_do, dh_dc, dc_di, dc_df, dc_dg, f, U, m)
    s$dc_prev <- s$dc # forgot the forget gate: dc_prev = dc instead of dc * f
    s
  }
  good <- run_case(case)
  bad <- run_case(case, reference_ops(step_backward = buggy_step_backward))
  expect_identical(bad$forward$h, good$forward$h)
  expect_false(isTRUE(all.equal(bad$grads$dW, good$grads$dW)))
  expect_identical(run_case(case)$grads$dW, good$grads$dW)
  expect_error(reference_ops(step_backwards = identity), "unknown block")
})

test_that("perturbing one expected value makes the comparison fail, and names it", {
  case <- random_case(config_of(3, 2, 4, 5), seed = 8)
  case$expected <- run_case(case)
  case$expected$backward$dc[2, 1, 3] <- case$expected$backward$dc[2, 1, 3] * (1 + 1e-9)
  result <- run_case(case)
  failing <- character(0)
  for (cmp in trace_comparisons(case, result)) {
    ok <- tryCatch({
      expect_close(cmp$actual, cmp$expected, 1e-12, 1e-300, name = cmp$name)
      TRUE
    }, expectation_failure = function(e) FALSE)
    if (!ok) failing <- c(failing, cmp$name)
  }
  expect_identical(failing, "backward.dc at t = 1")
  e <- slice_t(case$expected$backward$dc, 2)
  expect_failure(expect_close(slice_t(result$backward$dc, 2), e, 1e-12, 1e-300, name = "dc at t = 1"),
                 "dc at t = 1: max\\|actual - expected\\|.*worst element \\[0\\]\\[2\\]")
  expect_success(expect_close(slice_t(result$backward$dc, 2), e, 1e-8, 0))
})

test_that("perturbing one value of a real fixture makes its test fail", {
  skip_if_no_fixtures()
  case <- read_case(file.path(fixtures_dir(), "batch_all_dims_differ.json"))
  result <- run_case(case)
  case$expected$grads$dU[3, 7] <- case$expected$grads$dU[3, 7] + 1e-9
  expect_failure(expect_close(result$grads$dU, case$expected$grads$dU, case$tolerance$rtol,
                              case$tolerance$atol, name = "grads.dU"), "worst element \\[2\\]\\[6\\]")
})
