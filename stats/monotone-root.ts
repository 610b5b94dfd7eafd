/**
 * Root of an increasing function g on the real line by Newton's method kept inside a bracket
 * (bisection whenever Newton would leave it). Used on the log scale of an odds ratio, where the
 * functions are smooth and the derivative comes free with the function.
 */
export function solveIncreasing(
  evaluate: (theta: number) => { value: number; slope: number },
  start: number,
  limit = 690,
): number {
  let lo = -Infinity
  let hi = Infinity
  let theta = start
  let step = 1
  for (let i = 0; i < 400; i++) {
    const { value, slope } = evaluate(theta)
    if (value === 0) return theta
    if (value > 0 || Number.isNaN(value)) hi = theta
    else lo = theta
    let next: number
    if (Number.isFinite(lo) && Number.isFinite(hi)) {
      next = theta - value / slope
      if (!(next > lo && next < hi) || !Number.isFinite(next)) next = (lo + hi) / 2
      if (hi - lo < 1e-13 * Math.max(1, Math.abs(theta))) return (lo + hi) / 2
    } else {
      // Not yet bracketed: try Newton, but never jump further than a doubling step.
      const newton = theta - value / slope
      const bound = value > 0 ? theta - step : theta + step
      next =
        Number.isFinite(newton) && Number.isFinite(value) && slope > 0
          ? value > 0
            ? Math.max(newton, bound)
            : Math.min(newton, bound)
          : bound
      step *= 2
      if (next > limit) return limit
      if (next < -limit) return -limit
    }
    if (Math.abs(next - theta) <= 1e-14 * Math.max(1, Math.abs(theta))) return next
    theta = next
  }
  return theta
}
