/**
 * Brent's root finder (Brent 1973, "Algorithms for Minimization without Derivatives", ch. 4):
 * inverse quadratic interpolation with bisection safeguard. `f(lo)` and `f(hi)` must differ in sign.
 * Stops when the bracket is below `2·ε·|x| + tolerance/2` (as R's `uniroot`, with `tolerance`
 * absolute). Reference: R `uniroot(f, c(lo, hi), tol = tolerance)`.
 */
export function findRoot(f: (x: number) => number, lo: number, hi: number, tolerance = 1e-14): number {
  let a = lo
  let b = hi
  let fa = f(a)
  let fb = f(b)
  if (fa === 0) return a
  if (fb === 0) return b
  if (fa * fb > 0) throw new Error(`findRoot: no sign change on [${lo}, ${hi}]`)
  let c = a
  let fc = fa
  let d = b - a
  let e = d
  for (let i = 0; i < 500; i++) {
    if (Math.abs(fc) < Math.abs(fb)) {
      a = b
      b = c
      c = a
      fa = fb
      fb = fc
      fc = fa
    }
    const tol = 2 * Number.EPSILON * Math.abs(b) + tolerance / 2
    const m = (c - b) / 2
    if (Math.abs(m) <= tol || fb === 0) return b
    if (Math.abs(e) < tol || Math.abs(fa) <= Math.abs(fb)) {
      d = m
      e = m
    } else {
      const s = fb / fa
      let p: number
      let q: number
      if (a === c) {
        p = 2 * m * s
        q = 1 - s
      } else {
        const qa = fa / fc
        const r = fb / fc
        p = s * (2 * m * qa * (qa - r) - (b - a) * (r - 1))
        q = (qa - 1) * (r - 1) * (s - 1)
      }
      if (p > 0) q = -q
      else p = -p
      if (2 * p < Math.min(3 * m * q - Math.abs(tol * q), Math.abs(e * q))) {
        e = d
        d = p / q
      } else {
        d = m
        e = m
      }
    }
    a = b
    fa = fb
    b += Math.abs(d) > tol ? d : m > 0 ? tol : -tol
    fb = f(b)
    if (fb > 0 === fc > 0) {
      c = a
      fc = fa
      d = b - a
      e = d
    }
  }
  return b
}
