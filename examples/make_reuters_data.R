# Regenerate inst/extdata/reuters_acq_crude.json from the Reuters-21578 documents
# that Debian's r-cran-tm ships (data(acq): 50 documents, data(crude): 20).
#
#   Rscript examples/make_reuters_data.R [out.json]
#
# Every one of the 70 documents has LEWISSPLIT "TRAIN" (and CGISPLIT
# "TRAINING-SET"), so the original train/test split does not separate them.
# The Lewis split is chronological; we do the same inside this subset: within
# each topic the documents are ordered by NEWID (the Reuters id, which follows
# time) and the last 30% (rounded) are held out: 15 acq + 6 crude = 21 test,
# 35 acq + 14 crude = 49 train.

suppressMessages(library(tm))
out <- commandArgs(trailingOnly = TRUE)
out <- if (length(out)) out[1] else "inst/extdata/reuters_acq_crude.json"

corpus_docs <- function(corpus, topic, label) {
  docs <- lapply(corpus, function(d) {
    m <- meta(d)
    list(id = as.integer(m$id), topic = topic, label = label,
         lewissplit = m$lewissplit, heading = m$heading,
         text = paste(content(d), collapse = "\n"))
  })
  docs <- docs[order(vapply(docs, `[[`, integer(1), "id"))]
  n_test <- round(0.3 * length(docs))
  for (k in seq_along(docs)) {
    docs[[k]]$split <- if (k > length(docs) - n_test) "test" else "train"
  }
  docs
}

data(acq, package = "tm")
data(crude, package = "tm")
docs <- c(corpus_docs(acq, "acq", 0L), corpus_docs(crude, "crude", 1L))
stopifnot(all(vapply(docs, `[[`, "", "lewissplit") == "TRAIN"))
docs <- unname(lapply(docs, function(d) d[c("id", "topic", "label", "split", "heading", "text")]))

file <- list(
  format = "lstmparity-text-classification",
  format_version = 1L,
  description = paste(
    "Reuters-21578 documents of topic acq (label 0) and crude (label 1), as shipped",
    "by the R package tm (data(acq), data(crude)). All 70 are LEWISSPLIT TRAIN, so",
    "the held-out split is our own: within each topic, the last 30% by NEWID (time",
    "order) are 'test'. Regenerate with: Rscript examples/make_reuters_data.R"),
  source = sprintf("R package tm %s (Debian r-cran-tm), datasets acq and crude",
                   as.character(utils::packageVersion("tm"))),
  labels = c("acq", "crude"),
  documents = docs)
json <- jsonlite::toJSON(file, auto_unbox = TRUE, pretty = TRUE)
tmp <- tempfile(tmpdir = dirname(out), fileext = ".tmp")
writeLines(json, tmp, useBytes = TRUE)
stopifnot(file.rename(tmp, out))
counts <- table(vapply(docs, `[[`, "", "topic"), vapply(docs, `[[`, "", "split"))
cat(sprintf("wrote %s: %d documents\n", out, length(docs)))
print(counts)
