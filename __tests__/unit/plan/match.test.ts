import { globMatcher } from '../../../src/plan/match'

describe('globMatcher', () => {
  test.each([
    ['*.html', 'index.html', true],
    ['*.html', 'posts/a/index.html', true],
    ['*.html', 'a.htm', false],
    ['css/**', 'css/a.css', true],
    ['css/**', 'css/x/y/a.css', true],
    ['css/**', 'vendor/css/a.css', false],
    ['**/*.map', 'a/b/app.js.map', true],
    ['*', 'deep/down/file.txt', true],
    ['/robots.txt', 'robots.txt', true],
    ['/robots.txt', 'sub/robots.txt', false],
    ['.well-known/*', '.well-known/security.txt', true],
    ['*.txt', '.hidden.txt', true],
    ['assets/*.{js,css}', 'assets/a.css', true],
    ['assets/*.{js,css}', 'assets/a.png', false],
    ['#not-a-comment', '#not-a-comment', true]
  ])('%s matches %s: %s', (pattern, path, expected) => {
    expect(globMatcher(pattern)(path)).toBe(expected)
  })
})
