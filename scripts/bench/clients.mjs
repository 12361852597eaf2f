// The clients compared, each as the command that syncs a folder to a bucket and how to read how
// many files it uploaded from its output.
import * as path from 'node:path'
import { fileURLToPath } from 'node:url'
import { realCommand } from './machine.mjs'

const floorClient = path.join(path.dirname(fileURLToPath(import.meta.url)), 'floor-client.mjs')

/** In flight at once: the action's default, rclone's --transfers and the floor client's. */
export const IN_FLIGHT = 32

/**
 * @returns {Record<string, { label: string, firstOnly?: boolean,
 *   cmd: (dir: string, bucket: string, extra?: string[]) => [string, string[], NodeJS.ProcessEnv],
 *   uploads: (out: { stdout: string, stderr: string }) => number }>}
 */
export function clients({ dist, endpoint, env, baseEnv, creds, rclone }) {
  const aws = realCommand('aws')
  return {
    floor: {
      label: 'floor client',
      // It only uploads: a rebuild would upload everything again, which says nothing.
      firstOnly: true,
      cmd: (dir, bucket) => [
        process.execPath,
        [floorClient, endpoint, bucket, dir, String(IN_FLIGHT)],
        env
      ],
      uploads: out => Number(/^uploaded=(\d+)$/m.exec(out.stdout)?.[1] ?? NaN)
    },
    action: {
      label: 'this action',
      cmd: (dir, bucket, extra = []) => [
        process.execPath,
        [dist, '--source', dir, '--bucket', bucket, ...extra],
        env
      ],
      uploads: out => Number(/^uploaded=(\d+)$/m.exec(out.stdout)?.[1] ?? NaN)
    },
    aws: {
      label: 'aws s3 sync',
      cmd: (dir, bucket) => [aws, ['s3', 'sync', '--no-progress', dir, `s3://${bucket}`], env],
      uploads: out => (out.stdout.match(/^upload: /gm) ?? []).length
    },
    ...(rclone
      ? {
          rclone: {
            label: 'rclone --checksum',
            cmd: (dir, bucket) => [
              'rclone',
              [
                'sync',
                '--checksum',
                '--transfers',
                String(IN_FLIGHT),
                '-v',
                '--s3-no-check-bucket',
                dir,
                `:s3:${bucket}`
              ],
              {
                // rclone refuses to start while AWS_CA_BUNDLE is set.
                ...baseEnv,
                RCLONE_S3_PROVIDER: 'Other',
                RCLONE_S3_ENDPOINT: endpoint,
                RCLONE_S3_ACCESS_KEY_ID: creds.AWS_ACCESS_KEY_ID,
                RCLONE_S3_SECRET_ACCESS_KEY: creds.AWS_SECRET_ACCESS_KEY,
                RCLONE_S3_REGION: 'us-east-1',
                RCLONE_S3_FORCE_PATH_STYLE: 'true'
              }
            ],
            uploads: out => (out.stderr.match(/: Copied \(/g) ?? []).length
          }
        }
      : {})
  }
}
