/**
 * A test of something that exists only on some OSes: run there, skipped (and listed as skipped)
 * elsewhere. CI runs the unit tests on Linux, Windows and macOS, and Linux runs every one.
 */
export const testOn = (...platforms: NodeJS.Platform[]) =>
  platforms.includes(process.platform) ? test : test.skip
