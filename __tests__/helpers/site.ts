import { mkdir, mkdtemp, writeFile, utimes, readdir } from 'node:fs/promises'
import * as os from 'node:os'
import * as path from 'node:path'

/** Writes files (relative path → content) under a new temporary folder; returns the folder. */
export async function makeSite(
  files: Record<string, string | Buffer>,
  parent?: string
): Promise<string> {
  const root = await mkdtemp(path.join(parent ?? os.tmpdir(), 'site-'))
  await writeFiles(root, files)
  return root
}

export async function writeFiles(
  root: string,
  files: Record<string, string | Buffer>
): Promise<void> {
  for (const [rel, content] of Object.entries(files)) {
    const abs = path.join(root, ...rel.split('/'))
    await mkdir(path.dirname(abs), { recursive: true })
    await writeFile(abs, content)
  }
}

/** Gives every file a new modification time, as a fresh checkout and rebuild would. */
export async function touchAll(
  root: string,
  when = new Date(Date.now() + 60_000)
): Promise<number> {
  let count = 0
  const walk = async (dir: string) => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const abs = path.join(dir, entry.name)
      if (entry.isDirectory()) await walk(abs)
      else {
        await utimes(abs, when, when)
        count++
      }
    }
  }
  await walk(root)
  return count
}

/** A small site with one file of each common type. */
export function sampleSite(): Record<string, string | Buffer> {
  return {
    'index.html': '<!doctype html><title>Home</title><link rel="stylesheet" href="/css/site.css">',
    'about/index.html': '<!doctype html><title>About</title>',
    'blog/2024/hello-world/index.html': '<!doctype html><title>Hello</title>',
    '404.html': '<!doctype html><title>Not found</title>',
    'css/site.css': 'body { color: #222 }',
    'js/app.js': 'console.log("app")',
    'js/module.mjs': 'export const x = 1',
    'js/app.js.map': '{"version":3,"sources":[]}',
    'data/feed.json': '{"items":[]}',
    'sitemap.xml': '<?xml version="1.0"?><urlset/>',
    'img/logo.svg': '<svg xmlns="http://www.w3.org/2000/svg"/>',
    'img/photo.png': Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'),
    'img/photo.jpg': Buffer.from('ffd8ffe000104a464946', 'hex'),
    'img/anim.gif': Buffer.from('474946383961', 'hex'),
    'img/pic.webp': Buffer.from('52494646', 'hex'),
    'img/pic.avif': Buffer.from('0000001c66747970', 'hex'),
    'favicon.ico': Buffer.from('00000100', 'hex'),
    'fonts/inter.woff': Buffer.from('774f4646', 'hex'),
    'fonts/inter.woff2': Buffer.from('774f4632', 'hex'),
    'wasm/app.wasm': Buffer.from('0061736d01000000', 'hex'),
    'robots.txt': 'User-agent: *',
    'docs/guide.pdf': '%PDF-1.4',
    'café/menu.html': '<p>menu</p>'
  }
}
