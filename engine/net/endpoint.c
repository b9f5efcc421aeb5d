/* endpoint.c — service endpoints from the caller, the environment or the profile
 * (see endpoint.h). */
#include "engine/net/endpoint.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "engine/base/util.h"

static const pp_aws_service_info SERVICES[PP_SVC_COUNT] = {
    [PP_SVC_STS] = { "STS", "sts", "sts", "STS" },
    [PP_SVC_CLOUDFORMATION] = { "CLOUDFORMATION", "cloudformation", "cloudformation",
                                "CloudFormation" },
    [PP_SVC_ECS] = { "ECS", "ecs", "ecs", "ECS" },
    [PP_SVC_LOGS] = { "CLOUDWATCH_LOGS", "logs", "logs", "CloudWatch Logs" },
    [PP_SVC_CLOUDTRAIL] = { "CLOUDTRAIL", "cloudtrail", "cloudtrail", "CloudTrail" },
    [PP_SVC_BEDROCK_RUNTIME] = { "BEDROCK_RUNTIME", "bedrock-runtime", "bedrock", "Bedrock" },
    [PP_SVC_DYNAMODB] = { "DYNAMODB", "dynamodb", "dynamodb", "DynamoDB" },
    [PP_SVC_SSO] = { "SSO", "portal.sso", NULL, "IAM Identity Center portal" },
};

const pp_aws_service_info *pp_aws_service_get(pp_aws_service svc)
{
    return (unsigned)svc < PP_SVC_COUNT ? &SERVICES[svc] : NULL;
}

static char *trimmed(const char *u)
{
    size_t n = strlen(u);
    while (n && u[n - 1] == '/')
        n--;
    return pp_asprintf("%.*s", (int)n, u);
}

static int env_true(const char *name)
{
    const char *v = getenv(name);
    return v && strcasecmp(v, "true") == 0;
}

char *pp_aws_endpoint_for(pp_aws_service svc, const char *region, const char *override,
                          const char *profile_endpoint)
{
    const pp_aws_service_info *si = pp_aws_service_get(svc);
    if (!si)
        return NULL;
    if (override && *override)
        return trimmed(override);
    if (!env_true("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS")) {
        char name[64];
        size_t n = strlen("AWS_ENDPOINT_URL_");
        memcpy(name, "AWS_ENDPOINT_URL_", n);
        memcpy(name + n, si->env, strlen(si->env) + 1);
        const char *v = getenv(name);
        if (!v || !*v)
            v = getenv("AWS_ENDPOINT_URL");
        if (!v || !*v)
            v = profile_endpoint;
        if (v && *v)
            return trimmed(v);
    }
    if (!region || !*region)
        return NULL;
    const char *dns = strncmp(region, "cn-", 3) == 0 ? "amazonaws.com.cn" : "amazonaws.com";
    return pp_asprintf("https://%s.%s.%s", si->prefix, region, dns);
}
