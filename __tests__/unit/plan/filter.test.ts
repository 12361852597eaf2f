import { createFilter } from '../../../src/plan/filter'

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
