/**
 * Line endings: every text file is LF in the repository and in every checkout, Windows included
 * (where core.autocrlf would give CRLF), since prettier's check, the tests that parse the README
 * and dist/index.js's checksum need the files as committed. git itself is asked.
 */
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import * as path from 'node:path'
import { ROOT } from '../helpers/repo'

const root = ROOT
const git = (...args: string[]) => {
  const run = spawnSync('git', args, { cwd: root, encoding: 'utf8' })
  if (run.status !== 0) throw new Error(`git ${args.join(' ')}: ${run.stderr || run.error}`)
  return run.stdout
}

test('.gitattributes: LF for every text file; dist/ generated, without diffs', () => {
  const rules = readFileSync(path.join(root, '.gitattributes'), 'utf8')
    .split('\n')
    .filter(line => line !== '' && !line.startsWith('#'))
  expect(rules).toEqual(['* text=auto eol=lf', 'dist/** -diff linguist-generated=true'])
  expect(git('check-attr', 'eol', 'diff', 'linguist-generated', '--', 'dist/index.js')).toBe(
    'dist/index.js: eol: lf\ndist/index.js: diff: unset\ndist/index.js: linguist-generated: true\n'
  )
})

test('every tracked file is committed with LF, and checked out with LF here', () => {
  const rows = git('ls-files', '--eol')
    .trimEnd()
    .split('\n')
    .map(line => {
      const [info = '', file] = line.split('\t')
      const [index, worktree, ...attr] = info.trim().split(/\s+/)
      return { file, index, worktree, attr: attr.join(' ') }
    })
  expect(rows.length).toBeGreaterThan(100)
  // -text: binary; none: empty; an empty w/: deleted in this working tree.
  const notLf = rows.filter(
    r =>
      !['i/lf', 'i/-text', 'i/none'].includes(r.index!) ||
      !['w/lf', 'w/-text', 'w/none', 'w/'].includes(r.worktree!) ||
      r.attr !== 'attr/text=auto eol=lf'
  )
  expect(notLf).toEqual([])
})
