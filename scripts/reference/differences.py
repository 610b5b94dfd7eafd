"""Differences and ratios of two rates: statsmodels confint_proportions_2indep.

Writes tests/stats/fixtures/{newcombe,wald,agresti-caffo,relative-lift}.json.
Run from the repository root with Debian's Python: /usr/bin/python3 scripts/reference/differences.py
(python3-statsmodels). count1 is the treatment, so compare='diff' gives p_t - p_c.
The cases are those of common.R (read from tests/stats/fixtures/z-test.json to share one list).
"""
import json
import math
import statsmodels
from statsmodels.stats.proportion import confint_proportions_2indep

with open("tests/stats/fixtures/z-test.json") as f:
    inputs = []
    for case in json.load(f)["cases"]:
        if case["input"] not in inputs:
            inputs.append(case["input"])

CONFIDENCES = [0.95, 0.9, 0.99]


def write(name, cases, reference):
    path = f"tests/stats/fixtures/{name}.json"
    body = {"reference": reference, "generated_by": "scripts/reference/differences.py",
            "statsmodels_version": statsmodels.__version__, "cases": cases}
    with open(path, "w") as f:
        json.dump(body, f, indent=2)
        f.write("\n")
    print(f"{path}: {len(cases)} cases")


out = {"newcombe": [], "wald": [], "agresti-caffo": [], "relative-lift": []}
for i, counts in enumerate(inputs):
    t, c = counts["treatment"], counts["control"]
    xt, nt, xc, nc = t["conversions"], t["deals"], c["conversions"], c["deals"]
    conf = CONFIDENCES[i % 3]
    alpha = 1 - conf
    d = xt / nt - xc / nc
    for method, name in (("newcomb", "newcombe"), ("wald", "wald"), ("agresti-caffo", "agresti-caffo")):
        lo, hi = confint_proportions_2indep(xt, nt, xc, nc, method=method, compare="diff", alpha=alpha)
        out[name].append({"input": counts, "options": {"confidence": conf},
                          "expected": {"estimate": d, "interval": [float(lo), float(hi)], "reason": None}})
    if xc > 0 and xt > 0:
        lo, hi = confint_proportions_2indep(xt, nt, xc, nc, method="log", compare="ratio", alpha=alpha)
        out["relative-lift"].append({"input": counts, "options": {"confidence": conf},
                                     "expected": {"estimate": (xt / nt) / (xc / nc) - 1,
                                                  "interval": [float(lo) - 1, float(hi) - 1], "reason": None}})

write("newcombe", out["newcombe"], "statsmodels confint_proportions_2indep(xt, nt, xc, nc, method='newcomb', compare='diff')")
write("wald", out["wald"], "statsmodels confint_proportions_2indep(xt, nt, xc, nc, method='wald', compare='diff')")
write("agresti-caffo", out["agresti-caffo"], "statsmodels confint_proportions_2indep(xt, nt, xc, nc, method='agresti-caffo', compare='diff')")
write("relative-lift", out["relative-lift"], "statsmodels confint_proportions_2indep(xt, nt, xc, nc, method='log', compare='ratio') - 1")
