import { prefixWildcard, siteUrl } from '../../../src/plan/url'

test('the url: the first alias that names one host, else the cloudfront.net domain', () => {
  const domain = 'd111111abcdef8.cloudfront.net'
  expect(siteUrl([], domain, 'pr-7/', '')).toBe(`https://${domain}/pr-7/`)
  expect(siteUrl([], domain, '', '')).toBe(`https://${domain}/`)
  expect(siteUrl(['*.example.com', 'preview.example.com'], domain, 'pr-7/', '')).toBe(
    'https://preview.example.com/pr-7/'
  )
  expect(siteUrl(['*.example.com'], domain, '', '')).toBe(`https://${domain}/`)
  expect(siteUrl([], '', 'pr-7/', '')).toBe('')
})

test('the url leaves out the origin path, as viewers never see it, and encodes the prefix', () => {
  const domain = 'd1.cloudfront.net'
  expect(siteUrl([], domain, 'site/v2/', 'site/')).toBe(`https://${domain}/v2/`)
  expect(siteUrl([], domain, 'my docs/café/', '')).toBe(`https://${domain}/my%20docs/caf%C3%A9/`)
})

test('a removed prefix is invalidated with one wildcard, as viewers request it', () => {
  expect(prefixWildcard('pr-7/', '')).toBe('/pr-7/*')
  expect(prefixWildcard('site/pr-7/', 'site/')).toBe('/pr-7/*')
  expect(prefixWildcard('my docs/', '')).toBe('/my%20docs/*')
})
