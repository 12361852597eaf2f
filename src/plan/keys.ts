/** The S3 key of a file: prefix + '/'-separated relative path (never path.join: Windows). */
export function keyFor(prefix: string, relPath: string): string {
  return prefix + relPath
}

/** The path relative to the prefix, for a key listed under it. */
export function relPathOf(prefix: string, key: string): string {
  return key.startsWith(prefix) ? key.slice(prefix.length) : key
}
