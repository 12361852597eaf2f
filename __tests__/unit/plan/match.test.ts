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

describe('globMatcher on every OS', () => {
  /** A module as loaded on `platform`: minimatch reads process.platform when it loads. */
  async function loadOn<T>(platform: NodeJS.Platform, load: () => Promise<T>): Promise<T> {
    const real = Object.getOwnPropertyDescriptor(process, 'platform')!
    Object.defineProperty(process, 'platform', { ...real, value: platform })
    try {
      let loaded: T | undefined
      await jest.isolateModulesAsync(async () => void (loaded = await load()))
      return loaded as T
    } finally {
      Object.defineProperty(process, 'platform', real)
    }
  }

  test.each<NodeJS.Platform>(['win32', 'darwin', 'linux'])(
    'on %s, a key with a backslash is judged as on Linux: `\\` is part of the name',
    async platform => {
      const { minimatch } = await loadOn(platform, () => import('minimatch'))
      // The simulation is live: minimatch's own default is the OS's.
      expect(minimatch('a\\b.html', 'a/*')).toBe(platform === 'win32')
      const match = await loadOn(platform, () => import('../../../src/plan/match'))
      const filter = await loadOn(platform, () => import('../../../src/plan/filter'))
      expect(match.globMatcher('a/*')('a\\b.html')).toBe(false)
      expect(match.globMatcher('*.html')('a\\b.html')).toBe(true)
      expect(match.globMatcher('a\\\\b.html')('a\\b.html')).toBe(true)
      // delete with exclude 'a/*': the bucket's `a\b.html` is in scope (deleted) on every OS.
      expect(filter.createFilter('', 'a/*')('a\\b.html')).toBe(true)
      expect(filter.createFilter('', 'a/*')('a/b.html')).toBe(false)
    }
  )
})
