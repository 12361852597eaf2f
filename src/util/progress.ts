import { formatBytes, formatCount } from '../plan/format'

/** Every this often, a long phase prints how far it is: never a line per file. */
export const PROGRESS_INTERVAL_MS = 10_000

export interface Progress {
  add(bytes: number): void
  stop(): void
}

/** Prints `label: 1,234/10,000 files, 45.2 MiB/310 MiB (14%)` at an interval until stopped. */
export function startProgress(
  label: string,
  totalFiles: number,
  totalBytes: number,
  print: (line: string) => void,
  intervalMs = PROGRESS_INTERVAL_MS
): Progress {
  let files = 0
  let bytes = 0
  const timer = setInterval(() => {
    if (files >= totalFiles) return
    const share = totalBytes > 0 ? bytes / totalBytes : files / totalFiles
    print(
      `${label}: ${formatCount(files)}/${formatCount(totalFiles)} files, ${formatBytes(bytes)}/${formatBytes(totalBytes)} (${Math.floor(share * 100)}%)`
    )
  }, intervalMs)
  timer.unref()
  return {
    add(b) {
      files++
      bytes += b
    },
    stop: () => clearInterval(timer)
  }
}
