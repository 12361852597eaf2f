import { readFileSync } from 'node:fs'
import * as path from 'node:path'
import { parse as parseHcl } from '@cdktf/hcl2json'
import { parse, type CollectionTag, type ScalarTag } from 'yaml'
import { RELEASE_ROUTER } from '../helpers/cloudfront-function'

/**
 * The one-time set-up of release mode, as CloudFormation and Terraform (examples/release-mode/),
 * checked offline: nothing here can reach AWS or download a Terraform provider. What is checked:
 * the files parse (YAML; HCL with HashiCorp's own parser, @cdktf/hcl2json), each resource's type and properties
 * against the documented ones (the tables below, from the CloudFormation resource reference and
 * the AWS provider's docs), that every reference names a declared resource and a documented
 * attribute, that the function is the one in edge/, is published, runs cloudfront-js-2.0 with the
 * store, on viewer requests of the default behaviour, and that the deploy policy grants the KVS and
 * S3 actions. What is not: property value types and AWS's own rules (names, quotas, a bucket name
 * taken), whether a stack deploys, and anything `terraform validate` would need the provider for.
 */
const DIR = path.resolve(__dirname, '../../examples/release-mode')
const routerCode = readFileSync(RELEASE_ROUTER, 'utf8')

const KVS_ACTIONS = [
  'cloudfront-keyvaluestore:DescribeKeyValueStore',
  'cloudfront-keyvaluestore:GetKey',
  'cloudfront-keyvaluestore:PutKey'
]
const S3_ACTIONS = ['s3:ListBucket', 's3:GetObject', 's3:PutObject', 's3:DeleteObject']

describe('CloudFormation', () => {
  /** The resource types used, as the CloudFormation template reference lists them. */
  const TYPES: Record<string, { required: string[]; optional: string[]; attributes: string[] }> = {
    // aws-resource-s3-bucket.html
    'AWS::S3::Bucket': {
      required: [],
      optional: [
        'AccelerateConfiguration',
        'AnalyticsConfigurations',
        'BucketEncryption',
        'BucketName',
        'CorsConfiguration',
        'IntelligentTieringConfigurations',
        'InventoryConfigurations',
        'LifecycleConfiguration',
        'LoggingConfiguration',
        'MetricsConfigurations',
        'NotificationConfiguration',
        'ObjectLockConfiguration',
        'ObjectLockEnabled',
        'OwnershipControls',
        'PublicAccessBlockConfiguration',
        'ReplicationConfiguration',
        'Tags',
        'VersioningConfiguration',
        'WebsiteConfiguration'
      ],
      attributes: ['Arn', 'DomainName', 'DualStackDomainName', 'RegionalDomainName', 'WebsiteURL']
    },
    // aws-resource-s3-bucketpolicy.html
    'AWS::S3::BucketPolicy': {
      required: ['Bucket', 'PolicyDocument'],
      optional: [],
      attributes: []
    },
    // aws-resource-cloudfront-originaccesscontrol.html
    'AWS::CloudFront::OriginAccessControl': {
      required: ['OriginAccessControlConfig'],
      optional: [],
      attributes: ['Id']
    },
    // aws-resource-cloudfront-keyvaluestore.html
    'AWS::CloudFront::KeyValueStore': {
      required: ['Name'],
      optional: ['Comment', 'ImportSource'],
      attributes: ['Arn', 'Id', 'Status']
    },
    // aws-resource-cloudfront-function.html
    'AWS::CloudFront::Function': {
      required: ['Name', 'FunctionCode', 'FunctionConfig'],
      optional: ['AutoPublish', 'FunctionMetadata'],
      attributes: ['FunctionARN', 'FunctionMetadata.FunctionARN', 'Stage']
    },
    // aws-resource-cloudfront-distribution.html
    'AWS::CloudFront::Distribution': {
      required: ['DistributionConfig'],
      optional: ['Tags'],
      attributes: ['DomainName', 'Id']
    },
    // aws-resource-iam-managedpolicy.html
    'AWS::IAM::ManagedPolicy': {
      required: ['PolicyDocument'],
      optional: ['Description', 'Groups', 'ManagedPolicyName', 'Path', 'Roles', 'Users'],
      attributes: ['PolicyArn']
    }
  }

  // CloudFormation's short forms, read as their long forms.
  const tags: (ScalarTag | CollectionTag)[] = [
    { tag: '!Ref', resolve: (v: string) => ({ Ref: v }) },
    { tag: '!GetAtt', resolve: (v: string) => ({ 'Fn::GetAtt': v.split(/\.(.*)/s).slice(0, 2) }) },
    { tag: '!Sub', resolve: (v: string) => ({ 'Fn::Sub': v }) }
  ]
  const template = parse(readFileSync(path.join(DIR, 'cloudformation.yaml'), 'utf8'), {
    customTags: tags
  }) as {
    Parameters: Record<string, unknown>
    Resources: Record<string, { Type: string; Properties: Record<string, any> }>
    Outputs: Record<string, { Value: unknown }>
  }
  const resources = template.Resources

  /** Every Ref, GetAtt and ${…} in a value. */
  const references = (value: unknown, out: { ref: string; attr?: string }[] = []) => {
    if (Array.isArray(value)) for (const v of value) references(v, out)
    else if (value && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) {
        if (k === 'Ref') out.push({ ref: String(v) })
        else if (k === 'Fn::GetAtt')
          out.push({ ref: (v as string[])[0] as string, attr: (v as string[])[1] })
        else if (k === 'Fn::Sub') {
          for (const m of String(v).matchAll(/\$\{([^}!]+)\}/g)) {
            const [ref, attr] = (m[1] as string).split(/\.(.*)/s)
            out.push({ ref: ref as string, ...(attr ? { attr } : {}) })
          }
        } else references(v, out)
      }
    }
    return out
  }

  test('each resource has a documented type, its required properties and no unknown one', () => {
    expect(Object.keys(resources).length).toBeGreaterThan(0)
    for (const [name, { Type, Properties }] of Object.entries(resources)) {
      const type = TYPES[Type]
      if (!type) throw new Error(`${name}: type ${Type} is not in the table of this test`)
      for (const p of type.required) expect([name, p, p in Properties]).toEqual([name, p, true])
      const known = new Set([...type.required, ...type.optional])
      expect([name, Object.keys(Properties).filter(p => !known.has(p))]).toEqual([name, []])
    }
  })

  test('every reference names a parameter, a resource and a documented attribute', () => {
    const all = references([resources, template.Outputs])
    expect(all.length).toBeGreaterThan(5)
    for (const { ref, attr } of all) {
      if (ref.startsWith('AWS::')) continue // pseudo parameters
      if (!attr && ref in template.Parameters) continue
      const resource = resources[ref]
      if (!resource) throw new Error(`reference to ${ref}, which is not declared`)
      if (attr)
        expect([ref, attr, TYPES[resource.Type]?.attributes]).toEqual([
          ref,
          attr,
          expect.arrayContaining([attr])
        ])
    }
  })

  test('the function is edge/release-router.js, published, on runtime 2.0, with the store', () => {
    const fn = resources.ReleaseRouter?.Properties as Record<string, any>
    expect(fn.FunctionCode.trimEnd()).toBe(routerCode.trimEnd())
    expect(fn.AutoPublish).toBe(true)
    expect(fn.FunctionConfig).toEqual({
      Comment: expect.any(String),
      Runtime: 'cloudfront-js-2.0',
      KeyValueStoreAssociations: [{ KeyValueStoreARN: { 'Fn::GetAtt': ['Releases', 'Arn'] } }]
    })
    expect(resources.Releases?.Type).toBe('AWS::CloudFront::KeyValueStore')
  })

  test("it runs on viewer requests of the distribution's default behaviour", () => {
    const config = resources.Distribution?.Properties.DistributionConfig
    expect(config.Enabled).toBe(true)
    const behaviour = config.DefaultCacheBehavior
    expect(behaviour).toEqual(
      expect.objectContaining({ TargetOriginId: 'site', ViewerProtocolPolicy: expect.any(String) })
    )
    expect(behaviour.FunctionAssociations).toEqual([
      {
        EventType: 'viewer-request',
        FunctionARN: { 'Fn::GetAtt': ['ReleaseRouter', 'FunctionARN'] }
      }
    ])
    expect(config.Origins.map((o: { Id: string }) => o.Id)).toContain('site')
    const oac = resources.OriginAccess?.Properties.OriginAccessControlConfig
    expect(oac).toEqual(
      expect.objectContaining({
        OriginAccessControlOriginType: 's3',
        SigningBehavior: 'always',
        SigningProtocol: 'sigv4'
      })
    )
  })

  test('the deploy policy grants the KVS actions on the store and the S3 ones on the bucket', () => {
    const statements = resources.DeployPolicy?.Properties.PolicyDocument.Statement as {
      Action: string | string[]
      Resource: unknown
    }[]
    const actions = statements.flatMap(s => [s.Action].flat())
    expect(actions).toEqual(expect.arrayContaining([...KVS_ACTIONS, ...S3_ACTIONS]))
    const kvs = statements.find(s => [s.Action].flat().includes(KVS_ACTIONS[0] as string))
    expect(kvs?.Resource).toEqual({ 'Fn::GetAtt': ['Releases', 'Arn'] })
  })
})

describe('Terraform', () => {
  const file = path.join(DIR, 'main.tf')
  const source = readFileSync(file, 'utf8')

  /**
   * The resources of an HCL file with their top-level argument and block names: enough to compare
   * with the provider's documentation. Strings and comments are skipped; heredocs are not used.
   */
  function hclResources(
    text: string
  ): Map<string, { args: Set<string>; blocks: Set<string>; body: string }> {
    expect(text).not.toContain('<<')
    const out = new Map<string, { args: Set<string>; blocks: Set<string>; body: string }>()
    let depth = 0
    let current: { args: Set<string>; blocks: Set<string>; body: string } | undefined
    for (const raw of text.split('\n')) {
      const line = raw.replace(/"(?:[^"\\]|\\.)*"/g, '""').replace(/\s*(#|\/\/).*$/, '')
      const header = /^resource "" ""/.test(line)
        ? raw.match(/^resource "([^"]+)" "([^"]+)"/)
        : null
      if (depth === 0 && header) {
        current = { args: new Set(), blocks: new Set(), body: '' }
        out.set(`${header[1]}.${header[2]}`, current)
      } else if (depth === 1 && current) {
        const arg = line.match(/^\s*([a-z_0-9]+)\s*=/)
        const block = line.match(/^\s*([a-z_0-9]+)\s*\{/)
        if (arg) current.args.add(arg[1] as string)
        else if (block) current.blocks.add(block[1] as string)
      }
      if (current && depth >= 1) current.body += `${raw}\n`
      for (const ch of line)
        depth +=
          ch === '{' || ch === '[' || ch === '('
            ? 1
            : ch === '}' || ch === ']' || ch === ')'
              ? -1
              : 0
      if (depth === 0) current = undefined
    }
    expect(depth).toBe(0)
    return out
  }

  /** The AWS provider's documented arguments, blocks and attributes of the resources used. */
  const DOCS: Record<string, { required: string[]; optional: string[]; attributes: string[] }> = {
    aws_s3_bucket: {
      required: [],
      optional: ['bucket', 'bucket_prefix', 'force_destroy', 'object_lock_enabled', 'tags'],
      attributes: [
        'id',
        'arn',
        'bucket',
        'bucket_domain_name',
        'bucket_regional_domain_name',
        'region'
      ]
    },
    aws_s3_bucket_public_access_block: {
      required: ['bucket'],
      optional: [
        'block_public_acls',
        'block_public_policy',
        'ignore_public_acls',
        'restrict_public_buckets'
      ],
      attributes: ['id']
    },
    aws_cloudfront_origin_access_control: {
      required: [
        'name',
        'origin_access_control_origin_type',
        'signing_behavior',
        'signing_protocol'
      ],
      optional: ['description'],
      attributes: ['id', 'etag', 'arn']
    },
    aws_cloudfront_key_value_store: {
      required: ['name'],
      optional: ['comment', 'timeouts'],
      attributes: ['arn', 'id', 'etag', 'last_modified_time']
    },
    aws_cloudfront_function: {
      required: ['name', 'runtime', 'code'],
      optional: ['comment', 'publish', 'key_value_store_associations'],
      attributes: ['arn', 'etag', 'live_stage_etag', 'status']
    },
    aws_cloudfront_distribution: {
      required: [
        'enabled',
        'origin',
        'default_cache_behavior',
        'restrictions',
        'viewer_certificate'
      ],
      optional: [
        'aliases',
        'comment',
        'custom_error_response',
        'default_root_object',
        'http_version',
        'is_ipv6_enabled',
        'logging_config',
        'ordered_cache_behavior',
        'origin_group',
        'price_class',
        'retain_on_delete',
        'staging',
        'tags',
        'wait_for_deployment',
        'web_acl_id'
      ],
      attributes: ['id', 'arn', 'domain_name', 'etag', 'hosted_zone_id', 'status']
    },
    aws_s3_bucket_policy: { required: ['bucket', 'policy'], optional: [], attributes: ['id'] },
    aws_iam_policy: {
      required: ['policy'],
      optional: ['name', 'name_prefix', 'description', 'path', 'tags'],
      attributes: ['arn', 'id', 'name', 'policy_id']
    }
  }
  const resources = hclResources(source)

  test("HCL's own parser reads it, and finds the resources the checks below look at", async () => {
    const parsed = (await parseHcl('main.tf', source)) as { resource: Record<string, object> }
    const declared = Object.entries(parsed.resource).flatMap(([type, byName]) =>
      Object.keys(byName).map(name => `${type}.${name}`)
    )
    expect(declared.sort()).toEqual([...resources.keys()].sort())
  })

  test('the parser refuses what does not parse: the check can fail', async () => {
    await expect(
      parseHcl('bad.tf', 'resource "aws_s3_bucket" "site" {\n  bucket = \n')
    ).rejects.toThrow(/Invalid expression/)
  })

  test('each resource has a documented type, its required arguments and no unknown one', () => {
    expect(resources.size).toBe(8)
    for (const [name, { args, blocks }] of resources) {
      const type = DOCS[name.split('.')[0] as string]
      if (!type) throw new Error(`${name}: not in the table of this test`)
      const present = new Set([...args, ...blocks])
      for (const r of type.required) expect([name, r, present.has(r)]).toEqual([name, r, true])
      const known = new Set([...type.required, ...type.optional])
      expect([name, [...present].filter(p => !known.has(p))]).toEqual([name, []])
    }
  })

  test('every reference names a declared resource and a documented attribute', () => {
    const refs = [...source.matchAll(/\b(aws_[a-z0-9_]+)\.([a-z0-9_]+)\.([a-z0-9_]+)/g)]
    expect(refs.length).toBeGreaterThan(10)
    for (const [, type, name, attr] of refs) {
      expect([`${type}.${name}`, resources.has(`${type}.${name}`)]).toEqual([
        `${type}.${name}`,
        true
      ])
      expect([attr, DOCS[type as string]?.attributes]).toEqual([
        attr,
        expect.arrayContaining([attr])
      ])
    }
  })

  test('the function is edge/release-router.js, published, on runtime 2.0, with the store, on viewer requests', () => {
    const fn = resources.get('aws_cloudfront_function.release_router')?.body ?? ''
    expect(fn).toMatch(/runtime\s+= "cloudfront-js-2\.0"/)
    expect(fn).toMatch(/publish\s+= true/)
    expect(fn).toMatch(
      /key_value_store_associations = \[aws_cloudfront_key_value_store\.releases\.arn\]/
    )
    const codePath = fn.match(/"\$\{path\.module\}\/([^"]+)"/)?.[1] as string
    expect(readFileSync(path.join(DIR, codePath), 'utf8')).toBe(routerCode)
    const distribution = resources.get('aws_cloudfront_distribution.site')?.body ?? ''
    const behaviour = distribution.slice(distribution.indexOf('default_cache_behavior'))
    expect(behaviour).toMatch(
      /function_association \{\s+event_type\s+= "viewer-request"\s+function_arn = aws_cloudfront_function\.release_router\.arn/
    )
  })

  test('the deploy policy grants the KVS actions on the store and the S3 ones on the bucket', () => {
    const policy = resources.get('aws_iam_policy.deploy')?.body ?? ''
    for (const action of [...KVS_ACTIONS, ...S3_ACTIONS]) expect(policy).toContain(`"${action}"`)
    expect(policy).toMatch(
      /cloudfront-keyvaluestore:PutKey",\s+\]\s+Resource = aws_cloudfront_key_value_store\.releases\.arn/
    )
  })
})
