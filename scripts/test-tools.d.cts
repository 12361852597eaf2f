// Types for test-tools.cjs, which runs under plain Node before the TypeScript toolchain exists.
export interface Tool {
  command: string
  why: string
  install: string
  apt?: string
}
export declare const TOOLS: readonly Tool[]
export declare function findOnPath(
  command: string,
  searchPath: string | undefined,
  options?: { platform?: NodeJS.Platform; pathExt?: string }
): string | undefined
export declare function missingTools(env: NodeJS.ProcessEnv, platform?: NodeJS.Platform): Tool[]
export declare function checkTestTools(options?: {
  env?: NodeJS.ProcessEnv
  platform?: NodeJS.Platform
  isRoot?: boolean
  log?: (line: string) => void
  error?: (line: string) => void
}): 0 | 1
