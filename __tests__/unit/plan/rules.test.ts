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

  test('malformed rules are refused, naming the input and the line', () => {
    expect(() => cc('*.html: no-cache\nno colon here')).toThrow(
      "Input 'cache-control' line 2 must be 'PATTERN: VALUE'"
    )
    expect(() => cc(': no-cache')).toThrow("Input 'cache-control' line 1 must be 'PATTERN: VALUE'")
    expect(() => cc('*.html: no-cache\u0007')).toThrow(
      "Input 'cache-control' line 1: a Cache-Control value must be printable ASCII"
    )
    expect(() => parseRules('content-type', '*.x: text', checkContentType)).toThrow(
      "Input 'content-type' line 1: a Content-Type must look like"
    )
  })
})
