/**
 * Viewer URLs for S3 keys. `originPrefix` is the distribution's origin path as a key prefix
 * (`site/` for OriginPath `/site`): viewers request `/a.html` for the key `site/a.html`.
 * `a/b/index.html` is cached separately as `/a/b/index.html` and `/a/b/`, so both are listed;
 * the root `index.html` gives `/` too.
 */
export function viewerUrls(keys: Iterable<string>, originPrefix = ''): string[] {
  const urls = new Set<string>()
  for (const key of keys) {
    const relative = key.startsWith(originPrefix) ? key.slice(originPrefix.length) : key
    const url = `/${encodePath(relative)}`
    urls.add(url)
    if (url === '/index.html' || url.endsWith('/index.html'))
      urls.add(url.slice(0, -'index.html'.length))
  }
  return [...urls].sort()
}

/** RFC 1738's "unsafe" characters, which CloudFront wants percent-encoded (and no others). */
const UNSAFE = new Set(' <>"#%{}|\\^~[]`')

/**
 * CloudFront wants non-ASCII and RFC 1738 "unsafe" characters percent-encoded, and nothing else
 * (an over-encoded path does not match the cached object). '?' would start a query string, so it
 * is encoded as a browser would. A '*' in a file name cannot be sent as such (CloudFront reads it
 * as a wildcard, allowed only at the end), so the path is cut there and becomes a wildcard that
 * still covers the file.
 */
export function encodePath(key: string): string {
  let out = ''
  for (const ch of key) {
    if (ch === '*') return `${out}*`
    const code = ch.codePointAt(0) as number
    if (code > 0x7e || code <= 0x20 || UNSAFE.has(ch) || ch === '?') {
      for (const byte of Buffer.from(ch, 'utf8'))
        out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`
    } else {
      out += ch
    }
  }
  return out
}
