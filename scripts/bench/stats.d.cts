// Types for stats.cjs, which the bench (plain Node) and the unit tests share.
export interface Summary {
  median: number
  min: number
  max: number
  runs: number
}
export declare function median(xs: readonly number[]): number
export declare function summarize(xs: readonly number[]): Summary
export declare function formatSpread(
  xs: readonly number[],
  options?: { digits?: number; scale?: number; suffix?: string }
): string
export declare function pairedRatios(a: readonly number[], b: readonly number[]): number[]
export declare function marginalPerFile(
  n1: number,
  cost1: number,
  n2: number,
  cost2: number
): number
export declare function isLinear(steps: readonly number[], tolerance: number): boolean | undefined
