// The parts of jstat (untyped) that check-jstat.ts measures. stats/ itself does not use jstat.
declare module 'jstat' {
  interface JStat {
    gammaln(x: number): number
    ibeta(x: number, a: number, b: number): number
    ibetainv(p: number, a: number, b: number): number
    normal: {
      cdf(x: number, mean: number, sd: number): number
      inv(p: number, mean: number, sd: number): number
    }
    studentt: { cdf(x: number, df: number): number; inv(p: number, df: number): number }
    beta: { cdf(x: number, a: number, b: number): number; inv(p: number, a: number, b: number): number }
  }
  const jStat: JStat
  export default jStat
  export { jStat }
}
