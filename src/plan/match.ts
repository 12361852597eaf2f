import { minimatch } from 'minimatch'

/**
 * A glob against paths relative to the source, '/'-separated. As in .gitignore: a pattern without
 * '/' matches the file name at any depth (`*.html` covers `posts/a/index.html`); with a '/' it is
 * anchored at the source (`css/**`, and `/robots.txt` for the root file only); `**` crosses
 * folders. Dotfiles are matched like any file. A `\` is part of a name (S3 keys may hold one),
 * never a separator, on every OS.
 */
export type Matcher = (relPath: string) => boolean

export function globMatcher(pattern: string): Matcher {
  const anchored = pattern.startsWith('/')
  const glob = anchored ? pattern.slice(1) : pattern
  const options = {
    dot: true,
    matchBase: !anchored && !glob.includes('/'),
    nocomment: true,
    nonegate: true,
    // Left to follow process.platform, minimatch turns `\` into `/` on Windows: a key `a\b.html`
    // would then be in `a/*`'s scope there and not on Linux, and kept or deleted by the runner.
    platform: 'linux' as const
  }
  const compiled = new minimatch.Minimatch(glob, options)
  return relPath => compiled.match(relPath)
}

/** Newline-separated globs; blank lines and # comments ignored. */
export function parseGlobs(text: string): { pattern: string; line: number }[] {
  return text
    .split('\n')
    .map((raw, i) => ({ pattern: raw.trim(), line: i + 1 }))
    .filter(g => g.pattern !== '' && !g.pattern.startsWith('#'))
}
