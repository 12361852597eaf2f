import {
  checkEncoding,
  emptyNotes,
  MAX_COMPRESSED_SIZE,
  noteStorage,
  storageFor
} from '../../../src/plan/compress'
import { compressionWarnings, describeCompression } from '../../../src/plan/describe-compression'
import { parseRules } from '../../../src/plan/rules'

test('what compress and precompressed made of the source, and the warnings, naming the line', () => {
  const rules = parseRules('compress', '*.html: gzip\n*: gzip', checkEncoding)
  const notes = emptyNotes(3)
  const note = (relPath: string, type: string, size = 10, sibling?: 'gzip' | 'br') =>
    noteStorage(notes, relPath, type, storageFor(relPath, size, rules, sibling))
  note('index.html', 'text/html; charset=utf-8')
  note('a.png', 'image/png')
  note('f.woff2', 'font/woff2')
  note('app.js', 'text/javascript; charset=utf-8', 10, 'gzip')
  note('app.css', 'text/css; charset=utf-8', 10, 'br')
  for (let i = 0; i < 7; i++) note(`data${i}.json`, 'application/json', MAX_COMPRESSED_SIZE + 1)
  expect(describeCompression(notes)).toEqual([
    'Precompressed: 2 file(s) stored from a sibling (1 .gz, 1 .br); 3 sibling(s) not published on their own.',
    'compress: 3 file(s) stored compressed; each is compressed only when it is uploaded.'
  ])
  expect(compressionWarnings(notes)).toEqual([
    "Input 'compress' line 2 ('*: gzip') matches 2 file(s) of types that are already compressed (font/woff2, image/png): compressing them again saves next to nothing, and costs CPU on every upload and in every browser. Narrow the pattern (e.g. '*.{html,css,js,json,svg}: gzip'), or put a line 'PATTERN: identity' before it.",
    "Input 'compress': 7 file(s) above 16 MiB are stored as they are, uncompressed (only smaller files are compressed on upload): data0.json, data1.json, data2.json, data3.json, data4.json, … (7 in all). Compress them in the build and set precompressed: true, or exclude them with a line 'PATTERN: identity'."
  ])
})

test('nothing to say without compression', () => {
  expect([describeCompression(emptyNotes()), compressionWarnings(emptyNotes())]).toEqual([[], []])
})
