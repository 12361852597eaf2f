import { buildOutputs, DOTENV_BUDGET, summaryMarkdown, toDotenv } from '../../src/report'
import { emptyResult } from '../../src/deploy'
import { pathCost } from '../../src/plan/cost'
import type { SyncPlan } from '../../src/plan/types'
import { baseConfig, sourceFile } from '../helpers/fixtures'

const plan = (uploads: number, deletes: number, unchanged: number): SyncPlan => ({
  updates: [],
  uploads: Array.from({ length: uploads }, (_, i) => ({
    file: sourceFile(`u${i}`, '', 1),
    reason: 'new' as const
  })),
  deletes: Array.from({ length: deletes }, (_, i) => `d${i}`),
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
      url: ''
    })
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
      'INVALIDATION_ID=I1\nINVALIDATION_STATUS=InProgress\nUPLOADED=1\nDELETED=0\nUPDATED=0\nUNCHANGED=0\nURL=\nINVALIDATION_PATHS=["/a%20b"]\n'
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
