# The vanishing-gradient picture in R: ||dL/dh_t|| against the distance from the loss.
#   Rscript examples/vanishing_gradients.R [out.png]      (from the repository root, or anywhere with the package installed)
# Same set-up as examples/vanishing_gradients.py (R's random numbers, so other values).

# From a checkout: the R/ sources; elsewhere: the installed package.
lp <- if (file.exists("R/source.R")) { source("R/source.R"); lstmparity_source("R") } else asNamespace("lstmparity")
T <- 200; B <- 4; D <- 8; H <- 16
config <- list(D = D, H = H, V = NULL, K = 1, head = "many_to_one_sigmoid")
set.seed(0)
batch <- list(x = array(rnorm(T * B * D), c(T, B, D)), targets = rbinom(B, 1, 0.5))
curves <- list()
for (forget_bias in c(-3, 0, 3)) {
  params <- lp$init_params(config, 1)
  params$b[H + 1:H] <- forget_bias # the f block of b (gates i, f, g, o)
  norms <- lp$gradient_norms(params, config, batch)
  label <- sprintf("forget bias %+.0f", forget_bias)
  curves[[label]] <- norms
  cat(sprintf("%s: ||dL/dh|| at distance 0: %.3e, 10: %.3e, 50: %.3e, 199: %.3e\n",
              label, norms[T], norms[T - 10], norms[T - 50], norms[1]))
}
args <- commandArgs(trailingOnly = TRUE)
out <- if (length(args)) args[1] else "out/vanishing_gradients_r.png"
dir.create(dirname(out), showWarnings = FALSE, recursive = TRUE)
lp$plot_gradient_norms(curves, out)
cat("wrote", out, "\n")
