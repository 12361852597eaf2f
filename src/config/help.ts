import { INPUT_SPECS, OUTPUTS, plainText } from './inputs'
import { FALSE_WORDS, TRUE_WORDS } from './choices'

/** `--help`: every flag from the inputs table, with its default. */
export function helpText(): string {
  const flags = INPUT_SPECS.map(spec => {
    const value = spec.kind === 'boolean' ? '[true|false]' : `<${spec.placeholder ?? 'VALUE'}>`
    const def = spec.required ? ' (required)' : spec.default ? ` (default: ${spec.default})` : ''
    return [`  --${spec.name} ${value}`, `      ${plainText(spec.description)}${def}`]
  }).flat()
  return [
    'Sync a static site to S3 by content hash and invalidate CloudFront.',
    '',
    'Usage: node dist/index.js --bucket <NAME> [--source <DIR>] [--distribution-id <ID>] [flags]',
    '',
    'Flags (each also read from INPUT_<NAME>, e.g. INPUT_DISTRIBUTION_ID or INPUT_DISTRIBUTION-ID):',
    ...flags,
    '  -h, --help',
    '      Show this help.',
    '  --version',
    '      Show the version.',
    '',
    booleanWords(),
    '',
    'Outputs (GitHub step outputs; with --outputs-file, a dotenv file with NAME_IN_CAPITALS=value):',
    ...OUTPUTS.map(o => `  ${o.name}: ${plainText(o.description)}`),
    '',
    'Credentials, region and endpoints come from the AWS SDK chain (AWS_ACCESS_KEY_ID, AWS_PROFILE,',
    'AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL_CLOUDFRONT, ...).',
    ''
  ].join('\n')
}

/** `Booleans accept true/false (also yes/no, …), in any case.`: every word parseBoolean takes. */
export function booleanWords(): string {
  const pairs = TRUE_WORDS.map((word, i) => `${word}/${FALSE_WORDS[i]}`)
  return `Booleans accept ${pairs[0]} (also ${pairs.slice(1).join(', ')}), in any case; with a flag, --name alone is true and --no-name false.`
}
