# R/heads.R: each head's backward against central differences of its own loss.

# Central differences of f at every element of x: (f(x + e) - f(x - e)) / (2 e).
central_diff <- function(f, x, e = 1e-6) {
  g <- x
  for (k in seq_along(x)) {
    up <- x; up[k] <- up[k] + e
    down <- x; down[k] <- down[k] - e
    g[k] <- (f(up) - f(down)) / (2 * e)
  }
  g
}

head_case <- function(head, T = 3L, B = 4L, H = 2L, K = 3L, seed = 5) {
  set.seed(seed)
  h <- array(rnorm(T * B * H), c(T, B, H))
  Wy <- matrix(rnorm(H * K), H, K)
  by <- rnorm(K)
  targets <- switch(head,
    many_to_many_softmax = matrix(sample.int(K, T * B, replace = TRUE), T, B),
    many_to_one_softmax = sample.int(K, B, replace = TRUE),
    many_to_one_sigmoid = c(1, 0, 0, 1)[seq_len(B)])
  if (head == "many_to_one_sigmoid") {
    Wy <- Wy[, 1, drop = FALSE]
    by <- by[1]
  }
  mask <- if (head == "many_to_many_softmax") 1 * outer(seq_len(T), c(T, 1, 2, T)[seq_len(B)], "<=") else NULL
  list(h = h, Wy = Wy, by = by, targets = targets, mask = mask)
}

for (head in c("many_to_many_softmax", "many_to_one_sigmoid", "many_to_one_softmax")) {
  test_that(paste(head, ": dh_head, dWy, dby agree with central differences of the loss"), {
    a <- head_case(head)
    loss <- function(h = a$h, Wy = a$Wy, by = a$by) {
      head_forward(h, head, Wy, by, a$targets, a$mask)$loss
    }
    bwd <- head_backward(head_forward(a$h, head, a$Wy, a$by, a$targets, a$mask)$cache)
    # Central differences with e = 1e-6 on an O(1) smooth loss: truncation ~1e-12,
    # rounding ~1e-16 / 1e-6 = 1e-10, so 1e-7 relative leaves a wide margin while a
    # wrong formula (a missing 1 / B, a wrong step) is off by 1e-1 or more.
    expect_lt(rel_error(bwd$dh_head, central_diff(function(h) loss(h = h), a$h)), 1e-7)
    expect_lt(rel_error(bwd$grads$dWy, central_diff(function(w) loss(Wy = w), a$Wy)), 1e-7)
    expect_lt(rel_error(bwd$grads$dby, central_diff(function(b) loss(by = b), a$by)), 1e-7)
    expect_gt(max(abs(bwd$dh_head)), 0.01) # the comparison above compared something
  })
}

test_that("head none: the loss is sum(proj * h) and dh_head is proj", {
  a <- head_case("none")
  proj <- array(seq_along(a$h) / 10, dim(a$h))
  fwd <- head_forward(a$h, "none", proj = proj)
  expect_identical(fwd$loss, sum(proj * a$h))
  expect_identical(head_backward(fwd$cache)$dh_head, proj)
})

test_that("the many-to-one heads read h_T only; padded steps get no gradient in many-to-many", {
  a <- head_case("many_to_one_softmax")
  bwd <- head_backward(head_forward(a$h, "many_to_one_softmax", a$Wy, a$by, a$targets)$cache)
  expect_true(all(bwd$dh_head[-3, , ] == 0))
  a <- head_case("many_to_many_softmax")
  bwd <- head_backward(head_forward(a$h, "many_to_many_softmax", a$Wy, a$by, a$targets, a$mask)$cache)
  expect_true(all(bwd$dh_head[a$mask == 0] == 0))
  expect_true(all(abs(bwd$dh_head[2, 2, ]) == 0)) # sequence 2 has length 1
})

test_that("an unknown head is refused, listing the heads", {
  a <- head_case("many_to_one_softmax")
  expect_error(head_forward(a$h, "seq2seq", a$Wy, a$by, a$targets), "unknown head 'seq2seq'.*many_to_one_softmax")
})
