# The backward pass against central finite differences (float64), every head and every cell.

check_gradients <- function(case, limit = 1e-7) {
  result <- run_case(case)
  numeric <- numerical_grads(case$params, case$config, case$inputs)
  analytic <- c(result$grads, result$backward[intersect(c("dh0", "dc0"), names(result$backward))])
  expect_setequal(names(numeric), names(analytic))
  for (n in names(numeric)) {
    err <- rel_error(analytic[[n]], numeric[[n]])
    expect(err < limit, sprintf("%s %s: %s: finite differences disagree, rel_error %.3g", cell_of(case$config),
                                case$config$head, n, err))
  }
}

test_that("head none (sum(proj * h)) with initial state and mask", {
  check_gradients(random_case(config_of(4, 2, 3, 3), seed = 11, lengths = c(4, 2), state = TRUE))
})

test_that("many_to_many_softmax with embedding and mask", {
  check_gradients(random_case(config_of(4, 2, 3, 2, "many_to_many_softmax", V = 5, K = 5),
                              seed = 12, lengths = c(3, 4), state = TRUE))
})

test_that("many_to_one_sigmoid with embedding and mask", {
  check_gradients(random_case(config_of(4, 3, 2, 3, "many_to_one_sigmoid", V = 4, K = 1),
                              seed = 13, lengths = c(4, 1, 2)))
})

test_that("many_to_one_softmax", {
  check_gradients(random_case(config_of(3, 2, 4, 3, "many_to_one_softmax", K = 3), seed = 14, state = TRUE))
})

# The GRU (both reset placements) and the RNN through the whole model: embedding, mask, initial state, heads.
for (cell in list(list("gru", TRUE), list("gru", FALSE), list("rnn", NULL))) {
  test_that(sprintf("%s%s: every head, with embedding, mask and initial state", cell[[1]],
                    if (is.null(cell[[2]])) "" else sprintf(" (reset_after %s)", cell[[2]])), {
    on <- function(...) config_of(..., cell = cell[[1]], reset_after = cell[[2]])
    check_gradients(random_case(on(4, 2, 3, 3), seed = 21, lengths = c(4, 2), state = TRUE))
    check_gradients(random_case(on(4, 2, 3, 2, "many_to_many_softmax", V = 5, K = 5), seed = 22,
                                lengths = c(3, 4), state = TRUE))
    check_gradients(random_case(on(4, 3, 2, 3, "many_to_one_sigmoid", V = 4, K = 1), seed = 23,
                                lengths = c(4, 1, 2)))
    check_gradients(random_case(on(3, 2, 4, 3, "many_to_one_softmax", K = 3), seed = 24, state = TRUE))
  })
}
