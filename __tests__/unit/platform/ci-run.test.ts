import { ciRun, describeHolder } from '../../../src/platform/ci-run'

test('the run: GitHub run and attempt, else the GitLab job, else none', () => {
  expect(ciRun({ GITHUB_RUN_ID: '5', GITHUB_RUN_ATTEMPT: '2', GITHUB_ACTION: 'deploy' })).toEqual({
    id: '5',
    attempt: 'gh-5-2',
    step: 'deploy'
  })
  expect(ciRun({ GITHUB_RUN_ID: '5' }).attempt).toBe('gh-5-1')
  expect(ciRun({ CI_JOB_ID: '7' })).toEqual({ id: '7', attempt: 'gl-7', step: '' })
  expect(ciRun({})).toEqual({ id: undefined, attempt: undefined, step: '' })
})

test('the holder is named by its CI run or job URL when known', () => {
  expect(
    describeHolder(
      { GITHUB_RUN_ID: '42', GITHUB_REPOSITORY: 'o/site', GITHUB_RUN_ATTEMPT: '2' },
      'h',
      1
    )
  ).toBe('https://github.com/o/site/actions/runs/42 (attempt 2)')
  expect(describeHolder({ CI_JOB_URL: 'https://gitlab.com/g/s/-/jobs/7' }, 'h', 1)).toBe(
    'https://gitlab.com/g/s/-/jobs/7'
  )
  expect(describeHolder({}, 'runner-3', 99)).toBe('process 99 on runner-3')
})
