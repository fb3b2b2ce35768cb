# SIGABRT (signal 6) in the R process, as a failed assertion in C code would.
lstmparity_adapter <- function(case) tools::pskill(Sys.getpid(), 6L)
