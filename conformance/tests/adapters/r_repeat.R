# An infinite loop.
lstmparity_adapter <- function(case) {
  repeat {
    NULL
  }
}
