// Types for source-digest.cjs (plain Node, so bundle.mjs and the checks need no build step).
export function sourceDigest(root: string): string
export function digestLine(digest: string): string
export function builtFrom(bundleText: string): string | undefined
