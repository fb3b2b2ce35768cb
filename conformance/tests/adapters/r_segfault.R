# A segmentation fault (signal 11) in the R process.
lstmparity_adapter <- function(case) tools::pskill(Sys.getpid(), 11L)
