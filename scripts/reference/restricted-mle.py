"""Reference restricted MLEs for stats/score-test.ts (restrictedDifference, restrictedRatio).

Writes tests/stats/fixtures/restricted-mle.json: for random tables and null values, the rates that
maximise the likelihood under p_t − p_c = δ (or p_t = ρ·p_c), found by bisection on the likelihood
equation at 50 digits with mpmath (stats/ uses the closed-form cubic / quadratic). Run from the
repository root: /usr/bin/python3 scripts/reference/restricted-mle.py
"""
import json
import random

import mpmath as mp

mp.mp.dps = 50


def root(score, lo, hi):
    """The maximiser on [lo, hi] of a concave log-likelihood whose derivative is `score`."""
    eps = mp.mpf(10) ** -45
    left, right = lo + eps, hi - eps
    if score(left) <= 0:
        return lo
    if score(right) >= 0:
        return hi
    for _ in range(170):
        middle = (left + right) / 2
        if score(middle) > 0:
            left = middle
        else:
            right = middle
    return (left + right) / 2


def term(count, value):
    return count / value if count else 0


def main():
    random.seed(1)
    sizes = [1, 2, 3, 5, 10, 30, 75, 200, 1000, 100000]
    cases = []
    for i in range(240):
        nt, nc = random.choice(sizes), random.choice(sizes)
        xt, xc = random.randint(0, nt), random.randint(0, nc)
        if i % 5 == 0:
            xt = random.choice([0, nt])
        if i % 7 == 0:
            xc = random.choice([0, nc])
        delta = mp.mpf(random.choice([random.uniform(-0.999, 0.999), random.uniform(-0.05, 0.05),
                                      xt / nt - xc / nc + random.uniform(-1e-3, 1e-3)]))
        delta = max(min(delta, mp.mpf("0.9999")), mp.mpf("-0.9999"))
        ratio = mp.e ** mp.mpf(random.uniform(-3, 3))

        def score_difference(p0):
            p1 = p0 + delta
            return term(xt, p1) - term(nt - xt, 1 - p1) + term(xc, p0) - term(nc - xc, 1 - p0)

        def score_ratio(p0):
            p1 = ratio * p0
            return term(xt, p0) - ratio * term(nt - xt, 1 - p1) + term(xc, p0) - term(nc - xc, 1 - p0)

        pc_d = root(score_difference, max(mp.mpf(0), -delta), min(mp.mpf(1), 1 - delta))
        pc_r = root(score_ratio, mp.mpf(0), min(mp.mpf(1), 1 / ratio))
        cases.append(dict(
            input=dict(xt=xt, nt=nt, xc=xc, nc=nc, delta=float(delta), ratio=float(ratio)),
            expected=dict(difference=[float(pc_d + delta), float(pc_d)], ratio=[float(ratio * pc_r), float(pc_r)]),
        ))
    path = "tests/stats/fixtures/restricted-mle.json"
    with open(path, "w") as f:
        json.dump(dict(reference="mpmath bisection on the restricted likelihood equation at 50 digits",
                       generated_by="scripts/reference/restricted-mle.py", cases=cases), f, indent=2)
        f.write("\n")
    print(f"{path}: {len(cases)} cases")


if __name__ == "__main__":
    main()
