# "fwd" for "forward".
lstmparity_adapter <- function(case) list(fwd = list(i = array(0, c(case$config$T, case$config$B, case$config$H))))
