# Planning and monitoring references:
#   srm.json         R chisq.test(c(n_control, n_treatment), p = shares, rescale.p = TRUE)
#   power.json       R power.prop.test (tol = 1e-14) for equal arms; the generalised formula for
#                    unequal arms evaluated in R, with uniroot(tol = 1e-15) for the MDE
#   adjust.json      R p.adjust(p, "holm"), p.adjust(p, "BH")
#   sequential.json  rpact getDesignGroupSequential(sided = 2, typeOfDesign = "asOF") boundaries (moved
#                    to `rpact` by sequential.py, which writes the reference boundaries);
#                    cumulative alpha from the spending function 4·(1 − Φ(z_{1−α/4}/√t))
source("scripts/reference/common.R")
suppressPackageStartupMessages(library(rpact))

srm <- list()
planned <- list(c(50, 50), c(20, 80), c(10, 90), c(1, 1), c(30, 70))
sizes <- c(10, 60, 120, 150, 1000, 1e5, 1e6, 1e7)
for (p in planned) for (total in sizes) {
  share <- p[2] / sum(p)
  for (drift in c(0, 0.004, 0.03)) {
    nt <- round(total * (share + drift)); nc <- total - nt
    ct <- suppressWarnings(chisq.test(c(nc, nt), p = p, rescale.p = TRUE))
    srm[[length(srm) + 1]] <- list(input = list(counts = list(control = nc, treatment = nt),
                                                planned = list(control = p[1], treatment = p[2])),
      expected = list(statistic = unname(ct$statistic), pValue = ct$p.value, mismatch = ct$p.value < 0.001, reason = NULL))
  }
}
write_fixture("srm", srm, "R chisq.test(c(n_control, n_treatment), p = c(planned), rescale.p = TRUE)", "planning")

z_alpha <- function(alpha, alternative) qnorm(if (alternative == "two-sided") 1 - alpha / 2 else 1 - alpha)
n_control <- function(pc, d, alpha, power, k, alternative) {
  pt <- pc + d; pbar <- (pc + k * pt) / (1 + k)
  (z_alpha(alpha, alternative) * sqrt(pbar * (1 - pbar) * (1 + 1 / k)) + qnorm(power) * sqrt(pc * (1 - pc) + pt * (1 - pt) / k))^2 / d^2
}
power_of <- function(pc, d, alpha, nc, nt, alternative) {
  k <- nt / nc; pt <- pc + d; pbar <- (pc + k * pt) / (1 + k)
  pnorm((d * sqrt(nc) - z_alpha(alpha, alternative) * sqrt(pbar * (1 - pbar) * (1 + 1 / k))) / sqrt(pc * (1 - pc) + pt * (1 - pt) / k))
}
power <- list()
designs <- expand.grid(pc = c(0.001, 0.05, 0.15, 0.3, 0.5), d = c(0.001, 0.02, 0.1), share = c(0.5, 0.2, 0.9),
                       alternative = c("two-sided", "greater"), stringsAsFactors = FALSE)
designs <- designs[designs$d < 1 - designs$pc & !(designs$pc == 0.001 & designs$d == 0.1), ]
for (i in seq_len(nrow(designs))) {
  g <- designs[i, ]; alpha <- c(0.05, 0.01, 0.1)[(i %% 3) + 1]; pw <- c(0.8, 0.9)[(i %% 2) + 1]
  k <- g$share / (1 - g$share)
  if (g$share == 0.5) {
    n <- power.prop.test(p1 = g$pc, p2 = g$pc + g$d, sig.level = alpha, power = pw,
                         alternative = if (g$alternative == "two-sided") "two.sided" else "one.sided", tol = 1e-14)$n
    stopifnot(abs(n / n_control(g$pc, g$d, alpha, pw, 1, g$alternative) - 1) < 1e-9)
  } else n <- n_control(g$pc, g$d, alpha, pw, k, g$alternative)
  nc <- c(60, 150, 1000, 1e5)[(i %% 4) + 1]; nt <- round(nc * k)
  pow <- power_of(g$pc, g$d, alpha, nc, nt, g$alternative)
  if (g$share == 0.5) {
    ppt <- power.prop.test(n = nc, p1 = g$pc, p2 = g$pc + g$d, sig.level = alpha,
                           alternative = if (g$alternative == "two-sided") "two.sided" else "one.sided")$power
    stopifnot(abs(ppt / pow - 1) < 1e-12)
  }
  top <- (1 - g$pc) * (1 - 1e-12)
  mde <- if (power_of(g$pc, top, alpha, nc, nt, g$alternative) < pw) NULL else
    uniroot(function(d) power_of(g$pc, d, alpha, nc, nt, g$alternative) - pw, c(1e-12, top), tol = 1e-15)$root
  power[[length(power) + 1]] <- list(
    input = list(baselineRate = g$pc, minimumDetectableEffect = g$d, alpha = alpha, power = pw,
                 treatmentShare = g$share, alternative = g$alternative, control = nc, treatment = nt),
    expected = list(requiredControlDeals = n, achievedPower = pow, minimumDetectableEffect = mde))
}
write_fixture("power", power, "R power.prop.test(p1, p2, sig.level, power, alternative, tol = 1e-14) (equal arms); generalised formula (unequal)", "planning")

adjust <- list()
set.seed(7)
for (i in 1:24) {
  m <- c(1, 2, 3, 5, 8, 20)[(i %% 6) + 1]
  p <- signif(c(runif(m, 0, 0.2), 10^-runif(1, 1, 14))[1:m], 6)
  if (i %% 5 == 0) p[length(p)] <- p[1]  # ties
  for (method in c("holm", "benjamini-hochberg")) {
    adjust[[length(adjust) + 1]] <- list(input = list(pValues = I(p), method = method),
      expected = list(adjusted = I(p.adjust(p, if (method == "holm") "holm" else "BH"))))
  }
}
write_fixture("adjust", adjust, "R p.adjust(p, 'holm' | 'BH')", "planning")

sequential <- list()
# rpact's boundaries are kept beside the reference as a check: it integrates to ~1e-7 and, where a
# look spends under ~1e-9, returns Inf or loses digits (4.87702 for 4.87689 at the second of ten
# equal looks). scripts/reference/sequential.py then puts an independent integration's boundaries
# (1e-11) in `expected` and moves rpact's to `rpact`: run it after this script.
fractions <- list(c(0.25, 0.5, 0.75, 1), c(0.2, 0.5, 1), c(0.5, 1), c(1), c(0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1),
                  c(1 / 3, 2 / 3, 1), c(0.3, 0.6, 0.8, 1), c(0.35, 1), c(0.5, 0.75, 0.9, 1), c(0.6, 1),
                  # first looks at small information fractions
                  c(0.001, 1), c(0.0034, 0.5, 1), c(0.005, 0.5, 1), c(0.01, 0.25, 0.5, 0.75, 1), c(0.02, 0.5, 1),
                  c(0.03, 0.06, 1), c(0.05, 0.3, 0.6, 1), c(0.1, 0.2, 1), c(0.08, 0.16, 0.24, 0.32, 1),
                  c(0.1, 0.4, 0.7, 1), c(0.15, 1), c(0.04, 0.5, 0.96, 1),
                  # looks close together
                  c(0.2, 0.21, 1), c(0.5, 0.51, 1))
for (t in fractions) for (alpha in c(0.05, 0.1, 0.01, 0.2)) {
  d <- if (length(t) == 1) NULL else getDesignGroupSequential(kMax = length(t), alpha = alpha, sided = 2, typeOfDesign = "asOF", informationRates = t)
  bounds <- if (is.null(d)) qnorm(1 - alpha / 2) else d$criticalValues
  spent <- 4 * pnorm(qnorm(1 - alpha / 4) / sqrt(t), lower.tail = FALSE)  # no 1 − Φ cancellation
  sequential[[length(sequential) + 1]] <- list(input = list(alpha = alpha, informationFractions = I(t)),
    expected = list(cumulativeAlpha = I(spent), boundaries = I(bounds)))
}
write_fixture("sequential", sequential, "R rpact getDesignGroupSequential(kMax, alpha, sided = 2, typeOfDesign = 'asOF', informationRates)$criticalValues", "planning")
