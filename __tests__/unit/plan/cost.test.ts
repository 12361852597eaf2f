import { describeCost, pathCost } from '../../../src/plan/cost'
import { describePaths } from '../../../src/plan/describe'

describe('what an invalidation costs', () => {
  test('paths, and the changed URLs under each wildcard', () => {
    const changed = [
      '/',
      '/index.html',
      ...Array.from({ length: 120 }, (_, i) => `/blog/p${i}/`),
      ...Array.from({ length: 21 }, (_, i) => `/news/n${i}/`)
    ]
    const paths = ['/', '/blog/*', '/index.html', '/news/*']
    const cost = pathCost(paths, changed)
    expect(cost).toEqual({
      wildcards: [
        { path: '/blog/*', changed: 120 },
        { path: '/news/*', changed: 21 }
      ],
      underWildcards: 141
    })
    expect(describeCost(paths, cost)).toBe('4 paths (2 wildcards covering 141 changed URLs)')
    expect(describePaths(paths, false, undefined, cost)).toEqual([
      'Invalidating 4 paths (2 wildcards covering 141 changed URLs):',
      '  /',
      '  /blog/* (120 changed URLs)',
      '  /index.html',
      '  /news/* (21 changed URLs)'
    ])
    expect(describePaths(['/a', '/b'], true, 'E1', pathCost(['/a', '/b'], ['/a', '/b']))).toEqual([
      'Would invalidate 2 paths on E1:',
      '  /a',
      '  /b'
    ])
  })

  test('overlapping explicit wildcards count each changed URL once in the total', () => {
    const cost = pathCost(['/*', '/blog/*'], ['/blog/a', '/b'])
    expect(cost.wildcards).toEqual([
      { path: '/*', changed: 2 },
      { path: '/blog/*', changed: 1 }
    ])
    expect(describeCost(['/*', '/blog/*'], cost)).toBe(
      '2 paths (2 wildcards covering 2 changed URLs)'
    )
    expect(describeCost(['/*'], pathCost(['/*'], ['/a']))).toBe(
      '1 path (1 wildcard covering 1 changed URL)'
    )
  })
})
