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
 * Writes the site; content is derived from the seed and the path, so rebuilds are identical:
 * random bytes, which no compressor shrinks. With `text` (a corpus of real text), the text types
 * get slices of it instead, and the others keep their random bytes, as images and fonts are
 * compressed already.
 */
export async function writeSite(root, layout, seed = 1, { text } = {}) {
  const dirs = new Set(layout.map(f => path.dirname(path.join(root, f.rel))))
  for (const dir of dirs) await mkdir(dir, { recursive: true })
  const block = Buffer.alloc(256 * 1024)
  const random = prng(seed * 7919)
  for (let i = 0; i < block.length; i++) block[i] = Math.floor(random() * 256)
  let n = 0
  const write = async f => {
    const isText = text && TEXT_TYPES.includes(path.extname(f.rel).slice(1))
    const source = isText ? text : block
    const offset = (n++ * 4099) % (source.length - f.size)
    await writeFile(path.join(root, f.rel), source.subarray(offset, offset + f.size))
  }
  for (let i = 0; i < layout.length; i += 64) await Promise.all(layout.slice(i, i + 64).map(write))
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
