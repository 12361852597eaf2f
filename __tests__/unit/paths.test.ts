import { changedPaths, encodePath } from '../../src/plan/paths'

describe('changedPaths', () => {
  test('each key as /key, index pages also as their folder', () => {
    expect(changedPaths(['index.html', 'a/b/index.html', 'css/x.css', 'a/b/other.html'])).toEqual([
      '/',
      '/a/b/',
      '/a/b/index.html',
      '/a/b/other.html',
      '/css/x.css',
      '/index.html'
    ])
  })

  test('a file merely ending in index.html is not an index page', () => {
    expect(changedPaths(['myindex.html'])).toEqual(['/myindex.html'])
  })

  test('deduplicated and sorted', () => {
    expect(changedPaths(['b.css', 'a.css', 'b.css'])).toEqual(['/a.css', '/b.css'])
  })
})

describe('encodePath', () => {
  test('keeps what CloudFront wants as is, encodes non-ASCII and unsafe characters', () => {
    expect(encodePath('a/b-c_d.e~f/(1)!.html')).toBe('a/b-c_d.e~f/(1)!.html')
    expect(encodePath('café/a b.html')).toBe('caf%C3%A9/a%20b.html')
    expect(encodePath('a#b%c"d<e>f{g}h|i\\j^k[l]m`n.txt')).toBe(
      'a%23b%25c%22d%3Ce%3Ef%7Bg%7Dh%7Ci%5Cj%5Ek%5Bl%5Dm%60n.txt'
    )
    expect(encodePath('x*y.txt')).toBe('x%2Ay.txt')
    expect(encodePath('日本.html')).toBe('%E6%97%A5%E6%9C%AC.html')
  })
})
