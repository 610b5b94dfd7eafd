# Distribution functions under everything else: R qt/pt at fractional df, qnorm/pnorm in the
# tails, pbeta/qbeta, lgamma. Writes tests/stats/fixtures/distributions.json.
source("scripts/reference/common.R")
cases <- list()
add <- function(fn, args, value) cases[[length(cases) + 1]] <<- list(input = list(fn = fn, args = I(args)), expected = value)
for (df in c(1.3, 2.7, 4.5, 9.83, 17.2, 58.6, 121.4, 1234.5, 2e4 + 0.5, 2e6 + 0.25)) for (p in c(1e-12, 1e-6, 0.001, 0.025, 0.05, 0.3, 0.4999, 0.6, 0.975, 0.999999)) {
  add("studentTQuantile", c(p, df), qt(p, df))
}
for (df in c(1.3, 4.5, 58.6, 2e6 + 0.25)) for (t in c(-40, -8, -2.5, -0.1, 0.7, 1.96, 3.3, 12)) add("studentTUpper", c(t, df), pt(t, df, lower.tail = FALSE))
for (z in c(-38, -20, -10, -7, -3.3, -1.96, -0.5, 0, 0.3, 0.66, 1.2, 2.5, 5.6, 8)) add("normalCdf", z, pnorm(z))
for (p in c(1e-300, 1e-100, 1e-20, 1e-9, 0.001, 0.025, 0.2, 0.5, 0.8, 0.975, 0.999, 1 - 1e-12)) add("normalQuantile", p, qnorm(p))
for (ab in list(c(2, 3), c(0.5, 7.5), c(31, 12), c(1001, 999001), c(5e5, 5e5))) {
  m <- ab[1] / sum(ab); s <- sqrt(prod(ab) / (sum(ab)^2 * (sum(ab) + 1)))
  for (k in c(-6, -2, 0, 1.5, 5)) {
    x <- min(max(m + k * s, 1e-9), 1 - 1e-9)
    add("betaCdf", c(x, ab), pbeta(x, ab[1], ab[2]))
  }
  for (p in c(1e-10, 0.025, 0.5, 0.975)) add("betaQuantile", c(p, ab), qbeta(p, ab[1], ab[2]))
}
for (x in c(0.1, 0.5, 1, 2.5, 10, 14.9, 15, 100.5, 12345.6)) add("logGamma", x, lgamma(x))
write_fixture("distributions", cases, "R qt, pt, pnorm, qnorm, pbeta, qbeta, lgamma")
