/**
 * Viewer URLs to invalidate for the keys that changed. `a/b/index.html` is cached separately as
 * `/a/b/index.html` and `/a/b/`, so both are invalidated; the root `index.html` gives `/` too.
 */
export function changedPaths(keys: Iterable<string>): string[] {
  const paths = new Set<string>()
  for (const key of keys) {
    const url = `/${encodePath(key)}`
    paths.add(url)
    if (url === '/index.html' || url.endsWith('/index.html')) {
      paths.add(url.slice(0, -'index.html'.length))
    }
  }
  return [...paths].sort()
}

/**
 * CloudFront wants non-ASCII and RFC 1738 "unsafe" characters percent-encoded, and nothing else
 * (an over-encoded path does not match the cached object). A literal '*' inside a name would read
 * as a wildcard, so it is encoded too.
 */
export function encodePath(key: string): string {
  let out = ''
  for (const ch of key) {
    const code = ch.codePointAt(0) as number
    if (code > 0x7e || code <= 0x20 || ' <>"#%{}|\\^[]`*'.includes(ch)) {
      out += [...Buffer.from(ch, 'utf8')]
        .map(b => `%${b.toString(16).toUpperCase().padStart(2, '0')}`)
        .join('')
    } else {
      out += ch
    }
  }
  return out
}
