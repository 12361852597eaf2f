import { promisify } from 'node:util'
import { brotliCompress, constants, gzip } from 'node:zlib'
import type { Encoding } from '../plan/compress'

const gzipAsync = promisify(gzip)
const brotliAsync = promisify(brotliCompress)

/**
 * The bytes a file is stored as under `encoding`. Levels where more CPU still buys bytes: gzip
 * at zlib's default (6; level 9 takes about half as much CPU again for a few tenths of a percent
 * on minified JavaScript), brotli at its highest quality (11, a tenth smaller than quality 5, for
 * many times the CPU: whoever picks br picks it to be small). A file is compressed once per
 * change and served many times. Run in libuv's thread pool, so the event loop (the other
 * uploads, the lease's renewals) is never held up. Neither format's header carries a time or a
 * name, so the same bytes compress alike on one zlib; the comparison never depends on it (see
 * contentId in plan/compress.ts).
 */
export function compressBody(content: Buffer, encoding: Encoding): Promise<Buffer> {
  if (encoding === 'gzip') return gzipAsync(content, { level: constants.Z_DEFAULT_COMPRESSION })
  return brotliAsync(content, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
      [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
      [constants.BROTLI_PARAM_SIZE_HINT]: content.length
    }
  })
}
