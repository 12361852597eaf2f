import { encodePath, viewerUrls } from '../../../src/plan/viewer-urls'

describe('viewerUrls', () => {
  test('each key as /key, index pages also as their folder', () => {
    expect(viewerUrls(['index.html', 'a/b/index.html', 'css/x.css', 'a/b/other.html'])).toEqual([
      '/',
      '/a/b/',
      '/a/b/index.html',
      '/a/b/other.html',
      '/css/x.css',
      '/index.html'
    ])
  })

  test('a file merely ending in index.html is not an index page', () => {
    expect(viewerUrls(['myindex.html'])).toEqual(['/myindex.html'])
  })

  test('deduplicated and sorted', () => {
    expect(viewerUrls(['b.css', 'a.css', 'b.css'])).toEqual(['/a.css', '/b.css'])
  })

  test('the origin path is what viewers do not see', () => {
    expect(viewerUrls(['site/index.html', 'site/a/b.css'], 'site/')).toEqual([
      '/',
      '/a/b.css',
      '/index.html'
    ])
    expect(viewerUrls(['site/index.html'], '')).toEqual(['/site/', '/site/index.html'])
  })
})

describe('encodePath', () => {
  test('keeps what CloudFront wants as is', () => {
    expect(encodePath('a/b-c_d.e/(1)!$&+,;=@:.html')).toBe('a/b-c_d.e/(1)!$&+,;=@:.html')
  })

  test('encodes non-ASCII and RFC 1738 unsafe characters, and ?', () => {
    expect(encodePath('café/a b.html')).toBe('caf%C3%A9/a%20b.html')
    expect(encodePath('a#b%c"d<e>f{g}h|i\\j^k[l]m`n~o?p.txt')).toBe(
      'a%23b%25c%22d%3Ce%3Ef%7Bg%7Dh%7Ci%5Cj%5Ek%5Bl%5Dm%60n%7Eo%3Fp.txt'
    )
    expect(encodePath('日本.html')).toBe('%E6%97%A5%E6%9C%AC.html')
  })

  test('a * in a name is never encoded: the path becomes a wildcard that still covers the file', () => {
    expect(encodePath('files/a*b.txt')).toBe('files/a*')
  })
})
