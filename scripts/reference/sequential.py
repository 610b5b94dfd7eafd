"""Reference boundaries for stats/sequential.ts by an independent integration, to ~1e-11.

rpact integrates to ~1e-7 and gives Inf (or loses digits) where a look spends under ~1e-9, so the
boundaries the tests hold stats/ to (1e-8) come from here. planning.R writes sequential.json with
rpact's boundaries; this script moves those to each case's `rpact` (kept as a check) and writes its
own into `expected.boundaries`. Run from the repository root after planning.R:

    /usr/bin/python3 scripts/reference/sequential.py

Method (not ours: ours is composite Gauss-Legendre with a cut tail): the same recursion of
Jennison & Turnbull (2000, ch. 19) — the sub-density of Zₖ on (−cₖ, cₖ) carried look to look —
integrated by the composite Simpson rule on 2m + 1 equally spaced nodes over all of (−cₖ, cₖ)
(capped at |z| = 38.5, where φ underflows), boundaries by scipy brentq to 1e-15; the whole
computation repeated with m, 2m, 4m and the boundaries extrapolated twice (Richardson: the Simpson
error is a series in h⁴, h⁶). The extrapolation's own change is below 1e-12 on every case; the
script refuses to write if it is above 1e-10.
"""
import json
import numpy as np
from scipy.optimize import brentq
from scipy.stats import norm

PATH = "tests/stats/fixtures/sequential.json"
CAP = 40.0  # as stats/: no boundary beyond |z| = 40, and a look spending under 1e-300 gets it
LEAST = 1e-300


def simpson(reach, per_unit):
    m = 2 * int(np.ceil(reach * per_unit))
    nodes = np.linspace(-reach, reach, m + 1)
    weights = np.ones(m + 1)
    weights[1:-1:2] = 4
    weights[2:-1:2] = 2
    return nodes, weights * 2 * reach / m / 3


def boundaries(alpha, fractions, per_unit):
    z_quarter = norm.isf(alpha / 4)
    spent = lambda t: 2 * norm.sf(z_quarter / np.sqrt(t))
    result, previous_t, previous_spent = [], 0.0, 0.0
    for k, t in enumerate(fractions):
        increment = spent(t) - previous_spent
        if not increment >= LEAST:
            c = CAP
        elif k == 0:
            c = min(norm.isf(increment), CAP)
        else:
            scale = np.sqrt(t - previous_t)
            mass = weights * density
            crossing = lambda z: np.dot(mass, norm.sf((z * np.sqrt(t) - nodes * np.sqrt(previous_t)) / scale))
            c = brentq(lambda z: crossing(z) - increment, 0, CAP, xtol=1e-15, rtol=1e-15) if crossing(CAP) < increment else CAP
        new_nodes, new_weights = simpson(min(c, 38.5), per_unit)
        if k == 0:
            new_density = norm.pdf(new_nodes)
        else:
            scale = np.sqrt(t - previous_t)
            mass = weights * density
            new_density = np.array(
                [np.dot(mass, norm.pdf((z * np.sqrt(t) - nodes * np.sqrt(previous_t)) / scale)) for z in new_nodes]
            ) * np.sqrt(t) / scale
        result.append(c)
        nodes, weights, density = new_nodes, new_weights, new_density
        previous_t, previous_spent = t, spent(t)
    return np.array(result)


def extrapolated(alpha, fractions, per_unit=100):
    s = [boundaries(alpha, fractions, per_unit * 2**j) for j in range(3)]
    once = [(16 * s[j + 1] - s[j]) / 15 for j in range(2)]
    twice = (64 * once[1] - once[0]) / 63
    return twice, float(np.max(np.abs(twice / once[1] - 1)))


def main():
    with open(PATH) as f:
        fixture = json.load(f)
    worst = 0.0
    for case in fixture["cases"]:
        rpact = case.get("rpact", case["expected"]["boundaries"])
        value, change = extrapolated(case["input"]["alpha"], case["input"]["informationFractions"])
        worst = max(worst, change)
        if change > 1e-10:
            raise SystemExit(f"extrapolation did not settle ({change}) for {case['input']}")
        case["expected"]["boundaries"] = [float(v) for v in value]
        case["rpact"] = rpact
    fixture["reference"] = (
        "boundaries: composite Simpson + Richardson (scripts/reference/sequential.py), ~1e-11; "
        "rpact getDesignGroupSequential(kMax, alpha, sided = 2, typeOfDesign = 'asOF', informationRates)"
        "$criticalValues kept as `rpact`; cumulative alpha: the spending function in R"
    )
    fixture["generated_by"] = "scripts/reference/planning.R, then scripts/reference/sequential.py"
    with open(PATH, "w") as f:
        json.dump(fixture, f, indent=2)
        f.write("\n")
    print(f"{PATH}: {len(fixture['cases'])} cases, largest extrapolation change {worst:.1e}")


if __name__ == "__main__":
    main()
