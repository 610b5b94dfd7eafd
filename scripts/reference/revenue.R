# Revenue references: welch.json (R t.test(treatment, control, var.equal = FALSE, alternative,
# conf.level)) and mann-whitney.json (R wilcox.test(treatment, control, exact = FALSE,
# correct = TRUE, alternative)). Samples are drawn here with a fixed seed and stored in the fixture.
source("scripts/reference/common.R")
set.seed(20240601)
revenue_sample <- function(n, kind) {
  switch(kind,
    lognormal = round(rlnorm(n, 10, 1), 2),
    ties = sample(c(0, 0, 0, 500, 1000, 1500), n, replace = TRUE),
    normal = round(rnorm(n, 50000, 8000), 2),
    zeros = c(rep(0, n - max(1, n %/% 5)), round(rexp(max(1, n %/% 5), 1 / 2000), 2)))
}
sizes <- list(c(5, 6), c(8, 8), c(12, 10), c(20, 25), c(30, 30), c(55, 60), c(62, 60), c(75, 70),
              c(20, 80), c(10, 90), c(40, 160), c(300, 280), c(1000, 1200), c(1500, 2500))
kinds <- c("lognormal", "ties", "normal", "zeros")
welch <- list(); mw <- list()
for (i in seq_along(sizes)) {
  for (kind in kinds) {
    n <- sizes[[i]]
    tr <- revenue_sample(n[1], kind); co <- revenue_sample(n[2], kind)
    if (i %% 2 == 0) tr <- round(tr * 1.15, 2)
    alternative <- c("two-sided", "greater", "less")[(length(welch) %% 3) + 1]
    conf <- c(0.95, 0.9)[(length(welch) %% 2) + 1]
    tt <- t.test(tr, co, var.equal = FALSE, alternative = sub("two-sided", "two.sided", alternative), conf.level = conf)
    welch[[length(welch) + 1]] <- list(input = list(treatment = tr, control = co),
      options = list(alternative = alternative, confidence = conf),
      expected = list(estimate = mean(tr) - mean(co), interval = tt$conf.int[1:2], t = unname(tt$statistic),
                      df = unname(tt$parameter), pValue = tt$p.value, reason = NULL))
    wt <- wilcox.test(tr, co, exact = FALSE, correct = TRUE, alternative = sub("two-sided", "two.sided", alternative))
    mw[[length(mw) + 1]] <- list(input = list(treatment = tr, control = co), options = list(alternative = alternative),
      expected = list(w = unname(wt$statistic), pValue = wt$p.value, reason = NULL))
  }
}
# p-values below 1e-12: clearly shifted samples
for (shift in c(1.6, 2.2)) {
  tr <- round(rnorm(400, 100 * shift, 30), 2); co <- round(rnorm(400, 100, 30), 2)
  tt <- t.test(tr, co); wt <- wilcox.test(tr, co, exact = FALSE, correct = TRUE)
  welch[[length(welch) + 1]] <- list(input = list(treatment = tr, control = co), options = list(alternative = "two-sided", confidence = 0.95),
    expected = list(estimate = mean(tr) - mean(co), interval = tt$conf.int[1:2], t = unname(tt$statistic),
                    df = unname(tt$parameter), pValue = tt$p.value, reason = NULL))
  mw[[length(mw) + 1]] <- list(input = list(treatment = tr, control = co), options = list(alternative = "two-sided"),
    expected = list(w = unname(wt$statistic), pValue = wt$p.value, reason = NULL))
}
write_fixture("welch", welch, "R t.test(treatment, control, var.equal = FALSE, alternative, conf.level)", "revenue")
write_fixture("mann-whitney", mw, "R wilcox.test(treatment, control, exact = FALSE, correct = TRUE, alternative)", "revenue")
