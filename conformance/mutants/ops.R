# The R side of the mutation catalogue: mutant_ops(name, case) is reference_ops() of the
# mutant's cell ("cell" in catalogue.json, "lstm" when absent) with the named mutant's blocks
# swapped in, as catalogue.json lists them under ops$r (the same file Python builds its Ops
# from, conformance/mutants/__init__.py): "fn" is the block itself, "fn(case)" a factory
# called once per run with the case, returning the blocks by name.

# This folder: sys.source() and source() hold the path of the file they run in `file`.
mutants_dir <- local({
  paths <- Filter(function(f) is.character(f) && length(f) == 1L && file.exists(f),
                  lapply(sys.frames(), function(e) get0("file", envir = e, inherits = FALSE)))
  if (length(paths) == 0L) stop("conformance/mutants/ops.R: source it with sys.source() or source()")
  dirname(normalizePath(paths[[length(paths)]]))
})

mutant_catalogue <- jsonlite::read_json(file.path(mutants_dir, "catalogue.json"))$mutants
names(mutant_catalogue) <- vapply(mutant_catalogue, function(m) m$name, "")

mutant_ops <- function(name, case) {
  m <- mutant_catalogue[[name]]
  if (is.null(m)) stop(sprintf("no R mutant '%s'", name))
  made <- list() # factory -> the blocks it made for this run (called once)
  blocks <- list()
  for (block in names(m$ops$r)) {
    ref <- m$ops$r[[block]]
    if (endsWith(ref, "(case)")) {
      if (is.null(made[[ref]])) made[[ref]] <- get(sub("\\(case\\)$", "", ref), mode = "function")(case)
      blocks[[block]] <- made[[ref]][[block]]
    } else {
      blocks[[block]] <- get(ref, mode = "function")
    }
  }
  do.call(reference_ops, c(list(cell = if (is.null(m$cell)) "lstm" else m$cell), blocks))
}
