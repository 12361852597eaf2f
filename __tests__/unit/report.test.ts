import { buildOutputs, DOTENV_BUDGET, summaryMarkdown, toDotenv } from '../../src/report'
import { emptyResult } from '../../src/deploy'
import { pathCost } from '../../src/plan/cost'
import { describeKept, describePlan } from '../../src/plan/describe'
import type { SyncPlan } from '../../src/plan/types'
import { baseConfig, sourceFile } from '../helpers/fixtures'

const plan = (uploads: number, deletes: number, unchanged: number): SyncPlan => ({
  updates: [],
  uploads: Array.from({ length: uploads }, (_, i) => ({
    file: sourceFile(`u${i}`, '', 1),
    reason: 'new' as const
  })),
  deletes: Array.from({ length: deletes }, (_, i) => `d${i}`),
  kept: [],
  expired: [],
  unchanged: Array.from({ length: unchanged }, (_, i) => sourceFile(`s${i}`, '', 1))
})

describe('outputs', () => {
  test('no invalidation: empty id, status none, no paths', () => {
    const result = { ...emptyResult(false), plan: plan(0, 0, 3) }
    expect(buildOutputs(result)).toEqual({
      'invalidation-id': '',
      'invalidation-status': 'none',
      'invalidation-paths': '[]',
      uploaded: '0',
      deleted: '0',
      updated: '0',
      unchanged: '3',
      release: '',
      url: '',
      'changes-file': ''
    })
  })

  test('changes-file: the path of the report, in the outputs and the dotenv file', () => {
    const result = { ...emptyResult(false), plan: plan(1, 0, 0) }
    const outputs = buildOutputs(result, '/work/site/changes.json')
    expect(outputs['changes-file']).toBe('/work/site/changes.json')
    expect(toDotenv(outputs)).toContain('\nCHANGES_FILE=/work/site/changes.json\n')
  })

  test("url: in the outputs, and in the dotenv file also as GitLab's DYNAMIC_ENVIRONMENT_URL", () => {
    const result = {
      ...emptyResult(false),
      plan: plan(1, 0, 0),
      url: 'https://preview.example.com/pr-7/'
    }
    expect(buildOutputs(result).url).toBe('https://preview.example.com/pr-7/')
    const dotenv = toDotenv(buildOutputs(result))
    expect(dotenv).toContain('\nURL=https://preview.example.com/pr-7/\n')
    expect(dotenv).toContain('\nDYNAMIC_ENVIRONMENT_URL=https://preview.example.com/pr-7/\n')
    // No URL, no dynamic environment URL: an empty one would blank the environment's own.
    expect(toDotenv(buildOutputs({ ...result, url: '' }))).not.toContain('DYNAMIC_ENVIRONMENT_URL')
  })

  test('one distribution: plain values; several: JSON objects by distribution', () => {
    const result = {
      ...emptyResult(false),
      plan: plan(2, 1, 0),
      uploaded: 2,
      deleted: 1,
      targets: [{ distributionId: 'E1', paths: ['/a', '/b'] }]
    }
    result.invalidations = [{ distributionId: 'E1', id: 'I1', status: 'InProgress' }]
    expect(buildOutputs(result)).toMatchObject({
      'invalidation-id': 'I1',
      'invalidation-status': 'InProgress',
      'invalidation-paths': '["/a","/b"]',
      uploaded: '2',
      deleted: '1',
      updated: '0'
    })
    result.targets.push({ distributionId: 'E2', paths: ['/x/*'] })
    result.invalidations.push({ distributionId: 'E2', id: 'I2', status: 'Completed' })
    expect(buildOutputs(result)).toMatchObject({
      'invalidation-id': '{"E1":"I1","E2":"I2"}',
      'invalidation-status': '{"E1":"InProgress","E2":"Completed"}',
      'invalidation-paths': '{"E1":["/a","/b"],"E2":["/x/*"]}'
    })
  })

  test('a dry run reports the paths it would send', () => {
    const result = {
      ...emptyResult(true),
      plan: plan(1, 0, 0),
      uploaded: 1,
      targets: [{ distributionId: 'E1', paths: ['/x'] }]
    }
    expect(buildOutputs(result)['invalidation-paths']).toBe('["/x"]')
  })
})

describe('toDotenv', () => {
  test('NAME=value lines, no blank lines or spaces, within GitLab limits', () => {
    const result = {
      ...emptyResult(false),
      plan: plan(1, 0, 0),
      uploaded: 1,
      targets: [{ distributionId: 'E1', paths: ['/a%20b'] }]
    }
    result.invalidations = [{ distributionId: 'E1', id: 'I1', status: 'InProgress' }]
    expect(toDotenv(buildOutputs(result))).toBe(
      'INVALIDATION_ID=I1\nINVALIDATION_STATUS=InProgress\nUPLOADED=1\nDELETED=0\nUPDATED=0\nUNCHANGED=0\nRELEASE=\nURL=\nCHANGES_FILE=\nINVALIDATION_PATHS=["/a%20b"]\n'
    )
  })

  test('a long path list is cut to fit, as valid JSON, and says how many were left out', () => {
    const paths = Array.from(
      { length: 500 },
      (_, i) => `/blog/posts/a-rather-long-article-name-${i}/`
    )
    const result = {
      ...emptyResult(false),
      plan: plan(500, 0, 0),
      uploaded: 500,
      targets: [{ distributionId: 'E1', paths: paths }]
    }
    result.invalidations = [{ distributionId: 'E1', id: 'I1', status: 'InProgress' }]
    const text = toDotenv(buildOutputs(result))
    expect(text.length).toBeLessThanOrEqual(DOTENV_BUDGET)
    const lines = text.trimEnd().split('\n')
    for (const line of lines) expect(line).toMatch(/^[A-Z_]+=\S*$/)
    const kept = JSON.parse(
      lines.find(l => l.startsWith('INVALIDATION_PATHS='))!.slice('INVALIDATION_PATHS='.length)
    )
    expect(kept).toEqual(paths.slice(0, kept.length))
    expect(lines).toContain(`INVALIDATION_PATHS_TRUNCATED=${500 - kept.length}`)
  })
})

describe('summaryMarkdown', () => {
  test('the paths sent, what they cost, and the changed URLs under each wildcard', () => {
    const paths = ['/', '/blog/*', '/index.html', '/news/*']
    const changed = ['/', '/index.html', '/blog/a/', '/blog/b/', '/news/c/']
    const result = {
      ...emptyResult(false),
      plan: plan(3, 0, 10),
      uploaded: 3,
      targets: [{ distributionId: 'E1', paths, cost: pathCost(paths, changed) }]
    }
    result.invalidations = [{ distributionId: 'E1', id: 'I1', status: 'InProgress' }]
    const markdown = summaryMarkdown(baseConfig('/src'), result)
    expect(markdown).toContain(
      '| Invalidation paths | 4 paths (2 wildcards covering 3 changed URLs) |'
    )
    expect(markdown).toContain(
      [
        'Invalidation paths:',
        '',
        '- `/`',
        '- `/blog/*` (2 changed URLs)',
        '- `/index.html`',
        '- `/news/*` (1 changed URL)'
      ].join('\n')
    )
  })

  test('several distributions: the cost of each', () => {
    const result = {
      ...emptyResult(true),
      plan: plan(1, 0, 0),
      targets: [
        { distributionId: 'E1', paths: ['/a', '/b'], cost: pathCost(['/a', '/b'], ['/a', '/b']) },
        { distributionId: 'E2', paths: ['/*'], cost: pathCost(['/*'], ['/a', '/b']) }
      ]
    }
    const markdown = summaryMarkdown(baseConfig('/src'), result)
    expect(markdown).toContain(
      '| Invalidation paths | 2 paths on `E1`<br>1 path (1 wildcard covering 2 changed URLs) on `E2` |'
    )
    expect(markdown).toContain('Invalidation paths on `E2`:\n\n- `/*` (2 changed URLs)')
  })

  test('no invalidation: no paths', () => {
    const markdown = summaryMarkdown(baseConfig('/src'), {
      ...emptyResult(false),
      plan: plan(0, 0, 1)
    })
    expect(markdown).toContain('| Invalidation paths | 0 |')
    expect(markdown).not.toContain('Invalidation paths:')
  })
})

describe('removed assets kept for keep-removed-assets', () => {
  const DAY = 86400
  // 2026-11-26 10:00:00 UTC
  const T = Date.UTC(2026, 10, 26, 10) / 1000
  const withKept = (period: number): SyncPlan => ({
    ...plan(1, 2, 5),
    deletes: ['about.html', 'assets/old-0.js'],
    expired: [{ key: 'assets/old-0.js', removedAt: T - period, until: T }],
    kept: [
      { key: 'assets/Settings-1.js', removedAt: T, until: T + period },
      { key: 'assets/index-1.js', removedAt: T - 3600, until: T - 3600 + period },
      { key: 'favicon.png', removedAt: T, until: T + period }
    ]
  })

  test('the plan lists what is kept and until when, and what is deleted, expired assets marked', () => {
    const lines = describePlan(withKept(7 * DAY), false)
    expect(lines[0]).toBe('1 to upload, 2 to delete, 3 kept, 5 unchanged')
    expect(lines).toContain(
      'Keeping 3 removed asset(s) until 2026-12-03 (keep-removed-assets), neither deleted nor invalidated:'
    )
    expect(lines).toContain(
      '  = assets/index-1.js (left the build 2026-11-26 09:00:00 UTC; deleted by the first deploy from 2026-12-03 09:00:00 UTC)'
    )
    expect(lines).toContain('Deleting 2 object(s):')
    expect(lines).toContain('  - about.html')
    expect(lines).toContain(
      '  - assets/old-0.js (left the build 2026-11-19 10:00:00 UTC; its keep-removed-assets period is over)'
    )
  })

  test('a dry run shows both lists as what it would do', () => {
    const lines = describePlan(withKept(7 * DAY), true)
    expect(lines).toContain(
      'Would keep 3 removed asset(s) until 2026-12-03 (keep-removed-assets), neither deleted nor invalidated:'
    )
    expect(lines).toContain('Would delete 2 object(s):')
  })

  test('until when: the latest end, as a date, or to the second for periods under a day', () => {
    expect(describeKept(withKept(7 * DAY).kept)).toBe('3 removed asset(s) until 2026-12-03')
    expect(describeKept(withKept(30).kept)).toBe('3 removed asset(s) until 2026-11-26 10:00:30 UTC')
  })

  test('the summary: deleted counts what was deleted, and a row and a list of what is kept', () => {
    const result = { ...emptyResult(false), plan: withKept(7 * DAY), deleted: 2 }
    const markdown = summaryMarkdown(baseConfig('/src'), result)
    expect(markdown).toContain('| Deleted | 2 of 2 |')
    expect(markdown).toContain('| Kept | 3 removed asset(s) until 2026-12-03 |')
    expect(markdown).toContain('- `assets/Settings-1.js` until 2026-12-03 10:00:00 UTC')
    expect(buildOutputs(result).deleted).toBe('2')
    // Nothing kept: no row.
    expect(summaryMarkdown(baseConfig('/src'), { ...result, plan: plan(1, 0, 0) })).not.toContain(
      'Kept'
    )
  })
})
