import { brotliDecompressSync, gunzipSync } from 'node:zlib'
import { compressBody } from '../../../src/local/compress'

const TEXT = Buffer.from(
  Array.from({ length: 400 }, (_, i) => `<li class="item-${i % 7}">Item ${i}</li>`).join('\n')
)

test.each([
  ['gzip' as const, gunzipSync],
  ['br' as const, brotliDecompressSync]
])('%s: decodes to the source; the same bytes compress alike', async (encoding, decode) => {
  const body = await compressBody(TEXT, encoding)
  expect(decode(body).equals(TEXT)).toBe(true)
  expect(body.length).toBeLessThan(TEXT.length / 5)
  expect((await compressBody(Buffer.from(TEXT), encoding)).equals(body)).toBe(true)
})

test("gzip: no time and no name in the header (RFC 1952: MTIME 0, no FNAME), at zlib's default level", async () => {
  const body = await compressBody(TEXT, 'gzip')
  expect([body[0], body[1], body[2]]).toEqual([0x1f, 0x8b, 8])
  const flags = body[3]!
  expect(flags & 0x08).toBe(0) // FNAME
  expect(body.readUInt32LE(4)).toBe(0) // MTIME
  expect(body[8]).toBe(0) // XFL 0: neither the fastest (4) nor the best (2) level
})
