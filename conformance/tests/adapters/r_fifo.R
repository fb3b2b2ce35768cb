# A blocking read: a FIFO nobody writes to.
lstmparity_adapter <- function(case) {
  system("mkfifo never_written")
  readLines("never_written")
}
