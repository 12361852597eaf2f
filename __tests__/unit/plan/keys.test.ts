import {
  describeLongKeys,
  keyFor,
  MAX_KEY_BYTES,
  shorten,
  tooLongKeys,
  utf8Length
} from '../../../src/plan/keys'

/** A file as the scanner maps it: key = prefix + relPath. */
const file = (relPath: string, prefix = '') => ({ relPath, key: keyFor(prefix, relPath) })

describe('utf8Length', () => {
  test.each([
    ['', 0],
    ['index.html', 10],
    ['café', 5],
    ['日本語', 9],
    ['😀', 4],
    ['a😀b', 6],
    // A lone surrogate is written as U+FFFD, 3 bytes (what Buffer does too).
    ['\ud800', 3],
    ['\udc00x', 4]
  ])('%j is %i bytes, as Buffer counts it', (text, bytes) => {
    expect(utf8Length(text)).toBe(bytes)
    expect(utf8Length(text)).toBe(Buffer.byteLength(text, 'utf8'))
  })

  test('agrees with Buffer on mixed text', () => {
    const pieces = [
      'a',
      'é',
      'ß',
      '€',
      '日',
      '😀',
      '\ud83d',
      '/',
      ' ',
      '\u07ff',
      '\u0800',
      '\uffff'
    ]
    let seed = 7
    for (let n = 0; n < 500; n++) {
      let text = ''
      for (let i = 0; i < 40; i++) {
        seed = (Math.imul(seed, 1103515245) + 12345) >>> 0
        text += pieces[seed % pieces.length]
      }
      expect(utf8Length(text)).toBe(Buffer.byteLength(text, 'utf8'))
    }
  })
})

describe('tooLongKeys: S3 allows 1,024 bytes of UTF-8, prefix included', () => {
  test('1,024 bytes pass, 1,025 do not', () => {
    expect(MAX_KEY_BYTES).toBe(1024)
    const at = 'a'.repeat(1019) + '.html'
    expect(tooLongKeys([file(at), file(`${at}x`)])).toEqual([
      { relPath: `${at}x`, key: `${at}x`, bytes: 1025 }
    ])
  })

  test('bytes, not characters: 400 × é is 800 bytes, 513 × é is 1,026', () => {
    expect(tooLongKeys([file('é'.repeat(400))])).toEqual([])
    expect(tooLongKeys([file('é'.repeat(513))])[0]?.bytes).toBe(1026)
    // 342 characters of 3 bytes: 1,026 bytes in a key of 342 UTF-16 units.
    expect(tooLongKeys([file('日'.repeat(342))])[0]?.bytes).toBe(1026)
  })

  test('the prefix counts: a file that fits at the root may not fit under a prefix', () => {
    const relPath = `${'d'.repeat(200)}/`.repeat(4) + 'x'.repeat(215) + '.html'
    expect(utf8Length(relPath)).toBe(1024)
    expect(tooLongKeys([file(relPath)])).toEqual([])
    expect(tooLongKeys([file(relPath, 'docs/')])).toEqual([
      { relPath, key: `docs/${relPath}`, bytes: 1029 }
    ])
  })

  test("the issue's case: a file six folders of 200 characters deep, 1,207 bytes", () => {
    const relPath = `${'a'.repeat(200)}/`.repeat(6) + 'x'
    expect(tooLongKeys([file('index.html'), file(relPath)])).toEqual([
      { relPath, key: relPath, bytes: 1207 }
    ])
  })
})

describe('describeLongKeys', () => {
  test('names the first five, their lengths and the prefix, says nothing changed and what to do', () => {
    const long = Array.from({ length: 7 }, (_, i) => ({
      relPath: `f${i}/${'x'.repeat(1030)}`,
      key: `docs/f${i}/${'x'.repeat(1030)}`,
      bytes: 1038
    }))
    const message = describeLongKeys(long, 'docs/')
    expect(message).toMatch(
      /^Input 'source' has 7 file\(s\) whose S3 key would be longer than the 1,024 bytes S3 allows \(UTF-8, prefix included \(the prefix 'docs\/' takes 5 of them\)\): 'f0\/x+…x+' \(1,038 bytes\), /
    )
    expect(message).toContain("'f4/")
    expect(message).not.toContain("'f5/")
    expect(message).toMatch(
      /, and 2 more\. Nothing was changed\. Shorten their paths or the prefix, or leave them out with 'exclude'\.$/
    )
  })

  test('without a prefix, no word of one', () => {
    const message = describeLongKeys([{ relPath: 'a', key: 'a', bytes: 2000 }], '')
    expect(message).toContain("(UTF-8, prefix included): 'a' (2,000 bytes). Nothing was changed.")
    expect(message).toContain('Shorten their paths, or leave')
  })

  test('shorten keeps both ends of a long path, and whole characters', () => {
    const long = `${'a'.repeat(300)}/${'😀'.repeat(100)}/index.html`
    const short = shorten(long)
    expect([...short]).toHaveLength(119)
    expect(short.startsWith('a'.repeat(59))).toBe(true)
    expect(short.endsWith('😀/index.html')).toBe(true)
    // No surrogate pair cut in half: it survives a round trip through UTF-8.
    expect(Buffer.from(short, 'utf8').toString('utf8')).toBe(short)
    expect(shorten('short/path.html')).toBe('short/path.html')
  })
})
