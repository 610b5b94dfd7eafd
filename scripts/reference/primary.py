"""Reference values for stats/primary.ts: the score analysis and the exact unconditional analysis.

Writes tests/stats/fixtures/primary-score.json and primary-exact.json. Run from the repository root
(Debian: python3-scipy, python3-statsmodels; use /usr/bin/python3; the exact cases take ~20 min):

    /usr/bin/python3 scripts/reference/primary.py [score|exact]

Score (method='score'):
  - p-value: statsmodels test_proportions_2indep(x_t, n_t, x_c, n_c, method='score', compare='ratio',
    correction=False) — at ratio 1 it is the pooled z test (R prop.test(correct = FALSE)); checked
    against the pooled z computed here, which stands in where statsmodels divides by zero (a rate of
    0 or 1 in an arm).
  - lift interval: statsmodels confint_proportions_2indep(..., method='score', compare='ratio',
    correction=False) (Nam's closed form of Koopman's interval; a one-sided 'greater' lower end is
    the two-sided end at 2α), checked against the inversion below to 1e-8; with a rate of 0 or 1 in
    an arm Nam's form fails (nan, or 1.25 for 1.2248 at 10/10 against 6/10, where the restricted MLE
    sits on p_t = 1) and the inversion is the reference.
  - difference interval: statsmodels' score 'diff' cannot serve — its cubic has count0 where nobs0
    belongs (statsmodels issue #10269) and 0.13 ignores correction=False for 'diff' (#8704). The
    reference inverts the score statistic with the restricted MLE found by bisection on the
    likelihood equation (not the closed-form cubic stats/ uses), roots by brentq.

Exact (method='exact'):
  - p-value: scipy.stats.barnard_exact([[x_t, x_c], [n_t - x_t, n_c - x_c]], alternative,
    pooled=True). SciPy decides ties between tables by exact floating-point comparison, so a table
    whose statistic equals the observed one mathematically but differs in the last bit (a table and
    its mirror with conversions and non-conversions exchanged) is left out and its p-value is too
    small; stats/ counts statistics within 1e-10 relative as ties. For such tables (`scipyTies`) the
    reference is SciPy's own optimiser (shgo, as barnard_exact calls it) on the region with the ties
    kept; SciPy's plain answer is kept as `scipyPValue`. SciPy's optimiser (shgo on 32 Sobol points,
    then a local search) can also stop short of the supremum — at 3/150 against 9/150 it gives
    0.08000 for 0.08089 — so the p-value of the independent implementation below is kept too
    (`independentPValue`, 2e-13 from stats/ over all cases).
  - intervals: the p-value at each δ (or ρ) by an independent implementation (not stats/'
    algorithm): every table's statistic with the restricted MLE by bisection (stats/: the closed-form
    cubic, and only the region's edge), the supremum over the nuisance rate on 3000 points (uniform
    in the rate and in its arcsine; stats/: an adaptive arcsine grid) with scipy's bounded Brent at
    the three highest, binomial probabilities by scipy.stats.binom. The p-value frays near the ends
    (accepted and rejected stretches alternate), so the end is defined by a walk, the same here as
    in stats/ (exact-unconditional.ts, acceptedEnd): steps of a quarter of the distance to the score
    interval's end, no change visited, then halving to 1e-9.
"""
import json
import sys

import numpy as np
from scipy.optimize import brentq, minimize_scalar, shgo
from scipy.stats import barnard_exact, binom, norm
from scipy.stats import _hypotests as hypotests
from statsmodels.stats.proportion import confint_proportions_2indep, test_proportions_2indep

TIE = 1e-10


def rows():
    """(x_t, n_t, x_c, n_c) as in common.R's count_cases."""
    return [
        (0, 5, 3, 6), (5, 5, 1, 5), (0, 10, 4, 10), (10, 10, 6, 10), (1, 7, 5, 9),
        (2, 12, 8, 11), (0, 20, 6, 20), (20, 20, 13, 20), (3, 25, 0, 25), (30, 30, 24, 30),
        (7, 30, 2, 28), (4, 15, 9, 15), (1, 5, 1, 6), (12, 20, 5, 20),
        (17, 62, 9, 60), (20, 50, 12, 50), (25, 75, 15, 75), (10, 55, 11, 58), (30, 70, 18, 72),
        (8, 60, 16, 65), (35, 64, 22, 61), (14, 51, 5, 53), (0, 50, 3, 50), (50, 50, 44, 52),
        (16, 60, 7, 60), (24, 75, 13, 75), (19, 50, 10, 52), (27, 66, 17, 68),
        (9, 30, 20, 120), (40, 160, 6, 40), (5, 20, 14, 180), (60, 180, 2, 20),
        (30, 200, 120, 800), (25, 100, 50, 900),
        (110, 100000, 100, 100000), (1150, 1000000, 1000, 1000000), (10200, 10000000, 10000, 10000000),
        (230, 200000, 800, 800000), (120, 1000000, 900, 9000000), (95, 100000, 100, 100000),
        (40, 50, 5, 50), (60, 70, 10, 75), (1500, 1000000, 1000, 1000000), (12500, 10000000, 10000, 10000000),
        (300, 400, 100, 400),
    ]


def exact_rows():
    small = [r for r in rows() if r[1] <= 80 and r[3] <= 80]
    extra = [
        (9, 30, 20, 120), (40, 160, 6, 40), (5, 20, 14, 180), (60, 180, 2, 20),
        (1, 2, 1, 3), (1, 1, 0, 1), (0, 1, 1, 2), (2, 3, 0, 4), (3, 3, 1, 2), (6, 8, 2, 9),
        (4, 120, 0, 110), (3, 150, 9, 150), (2, 40, 1, 200), (11, 13, 3, 14),
    ]
    return small + extra


# ---- score statistics with the restricted MLE by bisection on the likelihood equation ----------

def _bisect(score, lo, hi, shape):
    left = np.full(shape, lo, dtype=float)
    right = np.full(shape, hi, dtype=float)
    for _ in range(200):
        mid = (left + right) / 2
        positive = score(mid) > 0
        left = np.where(positive, mid, left)
        right = np.where(positive, right, mid)
    return (left + right) / 2


def _term(count, value):
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(count > 0, count / value, 0.0)


def restricted_difference(xt, nt, xc, nc, delta):
    """Control rate p0 maximising the likelihood under p_t = p0 + delta (vectorised over xt, xc)."""
    lo, hi = max(0.0, -delta), min(1.0, 1.0 - delta)

    def score(p0):
        p1 = p0 + delta
        return _term(xt, p1) - _term(nt - xt, 1 - p1) + _term(xc, p0) - _term(nc - xc, 1 - p0)

    p0 = _bisect(score, lo, hi, np.broadcast(xt, xc).shape)
    return p0 + delta, p0


def restricted_ratio(xt, nt, xc, nc, ratio):
    lo, hi = 0.0, min(1.0, 1.0 / ratio)

    def score(p0):
        p1 = ratio * p0
        return _term(xt, p0) - ratio * _term(nt - xt, 1 - p1) + _term(xc, p0) - _term(nc - xc, 1 - p0)

    p0 = _bisect(score, lo, hi, np.broadcast(xt, xc).shape)
    return ratio * p0, p0


def pooled_z(xt, nt, xc, nc):
    """SciPy barnard_exact's statistic, with its floating-point operations."""
    p1, p2 = xt / nt, xc / nc
    p = (xt + xc) / (nt + nc)
    with np.errstate(divide="ignore", invalid="ignore"):
        t = (p1 - p2) / np.sqrt(p * (1 - p) * (1 / nt + 1 / nc))
    return np.where(p1 == p2, 0.0, t)


def _ratio_of(numerator, variance):
    with np.errstate(divide="ignore", invalid="ignore"):
        t = numerator / np.sqrt(variance)
    return np.where(numerator == 0, 0.0, np.where(variance > 0, t, np.sign(numerator) * np.inf))


def stat_difference(xt, nt, xc, nc, delta):
    if delta == 0:
        return pooled_z(xt, nt, xc, nc)
    r1, r0 = restricted_difference(xt, nt, xc, nc, delta)
    return _ratio_of(xt / nt - xc / nc - delta, r1 * (1 - r1) / nt + r0 * (1 - r0) / nc)


def stat_ratio(xt, nt, xc, nc, ratio):
    if ratio == 1:
        return pooled_z(xt, nt, xc, nc)
    r1, r0 = restricted_ratio(xt, nt, xc, nc, ratio)
    return _ratio_of(xt / nt - ratio * xc / nc, r1 * (1 - r1) / nt + ratio**2 * r0 * (1 - r0) / nc)


def score_inverse(statistic, estimate, limits, critical):
    """[lower, upper] where the decreasing statistic crosses +critical and -critical."""

    def crossing(target, toward):
        g = lambda v: float(statistic(v)) - target
        start = estimate if np.isfinite(estimate) else 0.0
        if g(start) == 0:
            return start
        up = g(start) > 0
        limit = limits[1] if up else limits[0]
        step = 0.01
        near = start
        while True:
            far = near + step if up else near - step
            if np.isfinite(limit) and (far >= limit if up else far <= limit):
                far = limit
            if not np.isfinite(limit) and abs(far) > 700:
                return limit
            v = g(far)
            if np.isnan(v):
                v = np.inf if up else -np.inf
            if (v > 0) != (g(start) > 0) or v == 0:
                return brentq(lambda x: np.clip(g(x), -1e100, 1e100), min(near, far), max(near, far), xtol=1e-15, rtol=1e-15)
            if far == limit:
                return limit
            near, step = far, step * 2

    return crossing(critical, -1), crossing(-critical, 1)


def score_case(xt, nt, xc, nc, alternative, alpha):
    critical = norm.isf(alpha / 2 if alternative == "two-sided" else alpha)
    z = float(pooled_z(xt, nt, xc, nc))
    p = 2 * norm.sf(abs(z)) if alternative == "two-sided" else norm.sf(z)
    try:
        sm = test_proportions_2indep(xt, nt, xc, nc, method="score", compare="ratio", correction=False,
                                     alternative="two-sided" if alternative == "two-sided" else "larger").pvalue
        assert abs(sm / p - 1) < 1e-12, (xt, nt, xc, nc, sm, p)
    except ZeroDivisionError:  # statsmodels divides by 1 − p̂ (its odds ratio) with a rate of 0 or 1
        sm = p
    estimate = xt / nt - xc / nc
    d_lo, d_hi = score_inverse(lambda d: stat_difference(xt, nt, xc, nc, d), estimate, (-1.0, 1.0), critical)
    lam = np.log((xt / nt) / (xc / nc)) if xt > 0 and xc > 0 else (0.0 if xt == xc == 0 else (np.inf if xc == 0 else -np.inf))
    l_lo, l_hi = score_inverse(lambda v: stat_ratio(xt, nt, xc, nc, np.exp(v)), lam, (-np.inf, np.inf), critical)
    r_lo, r_hi = np.exp(l_lo), np.exp(l_hi)
    if 0 < xt < nt and 0 < xc < nc:
        nam = confint_proportions_2indep(xt, nt, xc, nc, method="score", compare="ratio", correction=False,
                                         alpha=alpha if alternative == "two-sided" else 2 * alpha)
        assert abs(nam[0] / r_lo - 1) < 1e-8, (xt, nt, xc, nc, nam, r_lo)
        if alternative == "two-sided":
            assert abs(nam[1] / r_hi - 1) < 1e-8, (xt, nt, xc, nc, nam, r_hi)
        r_lo = nam[0]
        if alternative == "two-sided":
            r_hi = nam[1]
    return dict(
        pValue=float(sm),
        difference=dict(estimate=estimate, interval=[d_lo, d_hi if alternative == "two-sided" else None]),
        relativeLift=dict(
            estimate=(xt / nt) / (xc / nc) - 1 if xc > 0 else None,
            interval=[r_lo - 1, r_hi - 1 if alternative == "two-sided" and np.isfinite(r_hi) else None],
        ),
    )


# ---- exact unconditional test ------------------------------------------------------------------

class Exact:
    def __init__(self, xt, nt, xc, nc, alternative):
        self.xt, self.nt, self.xc, self.nc, self.alternative = xt, nt, xc, nc, alternative
        self.a = np.arange(nt + 1).reshape(-1, 1)
        self.b = np.arange(nc + 1).reshape(1, -1)
        self.cache = {}

    def region(self, t):
        observed = t[self.xt, self.xc]
        if self.alternative == "two-sided":
            threshold = abs(observed) * (1 - TIE) if np.isfinite(observed) else np.inf
            return np.abs(t) >= threshold
        threshold = observed - TIE * abs(observed) if np.isfinite(observed) else observed
        return t >= threshold

    def supremum(self, region, lo, hi, treatment_rate):
        ka, kb = np.arange(self.nt + 1), np.arange(self.nc + 1)
        mask = region.astype(float)

        def prob(pi):
            pi = np.atleast_1d(pi)
            ft = binom.pmf(ka[None, :], self.nt, np.clip(treatment_rate(pi), 0, 1)[:, None])
            fc = binom.pmf(kb[None, :], self.nc, pi[:, None])
            return np.einsum("ga,ab,gb->g", ft, mask, fc)

        if hi <= lo:
            return float(prob(lo)[0])
        grid = np.unique(np.concatenate([np.linspace(lo, hi, 1500),
                                         np.sin(np.linspace(np.arcsin(np.sqrt(lo)), np.arcsin(np.sqrt(hi)), 1500)) ** 2]))
        values = prob(grid)
        best = float(values.max())
        for i in np.argsort(values)[::-1][:3]:
            left, right = grid[max(0, i - 1)], grid[min(len(grid) - 1, i + 1)]
            if right > left:
                r = minimize_scalar(lambda x: -prob(x)[0], bounds=(left, right), method="bounded",
                                    options={"xatol": 1e-14})
                best = max(best, -r.fun)
        return min(1.0, best)

    def p_difference(self, delta):
        key = ("d", delta)
        if key not in self.cache:
            t = stat_difference(self.a, self.nt, self.b, self.nc, delta)
            self.cache[key] = self.supremum(self.region(t), max(0.0, -delta), min(1.0, 1.0 - delta),
                                            lambda pi: pi + delta)
        return self.cache[key]

    def p_log_ratio(self, lam):
        if lam == 0:
            return self.p_difference(0.0)
        key = ("r", lam)
        if key not in self.cache:
            ratio = np.exp(lam)
            t = stat_ratio(self.a, self.nt, self.b, self.nc, ratio)
            self.cache[key] = self.supremum(self.region(t), 0.0, min(1.0, 1.0 / ratio), lambda pi: ratio * pi)
        return self.cache[key]


WALK_STEP = 1 / 4  # as stats/exact-unconditional.ts
END_TOLERANCE = 1e-9


def accepted_end(p, alpha, start, limit, step):
    """The interval end as stats/ defines it (exact-unconditional.ts, acceptedEnd): walk from start
    toward limit in steps (0 visited; doubling after 8 when unbounded) to the first rejected point,
    then halve between it and the last accepted point; the end is the accepted side."""
    up = limit > start
    accepted = start
    for i in range(400):
        far = accepted + step if up else accepted - step
        if (accepted < 0 < far) or (far < 0 < accepted):
            far = 0.0
        if np.isfinite(limit) and (far >= limit if up else far <= limit):
            far = limit
        if not np.isfinite(limit) and abs(far) > 700:
            return limit
        if p(far) < alpha:
            rejected = far
            while abs(rejected - accepted) > END_TOLERANCE:
                middle = (accepted + rejected) / 2
                if p(middle) >= alpha:
                    accepted = middle
                else:
                    rejected = middle
            return accepted
        if far == limit:
            return limit
        accepted = far
        if not np.isfinite(limit) and i >= 8:
            step *= 2
    raise RuntimeError("walk did not end")


def accepted_start(p, alpha, estimate, score_lo, score_hi, p_no_change):
    """As stats/primary.ts: a start for the ratio's walk when the estimate is 0 or infinite."""
    toward = 1 if estimate > 0 else -1
    guess = score_lo if estimate > 0 else score_hi
    start = guess + toward if np.isfinite(guess) else float(toward)
    if p_no_change < alpha and start * toward <= 0:
        start = float(toward)
    size = 1.0
    while p(start) < alpha and abs(start) < 700:
        start += toward * size
        size *= 2
    return start


def exact_case(xt, nt, xc, nc, alternative, alpha):
    e = Exact(xt, nt, xc, nc, alternative)
    two = alternative == "two-sided"
    score = score_case(xt, nt, xc, nc, alternative, alpha)
    p0 = e.p_difference(0.0)
    estimate = xt / nt - xc / nc
    s_lo, s_hi = score["difference"]["interval"]
    s_hi = s_hi if two else None
    walk = lambda guess, start, fallback: (abs(guess - start) * WALK_STEP
                                          if guess is not None and np.isfinite(guess) and guess != start else fallback)
    d_lo = -1.0 if estimate == -1 else accepted_end(e.p_difference, alpha, estimate, -1.0, walk(s_lo, estimate, 0.05))
    d_hi = (1.0 if estimate == 1 else accepted_end(e.p_difference, alpha, estimate, 1.0, walk(s_hi, estimate, 0.05))) if two else 1.0
    if p0 >= alpha and d_lo > 0:
        d_lo = accepted_end(e.p_difference, alpha, 0.0, -1.0, walk(s_lo, 0.0, 0.05))
    elif p0 >= alpha and d_hi < 0:
        d_hi = accepted_end(e.p_difference, alpha, 0.0, 1.0, walk(s_hi, 0.0, 0.05))

    # the score interval of log ρ, as the walk's guide
    critical = norm.isf(alpha / 2 if two else alpha)
    lam_hat = np.log((xt / nt) / (xc / nc)) if xt > 0 and xc > 0 else (0.0 if xt == xc == 0 else (np.inf if xc == 0 else -np.inf))
    g_lo, g_hi = score_inverse(lambda v: stat_ratio(xt, nt, xc, nc, np.exp(v)), lam_hat, (-np.inf, np.inf), critical)
    if not two:
        g_hi = np.inf
    if xt == 0 and xc == 0:
        l_lo, l_hi = -np.inf, np.inf
    else:
        lam = lam_hat
        start = lam if np.isfinite(lam) else accepted_start(e.p_log_ratio, alpha, lam, g_lo, g_hi, p0)
        l_lo = -np.inf if lam == -np.inf else accepted_end(e.p_log_ratio, alpha, start, -np.inf, walk(g_lo, start, 0.25))
        l_hi = np.inf if (lam == np.inf or not two) else accepted_end(e.p_log_ratio, alpha, start, np.inf, walk(g_hi, start, 0.25))
        if p0 >= alpha and l_lo > 0:
            l_lo = accepted_end(e.p_log_ratio, alpha, 0.0, -np.inf, 0.25)
        elif p0 >= alpha and l_hi < 0:
            l_hi = accepted_end(e.p_log_ratio, alpha, 0.0, np.inf, 0.25)

    table = [[xt, xc], [nt - xt, nc - xc]]
    scipy_p = barnard_exact(table, alternative=alternative if two else "greater", pooled=True).pvalue
    t = pooled_z(e.a, nt, e.b, nc)
    observed = t[xt, xc]
    exact_region = np.abs(t) >= abs(observed) if two else t >= observed
    ties = bool((e.region(t) != exact_region).any())
    reference = scipy_p
    if ties:
        x1_sum_x2 = e.a + e.b
        log_comb = hypotests._compute_log_combinations(nt)[e.a] + hypotests._compute_log_combinations(nc)[e.b]
        r = shgo(hypotests._get_binomial_log_p_value_with_nuisance_param,
                 args=(x1_sum_x2, log_comb, e.region(t)), bounds=((0, 1),), n=32, sampling_method="sobol")
        reference = float(np.clip(np.exp(-r.fun), 0, 1))
    return dict(
        pValue=reference,
        difference=dict(estimate=estimate, interval=[d_lo, d_hi if two else None]),
        relativeLift=dict(
            estimate=(xt / nt) / (xc / nc) - 1 if xc > 0 else None,
            interval=[float(np.exp(l_lo) - 1), float(np.exp(l_hi) - 1) if two and np.isfinite(l_hi) else None],
        ),
    ), dict(scipyPValue=scipy_p, scipyTies=ties, independentPValue=p0)


def full(expected, xt, xc, method, alternative, alpha):
    """The whole result object: the options, significance and the reason beside the reference values."""
    reason = None if xc > 0 else ("no_conversions" if xt == 0 else "control_has_no_conversions")
    return dict(method=method, alternative=alternative, alpha=alpha, pValue=expected["pValue"],
                significant=bool(expected["pValue"] < alpha), difference=expected["difference"],
                relativeLift=expected["relativeLift"], reason=reason)


def case_input(xt, nt, xc, nc):
    return dict(treatment=dict(conversions=xt, deals=nt), control=dict(conversions=xc, deals=nc))


def write(name, cases, reference):
    path = f"tests/stats/fixtures/{name}.json"
    with open(path, "w") as f:
        json.dump(dict(reference=reference, generated_by="scripts/reference/primary.py", cases=cases), f, indent=2)
        f.write("\n")
    print(f"{path}: {len(cases)} cases")


def main():
    which = sys.argv[1:] or ["score", "exact"]
    if "score" in which:
        cases = []
        for i, r in enumerate(rows()):
            for alternative in ["two-sided", "greater"]:
                alpha = [0.05, 0.10][i % 2]
                expected = score_case(*r, alternative, alpha)
                cases.append(dict(input=case_input(*r), options=dict(method="score", alternative=alternative, alpha=alpha),
                                  expected=full(expected, r[0], r[2], "score", alternative, alpha)))
        write("primary-score", cases,
              "statsmodels test_proportions_2indep / confint_proportions_2indep(method='score', compare='ratio', "
              "correction=False); the difference interval by inverting the score statistic with the restricted MLE "
              "solved numerically (scripts/reference/primary.py)")
    if "exact" in which:
        cases = []
        for i, r in enumerate(exact_rows()):
            for alternative in ["two-sided", "greater"]:
                alpha = [0.05, 0.10][i % 2]
                expected, extra = exact_case(*r, alternative, alpha)
                print(r, alternative, alpha, expected["pValue"], extra, flush=True)
                cases.append(dict(input=case_input(*r), options=dict(method="exact", alternative=alternative, alpha=alpha),
                                  expected=full(expected, r[0], r[2], "exact", alternative, alpha), **extra))
        write("primary-exact", cases,
              "scipy.stats.barnard_exact(table, alternative, pooled=True) (ties kept, see the script); intervals by an "
              "independent inversion (scripts/reference/primary.py)")


if __name__ == "__main__":
    main()
