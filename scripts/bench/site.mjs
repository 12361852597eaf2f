// A synthetic static site with a fixed seed: nested folders, mixed types and sizes (1-200 KB).
import { mkdir, writeFile, readFile, utimes } from 'node:fs/promises'
import * as path from 'node:path'

export function prng(seed) {
  let s = seed >>> 0
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0
    return s / 2 ** 32
  }
}

const TYPES = [
  'html',
  'html',
  'css',
  'js',
  'js',
  'json',
  'svg',
  'png',
  'jpg',
  'webp',
  'woff2',
  'txt'
]

/** The file list: relative path and size. Same seed, same site. */
export function siteLayout({ files, seed = 1, minSize = 1024, maxSize = 200 * 1024 }) {
  const random = prng(seed)
  const layout = []
  for (let i = 0; i < files; i++) {
    const depth = Math.floor(random() * 4)
    const dirs = Array.from({ length: depth }, () => `d${Math.floor(random() * 12)}`)
    const ext = TYPES[Math.floor(random() * TYPES.length)]
    const name = ext === 'html' && random() < 0.5 ? `p${i}/index.html` : `f${i}.${ext}`
    // Skewed towards small files, as on real sites.
    const size = Math.floor(minSize + (maxSize - minSize) * random() ** 3)
    layout.push({ rel: [...dirs, name].join('/'), size })
  }
  return layout
}

/** The types a site's build writes as text: what `compress` rules are for. */
export const TEXT_TYPES = ['html', 'css', 'js', 'json', 'svg', 'txt']

/**
 * Writes the site; content is derived from the seed and the path, so rebuilds are identical.
 * Random bytes, which no compressor shrinks; with `text`, the text types get text instead
 * (markup-like words drawn from a small vocabulary), which compresses about as real pages,
 * styles and scripts do, and the other types keep their random bytes, as images and fonts
 * are already compressed.
 */
export async function writeSite(root, layout, seed = 1, { text = false } = {}) {
  const dirs = new Set(layout.map(f => path.dirname(path.join(root, f.rel))))
  for (const dir of dirs) await mkdir(dir, { recursive: true })
  const block = Buffer.alloc(256 * 1024)
  const random = prng(seed * 7919)
  for (let i = 0; i < block.length; i++) block[i] = Math.floor(random() * 256)
  const words = text ? textBlock(block.length, seed) : undefined
  let n = 0
  const write = async f => {
    const offset = (n++ * 4099) % (block.length - f.size)
    const isText = words && TEXT_TYPES.includes(path.extname(f.rel).slice(1))
    const source = isText ? words : block
    await writeFile(path.join(root, f.rel), source.subarray(offset, offset + f.size))
  }
  for (let i = 0; i < layout.length; i += 64) await Promise.all(layout.slice(i, i + 64).map(write))
}

/** `bytes` of markup-like text: tags, attributes and words from a fixed vocabulary. */
function textBlock(bytes, seed) {
  const random = prng(seed * 104729)
  const pick = list => list[Math.floor(random() ** 2 * list.length)]
  const syllables = ['la', 'ten', 'dor', 'mi', 'ka', 'ro', 'sel', 'vi', 'nu', 'pa', 'ex', 'qu']
  const vocabulary = Array.from({ length: 600 }, () =>
    Array.from({ length: 1 + Math.floor(random() * 4) }, () => pick(syllables)).join('')
  )
  const tags = ['div', 'p', 'span', 'a', 'li', 'section', 'h2', 'button']
  const parts = []
  let length = 0
  while (length < bytes) {
    const tag = pick(tags)
    const sentence = Array.from({ length: 4 + Math.floor(random() * 12) }, () =>
      pick(vocabulary)
    ).join(' ')
    const part = `<${tag} class="${pick(vocabulary)}-${pick(vocabulary)}">${sentence}</${tag}>\n`
    parts.push(part)
    length += part.length
  }
  return Buffer.from(parts.join('')).subarray(0, bytes)
}

/** A rebuild: every file gets a new modification time, the content stays. */
export async function touchAll(root, layout, when = new Date()) {
  for (let i = 0; i < layout.length; i += 128) {
    await Promise.all(layout.slice(i, i + 128).map(f => utimes(path.join(root, f.rel), when, when)))
  }
}

/** Edits `share` of the files in place, keeping each size (a one-byte change). */
export async function editSameSize(root, layout, share, seed = 2) {
  const random = prng(seed)
  const picked = new Set()
  while (picked.size < Math.max(1, Math.round(layout.length * share)))
    picked.add(Math.floor(random() * layout.length))
  for (const i of picked) {
    const file = path.join(root, layout[i].rel)
    const content = await readFile(file)
    content[0] = content[0] ^ 0xff
    await writeFile(file, content)
  }
  return picked.size
}
