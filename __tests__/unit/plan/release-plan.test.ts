import {
  newReleaseId,
  releasesToRetire,
  releaseView,
  rollbackTarget,
  wentLive
} from '../../../src/plan/release-plan'

const reserved = new Set(['site/.s3-cloudfront-deploy.json', 'site/.s3-cloudfront-deploy.lock'])

describe('releaseView: the live site under the new release’s keys', () => {
  test('from the live release: its folder, key by key; copies come back from it', () => {
    const view = releaseView('site/', 'R1', 'R2', reserved)
    expect(view.listPrefix).toBe('site/_releases/R1/')
    expect(view.keyPrefix).toBe('site/_releases/R2/')
    expect(view.toNew('site/_releases/R1/css/a.css')).toBe('site/_releases/R2/css/a.css')
    expect(view.toLive('site/_releases/R2/css/a.css')).toBe('site/_releases/R1/css/a.css')
  })

  test('before the first release: the site as deployed without release mode, its own objects left out', () => {
    const view = releaseView('site/', undefined, 'R1', reserved)
    expect(view.listPrefix).toBe('site/')
    expect(view.toNew('site/index.html')).toBe('site/_releases/R1/index.html')
    expect(view.toNew('site/.s3-cloudfront-deploy.json')).toBeUndefined()
    // A release folder left by a deploy that failed before its first switch is no site file.
    expect(view.toNew('site/_releases/R0/index.html')).toBeUndefined()
    expect(view.toLive('site/_releases/R1/index.html')).toBe('site/index.html')
  })
})

test('newReleaseId: the time and the commit, unlike any release in the bucket', () => {
  const now = new Date(Date.UTC(2026, 11, 4, 15, 30, 12, 345))
  expect(newReleaseId(now, '5a6717aa1b2c', [])).toBe('20261204T153012Z-5a6717a')
  expect(newReleaseId(now, undefined, [])).toBe('20261204T153012Z')
  expect(newReleaseId(now, undefined, ['20261204T153012Z', '20261204T153012Z-2'])).toBe(
    '20261204T153012Z-3'
  )
})

test('wentLive: the new live release first, then the one the store named, then the rest, once each', () => {
  expect(wentLive(undefined, 'R1')).toEqual(['R1'])
  expect(wentLive({ history: ['R2', 'R1'] }, 'R3', 'R2')).toEqual(['R3', 'R2', 'R1'])
  // A rollback to R1: R2 (what was live) becomes the one before it.
  expect(wentLive({ history: ['R2', 'R1'] }, 'R1', 'R2')).toEqual(['R1', 'R2'])
  // The store named one the state object never saw (a hand edit): it counts as having been live.
  expect(wentLive({ history: ['R2', 'R1'] }, 'R3', 'X')).toEqual(['R3', 'X', 'R2', 'R1'])
})

test('releasesToRetire: all but the newest that went live, never the live one or the one before it', () => {
  const existing = ['R1', 'R2', 'R3', 'R4', 'FAILED']
  expect(releasesToRetire(existing, ['R4', 'R3', 'R2', 'R1'], 2)).toEqual(['FAILED', 'R1', 'R2'])
  expect(releasesToRetire(existing, ['R4', 'R3', 'R2', 'R1'], 5)).toEqual(['FAILED'])
  // After a rollback to R1, R1 and R4 are the two kept.
  expect(releasesToRetire(existing, ['R1', 'R4', 'R3', 'R2'], 2)).toEqual(['FAILED', 'R2', 'R3'])
  // keep below 2 still keeps the live one and the one before it.
  expect(releasesToRetire(existing, ['R4', 'R3'], 1)).toEqual(['FAILED', 'R1', 'R2'])
})

describe('rollbackTarget', () => {
  const history = ['R3', 'R2', 'R1']
  const existing = new Set(['R1', 'R2', 'R3', 'FAILED'])

  test('previous: the release live before the live one', () => {
    expect(rollbackTarget('previous', history, 'R3', existing)).toEqual({ target: 'R2' })
    // After a rollback (R2 live, R3 the one before), previous undoes it.
    expect(rollbackTarget('previous', ['R2', 'R3', 'R1'], 'R2', existing)).toEqual({
      target: 'R3'
    })
  })

  test('an id: only one that went live and is still in the bucket', () => {
    expect(rollbackTarget('R1', history, 'R3', existing)).toEqual({ target: 'R1' })
    expect(rollbackTarget('R0', history, 'R3', existing)).toEqual({
      refused: expect.stringContaining('release R0 is no longer in the bucket')
    })
    expect(rollbackTarget('FAILED', history, 'R3', existing)).toEqual({
      refused: expect.stringContaining('never went live')
    })
    expect(rollbackTarget('previous', ['R1'], 'R1', existing)).toEqual({
      refused: expect.stringContaining('nothing to go back to')
    })
  })
})
