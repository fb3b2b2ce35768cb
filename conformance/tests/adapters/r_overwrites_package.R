# Overwrites the package's sigmoid() in the environment it sees: must not reach the r reference.
lstmparity_adapter <- function(case) {
  assign("sigmoid", function(z) 0 * z, envir = parent.env(environment(lstmparity_adapter)))
  list()
}
