# Release mode, the one-time set-up (docs/release-mode.md): a private bucket served by CloudFront
# through origin access control, the KeyValueStore that names each site's live release, the
# release router (edge/release-router.js) published and run on viewer requests of the default
# behaviour, and the policy the deploy role needs. __tests__/unit/release-setup.test.ts checks
# this file (terraform fmt, and its resources against the provider's documented arguments).
#
#   terraform init && terraform apply -var bucket_name=my-site-bucket
#
# Then attach the deploy_policy_arn output to the role your CI assumes, and deploy with release
# mode (the key_value_store_arn output names the store).

terraform {
  required_version = ">= 1.5"
  required_providers {
    aws = {
      source = "hashicorp/aws"
      # aws_cloudfront_key_value_store came in 5.37, the function's key_value_store_associations
      # later (hashicorp/terraform-provider-aws#36048); every 6.x release has both.
      version = ">= 6.0"
    }
  }
}

variable "bucket_name" {
  type        = string
  description = "The bucket the site is deployed to (created here)."
}

variable "name" {
  type        = string
  default     = "my-site"
  description = "Names the KeyValueStore, the function and the origin access control."
}

variable "prefix" {
  type        = string
  default     = ""
  description = "The deploy's prefix ('' or a folder ending in /), to narrow the deploy policy."
}

variable "router_file" {
  type        = string
  default     = null
  description = "The release router; from npm: node_modules/s3-cloudfront-deploy/edge/release-router.js."
}

resource "aws_s3_bucket" "site" {
  bucket = var.bucket_name
}

resource "aws_s3_bucket_public_access_block" "site" {
  bucket                  = aws_s3_bucket.site.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_cloudfront_origin_access_control" "site" {
  name                              = "${var.name}-site"
  origin_access_control_origin_type = "s3"
  signing_behavior                  = "always"
  signing_protocol                  = "sigv4"
}

# One key per site: its path as viewers request it ("/", "/pr-7/"); the value is the id of its
# live release. The deploy writes it; Terraform does not manage the keys.
resource "aws_cloudfront_key_value_store" "releases" {
  name    = "${var.name}-releases"
  comment = "Live release of each site, written by s3-cloudfront-deploy"
}

resource "aws_cloudfront_function" "release_router" {
  name                         = "${var.name}-release-router"
  runtime                      = "cloudfront-js-2.0"
  comment                      = "Serves each site's live release (s3-cloudfront-deploy)"
  publish                      = true
  code                         = file(coalesce(var.router_file, "${path.module}/../../edge/release-router.js"))
  key_value_store_associations = [aws_cloudfront_key_value_store.releases.arn]
}

resource "aws_cloudfront_distribution" "site" {
  enabled      = true
  comment      = "${var.name} (release mode)"
  http_version = "http2and3"

  origin {
    origin_id                = "site"
    domain_name              = aws_s3_bucket.site.bucket_regional_domain_name
    origin_access_control_id = aws_cloudfront_origin_access_control.site.id
  }

  default_cache_behavior {
    target_origin_id       = "site"
    viewer_protocol_policy = "redirect-to-https"
    allowed_methods        = ["GET", "HEAD"]
    cached_methods         = ["GET", "HEAD"]
    compress               = true
    # Managed policy CachingOptimized: the cache key is the URI the function returned.
    cache_policy_id = "658327ea-f89d-4fab-a63d-7e88639e58f6"

    function_association {
      event_type   = "viewer-request"
      function_arn = aws_cloudfront_function.release_router.arn
    }
  }

  restrictions {
    geo_restriction {
      restriction_type = "none"
    }
  }

  viewer_certificate {
    cloudfront_default_certificate = true
  }
}

resource "aws_s3_bucket_policy" "site" {
  bucket = aws_s3_bucket.site.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "CloudFrontReads"
      Effect    = "Allow"
      Principal = { Service = "cloudfront.amazonaws.com" }
      Action    = "s3:GetObject"
      Resource  = "${aws_s3_bucket.site.arn}/*"
      Condition = { StringEquals = { "AWS:SourceArn" = aws_cloudfront_distribution.site.arn } }
    }]
  })
}

# What the deploy role needs in release mode: the bucket (the release's files are uploaded or
# copied server-side, old releases deleted), the distribution (read, and invalidations outside
# release mode), and the KeyValueStore's data plane: read the ETag, read a key, switch it.
resource "aws_iam_policy" "deploy" {
  name        = "${var.name}-deploy"
  description = "s3-cloudfront-deploy in release mode"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "ListTheBucket"
        Effect   = "Allow"
        Action   = "s3:ListBucket"
        Resource = aws_s3_bucket.site.arn
      },
      {
        Sid      = "WriteTheSite"
        Effect   = "Allow"
        Action   = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]
        Resource = "${aws_s3_bucket.site.arn}/${var.prefix}*"
      },
      {
        Sid      = "ReadTheDistribution"
        Effect   = "Allow"
        Action   = ["cloudfront:GetDistribution", "cloudfront:CreateInvalidation", "cloudfront:GetInvalidation"]
        Resource = aws_cloudfront_distribution.site.arn
      },
      {
        Sid    = "SwitchTheLiveRelease"
        Effect = "Allow"
        Action = [
          "cloudfront-keyvaluestore:DescribeKeyValueStore",
          "cloudfront-keyvaluestore:GetKey",
          "cloudfront-keyvaluestore:PutKey",
        ]
        Resource = aws_cloudfront_key_value_store.releases.arn
      },
    ]
  })
}

output "distribution_id" {
  value = aws_cloudfront_distribution.site.id
}

output "distribution_domain_name" {
  value = aws_cloudfront_distribution.site.domain_name
}

output "key_value_store_arn" {
  value = aws_cloudfront_key_value_store.releases.arn
}

output "deploy_policy_arn" {
  value = aws_iam_policy.deploy.arn
}
