// Types for check-dist.cjs.
export function staleDist(root: string): string | undefined
