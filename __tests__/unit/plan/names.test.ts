import {
  describeNameClashes,
  describeNonUtf8Names,
  escapeName,
  isUtf8
} from '../../../src/plan/names'

const bytes = (...b: number[]) => Uint8Array.from(b)
const utf8 = (text: string) => new TextEncoder().encode(text)
/** What a strict decoder says: the reference for isUtf8. */
const strict = (b: Uint8Array) => {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(b)
    return true
  } catch {
    return false
  }
}

describe('isUtf8', () => {
  test.each<[string, Uint8Array, boolean]>([
    ['ASCII', utf8('index.html'), true],
    ['é, 日, 😀', utf8('café 日本 😀'), true],
    ['a real U+FFFD', utf8('a\ufffdb'), true],
    ['Latin-1 é (caf\\xe9.html)', bytes(0x63, 0x61, 0x66, 0xe9, 0x2e, 0x68), false],
    ['a lone continuation byte', bytes(0x61, 0x80), false],
    ['a truncated 3-byte sequence', bytes(0xe6, 0x97), false],
    ['an overlong "/" (C0 AF)', bytes(0xc0, 0xaf), false],
    ['an overlong 3-byte form (E0 80 AF)', bytes(0xe0, 0x80, 0xaf), false],
    ['a UTF-16 surrogate (ED A0 80)', bytes(0xed, 0xa0, 0x80), false],
    ['above U+10FFFF (F4 90 80 80)', bytes(0xf4, 0x90, 0x80, 0x80), false],
    ['F5 and above never start a sequence', bytes(0xf5, 0x80, 0x80, 0x80), false],
    ['Windows-1252 quotes (\\x93hi\\x94)', bytes(0x93, 0x68, 0x69, 0x94), false],
    ['Shift-JIS (\\x83e\\x83X\\x83g)', bytes(0x83, 0x65, 0x83, 0x58, 0x83, 0x67), false]
  ])('%s', (_name, input, expected) => {
    expect(isUtf8(input)).toBe(expected)
    expect(strict(input)).toBe(expected)
  })

  test('agrees with a strict decoder on every 1- and 2-byte name, and on random 3- and 4-byte ones', () => {
    const disagree: string[] = []
    const check = (input: Uint8Array) => {
      if (isUtf8(input) !== strict(input)) disagree.push(Buffer.from(input).toString('hex'))
    }
    for (let a = 0; a < 256; a++) {
      check(bytes(a))
      for (let b = 0; b < 256; b++) check(bytes(a, b))
    }
    let seed = 11
    const next = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 8) & 0xff
    for (let n = 0; n < 100_000; n++) {
      // Lead bytes from the multi-byte range, so the interesting cases come up often.
      check(bytes(0xc0 + (next() % 0x40), next(), next(), ...(n % 2 ? [next()] : [])))
    }
    expect(disagree).toEqual([])
  })
})

describe('escapeName', () => {
  test.each<[string, Uint8Array, string]>([
    ['UTF-8 stays text', utf8('café 日本.html'), 'café 日本.html'],
    ['other bytes as \\xHH', bytes(0x63, 0x61, 0x66, 0xe9, 0x2e, 0x68), 'caf\\xe9.h'],
    ['control characters too', utf8('a\nb\x7f'), 'a\\x0ab\\x7f'],
    ["\\ and ' escaped, for bash's $'…'", utf8("it's\\x"), "it\\'s\\\\x"],
    ['a truncated sequence, byte by byte', bytes(0x61, 0xe6, 0x97), 'a\\xe6\\x97']
  ])('%s', (_name, input, shown) => {
    expect(escapeName(input)).toBe(shown)
  })
})

describe('describeNonUtf8Names', () => {
  test('names each by folder, says nothing changed and how to rename it', () => {
    const message = describeNonUtf8Names('/ci/site/public', [
      { folder: 'menu', bytes: bytes(0x63, 0x61, 0x66, 0xe9, 0x2e, 0x68, 0x74, 0x6d, 0x6c) }
    ])
    expect(message).toBe(
      "Input 'source' has 1 name that is not valid UTF-8 (other bytes shown as \\xHH), and S3 keys must be UTF-8: in folder 'menu': caf\\xe9.html. Nothing was changed. Rename it to UTF-8, e.g. mv $'/ci/site/public/menu/caf\\xe9.html' $'/ci/site/public/menu/'<new name> (a whole tree: convmv -f <its character set, e.g. latin1> -t utf8 -r --notest /ci/site/public)."
    )
  })

  test('several: the first five by folder, then a count', () => {
    const names = [
      { folder: '', bytes: bytes(0xff) },
      ...Array.from({ length: 6 }, (_, i) => ({ folder: 'a', bytes: bytes(0x30 + i, 0xe9) }))
    ]
    const message = describeNonUtf8Names('/s', names)
    expect(message).toContain(
      "has 7 names that are not valid UTF-8 (other bytes shown as \\xHH), and S3 keys must be UTF-8: in the top folder: \\xff; in folder 'a': 0\\xe9, 1\\xe9, 2\\xe9, 3\\xe9; and 2 more. Nothing was changed. Rename them to UTF-8, e.g. mv $'/s/\\xff' $'/s/'<new name>"
    )
  })
})

describe('describeNameClashes', () => {
  test('each key with its names on disk as code points; the first five, then a count', () => {
    const clash = (name: string) => ({
      relPath: name.normalize('NFC'),
      onDisk: [name.normalize('NFC'), name.normalize('NFD')]
    })
    // Hangul decomposes into jamo; an emoji (above U+FFFF) is shown as \U; ' and \ escaped.
    const clashes = ['한.html', "it's é 😀.txt", ...'abcde'.split('').map(c => `${c}é`)].map(clash)
    const message = describeNameClashes("/s/my 'site'", clashes)
    expect(message).toContain(
      "at one S3 key, as names are published composed (NFC) on macOS: '한.html' from $'\\ud55c.html' and $'\\u1112\\u1161\\u11ab.html'; 'it's é 😀.txt' from $'it\\'s \\u00e9 \\U0001f600.txt' and $'it\\'s e\\u0301 \\U0001f600.txt'; 'aé' from"
    )
    expect(message).toContain(
      "; and 2 more. Nothing was changed. Keep one file of each, e.g. rm $'/s/my \\'site\\'/\\u1112\\u1161\\u11ab.html'."
    )
  })
})
