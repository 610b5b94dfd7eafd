# Fisher's exact test references: R fisher.test. The p-values are fisher.test's own; the
# conditional MLE odds ratio and its exact interval repeat fisher.test's definitions (R 4.2
# stats:::fisher.test, 2×2 branch: dnhyper/mnhyper/pnhyper) with the root found on log(ψ) to
# 1e-13, because fisher.test's uniroot keeps its default tolerance (~1e-4). The script checks that
# both agree to 1e-2 (fisher.test solves for 1/ψ with an absolute tolerance of 1e-4,
# so a ψ near 100 is off by up to 1 %). Tables that cannot tell the arms apart (an arm without
# deals, no conversion, every deal converted) are added: R answers p = 1, odds ratio 0 and
# [0, Inf] there, and stats/ gives the same with a reason code.
source("scripts/reference/common.R")

fisher_reference <- function(x, m, n, k, alternative, conf.level) {
  lo <- max(0, k - n); hi <- min(k, m); support <- lo:hi
  logdc <- dhyper(support, m, n, k, log = TRUE)
  dnhyper <- function(ncp) { d <- logdc + log(ncp) * support; d <- exp(d - max(d)); d / sum(d) }
  mnhyper <- function(ncp) sum(support * dnhyper(ncp))
  pnhyper <- function(q, ncp, upper.tail = FALSE) sum(dnhyper(ncp)[if (upper.tail) support >= q else support <= q])
  solve_log <- function(f) exp(uniroot(function(th) f(exp(th)), c(-30, 30), tol = 1e-13, extendInt = "yes", maxiter = 5000)$root)
  mle <- if (x == lo) 0 else if (x == hi) Inf else solve_log(function(psi) mnhyper(psi) - x)
  ncp_u <- function(alpha) if (x == hi) Inf else solve_log(function(psi) pnhyper(x, psi) - alpha)
  ncp_l <- function(alpha) if (x == lo) 0 else solve_log(function(psi) pnhyper(x, psi, upper.tail = TRUE) - alpha)
  ci <- switch(alternative,
    less = c(0, ncp_u(1 - conf.level)),
    greater = c(ncp_l(1 - conf.level), Inf),
    two.sided = c(ncp_l((1 - conf.level) / 2), ncp_u((1 - conf.level) / 2)))
  list(estimate = mle, conf.int = ci)
}

cases <- list()
degenerate <- data.frame(tx = c(0, 4, 0, 2, 0, 30, 0, 0), tn = c(12, 4, 0, 10, 0, 30, 1e6, 1),
                         cx = c(0, 1, 3, 0, 0, 24, 0, 1), cn = c(10, 1, 10, 0, 7, 24, 1e6, 1))
reason_of <- function(r) {
  if (r$tn == 0 || r$cn == 0) "no_deals" else if (r$tx + r$cx == 0) "no_conversions"
  else if (r$tx == r$tn && r$cx == r$cn) "all_converted" else NULL
}
rows <- rbind(count_cases(), degenerate)
for (i in seq_len(nrow(rows))) {
  r <- rows[i, ]
  for (alternative in c("two.sided", "greater", "less")) {
    conf <- c(0.95, 0.9, 0.99)[(i %% 3) + 1]
    table <- matrix(c(r$tx, r$cx, r$tn - r$tx, r$cn - r$cx), 2)
    ft <- fisher.test(table, alternative = alternative, conf.level = conf)
    ref <- fisher_reference(r$tx, r$tx + r$cx, r$tn - r$tx + r$cn - r$cx, r$tn, alternative, conf)
    stopifnot(isTRUE(all.equal(unname(ft$estimate), ref$estimate, tolerance = 1e-2)),
              isTRUE(all.equal(ft$conf.int[1:2], ref$conf.int, tolerance = 1e-2)))
    cases[[length(cases) + 1]] <- list(
      input = counts_json(r),
      options = list(alternative = sub("two.sided", "two-sided", alternative), confidence = conf),
      expected = list(pValue = ft$p.value, oddsRatio = ref$estimate, oddsRatioInterval = ref$conf.int, reason = reason_of(r)))
  }
}
write_fixture("fisher", cases, "R fisher.test(matrix(c(tx, cx, tn - tx, cn - cx), 2), alternative, conf.level)")
