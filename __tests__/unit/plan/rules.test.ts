import {
  checkCacheControl,
  checkContentType,
  firstMatch,
  parseRules
} from '../../../src/plan/rules'

describe('parseRules', () => {
  const cc = (text: string) => parseRules('cache-control', text, checkCacheControl)

  test('first match wins', () => {
    const rules = cc(
      '*.html: no-cache\ncss/**: public, max-age=31536000, immutable\n*: public, max-age=3600'
    )
    expect(firstMatch(rules, 'posts/a/index.html')).toBe('no-cache')
    expect(firstMatch(rules, 'css/site.css')).toBe('public, max-age=31536000, immutable')
    expect(firstMatch(rules, 'img/logo.png')).toBe('public, max-age=3600')
    expect(firstMatch(cc('*.html: no-cache'), 'a.css')).toBeUndefined()
  })

  test('the value keeps its own colons; blank lines and comments are skipped', () => {
    const rules = parseRules(
      'content-type',
      '# feeds\n\n  feed.xml :  application/rss+xml; charset=utf-8  ',
      checkContentType
    )
    expect(rules.map(r => [r.pattern, r.value, r.line])).toEqual([
      ['feed.xml', 'application/rss+xml; charset=utf-8', 3]
    ])
  })

  test('Cache-Control values as RFC 9111 writes them are accepted, extensions and quoted lists too', () => {
    for (const value of [
      'no-cache',
      'no-store',
      'public, max-age=31536000, immutable',
      'public, max-age=0, must-revalidate',
      'private, max-age=0, s-maxage=86400',
      'max-age=600, stale-while-revalidate=30, stale-if-error=86400',
      'no-cache="Set-Cookie, X-Trace", max-stale',
      'Max-Age=60,public',
      'public, max-age=3600,',
      'x-custom-extension=on'
    ]) {
      expect([value, checkCacheControl(value)]).toEqual([value, undefined])
    }
  })

  test('malformed rules are refused, naming the input and the line', () => {
    expect(() => cc('*.html: no-cache\nno colon here')).toThrow(
      "Input 'cache-control' line 2 must be 'PATTERN: VALUE'"
    )
    expect(() => cc(': no-cache')).toThrow("Input 'cache-control' line 1 must be 'PATTERN: VALUE'")
    expect(() => cc('*.html: no-cache\u0007')).toThrow(
      "Input 'cache-control' line 1: a Cache-Control value must be printable ASCII"
    )
    expect(() => cc('*: 1 year')).toThrow(
      "Input 'cache-control' line 1: '1 year' is not a Cache-Control directive (directives are separated by commas, such as 'public, max-age=3600'), got '1 year'."
    )
    expect(() => cc('*.css: max-age: 3600')).toThrow(
      "Input 'cache-control' line 1: 'max-age: 3600' is not a Cache-Control directive"
    )
    expect(() => cc('*: public, max-age=forever')).toThrow(
      "Input 'cache-control' line 1: max-age takes a number of seconds, such as max-age=3600, got 'public, max-age=forever'."
    )
    expect(() => cc('*: s-maxage')).toThrow('s-maxage takes a number of seconds')
    expect(() => cc('*: stale-while-revalidate=1d')).toThrow(
      'stale-while-revalidate takes a number of seconds'
    )
    expect(() => cc('*: no-cache="Set-Cookie')).toThrow('is not a Cache-Control directive')
    expect(() => parseRules('content-type', '*.x: text', checkContentType)).toThrow(
      "Input 'content-type' line 1: a Content-Type must look like"
    )
  })
})
