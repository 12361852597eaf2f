/**
 * Sites shaped as static site generators build them, and the files that adding one post rewrites:
 * the home page and every list page that shows it, with all their pagination pages (each shifts
 * by one), the pages and feeds of its tags and category, the sitemap and the feeds, and the post
 * it follows (its "next" link). Most other pages stay the same.
 */

/** A small deterministic PRNG, so every generated case can be reproduced. */
export function prng(seed: number) {
  let s = seed >>> 0
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0
    return s / 2 ** 32
  }
}

export type Generator = 'hugo' | 'jekyll' | 'eleventy'

export interface BlogOptions {
  generator: Generator
  posts: number
  tags: number
  categories: number
  perPage: number
  /** Pages of a section the new post does not touch (`docs/…`). */
  docs: number
  random: () => number
}

export interface NewPost {
  /** Every key of the site before the change. */
  before: string[]
  /** Every key of the site after the change. */
  keys: string[]
  /** Keys uploaded by the change: the new post and every page rewritten around it. */
  changed: string[]
}

interface Post {
  slug: string
  date: string
  tags: string[]
  category: string
}

/** Numbered pages 1..n of a list as the generator names them; page 1 is the list itself. */
function listPages(generator: Generator, base: string, items: number, perPage: number): string[] {
  const pages = Math.max(1, Math.ceil(items / perPage))
  const out: string[] = []
  for (let n = 1; n <= pages; n++) {
    if (n === 1) out.push(`${base}index.html`)
    else if (generator === 'hugo') out.push(`${base}page/${n}/index.html`)
    else if (generator === 'jekyll') out.push(`${base}page${n}/index.html`)
    else out.push(`${base}page-${n}/index.html`)
  }
  return out
}

function postKeys(generator: Generator, post: Post): string[] {
  if (generator === 'jekyll') {
    const [y, m, d] = post.date.split('-')
    return [`${post.category}/${y}/${m}/${d}/${post.slug}.html`]
  }
  const folder = generator === 'hugo' ? `posts/${post.slug}/` : `blog/${post.slug}/`
  return [`${folder}index.html`, `${folder}cover.jpg`]
}

/** The pages that list posts: home, section, tags, categories (with their pagination and feeds). */
function listKeys(generator: Generator, posts: Post[], perPage: number, only?: Post): string[] {
  const keys: string[] = []
  const tagBase = generator === 'jekyll' ? 'tag/' : 'tags/'
  const catBase = generator === 'jekyll' ? 'category/' : 'categories/'
  const feed = generator === 'hugo' ? 'index.xml' : generator === 'jekyll' ? 'feed.xml' : 'rss.xml'
  const list = (base: string, members: Post[], withFeed: boolean) => {
    if (only && !members.includes(only)) return
    keys.push(...listPages(generator, base, members.length, perPage))
    if (withFeed) keys.push(`${base}${feed}`)
  }
  list('', posts, true)
  if (generator === 'hugo') list('posts/', posts, true)
  if (generator === 'eleventy') list('blog/', posts, false)
  const tags = [...new Set(posts.flatMap(p => p.tags))].sort()
  for (const tag of tags)
    list(
      `${tagBase}${tag}/`,
      posts.filter(p => p.tags.includes(tag)),
      true
    )
  const categories = [...new Set(posts.map(p => p.category))].sort()
  for (const cat of categories)
    list(
      `${catBase}${cat}/`,
      posts.filter(p => p.category === cat),
      true
    )
  // The index of tags shows how many posts each has.
  keys.push(`${tagBase}index.html`)
  keys.push('sitemap.xml')
  return keys
}

/** A blog with a docs section and assets, before and after one new post is added. */
export function blogWithNewPost(options: BlogOptions): NewPost {
  const { generator, random } = options
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)] as T
  const tagNames = Array.from({ length: options.tags }, (_, i) => `tag-${i}`)
  const categoryNames = Array.from({ length: options.categories }, (_, i) => `cat-${i}`)
  const post = (i: number): Post => {
    const day = new Date(Date.UTC(2020, 0, 1) + i * 86_400_000).toISOString().slice(0, 10)
    const tags = [
      ...new Set(Array.from({ length: 1 + Math.floor(random() * 3) }, () => pick(tagNames)))
    ]
    return { slug: `post-${i}`, date: day, tags, category: pick(categoryNames) }
  }
  const before = Array.from({ length: options.posts }, (_, i) => post(i))
  const added = post(options.posts)
  const after = [...before, added]

  const fixed = [
    '404.html',
    'robots.txt',
    'about/index.html',
    'css/main.min.3f2a1c.css',
    'js/site.min.9b8e7d.js',
    ...Array.from({ length: 12 }, (_, i) => `images/photo-${i}.jpg`),
    ...Array.from({ length: options.docs }, (_, i) => `docs/page-${i}/index.html`)
  ]
  const site = (posts: Post[]) => [
    ...new Set([
      ...fixed,
      ...posts.flatMap(p => postKeys(generator, p)),
      ...listKeys(generator, posts, options.perPage)
    ])
  ]
  const changed = [
    ...postKeys(generator, added),
    // The previous newest post gets a "next" link.
    ...(before.length > 0
      ? postKeys(generator, before[before.length - 1] as Post).slice(0, 1)
      : []),
    // Every list that shows the new post: each of its pages shifts by one.
    ...listKeys(generator, after, options.perPage, added)
  ]
  return {
    before: site(before).sort(),
    keys: site(after).sort(),
    changed: [...new Set(changed)].sort()
  }
}

/** A random blog of one of the generators' shapes, from a few posts to several hundred. */
export function randomBlog(random: () => number): NewPost & { options: BlogOptions } {
  const generators: Generator[] = ['hugo', 'jekyll', 'eleventy']
  const options: BlogOptions = {
    generator: generators[Math.floor(random() * generators.length)] as Generator,
    posts: 3 + Math.floor(random() ** 2 * 600),
    tags: 2 + Math.floor(random() * 40),
    categories: 1 + Math.floor(random() * 6),
    perPage: [5, 10, 20][Math.floor(random() * 3)] as number,
    docs: Math.floor(random() * 80),
    random
  }
  return { ...blogWithNewPost(options), options }
}

/** Four sections of pages, a blog, news, docs and a shop, with a home page. */
export function fourSections(): string[] {
  const pages = (n: number, folder: string) =>
    Array.from({ length: n }, (_, i) => `${folder}-${i}/index.html`)
  return [
    'index.html',
    ...pages(60, 'blog/post'),
    ...pages(40, 'news/item'),
    ...pages(50, 'docs/page'),
    ...pages(30, 'shop/product')
  ]
}

/** The example of docs/how-it-works.md: a Hugo blog of 150 posts with a docs section, and one new post. */
export function docsHugoBlog(): NewPost {
  return blogWithNewPost({
    generator: 'hugo',
    posts: 150,
    tags: 12,
    categories: 3,
    perPage: 10,
    docs: 30,
    random: prng(12)
  })
}
