# Regenerate inst/extdata/austen_sentences.json from Debian's r-cran-janeaustenr
# (janeaustenr 1.0.0, MIT licence; the novels are in the public domain).
#   Rscript examples/make_austen_data.R [out]     (from the repository root; deterministic: same bytes)
#
# Task: which novel is a sentence from, Sense and Sensibility (label 0) or Pride and
# Prejudice (label 1)? Each novel's text is joined, chapter headings dropped, and cut into
# sentences after . ! ? (not after Mr. Mrs. Dr. St.); sentences of 8..40 words (runs of
# a-z, as tokenize() counts them) are kept. From each novel, 1500 sentences are drawn with
# the package's seeded shuffle (seed 2026): the first 1000 are train, the next 250 valid,
# the last 250 test (balanced: 2000 / 500 / 500).

source("R/source.R")
lp <- lstmparity_source("R")
args <- commandArgs(trailingOnly = TRUE)
out <- if (length(args)) args[1] else "inst/extdata/austen_sentences.json"

books <- janeaustenr::austen_books()
novels <- c("Sense & Sensibility", "Pride & Prejudice")
per_book <- c(train = 1000L, valid = 250L, test = 250L)

sentences_of <- function(lines) {
  lines <- lines[!grepl("^\\s*CHAPTER [0-9IVXLC]+\\.?\\s*$", lines)]
  text <- gsub("\\s+", " ", paste(lines, collapse = " "))
  text <- gsub("_", "", text) # the Gutenberg text marks italics with underscores
  # a break: after . ! ? (or ." !" ?") and a space, before a capital or a quote; not after Mr. Mrs. Dr. St.
  # or an initial
  s <- strsplit(text, '(?<!Mr\\.)(?<!Mrs\\.)(?<!Dr\\.)(?<!St\\.)(?<!\\b[A-Z]\\.)(?<=[.!?]|[.!?]") (?=["A-Z])',
                perl = TRUE)[[1]]
  s <- trimws(s)
  n_words <- lengths(lp$tokenize_texts(s))
  s[n_words >= 8 & n_words <= 40]
}

docs <- list()
for (k in seq_along(novels)) {
  s <- sentences_of(books$text[books$book == novels[k]])
  pick <- s[lp$shuffle_order(length(s), lp$rng_seed(2026))$order[seq_len(sum(per_book))]]
  split <- rep(names(per_book), per_book)
  for (i in seq_along(pick)) {
    docs[[length(docs) + 1L]] <- list(text = pick[i], label = k - 1L, split = split[i])
  }
  cat(sprintf("%s: %d sentences of 8..40 words, %d drawn\n", novels[k], length(s), length(pick)))
}

obj <- list(format = "lstmparity-text-classification", format_version = 1L,
            description = paste("Sentences of two Jane Austen novels: Sense and Sensibility (0),",
                                "Pride and Prejudice (1); 1000 train, 250 valid, 250 test per novel"),
            source = paste("Debian r-cran-janeaustenr 1.0.0 (janeaustenr by Julia Silge, MIT licence;",
                           "texts from Project Gutenberg, public domain); examples/make_austen_data.R"),
            labels = I(c("Sense and Sensibility", "Pride and Prejudice")),
            documents = docs)
# One document per line (small, and a diff shows which sentences changed).
json <- function(x) as.character(jsonlite::toJSON(x, auto_unbox = TRUE))
head <- obj[names(obj) != "documents"]
text <- paste0("{\n", paste0(" ", vapply(names(head), json, ""), ": ", vapply(head, json, ""), ",\n", collapse = ""),
               ' "documents": [\n', paste0("  ", vapply(docs, json, ""), collapse = ",\n"), "\n ]\n}\n")
con <- file(out, "wb")
writeBin(charToRaw(enc2utf8(text)), con)
close(con)
cat(sprintf("wrote %s (%d documents)\n", out, length(docs)))
