# One-arm intervals and the large-sample tests of a 2×2 table:
#   wilson.json           R prop.test(x, n, correct = FALSE)$conf.int
#   clopper-pearson.json  R binom.test(x, n, conf.level)$conf.int
#   chi-square.json       R chisq.test(table, correct = FALSE / TRUE)
#   z-test.json           R prop.test(c(xt, xc), c(nt, nc), correct = FALSE): z = sign(d)·√statistic,
#                         one-sided p-values from pnorm
source("scripts/reference/common.R")
rows <- count_cases()
arms <- unique(rbind(data.frame(x = rows$tx, n = rows$tn), data.frame(x = rows$cx, n = rows$cn)))
confidences <- c(0.95, 0.9, 0.99)

wilson <- list(); clopper <- list()
for (i in seq_len(nrow(arms))) {
  x <- arms$x[i]; n <- arms$n[i]; conf <- confidences[(i %% 3) + 1]
  w <- suppressWarnings(prop.test(x, n, correct = FALSE, conf.level = conf))$conf.int[1:2]
  wilson[[i]] <- list(input = list(conversions = x, deals = n), options = list(confidence = conf),
                      expected = list(estimate = x / n, interval = w, reason = NULL))
  b <- binom.test(x, n, conf.level = conf)$conf.int[1:2]
  clopper[[i]] <- list(input = list(conversions = x, deals = n), options = list(confidence = conf),
                       expected = list(estimate = x / n, interval = b, reason = NULL))
}
write_fixture("wilson", wilson, "R prop.test(x, n, correct = FALSE, conf.level)$conf.int", "proportions")
write_fixture("clopper-pearson", clopper, "R binom.test(x, n, conf.level)$conf.int", "proportions")

chi <- list(); z <- list()
for (i in seq_len(nrow(rows))) {
  r <- rows[i, ]
  table <- matrix(c(r$tx, r$cx, r$tn - r$tx, r$cn - r$cx), 2)
  for (correct in c(FALSE, TRUE)) {
    ct <- suppressWarnings(chisq.test(table, correct = correct))
    chi[[length(chi) + 1]] <- list(input = counts_json(r), options = list(correct = correct),
      expected = list(statistic = unname(ct$statistic), pValue = ct$p.value, reason = NULL))
  }
  pt <- suppressWarnings(prop.test(c(r$tx, r$cx), c(r$tn, r$cn), correct = FALSE))
  zz <- sign(r$tx / r$tn - r$cx / r$cn) * sqrt(unname(pt$statistic))
  for (alternative in c("two-sided", "greater", "less")) {
    p <- switch(alternative, "two-sided" = pt$p.value, greater = pnorm(zz, lower.tail = FALSE), less = pnorm(zz))
    z[[length(z) + 1]] <- list(input = counts_json(r), options = list(alternative = alternative),
      expected = list(z = zz, pValue = p, reason = NULL))
  }
}
write_fixture("chi-square", chi, "R chisq.test(matrix(c(tx, cx, tn - tx, cn - cx), 2), correct)", "proportions")
write_fixture("z-test", z, "R prop.test(c(tx, cx), c(tn, cn), correct = FALSE); one-sided pnorm(z)", "proportions")
