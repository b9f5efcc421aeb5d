/* test_anatomy.c — advisor/anatomy.c and anatomy_guide.c: each grammar on real failure
 * messages (the open corpus, kb/ examples, public issues), truncated CDK output, console line
 * wrapping, malformed and cut inputs (fields absent, no crash, no read past the buffer), the
 * limits, and the guidance built from the fields (exact names, shell-quoted commands). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "tests/unit/str_cases.h"
#include "advisor/anatomy.h"
#include "advisor/explain.h"
#include "engine/base/util.h"

/* Decodes s from an exact-size copy (no NUL after it), so ASan sees any read past the end. */
static void decode(const char *s, pp_anatomy *a)
{
    size_t n = strlen(s);
    char *copy = malloc(n ? n : 1);
    assert_non_null(copy);
    memcpy(copy, s, n);
    assert_int_equal(pp_anatomy_decode(copy, n, a), PP_OK);
    free(copy);
}

#define STR(got, want) do { \
        assert_non_null(got); \
        assert_string_equal(got, want); \
    } while (0)

/* ---- the handler wrapper ------------------------------------------------------------------- */

static void test_wrapper_complete(void **state)
{
    (void)state;
    pp_anatomy a;
    /* corpus F011 (aws-samples ECR) */
    decode("Resource handler returned message: \"Resource of type 'AWS::ECR::Repository' with "
           "identifier 'hello-world-app' already exists.\" (RequestToken: "
           "ae022db4-58c1-42e0-ec16-625e45af53e7, HandlerErrorCode: AlreadyExists)", &a);
    assert_true(a.wrapped);
    assert_false(a.truncated);
    STR(a.inner, "Resource of type 'AWS::ECR::Repository' with identifier 'hello-world-app' "
                 "already exists.");
    STR(a.handler_error_code, "AlreadyExists");
    STR(a.request_token, "ae022db4-58c1-42e0-ec16-625e45af53e7");
    assert_int_equal(a.kind, PP_AN_ALREADY_EXISTS);
    STR(a.subject, "hello-world-app");
    pp_anatomy_free(&a);
}

static void test_wrapper_line_wrapped_token(void **state)
{
    (void)state;
    pp_anatomy a;
    /* corpus F044: the console wrapped the request token in the middle */
    decode("Resource handler returned message: \"The request must contain the parameter groupName "
           "or groupId (Service: Ec2, Status Code: 400, Request ID: "
           "81e23880-5afb-4181-b5e6-0872a7462303)\" (RequestToken: abad1921\n"
           "-95ee-3f14-c65c-89764b402f19, HandlerErrorCode: InvalidRequest)", &a);
    STR(a.request_token, "abad1921-95ee-3f14-c65c-89764b402f19");
    STR(a.handler_error_code, "InvalidRequest");
    STR(a.service, "Ec2");
    STR(a.status_code, "400");
    STR(a.request_id, "81e23880-5afb-4181-b5e6-0872a7462303");
    STR(a.detail, "The request must contain the parameter groupName or groupId");
    assert_false(a.truncated);
    pp_anatomy_free(&a);
}

static void test_wrapper_truncated_cdk(void **state)
{
    (void)state;
    pp_anatomy a;
    /* corpus F066: CDK cut the event inside the suffix; the CPU value is wrapped too */
    decode("Resource handler returned message: \"Invalid request provided: Create TaskDefinition: "
           "No Fargate configuration exists for given values: 512 CPU\n, 512 memory. See the "
           "Amazon ECS documentation for the valid values. (Service: AmazonECS; Status Code: 400; "
           "Error Code: ClientException; Reque", &a);
    assert_true(a.wrapped);
    assert_true(a.truncated);
    assert_null(a.request_token);
    assert_null(a.handler_error_code);
    STR(a.service, "AmazonECS");
    STR(a.error_code, "ClientException");
    assert_null(a.request_id);
    assert_non_null(strstr(a.inner, "given values: 512 CPU, 512 memory."));
    pp_anatomy_free(&a);

    /* corpus F074: the handler error code itself is cut */
    decode("Resource handler returned message: \"The runtime parameter of nodejs12.x is no longer "
           "supported for creating or updating AWS Lambda functions. We recommend you use the new "
           "runtime (nodejs18.x) while creating or updating functions. (Service: Lambda, Status "
           "Code: 400, Request ID: 3f67c4fd-2a0d-4dec-83ce-50108668c80d)\" (RequestToken: "
           "559bc6ca-92a7-300f-7825-7195acd152c0, HandlerErrorCode: InvalidReque", &a);
    assert_true(a.truncated);
    STR(a.handler_error_code, "InvalidReque");
    STR(a.service, "Lambda");
    STR(a.request_token, "559bc6ca-92a7-300f-7825-7195acd152c0");
    pp_anatomy_free(&a);

    /* corpus F015 cut inside "(RequestToken": the partial tail is not part of the message */
    decode("Resource handler returned message: \"The maximum number of addresses has been reached. "
           "(Service: Ec2, Status Code: 400, Request ID: 6b8cf3d3-1afc-40de-91d7-4ac4c55bfc32)\" "
           "(RequestTo", &a);
    assert_true(a.truncated);
    assert_null(a.request_token);
    assert_null(strstr(a.inner, "RequestTo"));
    assert_int_equal(a.kind, PP_AN_LIMIT);
    STR(a.subject, "addresses");
    pp_anatomy_free(&a);
}

static void test_wrapper_quotes_inside(void **state)
{
    (void)state;
    pp_anatomy a;
    /* a public issue (S3 bucket, GitHub Actions): the inner message quotes the resource and
     * carries an SDK v2 suffix and an attempt count */
    decode("Resource handler returned message: \"User: arn:aws:iam::656260749296:user/stashbox-"
           "github-actions-dev is not authorized to perform: s3:PutEncryptionConfiguration on "
           "resource: \"arn:aws:s3:::stashbox-radio-video-factory-dev-656260749296-us-east-1\" "
           "because no identity-based policy allows the s3:PutEncryptionConfiguration action "
           "(Service: S3, Status Code: 403, Request ID: 4HENH8D6S4968N7K, Extended Request ID: "
           "4pZ144YtS+Lt2boSLp9AZNhvKhFJJ+0/IkPIMkCa58KkUJh+qVLs1hY/y5ooJ23WcbvUmGW1e4Y=) (SDK "
           "Attempt Count: 1)\" (RequestToken: f5cc0728-bb0d-8d56-d79a-416fd9e506e9, "
           "HandlerErrorCode: GeneralServiceException)", &a);
    assert_false(a.truncated);
    STR(a.handler_error_code, "GeneralServiceException");
    STR(a.service, "S3");
    STR(a.status_code, "403");
    STR(a.request_id, "4HENH8D6S4968N7K");
    assert_int_equal(a.kind, PP_AN_NOT_AUTHORIZED);
    STR(a.principal, "arn:aws:iam::656260749296:user/stashbox-github-actions-dev");
    STR(a.action, "s3:PutEncryptionConfiguration");
    STR(a.resource, "arn:aws:s3:::stashbox-radio-video-factory-dev-656260749296-us-east-1");
    assert_int_equal(a.reason, PP_AN_NO_IDENTITY_POLICY);
    pp_anatomy_free(&a);
}

/* ---- the service suffix -------------------------------------------------------------------- */

static void test_suffix_styles(void **state)
{
    (void)state;
    pp_anatomy a;
    /* corpus F088: semicolons, S3 Extended Request ID, Proxy */
    decode("The bucket you tried to delete is not empty (Service: Amazon S3; Status Code: 409; "
           "Error Code: BucketNotEmpty; Request ID: EPFPPXD4MC1EMGMR; S3 Extended Request ID: "
           "lXlm2mDYSA/vrEo34MdNIwsWUn3ax16ZAeFzjDYC/5g3B0eUlN3sl5jZKZcEfMASYw98GB5ANbQ=; Proxy: "
           "null)", &a);
    STR(a.service, "Amazon S3");
    STR(a.status_code, "409");
    STR(a.error_code, "BucketNotEmpty");
    STR(a.request_id, "EPFPPXD4MC1EMGMR");
    STR(a.detail, "The bucket you tried to delete is not empty");
    assert_false(a.wrapped);
    pp_anatomy_free(&a);

    /* corpus F048: AmazonEC2 with an error code */
    decode("Invalid id: \"dev-topsecretproject-service-blue-zia\" (expecting \"sg-...\") (Service: "
           "AmazonEC2; Status Code: 400; Error Code: InvalidGroupId.Malformed; Request ID: "
           "14c8503f-f14e-4671-83bf-ed7dab94219f; Proxy: null)", &a);
    STR(a.service, "AmazonEC2");
    STR(a.error_code, "InvalidGroupId.Malformed");
    STR(a.request_id, "14c8503f-f14e-4671-83bf-ed7dab94219f");
    pp_anatomy_free(&a);

    /* SDK v2 without parentheses around the pairs' start (hadoop-aws docs, wrapped) */
    decode("java.nio.file.AccessDeniedException: a: Writing Object on a:\n software.amazon.awssdk."
           "services.s3.model.S3Exception: Access Denied\n (Service: S3, Status Code: 403, Request "
           "ID: F08EV50F85AYKF1V, Extended Request ID: 75vMz9xWNP5/lYplPSZfm/i4yQ5q0G32SIwOwfaj6a8"
           "gNCRj9tLBAqcLaaexT/aNg2DhWZQPvDU=):AccessDenied", &a);
    STR(a.service, "S3");
    STR(a.status_code, "403");
    STR(a.request_id, "F08EV50F85AYKF1V");
    assert_int_equal(a.kind, PP_AN_NOT_AUTHORIZED);
    pp_anatomy_free(&a);

    /* corpus F050: console text wrapped line by line, "EC2 Error Code: X." */
    decode("An error occurred while provisioning your stack: RedactedLambdaFunction\n    - Error "
           "occurred while DescribeSecurityGroups. EC2 Error\n    Code: InvalidGroup.NotFound. EC2 "
           "Error Message: The\n    security group 'sg-redacted' does not exist.", &a);
    STR(a.error_code, "InvalidGroup.NotFound");
    assert_int_equal(a.kind, PP_AN_NOT_FOUND);
    STR(a.subject, "sg-redacted");
    pp_anatomy_free(&a);
}

/* ---- not authorized ------------------------------------------------------------------------ */

static void test_not_authorized_reasons(void **state)
{
    (void)state;
    pp_anatomy a;
    /* corpus F007 */
    decode("API: cloudFormation User: arn:aws:sts::XXX:assumed-role/sdlf-cicd-team-engineering/"
           "AWSCloudFormation is not authorized to perform: iam:PassRole on resource: "
           "arn:aws:iam::XXX:role/sdlf-cicd-team-engineering because no identity-based policy "
           "allows the iam:PassRole action", &a);
    assert_int_equal(a.kind, PP_AN_NOT_AUTHORIZED);
    STR(a.principal, "arn:aws:sts::XXX:assumed-role/sdlf-cicd-team-engineering/AWSCloudFormation");
    STR(a.action, "iam:PassRole");
    STR(a.resource, "arn:aws:iam::XXX:role/sdlf-cicd-team-engineering");
    assert_int_equal(a.reason, PP_AN_NO_IDENTITY_POLICY);
    pp_anatomy_free(&a);

    /* kb/iam-explicit-deny-scp.yaml */
    decode("User: arn:aws:sts::111122223333:assumed-role/deploy/ci is not authorized to perform: "
           "ec2:RunInstances on resource: arn:aws:ec2:ap-east-1:111122223333:instance/* with an "
           "explicit deny in a service control policy", &a);
    assert_int_equal(a.reason, PP_AN_DENY_SCP);
    STR(a.resource, "arn:aws:ec2:ap-east-1:111122223333:instance/*");
    STR(pp_an_reason_name(a.reason), "explicit_deny_scp");
    pp_anatomy_free(&a);

    /* kb/iam-permissions-boundary-deny.yaml */
    decode("User: arn:aws:sts::111122223333:assumed-role/app-role/i-0abc is not authorized to "
           "perform: s3:PutObject on resource: arn:aws:s3:::data/x because no permissions boundary "
           "allows the s3:PutObject action", &a);
    assert_int_equal(a.reason, PP_AN_NO_BOUNDARY);
    pp_anatomy_free(&a);

    /* EC2 console (a course's lab report): "this operation" first, the policy ARN, the
     * encoded message */
    decode("Instance launch failed. You are not authorized to perform this operation. User: "
           "arn:aws:iam::548387266019:user/bcsad-g06 is not authorized to perform: "
           "ec2:RunInstances on resource: arn:aws:ec2:ap-southeast-1:548387266019:instance/* with "
           "an explicit deny in a permissions boundary: arn:aws:iam::548387266019:policy/umak-lab-"
           "boundary. Encoded authorization failure message: TsSPw6o1OBveASmxo6bSNLV6K-d5VlQUVqR",
           &a);
    STR(a.principal, "arn:aws:iam::548387266019:user/bcsad-g06");
    STR(a.action, "ec2:RunInstances");
    STR(a.resource, "arn:aws:ec2:ap-southeast-1:548387266019:instance/*");
    assert_int_equal(a.reason, PP_AN_DENY_BOUNDARY);
    STR(a.policy, "arn:aws:iam::548387266019:policy/umak-lab-boundary");
    assert_true(a.encoded_message);
    pp_anatomy_free(&a);

    /* a CodeBuild role (public notes): no "User: ", the resource in quotes, session policy,
     * the suffix cut after "AccessDenied;" */
    decode("arn:aws:sts::xxxxxxx:assumed-role/TanakaBuildProjectRole/xxxxxxx is not authorized to "
           "perform: s3:ListBucket on resource: \"arn:aws:s3:::tanaka-s3bucket\" because no "
           "session policy allows the s3:ListBucket action (Service: Amazon S3; Status Code: 403; "
           "Error Code: AccessDenied; ", &a);
    STR(a.principal, "arn:aws:sts::xxxxxxx:assumed-role/TanakaBuildProjectRole/xxxxxxx");
    STR(a.resource, "arn:aws:s3:::tanaka-s3bucket");
    assert_int_equal(a.reason, PP_AN_NO_SESSION_POLICY);
    STR(a.error_code, "AccessDenied");
    pp_anatomy_free(&a);

    /* an IAM workshop, the CLI wrapped each clause on its own line */
    decode("User: arn:aws:iam::767397689800:user/iamws-policy-developer-user\nis not authorized to "
           "perform: iam:CreatePolicyVersion on resource:\npolicy arn:aws:iam::767397689800:policy/"
           "iamws-developer-tools-policy\nwith an explicit deny in a permissions boundary: "
           "arn:aws:iam::767397689800:policy/DeveloperBoundary", &a);
    STR(a.principal, "arn:aws:iam::767397689800:user/iamws-policy-developer-user");
    STR(a.resource, "arn:aws:iam::767397689800:policy/iamws-developer-tools-policy");
    STR(a.policy, "arn:aws:iam::767397689800:policy/DeveloperBoundary");
    pp_anatomy_free(&a);
}

static void test_not_authorized_bare_forms(void **state)
{
    (void)state;
    pp_anatomy a;
    /* kb/iam-unauthorized-operation.yaml */
    decode("API: ec2:AuthorizeSecurityGroupIngress You are not authorized to perform this "
           "operation.", &a);
    assert_int_equal(a.kind, PP_AN_NOT_AUTHORIZED);
    STR(a.action, "ec2:AuthorizeSecurityGroupIngress");
    assert_null(a.principal);
    assert_int_equal(a.reason, PP_AN_REASON_UNKNOWN);
    pp_anatomy_free(&a);

    decode("You are not authorized to perform this operation. Encoded authorization failure "
           "message: AbCdEf123", &a);
    assert_int_equal(a.kind, PP_AN_NOT_AUTHORIZED);
    assert_null(a.action);
    assert_true(a.encoded_message);
    pp_anatomy_free(&a);

    /* corpus F004: the principal was cut to "...." */
    decode("ResourceInitializationError: unable to pull secrets or registry auth: execution "
           "resource retrieval failed: unable to retrieve secrets from ssm: service call has been "
           "retried 1 time(s): AccessDeniedException: User: ....", &a);
    assert_int_equal(a.kind, PP_AN_NOT_AUTHORIZED);
    assert_null(a.action);
    STR(a.ecs_error, "ResourceInitializationError");
    pp_anatomy_free(&a);

    /* kb/s3-block-public-access.yaml: "on resource because" names no resource */
    decode("API: s3:PutBucketPolicy Access Denied: User is not authorized to perform: "
           "s3:PutBucketPolicy on resource because public policies are blocked by the "
           "BlockPublicPolicy block public access setting.", &a);
    STR(a.action, "s3:PutBucketPolicy");
    assert_null(a.resource);
    assert_null(a.principal);
    pp_anatomy_free(&a);
}

/* ---- validation ---------------------------------------------------------------------------- */

static void test_validation(void **state)
{
    (void)state;
    pp_anatomy a;
    /* serverless on CloudFormation (a public write-up): IAM role name too long */
    decode("1 validation error detected: Value 'cognito-by-client-credentials-grant-dev-ap-"
           "northeast-1-lambdaRole' at 'roleName' failed to satisfy constraint: Member must have "
           "length less than or equal to 64", &a);
    assert_int_equal(a.kind, PP_AN_VALIDATION);
    assert_int_equal(a.declared, 1);
    assert_int_equal(a.nviol, 1);
    STR(a.viol[0].value, "cognito-by-client-credentials-grant-dev-ap-northeast-1-lambdaRole");
    STR(a.viol[0].field, "roleName");
    STR(a.viol[0].constraint, "Member must have length less than or equal to 64");
    pp_anatomy_free(&a);

    /* Cognito (a public app's message table): two errors, no value echoed */
    decode("2 validation errors detected: Value at 'password' failed to satisfy constraint: Member "
           "must have length greater than or equal to 6; Value at 'password' failed to satisfy "
           "constraint: Member must satisfy regular expression pattern: ^[\\S]+.*[\\S]+$", &a);
    assert_int_equal(a.declared, 2);
    assert_int_equal(a.nviol, 2);
    assert_null(a.viol[0].value);
    STR(a.viol[0].field, "password");
    STR(a.viol[0].constraint, "Member must have length greater than or equal to 6");
    STR(a.viol[1].constraint, "Member must satisfy regular expression pattern: ^[\\S]+.*[\\S]+$");
    pp_anatomy_free(&a);

    /* a Lambda checkpoint error, line-wrapped, with a member path */
    decode("1 validation error detected: Value 't0/nxxx' at 'updates.3.member.name'\n"
           "              failed to satisfy constraint: Member must have length less than or "
           "equal to 256", &a);
    assert_int_equal(a.nviol, 1);
    STR(a.viol[0].field, "updates.3.member.name");
    pp_anatomy_free(&a);

    /* cut in the middle of the second item: the first is kept, the second is absent */
    decode("2 validation errors detected: Value '86400' at 'durationSeconds' failed to satisfy "
           "constraint: Member must have value less than or equal to 43200; Value 'x' at 'rol",
           &a);
    assert_int_equal(a.nviol, 1);
    STR(a.viol[0].value, "86400");
    STR(a.viol[0].constraint, "Member must have value less than or equal to 43200");
    pp_anatomy_free(&a);
}

static void test_field_pointer(void **state)
{
    (void)state;
    static const pp_str_case cases[] = {
        { "networkConfiguration.awsvpcConfiguration.subnets",
          "/networkConfiguration/awsvpcConfiguration/subnets" },
        { "rules[0].name", "/rules/0/name" },
        { "a/b~c", "/a~1b~0c" },
        { "", NULL },
        { NULL, NULL },
    };
    PP_STR_CASES(pp_an_field_pointer, cases);
}

/* ---- Properties validation ----------------------------------------------------------------- */

static void test_properties(void **state)
{
    (void)state;
    pp_anatomy a;
    /* kb/property-required-missing.yaml */
    decode("Properties validation failed for resource TaskDef with message: #: required key "
           "[ContainerDefinitions] not found", &a);
    assert_int_equal(a.kind, PP_AN_PROPERTIES);
    STR(a.prop_resource, "TaskDef");
    assert_int_equal(a.nprop, 1);
    STR(a.prop[0].path, "");
    assert_int_equal(a.prop[0].problem, PP_AN_P_REQUIRED_KEY);
    STR(a.prop[0].key, "ContainerDefinitions");
    assert_false(a.kinds & PP_AN_NOT_FOUND);   /* "not found" here is the schema's wording */
    pp_anatomy_free(&a);

    /* a public pull request (ACloudGuru course) */
    decode("Properties validation failed for resource InstanceSecurityGroup with message: "
           "#/SecurityGroupIngress: expected type: JSONArray, found: JSONObject", &a);
    STR(a.prop_resource, "InstanceSecurityGroup");
    STR(a.prop[0].path, "/SecurityGroupIngress");
    assert_int_equal(a.prop[0].problem, PP_AN_P_EXPECTED_TYPE);
    STR(a.prop[0].expected, "JSONArray");
    STR(a.prop[0].found, "JSONObject");
    pp_anatomy_free(&a);

    /* kb/template-invalid-property.yaml */
    decode("Properties validation failed for resource Queue with message: #: extraneous key "
           "[VisibilityTimout] is not permitted", &a);
    assert_int_equal(a.prop[0].problem, PP_AN_P_EXTRANEOUS_KEY);
    STR(a.prop[0].key, "VisibilityTimout");
    pp_anatomy_free(&a);

    /* cfn-lint issue 3223: the handler's Model validation inside the wrapper, wrapped lines */
    decode("Resource handler returned message:\n\"Model validation failed (#/Targets/0/Values: "
           "expected type: JSONArray, found: String)\"\n(RequestToken: REQUESTTOKEN, "
           "HandlerErrorCode: InvalidRequest)", &a);
    assert_int_equal(a.kind, PP_AN_PROPERTIES);
    STR(a.handler_error_code, "InvalidRequest");
    assert_int_equal(a.nprop, 1);
    STR(a.prop[0].path, "/Targets/0/Values");
    STR(a.prop[0].found, "String");
    pp_anatomy_free(&a);

    /* coverage-roadmap issue 875: several problems separated by blanks */
    decode("Unable to retrieve Name attribute for AWS::ECS::Service, with error message Model "
           "validation failed (#/DesiredCount: expected type: Number, found: String "
           "#/DeploymentConfiguration/DeploymentCircuitBreaker/Enable: expected type: Boolean, "
           "found: String #/DeploymentConfiguration/MaximumPercent: expected type: Number, found: "
           "String)", &a);
    assert_int_equal(a.nprop, 3);
    STR(a.prop[1].path, "/DeploymentConfiguration/DeploymentCircuitBreaker/Enable");
    STR(a.prop[1].expected, "Boolean");
    STR(a.prop[2].path, "/DeploymentConfiguration/MaximumPercent");
    pp_anatomy_free(&a);

    /* kb/property-type-mismatch.yaml: the pattern keyword */
    decode("Model validation failed (#/RoleName: failed validation constraint for keyword "
           "[pattern])", &a);
    assert_int_equal(a.prop[0].problem, PP_AN_P_PATTERN);
    STR(a.prop[0].path, "/RoleName");
    pp_anatomy_free(&a);

    /* a list in brackets, and a nested "#: only 1 subschema" that is part of its item */
    decode("Properties validation failed for resource Svc with message: [#/NetworkConfiguration/"
           "AwsvpcConfiguration/Subnets: expected type: JSONArray, found: String, #/LaunchType: "
           "#: only 1 subschema matches out of 2, #/Protocol: failed validation constraint for "
           "keyword [enum]]", &a);
    assert_int_equal(a.nprop, 3);
    STR(a.prop[0].path, "/NetworkConfiguration/AwsvpcConfiguration/Subnets");
    STR(a.prop[1].path, "/LaunchType");
    assert_int_equal(a.prop[1].problem, PP_AN_P_OTHER);
    STR(a.prop[1].text, "#: only 1 subschema matches out of 2");
    assert_int_equal(a.prop[2].problem, PP_AN_P_ENUM);
    pp_anatomy_free(&a);

    /* eksctl issue 1692: the older wording */
    decode("Property validation failure: [Value of property {/Subnets} does not match type "
           "{Array}]", &a);
    assert_int_equal(a.kind, PP_AN_PROPERTIES);
    STR(a.prop[0].path, "/Subnets");
    STR(a.prop[0].expected, "Array");
    pp_anatomy_free(&a);
}

/* ---- generic shapes ------------------------------------------------------------------------ */

static void test_shapes(void **state)
{
    (void)state;
    pp_anatomy a;
    decode("The maximum number of VPCs has been reached. (Service: AmazonEC2; Status Code: 400; "
           "Error Code: VpcLimitExceeded)", &a);   /* kb/quota-exceeded-vpc.yaml */
    assert_int_equal(a.kind, PP_AN_LIMIT);
    STR(a.subject, "VPCs");
    pp_anatomy_free(&a);

    decode("Cannot find version 13.3 for postgres (Service: AmazonRDS; Status Code: 400; Error "
           "Code: InvalidParameterCombination)", &a);   /* kb/rds-engine-version.yaml */
    assert_int_equal(a.kind, PP_AN_INVALID_COMBINATION);
    pp_anatomy_free(&a);

    decode("Rate exceeded (Service: AmazonECS; Status Code: 400; Error Code: ThrottlingException; "
           "Request ID: 1f2e3d4c)", &a);   /* kb/api-throttled.yaml */
    assert_int_equal(a.kind, PP_AN_THROTTLING);
    assert_false(a.kinds & PP_AN_LIMIT);
    pp_anatomy_free(&a);

    decode("Resource timed out waiting for completion", &a);   /* kb/cfn-resource-timeout.yaml */
    assert_int_equal(a.kind, PP_AN_TIMEOUT);
    pp_anatomy_free(&a);

    decode("Resource of type 'AWS::Lambda::EventSourceMapping' with identifier 'aa-bb-cc-dd-ee' "
           "did not stabilize", &a);   /* corpus F096 */
    assert_int_equal(a.kind, PP_AN_TIMEOUT);
    pp_anatomy_free(&a);

    decode("Essential container in task exited: container app exited with exit code 137", &a);
    assert_int_equal(a.kind, PP_AN_CONTAINER_EXIT);   /* kb/exit-code-137.yaml */
    assert_int_equal(a.exit_code, 137);
    assert_true(a.essential_exited);
    assert_non_null(strstr(pp_an_exit_meaning(137), "out of memory"));
    pp_anatomy_free(&a);

    decode("OutOfMemoryError: Container killed due to memory usage", &a);   /* corpus F027 */
    assert_int_equal(a.kind, PP_AN_ECS_STOP);
    STR(a.ecs_error, "OutOfMemoryError");
    pp_anatomy_free(&a);

    decode("Your Spot Task was interrupted.", &a);   /* kb/fargate-spot-interrupted.yaml */
    STR(a.stop_code, "SpotInterruption");
    pp_anatomy_free(&a);

    decode("Status reason: Essential container in task exited\nContainer message: "
           "CannotPullContainerError: API error (404): repository serverless-batch not found: does "
           "not exist or no pull access", &a);   /* corpus F040 */
    assert_true(a.kinds & PP_AN_NOT_FOUND);
    assert_true(a.kinds & PP_AN_CONTAINER_EXIT);
    STR(a.ecs_error, "CannotPullContainerError");
    pp_anatomy_free(&a);

    decode("Role with name api-exec already exists. (Service: AmazonIdentityManagement; Status "
           "Code: 409; Error Code: EntityAlreadyExists; Request ID: 1a2b)", &a);
    assert_int_equal(a.kind, PP_AN_ALREADY_EXISTS);   /* kb/iam-entity-already-exists.yaml */
    pp_anatomy_free(&a);

    decode("NoSuchBucket: The specified bucket does not exist", &a);
    assert_int_equal(a.kind, PP_AN_NOT_FOUND);
    pp_anatomy_free(&a);
}

/* ---- malformed, cut, limits ---------------------------------------------------------------- */

static void test_malformed(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "", "Resource handler returned message:", "Resource handler returned message: \"",
        "Resource handler returned message: \"x\" (RequestToken:", "(Service: ", "Service: ",
        "(Service: S3, Status Code", "User: ", "is not authorized to perform:",
        "not authorized to perform: on resource: ", "Value '", "Value 'x' at '",
        "Value 'x' at 'y' failed to satisfy constraint", "1 validation error detected: Value",
        "Properties validation failed for resource ",
        ("Properties validation failed for resource R with message: #"), "#/", "#/A: extraneous key [", "#/A: required key [k",
        "Model validation failed (", "Value of property {/A", "exit code ", "exit code 99999",
        "maximum number of ", "'", "\"\"", "\n\n\n", "NoSuch", "HandlerErrorCode:",
    };
    for (size_t i = 0; i < PP_ARRAY_LEN(bad); i++) {
        pp_anatomy a;
        decode(bad[i], &a);
        json_t *j = pp_anatomy_json(&a);
        assert_non_null(j);
        json_decref(j);
        free(pp_anatomy_summary(&a));
        pp_an_guide g;
        pp_status st = pp_anatomy_guide(&a, NULL, &g);
        assert_true(st == PP_OK || st == PP_E_NOTFOUND);
        pp_an_guide_free(&g);
        pp_anatomy_free(&a);
    }
    pp_anatomy a;
    assert_int_equal(pp_anatomy_decode(NULL, 5, &a), PP_OK);
    assert_int_equal(a.kind, PP_AN_NONE);
    pp_anatomy_free(&a);
    /* a length shorter than the string: nothing past it is read */
    const char *s = "Rate exceeded";
    assert_int_equal(pp_anatomy_decode(s, 4, &a), PP_OK);
    assert_int_equal(a.kind, PP_AN_NONE);
    pp_anatomy_free(&a);
    decode("exit code 99999", &a);
    assert_int_equal(a.exit_code, -1);
    pp_anatomy_free(&a);
    pp_anatomy_free(NULL);
    pp_an_guide_free(NULL);
}

static void test_limits(void **state)
{
    (void)state;
    /* 100 validation items: PP_AN_MAX_ITEMS kept, the rest counted */
    pp_buf b;
    pp_buf_init(&b, 0);
    pp_buf_puts(&b, "100 validation errors detected: ");
    for (int i = 0; i < 100; i++)
        pp_buf_printf(&b, "%sValue 'v%d' at 'f%d' failed to satisfy constraint: Member must not "
                          "be null", i ? "; " : "", i, i);
    pp_anatomy a;
    decode(b.data, &a);
    assert_int_equal(a.nviol, PP_AN_MAX_ITEMS);
    assert_int_equal(a.more, 100 - PP_AN_MAX_ITEMS);
    STR(a.viol[PP_AN_MAX_ITEMS - 1].field, "f15");
    pp_anatomy_free(&a);
    pp_buf_free(&b);

    /* past PP_AN_MAX_INPUT nothing is read: a grammar that starts after it is not seen */
    size_t n = PP_AN_MAX_INPUT + 100;
    char *big = malloc(n);
    assert_non_null(big);
    memset(big, 'x', n);
    memcpy(big + PP_AN_MAX_INPUT + 10, "Rate exceeded", 13);
    assert_int_equal(pp_anatomy_decode(big, n, &a), PP_OK);
    assert_int_equal(a.kind, PP_AN_NONE);
    pp_anatomy_free(&a);
    /* a field longer than PP_AN_MAX_FIELD is cut */
    memcpy(big, "Value '", 7);
    memcpy(big + 3000, "' at 'f' failed to satisfy constraint: C", 40);
    assert_int_equal(pp_anatomy_decode(big, 3040, &a), PP_OK);
    assert_int_equal(a.nviol, 1);
    assert_int_equal(strlen(a.viol[0].value), PP_AN_MAX_FIELD);
    pp_anatomy_free(&a);
    free(big);
}

/* ---- guidance ------------------------------------------------------------------------------ */

static int has_step(const pp_an_guide *g, const char *needle)
{
    for (size_t i = 0; i < g->nfix; i++)
        if (strstr(g->fix[i], needle))
            return 1;
    return 0;
}

static void test_guide_not_authorized(void **state)
{
    (void)state;
    pp_anatomy a;
    pp_an_guide g;
    decode("User: arn:aws:sts::111122223333:assumed-role/cfn-exec/AWSCloudFormation is not "
           "authorized to perform: ecs:CreateService on resource: arn:aws:ecs:us-east-1:"
           "111122223333:service/main/web because no identity-based policy allows the "
           "ecs:CreateService action", &a);
    assert_int_equal(pp_anatomy_guide(&a, NULL, &g), PP_OK);
    STR(g.confidence, "medium");
    assert_non_null(strstr(g.title, "role cfn-exec"));
    assert_non_null(strstr(g.title, "ecs:CreateService"));
    assert_true(has_step(&g, "Add an Allow for ecs:CreateService on "
                             "arn:aws:ecs:us-east-1:111122223333:service/main/web to cfn-exec"));
    assert_true(g.ncmd >= 2);
    assert_non_null(strstr(g.commands[0], "aws iam put-role-policy --role-name cfn-exec"));
    /* the policy document is one shell word */
    assert_non_null(strstr(g.commands[0], "--policy-document '{\"Version\""));
    assert_non_null(strstr(g.commands[1], "--policy-source-arn "
                                          "arn:aws:iam::111122223333:role/cfn-exec"));
    pp_an_guide_free(&g);
    pp_anatomy_free(&a);

    decode("User: arn:aws:sts::111122223333:assumed-role/deploy/ci is not authorized to perform: "
           "ec2:RunInstances on resource: arn:aws:ec2:ap-east-1:111122223333:instance/* with an "
           "explicit deny in a service control policy", &a);
    assert_int_equal(pp_anatomy_guide(&a, NULL, &g), PP_OK);
    assert_true(has_step(&g, "cannot be fixed by editing deploy's own policies"));
    assert_true(has_step(&g, "whoever owns the organization's policies"));
    assert_non_null(strstr(g.commands[0], "--target-id 111122223333"));
    for (size_t i = 0; i < g.ncmd; i++)
        assert_null(strstr(g.commands[i], "put-role-policy"));   /* no point adding an Allow */
    pp_an_guide_free(&g);
    pp_anatomy_free(&a);

    decode("You are not authorized to perform this operation.", &a);
    assert_int_equal(pp_anatomy_guide(&a, NULL, &g), PP_OK);
    STR(g.confidence, "low");
    pp_an_guide_free(&g);
    pp_anatomy_free(&a);
}

static void test_guide_validation_and_properties(void **state)
{
    (void)state;
    pp_anatomy a;
    pp_an_guide g;
    pp_event ev = {.logical_id = "IamRoleLambdaExecution", .exit_code = PP_EXIT_CODE_NONE};
    decode("1 validation error detected: Value 'cognito-by-client-credentials-grant-dev-ap-"
           "northeast-1-lambdaRole' at 'roleName' failed to satisfy constraint: Member must have "
           "length less than or equal to 64", &a);
    assert_int_equal(pp_anatomy_guide(&a, &ev, &g), PP_OK);
    STR(g.confidence, "medium");
    assert_non_null(strstr(g.title, "roleName"));
    assert_true(has_step(&g, "Change roleName (now 'cognito-by-client-credentials-grant-dev-ap-"
                             "northeast-1-lambdaRole'): it must satisfy: Member must have length "
                             "less than or equal to 64."));
    assert_true(has_step(&g, "property roleName of IamRoleLambdaExecution"));
    pp_an_guide_free(&g);
    pp_anatomy_free(&a);

    decode("Properties validation failed for resource Queue with message: #: extraneous key "
           "[VisibilityTimout] is not permitted", &a);
    assert_int_equal(pp_anatomy_guide(&a, NULL, &g), PP_OK);
    STR(g.confidence, "medium");
    assert_true(has_step(&g, "Remove or rename VisibilityTimout under Properties (top level) of "
                             "Queue"));
    pp_an_guide_free(&g);
    pp_anatomy_free(&a);
}

static void test_guide_quotes_commands(void **state)
{
    (void)state;
    pp_anatomy a;
    pp_an_guide g;
    pp_event ev = {.logical_id = "P", .resource_type = "AWS::SSM::Parameter",
                   .stack = "web; rm -rf ~", .exit_code = PP_EXIT_CODE_NONE};
    decode("Resource of type 'AWS::SSM::Parameter' with identifier '/app/$(id) `x`' already "
           "exists.", &a);
    assert_int_equal(pp_anatomy_guide(&a, &ev, &g), PP_OK);
    assert_int_equal(g.ncmd, 1);
    STR(g.commands[0], "aws cloudformation describe-stack-resources --physical-resource-id "
                       "'/app/$(id) `x`'");
    pp_an_guide_free(&g);
    pp_anatomy_free(&a);

    decode("Resource timed out waiting for completion", &a);
    assert_int_equal(pp_anatomy_guide(&a, &ev, &g), PP_OK);
    STR(g.commands[0], "aws cloudformation describe-stack-events --stack-name 'web; rm -rf ~'");
    STR(g.confidence, "low");
    pp_an_guide_free(&g);
    pp_anatomy_free(&a);

    pp_buf b;
    pp_buf_init(&b, 0);
    pp_shell_quote(&b, "plain-arn:aws:iam::1:role/x_y.z");
    pp_buf_puts(&b, "|");
    pp_shell_quote(&b, "");
    pp_buf_puts(&b, "|");
    pp_shell_quote(&b, "a\x1b[31mb\nc");
    pp_buf_puts(&b, "|");
    pp_shell_quote(&b, "it's");
    STR(b.data, "plain-arn:aws:iam::1:role/x_y.z|''|'a?[31mb?c'|'it'\\''s'");
    pp_buf_free(&b);
}

static void test_json(void **state)
{
    (void)state;
    pp_anatomy a;
    decode("Resource handler returned message: \"User: arn:aws:sts::111122223333:assumed-role/"
           "github-deploy/GitHubActions is not authorized to perform: iam:CreateRole on resource: "
           "arn:aws:iam::111122223333:role/api-LambdaRole-1ABC because no identity-based policy "
           "allows the iam:CreateRole action (Service: Iam, Status Code: 403, Request ID: 1a2b)\" "
           "(RequestToken: 3c4d, HandlerErrorCode: AccessDenied)", &a);   /* kb/iam-createrole */
    json_t *j = pp_anatomy_json(&a);
    assert_non_null(j);
    STR(json_string_value(json_object_get(j, "kind")), "not_authorized");
    json_t *na = json_object_get(j, "not_authorized");
    STR(json_string_value(json_object_get(na, "action")), "iam:CreateRole");
    STR(json_string_value(json_object_get(na, "reason")), "no_identity_policy");
    json_t *h = json_object_get(j, "handler");
    STR(json_string_value(json_object_get(h, "error_code")), "AccessDenied");
    STR(json_string_value(json_object_get(h, "request_token")), "3c4d");
    assert_true(json_is_false(json_object_get(h, "truncated")));
    STR(json_string_value(json_object_get(json_object_get(j, "service"), "name")), "Iam");
    json_decref(j);
    char *sum = pp_anatomy_summary(&a);
    assert_non_null(strstr(sum, "action iam:CreateRole"));
    free(sum);
    pp_anatomy_free(&a);
}

/* explain without a KB: the anatomy answers, in every format, with hostile text neutralised */
static void test_explain_render_hostile(void **state)
{
    (void)state;
    pp_evset set;
    pp_evset_init(&set, NULL);
    char *err = NULL;
    assert_int_equal(pp_evset_add_message(&set, "User: arn:aws:sts::111122223333:assumed-role/"
                                                "r\x1b[2J/s is not authorized to perform: "
                                                "s3:GetObject on resource: arn:aws:s3:::b/`rm`x "
                                                "because no identity-based policy allows the "
                                                "s3:GetObject action", NULL, &err), PP_OK);
    pp_explain x;
    assert_int_equal(pp_explain_run(&set, NULL, &x), PP_OK);
    assert_int_equal(x.nroots, 1);
    assert_int_equal(x.roots[0].source, PP_EXPLAIN_SRC_ANATOMY);
    assert_string_equal(x.roots[0].confidence, "medium");
    assert_int_equal(pp_explain_exit_code(&x), 0);
    char *t = pp_explain_render(&x, PP_EXPLAIN_TEXT);
    assert_non_null(t);
    assert_null(strchr(t, '\x1b'));
    assert_non_null(strstr(t, "Decoded: not_authorized"));
    assert_non_null(strstr(t, "anatomy/not_authorized"));
    free(t);
    char *m = pp_explain_render(&x, PP_EXPLAIN_MARKDOWN);
    assert_non_null(m);
    assert_null(strchr(m, '\x1b'));
    assert_null(strstr(m, "`rm`"));   /* a value cannot close a code span */
    free(m);
    json_t *j = pp_explain_json(&x);
    json_t *rc = json_array_get(json_object_get(j, "root_causes"), 0);
    assert_string_equal(json_string_value(json_object_get(rc, "source")), "anatomy");
    assert_string_equal(json_string_value(json_object_get(rc, "kb_id")), "anatomy/not_authorized");
    assert_non_null(json_string_value(json_object_get(rc, "confidence_reason")));
    json_t *na = json_object_get(json_object_get(rc, "anatomy"), "not_authorized");
    assert_string_equal(json_string_value(json_object_get(na, "action")), "s3:GetObject");
    assert_true(json_array_size(json_object_get(rc, "commands")) >= 1);
    json_decref(j);
    pp_explain_free(&x);
    pp_evset_free(&set);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_wrapper_complete),
        cmocka_unit_test(test_wrapper_line_wrapped_token),
        cmocka_unit_test(test_wrapper_truncated_cdk),
        cmocka_unit_test(test_wrapper_quotes_inside),
        cmocka_unit_test(test_suffix_styles),
        cmocka_unit_test(test_not_authorized_reasons),
        cmocka_unit_test(test_not_authorized_bare_forms),
        cmocka_unit_test(test_validation),
        cmocka_unit_test(test_field_pointer),
        cmocka_unit_test(test_properties),
        cmocka_unit_test(test_shapes),
        cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_guide_not_authorized),
        cmocka_unit_test(test_guide_validation_and_properties),
        cmocka_unit_test(test_guide_quotes_commands),
        cmocka_unit_test(test_json),
        cmocka_unit_test(test_explain_render_hostile),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
