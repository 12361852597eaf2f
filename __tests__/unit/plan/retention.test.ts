import { planSync } from '../../../src/plan/diff'
import { keepRemoved, startClocks, type RetentionRule } from '../../../src/plan/retention'
import type { RemoteObject, SyncPlan } from '../../../src/plan/types'
import { sourceFile as file } from '../../helpers/fixtures'

const DAY = 86400
const NOW = 1_790_000_000
const md5 = 'a'.repeat(32)

/** A bucket of the previous build and a source of the new one, planned with delete: true. */
function planFor(inBucket: string[], inBuild: string[]): SyncPlan {
  const remote = new Map<string, RemoteObject>(
    inBucket.map(key => [key, { key, etag: md5, size: 10 }])
  )
  return planSync(
    inBuild.map(key => file(key, md5)),
    remote,
    { delete: true }
  )
}

const rule = (
  removedAt: Record<string, number> = {},
  overrides: Partial<RetentionRule> = {}
): RetentionRule => ({
  keepSeconds: 7 * DAY,
  now: NOW,
  removedAt: key => removedAt[key],
  ...overrides
})

const previous = ['index.html', 'about.html', 'assets/index-1.js', 'assets/Settings-1.js']
const next = ['index.html', 'assets/index-2.js']

test('0 (the default) deletes everything that left the build at once, as before', () => {
  const plan = planFor(previous, next)
  expect(keepRemoved(plan, rule({}, { keepSeconds: 0 }))).toBe(plan)
  expect(plan.deletes).toEqual(['about.html', 'assets/Settings-1.js', 'assets/index-1.js'])
  expect(plan.kept).toEqual([])
})

test('the first deploy without an asset starts its clock and keeps it; a removed page goes at once', () => {
  const plan = keepRemoved(planFor(previous, next), rule())
  expect(plan.deletes).toEqual(['about.html'])
  expect(plan.expired).toEqual([])
  expect(plan.kept).toEqual([
    { key: 'assets/Settings-1.js', removedAt: NOW, until: NOW + 7 * DAY, firstGone: true },
    { key: 'assets/index-1.js', removedAt: NOW, until: NOW + 7 * DAY, firstGone: true }
  ])
  // Uploads and unchanged files are not its business.
  expect(plan.uploads.map(u => u.file.key)).toEqual(['assets/index-2.js'])
})

test("an asset's clock starts when the build without it went live, not when its deploy planned", () => {
  const plan = keepRemoved(planFor(previous, next), rule())
  // The deploy waited for the lock and uploaded for an hour: its pages were written then.
  const live = NOW + 3600
  expect(startClocks(plan.kept, live)).toEqual([
    { key: 'assets/Settings-1.js', removedAt: live, until: live + 7 * DAY },
    { key: 'assets/index-1.js', removedAt: live, until: live + 7 * DAY }
  ])
  // An asset whose clock an earlier deploy started keeps it.
  const known = keepRemoved(planFor(previous, next), rule({ 'assets/index-1.js': NOW - DAY })).kept
  expect(startClocks(known, live)).toContainEqual({
    key: 'assets/index-1.js',
    removedAt: NOW - DAY,
    until: NOW + 6 * DAY
  })
})

test('pages are .html and .htm in any case, as for the upload order; everything else is an asset', () => {
  const plan = keepRemoved(
    planFor(['a.HTML', 'b/c.htm', 'feed.xml', 'page.html.br', 'robots.txt'], ['x.css']),
    rule()
  )
  expect(plan.deletes).toEqual(['a.HTML', 'b/c.htm'])
  expect(plan.kept.map(a => a.key)).toEqual(['feed.xml', 'page.html.br', 'robots.txt'])
})

test('the deploy that finds the period over deletes the asset; until then it is kept', () => {
  const plan = planFor(previous, next)
  const started = NOW - 7 * DAY
  const justBefore = keepRemoved(plan, rule({ 'assets/index-1.js': started + 1 }))
  expect(justBefore.kept.map(a => [a.key, a.until])).toEqual([
    ['assets/Settings-1.js', NOW + 7 * DAY],
    ['assets/index-1.js', NOW + 1]
  ])
  expect(justBefore.deletes).toEqual(['about.html'])

  const over = keepRemoved(plan, rule({ 'assets/index-1.js': started }))
  expect(over.deletes).toEqual(['about.html', 'assets/index-1.js'])
  expect(over.expired).toEqual([{ key: 'assets/index-1.js', removedAt: started, until: NOW }])
  expect(over.kept.map(a => a.key)).toEqual(['assets/Settings-1.js'])
})

test('a clock ahead of this deploy (another machine) is read as now: never kept longer', () => {
  const plan = keepRemoved(planFor(previous, next), rule({ 'assets/index-1.js': NOW + 3 * DAY }))
  expect(plan.kept.find(a => a.key === 'assets/index-1.js')).toEqual({
    key: 'assets/index-1.js',
    removedAt: NOW,
    until: NOW + 7 * DAY
  })
})

test('a file back in the build is no candidate, whatever its old clock says', () => {
  const plan = keepRemoved(
    planFor(previous, [...next, 'assets/index-1.js']),
    rule({ 'assets/index-1.js': NOW - 30 * DAY })
  )
  expect(plan.deletes).toEqual(['about.html'])
  expect(plan.kept.map(a => a.key)).toEqual(['assets/Settings-1.js'])
  expect(plan.unchanged.map(f => f.key)).toContain('assets/index-1.js')
})

test('a period in seconds works the same way', () => {
  const plan = planFor(['a.js'], ['b.js'])
  expect(keepRemoved(plan, rule({ 'a.js': NOW - 4 }, { keepSeconds: 5 })).kept).toHaveLength(1)
  expect(keepRemoved(plan, rule({ 'a.js': NOW - 5 }, { keepSeconds: 5 })).deletes).toEqual(['a.js'])
})
