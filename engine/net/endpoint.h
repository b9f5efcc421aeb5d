/* endpoint.h — which URL each AWS service is reached at, the way the AWS SDKs configure it.
 *
 * Data flow: engine/net/aws.c (pp_aws_client_init) and engine/net/creds.c (STS, the SSO
 * portal) ask pp_aws_endpoint_for for a base URL; nothing else builds an AWS host name.
 *
 * Precedence, first that is set wins (the SDKs' "service-specific endpoints"):
 *   1. an explicit override from the caller (`--endpoint-url`, a test's server);
 *   2. AWS_ENDPOINT_URL_<SERVICE> (the service id below: AWS_ENDPOINT_URL_CLOUDFORMATION…);
 *   3. AWS_ENDPOINT_URL;
 *   4. `endpoint_url` in the active profile of the config file;
 *   5. https://PREFIX.REGION.amazonaws.com (amazonaws.com.cn in the cn- regions).
 * AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true skips 2–4, as the SDKs do.
 * The signing region and service never change with the endpoint: a VPC endpoint or a local
 * test server answers for the region the caller signs for.
 */
#ifndef PP_ENDPOINT_H
#define PP_ENDPOINT_H

/* The services Parapet calls. Append-only (the values index a table in endpoint.c). */
typedef enum pp_aws_service {
    PP_SVC_STS = 0,
    PP_SVC_CLOUDFORMATION,
    PP_SVC_ECS,
    PP_SVC_LOGS,
    PP_SVC_CLOUDTRAIL,
    PP_SVC_BEDROCK_RUNTIME,
    PP_SVC_DYNAMODB,
    PP_SVC_SSO,
    PP_SVC_COUNT
} pp_aws_service;

/* Static description of a service; every string is a literal. */
typedef struct pp_aws_service_info {
    const char *env;        /* suffix of AWS_ENDPOINT_URL_<env>: "CLOUDWATCH_LOGS" */
    const char *prefix;     /* host prefix: "logs", "portal.sso" */
    const char *signing;    /* SigV4 service name: "logs", "bedrock"; NULL when unsigned */
    const char *name;       /* for messages: "CloudWatch Logs" */
} pp_aws_service_info;

/* The description of svc, or NULL for a value out of range. */
const pp_aws_service_info *pp_aws_service_get(pp_aws_service svc);

/* Base URL (no trailing '/') for svc in `region`. `override` (may be NULL) is step 1 above;
 * `profile_endpoint` (may be NULL) is step 4, the profile's endpoint_url as read by creds.c.
 * Returns a malloc'd string (caller frees), or NULL on NOMEM or when `region` is NULL and no
 * endpoint is configured. */
char *pp_aws_endpoint_for(pp_aws_service svc, const char *region, const char *override,
                          const char *profile_endpoint);

#endif
