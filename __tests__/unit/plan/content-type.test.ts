import { contentTypeFor } from '../../../src/plan/content-type'

describe('contentTypeFor', () => {
  test.each([
    ['index.html', 'text/html; charset=utf-8'],
    ['a/b/PAGE.HTM', 'text/html; charset=utf-8'],
    ['site.css', 'text/css; charset=utf-8'],
    ['app.js', 'text/javascript; charset=utf-8'],
    ['mod.mjs', 'text/javascript; charset=utf-8'],
    ['lib.cjs', 'text/javascript; charset=utf-8'],
    ['data.json', 'application/json; charset=utf-8'],
    ['feed.xml', 'application/xml; charset=utf-8'],
    ['rss.rss', 'application/rss+xml; charset=utf-8'],
    ['atom.atom', 'application/atom+xml; charset=utf-8'],
    ['site.webmanifest', 'application/manifest+json; charset=utf-8'],
    ['logo.svg', 'image/svg+xml; charset=utf-8'],
    ['a.png', 'image/png'],
    ['a.jpg', 'image/jpeg'],
    ['a.jpeg', 'image/jpeg'],
    ['a.gif', 'image/gif'],
    ['a.webp', 'image/webp'],
    ['a.avif', 'image/avif'],
    ['favicon.ico', 'image/vnd.microsoft.icon'],
    ['f.woff', 'font/woff'],
    ['f.woff2', 'font/woff2'],
    ['m.wasm', 'application/wasm'],
    ['robots.txt', 'text/plain; charset=utf-8'],
    ['doc.pdf', 'application/pdf'],
    ['app.js.map', 'application/json; charset=utf-8'],
    ['video.mp4', 'video/mp4'],
    ['CNAME', 'application/octet-stream'],
    ['file.unknownext', 'application/octet-stream']
  ])('%s is %s', (file, type) => {
    expect(contentTypeFor(file)).toBe(type)
  })
})
