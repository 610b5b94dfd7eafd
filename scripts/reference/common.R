# Shared by the R reference scripts: the count cases and the JSON writer.
# Run any script from the repository root: Rscript scripts/reference/<method>.R
# It writes tests/stats/fixtures/<method>.json. R ≥ 4.2 with jsonlite (Debian: r-cran-jsonlite).
suppressPackageStartupMessages(library(jsonlite))

# Two-arm conversion counts: treatment conversions, treatment deals, control conversions, control deals.
count_cases <- function() {
  rows <- list(
    # tiny arms (5–30 deals), with no and with all conversions in one arm
    c(0, 5, 3, 6), c(5, 5, 1, 5), c(0, 10, 4, 10), c(10, 10, 6, 10), c(1, 7, 5, 9),
    c(2, 12, 8, 11), c(0, 20, 6, 20), c(20, 20, 13, 20), c(3, 25, 0, 25), c(30, 30, 24, 30),
    c(7, 30, 2, 28), c(4, 15, 9, 15), c(1, 5, 1, 6), c(12, 20, 5, 20),
    # the practice's size: 50–75 deals per arm
    c(17, 62, 9, 60), c(20, 50, 12, 50), c(25, 75, 15, 75), c(10, 55, 11, 58), c(30, 70, 18, 72),
    c(8, 60, 16, 65), c(35, 64, 22, 61), c(14, 51, 5, 53), c(0, 50, 3, 50), c(50, 50, 44, 52),
    # two-sided p-values near 0.05
    c(16, 60, 7, 60), c(24, 75, 13, 75), c(19, 50, 10, 52), c(27, 66, 17, 68),
    # 20/80 and 10/90 splits
    c(9, 30, 20, 120), c(40, 160, 6, 40), c(5, 20, 14, 180), c(60, 180, 2, 20),
    c(30, 200, 120, 800), c(25, 100, 50, 900),
    # large arms at 0.1 %
    c(110, 1e5, 100, 1e5), c(1150, 1e6, 1000, 1e6), c(10200, 1e7, 10000, 1e7),
    c(230, 2e5, 800, 8e5), c(120, 1e6, 900, 9e6), c(95, 1e5, 100, 1e5),
    # p-values below 1e-12
    c(40, 50, 5, 50), c(60, 70, 10, 75), c(1500, 1e6, 1000, 1e6), c(12500, 1e7, 10000, 1e7),
    c(300, 400, 100, 400)
  )
  m <- do.call(rbind, rows)
  data.frame(tx = m[, 1], tn = m[, 2], cx = m[, 3], cn = m[, 4])
}

counts_json <- function(r) {
  list(treatment = list(conversions = r$tx, deals = r$tn), control = list(conversions = r$cx, deals = r$cn))
}

# Infinity has no JSON form: written as the strings "Infinity" / "-Infinity" and revived by the tests.
encode_inf <- function(x) {
  if (is.list(x)) return(lapply(x, encode_inf))
  if (is.numeric(x) && any(is.infinite(x))) {
    one <- function(v) if (is.infinite(v)) (if (v > 0) "Infinity" else "-Infinity") else v
    return(if (length(x) == 1) one(x) else lapply(as.list(x), one))
  }
  x
}

write_fixture <- function(name, cases, reference, script = name) {
  path <- file.path("tests", "stats", "fixtures", paste0(name, ".json"))
  body <- list(reference = reference, generated_by = paste0("scripts/reference/", script, ".R"),
               r_version = R.version.string, cases = encode_inf(cases))
  writeLines(toJSON(body, auto_unbox = TRUE, digits = I(17), pretty = TRUE, null = "null"), path)
  cat(sprintf("%s: %d cases\n", path, length(cases)))
}
