import { createFilter, describeNothingInScope } from '../../../src/plan/filter'

test('createFilter: include (all when empty), then exclude', () => {
  const keep = createFilter('', '*.md\ndrafts/**')
  expect(['index.html', 'a/b.md', 'drafts/x.html', 'posts/drafts/x.html'].map(keep)).toEqual([
    true,
    false,
    false,
    true
  ])
  const only = createFilter('*.html\n*.css', '')
  expect(['index.html', 'a/b.css', 'c.js'].map(only)).toEqual([true, true, false])
})

describe('describeNothingInScope: which input left nothing, with the counts and example paths', () => {
  const found = ['css/site.css', 'docs/a.md', 'index.html', 'js/app.js']
  const hint =
    "Nothing was changed. The globs are matched against paths relative to the source, such as 'css/site.css', 'docs/a.md', 'index.html', …: a glob without '/' matches the file name at any depth (*.html), one with '/' the path from the source (docs/**)."

  test('include that matches no file names include and its globs', () => {
    expect(describeNothingInScope(found, { include: ['[', '*.htm'], exclude: [] }, '/s')).toBe(
      `Input 'include' leaves nothing to deploy: 0 of 4 file(s) in '/s' match include '[', '*.htm'. ${hint}`
    )
  })

  test('exclude alone that matches every file names exclude', () => {
    expect(describeNothingInScope(found, { include: [], exclude: ['*'] }, '/s')).toBe(
      `Input 'exclude' leaves nothing to deploy: exclude '*' matches all 4 file(s) in '/s'. ${hint}`
    )
  })

  test('include and exclude that leave nothing together name both', () => {
    expect(
      describeNothingInScope(found, { include: ['*.html', '*.css'], exclude: ['*'] }, '/s')
    ).toBe(
      `Inputs 'include' and 'exclude' leave nothing to deploy: 2 of 4 file(s) in '/s' match include '*.html', '*.css', and exclude '*' leaves out every one of them. ${hint}`
    )
  })

  test('a few example paths, each shortened, and no ellipsis when every file is shown', () => {
    const long = `${'a'.repeat(100)}/index.html`
    const text = describeNothingInScope([long], { include: ['x'], exclude: [] }, '/s')
    expect(text).toContain(`such as '${'a'.repeat(29)}…${'a'.repeat(18)}/index.html': a glob`)
  })
})
