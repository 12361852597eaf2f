// s3-cloudfront-deploy release router: a CloudFront Function (runtime cloudfront-js-2.0) for the
// viewer-request event. It serves each site's live release from `<site>/_releases/<id>/`, the id
// read from the KeyValueStore associated with the function. See docs/release-mode.md.
//
// The KeyValueStore holds one key per site: the site's path as viewers request it, between
// slashes (`/` for a site at the root of the distribution, `/pr-7/` for one under a prefix), and
// as value the id of its live release. One function and one store can so serve several sites of a
// bucket; the distribution's origin path is never seen here, so keys leave it out too.
//
// Viewer-request functions run before CloudFront looks in its cache, so the rewritten URI is what
// the cache key is made of: each release has cache entries of its own, and switching the live
// release needs no invalidation.
// https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/function-code-choose-purpose.html
//
// Limits this file keeps to (checked by __tests__/unit/release-router.test.ts):
// - 10 KB of code, comments included (Quotas on CloudFront Functions, cloudfront-limits.html).
// - Runtime 2.0 language: ES 5.1 plus const, let, async/await (await only inside an async
//   function; async arguments and closures are not supported), template literals, arrow
//   functions, rest parameters, `**`. No spread, destructuring, classes, optional chaining,
//   `??`, for-of; no eval, Function, timers, network or file access. Code runs in strict mode.
//   https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/functions-javascript-runtime-20.html
// - KVS helper: `import cf from 'cloudfront'` in the first lines; kvs.get() rejects when the key
//   does not exist. Await reads one by one: Promise combinators only cost memory.
//   https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/functions-custom-methods.html
import cf from 'cloudfront'

const kvs = cf.kvs()

const RELEASES = '_releases'

// The action's state object and its lease (the default `manifest-key`): never to be served. A
// site deployed with another `manifest-key` adds its name here.
const HIDDEN = ['.s3-cloudfront-deploy.json', '.s3-cloudfront-deploy.lock']

// How many folders deep a site may sit (`/review/my-branch/`). Each level is one KVS read for a
// request that goes that deep, so this stays small. src/plan/release-route.ts checks the same.
const MAX_SITE_DEPTH = 2

// What the deploy writes as a release id (src/plan/release-route.ts): anything else is ignored
// rather than pasted into a path.
const RELEASE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/

async function handler(event) {
  const request = event.request
  if (isHidden(request.uri)) {
    return { statusCode: 404, statusDescription: 'Not Found' }
  }
  const path = withIndex(request.uri)
  const sites = sitesOf(path)
  // The deepest site wins: `/pr-7/` has a release of its own even when `/` has one too.
  for (let i = 0; i < sites.length; i++) {
    let release
    try {
      release = await kvs.get(sites[i])
    } catch (e) {
      continue // no such key: no site at this depth
    }
    if (RELEASE_ID.test(release)) {
      request.uri = sites[i] + RELEASES + '/' + release + '/' + path.slice(sites[i].length)
    }
    return request
  }
  // No live release (a site not deployed in release mode yet): served as it is.
  return request
}

// The state object, its lease and releases asked for directly. S3 decodes the path, so the
// check does too: `/%2Es3-cloudfront-deploy.json` is the same object.
function isHidden(uri) {
  let path = uri
  try {
    path = decodeURIComponent(uri)
  } catch (e) {
    // Malformed escapes: S3 refuses such a key anyway.
  }
  const segments = path.split('/')
  return segments.indexOf(RELEASES) !== -1 || HIDDEN.indexOf(segments[segments.length - 1]) !== -1
}

// `/dir/` and `/dir` are `/dir/index.html`: an S3 REST origin has no index documents. A last
// segment with a dot is a file and left alone.
function withIndex(uri) {
  if (uri.charAt(uri.length - 1) === '/') return uri + 'index.html'
  const last = uri.slice(uri.lastIndexOf('/') + 1)
  return last.indexOf('.') === -1 ? uri + '/index.html' : uri
}

// The folders a site could sit at, deepest first: `/a/b/c.html` → `/a/b/`, `/a/`, `/`.
function sitesOf(path) {
  const parts = path.split('/')
  const sites = []
  for (let depth = Math.min(parts.length - 2, MAX_SITE_DEPTH); depth >= 0; depth--) {
    sites.push(parts.slice(0, depth + 1).join('/') + '/')
  }
  return sites
}
