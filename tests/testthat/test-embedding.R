# R/embedding.R: the embedding's backward is the adjoint of its forward.

test_that("embedding_backward() is the adjoint of embedding_forward(): <dE, E'> = <dx, x(E')>", {
  set.seed(4)
  V <- 5L; D <- 3L; T <- 4L; B <- 3L
  tokens <- matrix(c(1L, 5L, 5L, 2L, 5L, 1L, 3L, 3L, 5L, 1L, 2L, 5L), T, B) # token 4 never used
  dx <- array(rnorm(T * B * D), c(T, B, D))
  dE <- embedding_backward(dx, tokens, V)
  expect_identical(dim(dE), c(V, D))
  expect_identical(dE[4, ], c(0, 0, 0))
  for (k in 1:3) {
    E2 <- matrix(rnorm(V * D), V, D)
    # Both sides are the same sum of T * B * D products, in different orders.
    expect_equal(sum(dE * E2), sum(dx * embedding_forward(E2, tokens)), tolerance = 1e-13)
  }
})

test_that("embedding_forward() copies rows exactly, keeping T = 1 and B = 1", {
  E <- matrix(c(0.1, 0.2, 0.3, 0.4), 2, 2)
  x <- embedding_forward(E, matrix(2L, 1, 1))
  expect_identical(dim(x), c(1L, 1L, 2L))
  expect_identical(as.vector(x), E[2, ])
})
