// Prints rows as a Markdown table (the first row is the header), so the output can be pasted.
export function printTable(rows) {
  const widths = rows[0].map((_, i) => Math.max(...rows.map(r => String(r[i]).length)))
  for (const [i, row] of rows.entries()) {
    console.log(`| ${row.map((c, j) => String(c).padEnd(widths[j])).join(' | ')} |`)
    if (i === 0) console.log(`|${widths.map(w => '-'.repeat(w + 2)).join('|')}|`)
  }
}
