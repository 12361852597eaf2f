/** The S3 key of a file: prefix + '/'-separated relative path (never path.join: Windows). */
export function keyFor(prefix: string, relPath: string): string {
  return prefix + relPath
}
