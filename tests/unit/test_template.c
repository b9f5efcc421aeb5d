/* test_template.c — the resolver: each intrinsic, parameters, pseudo parameters, conditions,
 * unknowns with and without candidates, resource conditions, and its input errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "engine/doc.h"
#include "engine/template.h"
#include "engine/base/util.h"
#include "engine/value.h"

typedef struct fixture {
    pp_doc *doc;
    pp_template *t;
    char *err;
    pp_status st;
} fixture;

static fixture build(const char *yaml, const pp_param_kv *kv, size_t nkv, const char *region)
{
    static const pp_limits lim = PP_LIMITS_DEFAULT;
    fixture f = {0};
    f.doc = pp_doc_load("t.yaml", yaml, strlen(yaml), PP_FMT_YAML, &lim, &f.st, &f.err);
    assert_non_null(f.doc);
    pp_resolve_opts o = {.params = kv, .nparams = nkv, .region = region, .limits = &lim};
    f.t = pp_template_build(f.doc, &o, &f.st, &f.err);
    return f;
}

static void done(fixture *f)
{
    pp_template_free(f->t);
    pp_doc_free(f->doc);
    free(f->err);
}

/* Property `key` of the resource with logical id `id` (borrowed). */
static json_t *prop(const fixture *f, const char *id, const char *key)
{
    long i = pp_template_find(f->t, id);
    assert_true(i >= 0);
    return json_object_get(f->t->res[i].properties, key);
}

static void assert_str(json_t *v, const char *want)
{
    if (!json_is_string(v)) {
        char *s = json_dumps(v, JSON_ENCODE_ANY);
        print_error("expected string '%s', got %s\n", want, s ? s : "(null)");
        free(s);
    }
    assert_true(json_is_string(v));
    assert_string_equal(json_string_value(v), want);
}

static const char TPL[] =
    "Parameters:\n"
    "  Env: {Type: String}\n"
    "  Size: {Type: String, AllowedValues: [small, large]}\n"
    "  Cidr: {Type: String, Default: 10.0.0.0/8}\n"
    "  Ports: {Type: CommaDelimitedList, Default: '22, 80,443'}\n"
    "  Ssm: {Type: 'AWS::SSM::Parameter::Value<String>', Default: /x}\n"
    "Mappings:\n"
    "  M: {us-east-1: {Ami: ami-1}, eu-west-1: {Ami: ami-2}}\n"
    "Conditions:\n"
    "  IsProd: !Equals [!Ref Env, prod]\n"
    "  IsLarge: !Equals [!Ref Size, large]\n"
    "  Always: !Equals ['443', 443]\n"
    "  Never: !Not [!Condition Always]\n"
    "  Mixed: !And [!Condition Never, !Condition IsProd]\n"
    "  InEu: !Equals [!Ref 'AWS::Region', eu-west-1]\n"
    "Resources:\n"
    "  Q: {Type: AWS::SQS::Queue}\n"
    "  R:\n"
    "    Type: Test::R\n"
    "    Properties:\n"
    "      Cidr: !Ref Cidr\n"
    "      Env: !Ref Env\n"
    "      Size: !Ref Size\n"
    "      Ssm: !Ref Ssm\n"
    "      Port2: !Select [2, !Ref Ports]\n"
    "      Ami: !FindInMap [M, !Ref 'AWS::Region', Ami]\n"
    "      Sub: !Sub 'arn:${AWS::Partition}:s3:::${AWS::StackName}-${Q.Arn}'\n"
    "      Sub2: !Sub ['${A}-${AWS::Region}', {A: !Join ['', [x, y]]}]\n"
    "      SubSize: !Sub 'db-${Size}'\n"
    "      SubNoValue: !Sub 'a${AWS::NoValue}b'\n"
    "      Split: !Split [',', 'a,b,,c']\n"
    "      IfProd: !If [IsProd, p, np]\n"
    "      IfAlways: !If [Always, yes-branch, no-branch]\n"
    "      IfLarge: !If [IsLarge, {Big: true}, !Ref 'AWS::NoValue']\n"
    "      Gone: !If [Never, x, !Ref 'AWS::NoValue']\n"
    "      Mixed: !If [Mixed, a, b]\n"
    "      List: [one, !If [Never, two, !Ref 'AWS::NoValue'], three]\n"
    "      RefQ: !Ref Q\n"
    "      Att: !GetAtt Q.Arn\n"
    "      Imp: !ImportValue shared\n"
    "      Join: !Join ['-', [!Ref Cidr, !ImportValue x]]\n"
    "      IamCondition: {Condition: {StringEquals: {k: v}}}\n"
    "  OnlyProd:\n"
    "    Type: Test::R\n"
    "    Condition: IsProd\n"
    "  OnlyEu:\n"
    "    Type: Test::R\n"
    "    Condition: InEu\n";

static void test_parameters_and_pseudo(void **state)
{
    (void)state;
    fixture f = build(TPL, NULL, 0, NULL);
    assert_non_null(f.t);
    assert_str(prop(&f, "R", "Cidr"), "10.0.0.0/8");
    assert_str(prop(&f, "R", "Port2"), "443");
    assert_str(prop(&f, "R", "Ami"), "ami-1");
    assert_str(prop(&f, "R", "Sub2"), "xy-us-east-1");
    /* a parameter without value is opaque and says how to give it */
    json_t *env = prop(&f, "R", "Env");
    assert_true(pp_is_unknown(env));
    assert_null(pp_unknown_candidates(env));
    assert_non_null(strstr(pp_unknown_reason(env), "--param Env="));
    /* AllowedValues become candidates */
    json_t *size = pp_unknown_candidates(prop(&f, "R", "Size"));
    assert_int_equal(json_array_size(size), 2);
    assert_str(json_array_get(size, 0), "small");
    /* SSM parameters are known only at deploy time, default or not */
    assert_true(pp_is_unknown(prop(&f, "R", "Ssm")));
    /* a region-dependent resource condition is false in us-east-1 */
    assert_int_equal(f.t->res[pp_template_find(f.t, "OnlyEu")].active, 0);
    done(&f);

    pp_param_kv kv[] = {{"Env", "prod"}, {"Size", "large"}, {"Cidr", "0.0.0.0/0"}};
    f = build(TPL, kv, 3, "eu-west-1");
    assert_non_null(f.t);
    assert_str(prop(&f, "R", "Env"), "prod");
    assert_str(prop(&f, "R", "Cidr"), "0.0.0.0/0");
    assert_str(prop(&f, "R", "Ami"), "ami-2");
    assert_str(prop(&f, "R", "IfProd"), "p");
    assert_str(prop(&f, "R", "SubSize"), "db-large");
    assert_true(json_is_object(prop(&f, "R", "IfLarge")));
    assert_int_equal(f.t->res[pp_template_find(f.t, "OnlyProd")].active, 1);
    assert_int_equal(f.t->res[pp_template_find(f.t, "OnlyEu")].active, 1);
    done(&f);
}

static void test_intrinsics(void **state)
{
    (void)state;
    fixture f = build(TPL, NULL, 0, NULL);
    assert_non_null(f.t);
    json_t *split = prop(&f, "R", "Split");
    assert_int_equal(json_array_size(split), 4);
    assert_str(json_array_get(split, 2), "");
    assert_str(prop(&f, "R", "IfAlways"), "yes-branch");  /* '443' equals 443 */
    assert_null(prop(&f, "R", "Gone"));                   /* AWS::NoValue removes the key */
    assert_str(prop(&f, "R", "SubNoValue"), "ab");        /* and substitutes nothing */
    json_t *list = prop(&f, "R", "List");
    assert_int_equal(json_array_size(list), 2);
    assert_str(json_array_get(list, 1), "three");
    /* references to resources stay as references */
    assert_str(json_object_get(prop(&f, "R", "RefQ"), "Ref"), "Q");
    json_t *att = json_object_get(prop(&f, "R", "Att"), "Fn::GetAtt");
    assert_str(json_array_get(att, 0), "Q");
    assert_str(json_array_get(att, 1), "Arn");
    /* a Sub naming a resource attribute is known only at deploy time */
    assert_true(pp_is_unknown(prop(&f, "R", "Sub")));
    assert_true(pp_is_unknown(prop(&f, "R", "Imp")));
    assert_true(pp_is_unknown(prop(&f, "R", "Join")));
    /* an IAM-style {"Condition": {...}} is data, not the intrinsic */
    assert_non_null(json_object_get(json_object_get(prop(&f, "R", "IamCondition"), "Condition"),
                                    "StringEquals"));
    done(&f);
}

static void test_unknown_candidates(void **state)
{
    (void)state;
    fixture f = build(TPL, NULL, 0, NULL);
    assert_non_null(f.t);
    /* both branches of an Fn::If whose condition is unresolved */
    json_t *c = pp_unknown_candidates(prop(&f, "R", "IfProd"));
    assert_int_equal(json_array_size(c), 2);
    assert_str(json_array_get(c, 0), "p");
    assert_str(json_array_get(c, 1), "np");
    assert_non_null(strstr(pp_unknown_reason(prop(&f, "R", "IfProd")), "IsProd"));
    /* Fn::Sub lifted over a parameter's AllowedValues */
    c = pp_unknown_candidates(prop(&f, "R", "SubSize"));
    assert_int_equal(json_array_size(c), 2);
    assert_str(json_array_get(c, 0), "db-small");
    assert_str(json_array_get(c, 1), "db-large");
    /* a NoValue branch is a candidate, not a silent pick */
    c = pp_unknown_candidates(prop(&f, "R", "IfLarge"));
    assert_int_equal(json_array_size(c), 2);
    assert_true(pp_is_novalue(json_array_get(c, 1)));
    /* And short-circuits on a known false: no unknown survives */
    assert_str(prop(&f, "R", "Mixed"), "b");
    /* a resource whose condition is unknown is kept and flagged */
    const pp_resource *r = &f.t->res[pp_template_find(f.t, "OnlyProd")];
    assert_int_equal(r->active, 1);
    assert_int_equal(r->cond_unknown, 1);
    done(&f);
}

/* Fn::If on an unknown condition with a branch that is an unknown without candidates: the
 * whole value is that unknown (the false branch's was freed twice: use after free). */
static void test_if_unknown_branch(void **state)
{
    (void)state;
    fixture f = build("Parameters:\n"
                      "  Env: {Type: String}\n"
                      "Conditions:\n"
                      "  C: !Equals [!Ref Env, prod]\n"
                      "Resources:\n"
                      "  A:\n"
                      "    Type: AWS::S3::Bucket\n"
                      "    Properties:\n"
                      "      F: !If [C, a, !ImportValue shared]\n"
                      "      T: !If [C, !ImportValue shared, b]\n",
                      NULL, 0, NULL);
    assert_non_null(f.t);
    assert_true(pp_is_unknown(prop(&f, "A", "F")));
    assert_null(pp_unknown_candidates(prop(&f, "A", "F")));
    assert_true(pp_is_unknown(prop(&f, "A", "T")));
    assert_null(pp_unknown_candidates(prop(&f, "A", "T")));
    done(&f);
}

static void expect_error(const char *yaml, pp_status st, const char *text)
{
    fixture f = build(yaml, NULL, 0, NULL);
    if (f.t || !f.err || !strstr(f.err, text))
        print_error("wanted '%s', got '%s'\n", text, f.err ? f.err : "(none)");
    assert_null(f.t);
    assert_int_equal(f.st, st);
    assert_non_null(strstr(f.err, text));
    done(&f);
}

static void test_errors(void **state)
{
    (void)state;
    expect_error("Resources: []\n", PP_E_TEMPLATE, "t.yaml:1:12: expected 'Resources' to be a map");
    expect_error("- a\n", PP_E_TEMPLATE, "expected the template to be a map");
    expect_error("AWSTemplateFormatVersion: x\n", PP_E_TEMPLATE, "expected a 'Resources' section");
    expect_error("Resources:\n  A: {Properties: {}}\n", PP_E_TEMPLATE,
                 "t.yaml:2:6: expected resource 'A' to have a 'Type' string");
    expect_error("Resources:\n  A: {Type: X, Properties: {P: !Select [1]}}\n", PP_E_TEMPLATE,
                 "t.yaml:2:32: Fn::Select expects a list of 2 arguments");
    expect_error("Resources:\n  A: {Type: X, Properties: {P: !Select [5, [a]]}}\n", PP_E_TEMPLATE,
                 "Fn::Select index 5 is outside the list of 1");
    expect_error("Resources:\n  A: {Type: X, Properties: {P: !If [C, a]}}\n", PP_E_TEMPLATE,
                 "Fn::If expects a list of 3 arguments");
    expect_error("Resources:\n  A: {Type: X, Properties: {P: !If [Nope, a, b]}}\n", PP_E_TEMPLATE,
                 "condition 'Nope' is not defined");
    expect_error("Resources:\n  A: {Type: X, Properties: {P: {'Fn::Frob': 1}}}\n", PP_E_TEMPLATE,
                 "unknown intrinsic function 'Fn::Frob'");
    expect_error("Mappings: {M: {a: {b: c}}}\nResources:\n  A: {Type: X, Properties: "
                 "{P: !FindInMap [M, a, z]}}\n", PP_E_TEMPLATE, "no entry M/a/z in Mappings");
    /* CloudFormation rejects names that resolve to nothing ("Unresolved resource dependencies") */
    expect_error("Resources:\n  A: {Type: X, Properties: {P: !GetAtt Nope.Arn}}\n", PP_E_TEMPLATE,
                 "Fn::GetAtt of 'Nope', which is not a resource of this template");
    expect_error("Resources:\n  A: {Type: X, Properties: {P: !Sub 'a-${Nope.Arn}'}}\n",
                 PP_E_TEMPLATE, "Fn::Sub: '${Nope}' is neither a parameter");
    expect_error("Resources:\n  A: {Type: X, Properties: {P: !Ref Nowhere}}\n", PP_E_TEMPLATE,
                 "t.yaml:2:32: Ref to 'Nowhere', which is neither a parameter, a pseudo parameter "
                 "nor a resource of this template");
    expect_error("Conditions:\n  A: !Condition B\n  B: !Condition A\nResources: {}\n", PP_E_CYCLE,
                 "depends on itself");
    expect_error("Conditions:\n  A: !Ref X\nParameters: {X: {Type: String, Default: maybe}}\n"
                 "Resources: {}\n", PP_E_TEMPLATE, "condition 'A' must evaluate to a boolean");
}

static void test_hook_document(void **state)
{
    (void)state;
    fixture f = build("AWS::S3::Bucket:\n  resourceProperties:\n    BucketName: b\n", NULL, 0, NULL);
    assert_non_null(f.t);
    assert_int_equal(f.t->nres, 1);
    assert_int_equal(f.t->is_hook_doc, 1);
    assert_string_equal(f.t->res[0].type, "AWS::S3::Bucket");
    assert_string_equal(f.t->res[0].props_ptr, "/AWS::S3::Bucket/resourceProperties");
    assert_str(prop(&f, "Resource", "BucketName"), "b");
    pp_pos p;
    assert_int_equal(pp_doc_pos(f.doc, "/AWS::S3::Bucket/resourceProperties/BucketName", &p), 0);
    assert_int_equal(p.line, 3);
    done(&f);
}

/* Properties: !If with a NoValue or scalar branch: every world still has a property map. */
static void test_properties_if(void **state)
{
    (void)state;
    fixture f = build("Parameters: {E: {Type: String}}\n"
                      "Conditions: {C: !Equals [!Ref E, prod]}\n"
                      "Resources:\n"
                      "  A: {Type: X, Properties: !If [C, {P: 1}, !Ref AWS::NoValue]}\n"
                      "  B: {Type: X, Properties: !If [C, {P: 1}, oops]}\n", NULL, 0, NULL);
    assert_non_null(f.t);
    for (size_t i = 0; i < 2; i++) {
        json_t *c = pp_unknown_candidates(f.t->res[i].properties);
        assert_int_equal(json_array_size(c), 2);
        assert_int_equal(json_integer_value(json_object_get(json_array_get(c, 0), "P")), 1);
        assert_true(json_is_object(json_array_get(c, 1)));
        assert_false(pp_is_novalue(json_array_get(c, 1)));
        assert_int_equal(json_object_size(json_array_get(c, 1)), 0);
    }
    done(&f);
}

static void test_step_limit(void **state)
{
    (void)state;
    static const char *y = "Resources:\n  A: {Type: X, Properties: {P: [1, 2, 3, 4, 5, 6]}}\n";
    pp_limits lim = PP_LIMITS_DEFAULT;
    lim.max_resolve_steps = 5;
    pp_status st;
    char *err = NULL;
    pp_doc *d = pp_doc_load("t.yaml", y, strlen(y), PP_FMT_YAML, &lim, &st, &err);
    assert_non_null(d);
    pp_resolve_opts o = {.limits = &lim};
    pp_template *t = pp_template_build(d, &o, &st, &err);
    assert_null(t);
    assert_int_equal(st, PP_E_LIMIT);
    assert_non_null(strstr(err, "resolution steps"));
    free(err);
    pp_doc_free(d);
}


/* The SAM transform: what a function, an API and a table become, the implicit names, SAM's
 * referable properties, positions at the serverless resource's lines. */
static void test_sam(void **state)
{
    (void)state;
    static const char *y =
        "Transform: AWS::Serverless-2016-10-31\n"                 /* 1 */
        "Globals:\n"                                               /* 2 */
        "  Function: {Timeout: 9, MemorySize: 256}\n"             /* 3 */
        "Resources:\n"                                             /* 4 */
        "  Fn:\n"                                                  /* 5 */
        "    Type: AWS::Serverless::Function\n"                    /* 6 */
        "    Properties:\n"                                        /* 7 */
        "      Runtime: python3.12\n"                              /* 8 */
        "      Handler: i.h\n"                                     /* 9 */
        "      MemorySize: 128\n"                                  /* 10 */
        "      VpcConfig: {SubnetIds: [s-1], SecurityGroupIds: [sg-1]}\n" /* 11 */
        "      Policies: [AmazonS3ReadOnlyAccess, {Statement: [{Effect: Allow, Action: 's3:*', "
        "Resource: '*'}]}]\n"                                      /* 12 */
        "      AutoPublishAlias: live\n"                           /* 13 */
        "      FunctionUrlConfig:\n"                               /* 14 */
        "        AuthType: NONE\n"                                 /* 15 */
        "      Events:\n"
        "        Get: {Type: Api, Properties: {Path: /, Method: get}}\n"
        "        Http: {Type: HttpApi}\n"
        "  Given:\n"
        "    Type: AWS::Serverless::Function\n"
        "    Properties: {Runtime: nodejs20.x, Handler: i.h, Role: arn:aws:iam::1:role/r}\n"
        "  Table:\n"
        "    Type: AWS::Serverless::SimpleTable\n"
        "    Properties: {PrimaryKey: {Name: pk, Type: Number}}\n"
        "  Use:\n"
        "    Type: X::Y\n"
        "    Properties:\n"
        "      A: !Ref FnRole\n"
        "      B: !Ref Fn.Alias\n"
        "      C: !GetAtt ServerlessRestApi.RootResourceId\n"
        "      D: !Ref ServerlessHttpApi\n"
        "      E: !GetAtt FnUrl.FunctionUrl\n";
    fixture f = build(y, NULL, 0, NULL);
    if (!f.t)
        print_error("%s\n", f.err);
    assert_non_null(f.t);
    static const char *const want[][2] = {
        {"Fn", "AWS::Lambda::Function"}, {"FnRole", "AWS::IAM::Role"},
        {"FnVersion", "AWS::Lambda::Version"}, {"FnAliaslive", "AWS::Lambda::Alias"},
        {"FnUrl", "AWS::Lambda::Url"}, {"FnUrlPublicPermissions", "AWS::Lambda::Permission"},
        {"FnURLInvokeAllowPublicAccess", "AWS::Lambda::Permission"},
        {"Given", "AWS::Lambda::Function"}, {"Table", "AWS::DynamoDB::Table"},
        {"ServerlessRestApi", "AWS::ApiGateway::RestApi"},
        {"ServerlessRestApiProdStage", "AWS::ApiGateway::Stage"},
        {"ServerlessRestApiDeployment", "AWS::ApiGateway::Deployment"},
        {"ServerlessHttpApi", "AWS::ApiGatewayV2::Api"},
        {"ServerlessHttpApiApiGatewayDefaultStage", "AWS::ApiGatewayV2::Stage"}};
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        long k = pp_template_find(f.t, want[i][0]);
        if (k < 0)
            print_error("missing %s\n", want[i][0]);
        assert_true(k >= 0);
        assert_string_equal(f.t->res[k].type, want[i][1]);
    }
    assert_int_equal(f.t->nres, 15);                       /* the 14 above and Use */
    assert_true(pp_template_find(f.t, "GivenRole") < 0);   /* a Role given: none made */
    /* the function: SAM keys gone, the resource's MemorySize over Globals, Timeout from them */
    assert_int_equal(json_integer_value(prop(&f, "Fn", "MemorySize")), 128);
    assert_int_equal(json_integer_value(prop(&f, "Fn", "Timeout")), 9);
    assert_null(prop(&f, "Fn", "FunctionUrlConfig"));
    assert_null(prop(&f, "Fn", "Policies"));
    assert_non_null(prop(&f, "Fn", "VpcConfig"));
    assert_str(json_array_get(json_object_get(prop(&f, "Fn", "Role"), "Fn::GetAtt"), 0), "FnRole");
    assert_str(prop(&f, "Given", "Role"), "arn:aws:iam::1:role/r");
    /* the role: the basic and VPC managed policies, the named one, the inline statement */
    json_t *arns = prop(&f, "FnRole", "ManagedPolicyArns");
    assert_int_equal(json_array_size(arns), 3);
    assert_str(json_array_get(arns, 1),
               "arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole");
    assert_str(json_array_get(arns, 2), "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess");
    assert_int_equal(json_array_size(prop(&f, "FnRole", "Policies")), 1);
    /* the URL and its public permission */
    assert_str(prop(&f, "FnUrl", "AuthType"), "NONE");
    assert_str(prop(&f, "FnUrl", "Qualifier"), "live");
    assert_str(prop(&f, "FnUrlPublicPermissions", "Principal"), "*");
    /* the table: a Number key is type N, on demand */
    assert_str(json_object_get(json_array_get(prop(&f, "Table", "AttributeDefinitions"), 0),
                               "AttributeType"), "N");
    assert_str(prop(&f, "Table", "BillingMode"), "PAY_PER_REQUEST");
    /* referable properties resolve to the generated ids */
    assert_str(json_object_get(prop(&f, "Use", "B"), "Ref"), "FnAliaslive");
    assert_str(json_object_get(prop(&f, "Use", "A"), "Ref"), "FnRole");
    /* positions: the URL's properties are FunctionUrlConfig's, the function's its own */
    long u = pp_template_find(f.t, "FnUrl");
    assert_string_equal(f.t->res[u].props_ptr, "/Resources/Fn/Properties/FunctionUrlConfig");
    pp_pos p;
    assert_true(pp_doc_pos(f.doc, "/Resources/Fn/Properties/FunctionUrlConfig/AuthType", &p) >= 0);
    assert_int_equal(p.line, 15);
    long r = pp_template_find(f.t, "FnRole");
    assert_string_equal(f.t->res[r].src_ptr, "/Resources/Fn");
    done(&f);

    /* a Role given: Ref FnRole is what CloudFormation would refuse */
    expect_error("Transform: AWS::Serverless-2016-10-31\nResources:\n  Fn:\n"
                 "    Type: AWS::Serverless::Function\n    Properties: {Role: r}\n"
                 "  U: {Type: X, Properties: {A: !Ref FnRole}}\n", PP_E_TEMPLATE,
                 "Ref to 'FnRole'");
    /* without the transform, nothing is expanded (and Globals is no section) */
    expect_error("Globals: {}\nResources: {}\n", PP_E_TEMPLATE, "'Globals' is not a template section");
}

/* The SAM transform is bounded: a template whose functions would make more than 20,000
 * resources is refused with PP_E_LIMIT, not expanded without end. */
static void test_sam_limit(void **state)
{
    (void)state;
    size_t n = 10001;   /* each makes a function and a role */
    size_t cap = 64 + n * 48;
    char *y = malloc(cap);
    assert_non_null(y);
    size_t len = (size_t)snprintf(y, cap, "Transform: AWS::Serverless-2016-10-31\nResources:\n");
    for (size_t i = 0; i < n; i++)
        len += (size_t)snprintf(y + len, cap - len, "  F%zu: {Type: AWS::Serverless::Function}\n", i);
    fixture f = build(y, NULL, 0, NULL);
    assert_null(f.t);
    assert_int_equal(f.st, PP_E_LIMIT);
    assert_non_null(strstr(f.err, "the SAM transform makes more than 20000 resources"));
    done(&f);
    free(y);
}

/* The lookup indexes built with the template: by logical id (including ids absent), by exact
 * type in document order, and who refers to whom (Ref and GetAtt at any depth, once per
 * referrer, a self-reference, references to parameters and pseudo parameters left out). */
static void test_indexes(void **state)
{
    (void)state;
    fixture f = build("Parameters:\n"
                      "  P: {Type: String, Default: x}\n"
                      "Resources:\n"
                      "  Zeta: {Type: AWS::EC2::Subnet, Properties: {VpcId: !Ref Vpc}}\n"
                      "  Vpc: {Type: AWS::EC2::VPC}\n"
                      "  Alpha: {Type: AWS::EC2::Subnet, Properties: {VpcId: !Ref Vpc, Tags: [{Key: a, Value: !GetAtt Vpc.CidrBlock}]}}\n"
                      "  Assoc:\n"
                      "    Type: AWS::EC2::SubnetRouteTableAssociation\n"
                      "    Properties: {SubnetId: !Ref Alpha, RouteTableId: !Ref P, Other: !Ref 'AWS::Region'}\n"
                      "  Self: {Type: Test::X, Properties: {Me: !Ref Self, Deep: [[{x: {Ref: Zeta}}]]}}\n",
                      NULL, 0, "us-east-1");
    assert_non_null(f.t);
    const char *ids[] = {"Zeta", "Vpc", "Alpha", "Assoc", "Self"};
    for (size_t i = 0; i < 5; i++)
        assert_int_equal(pp_template_find(f.t, ids[i]), (long)i);
    assert_int_equal(pp_template_find(f.t, "Nope"), -1);
    assert_int_equal(pp_template_find(f.t, "P"), -1);

    const size_t *idx;
    size_t n;
    assert_int_equal(pp_template_of_type(f.t, "AWS::EC2::Subnet", &idx, &n), 1);
    assert_int_equal(n, 2);
    assert_int_equal(idx[0], 0);   /* document order, not id order */
    assert_int_equal(idx[1], 2);
    assert_int_equal(pp_template_of_type(f.t, "AWS::EC2::Route", &idx, &n), 1);
    assert_int_equal(n, 0);
    assert_int_equal(pp_template_of_type(f.t, "AWS::EC2::", &idx, &n), 1);   /* exact, no prefix */
    assert_int_equal(n, 0);

    assert_int_equal(pp_template_referrers(f.t, 1, &idx, &n), 1);   /* Vpc ← Zeta, Alpha (twice) */
    assert_int_equal(n, 2);
    assert_int_equal(idx[0], 0);
    assert_int_equal(idx[1], 2);
    assert_int_equal(pp_template_referrers(f.t, 2, &idx, &n), 1);   /* Alpha ← Assoc */
    assert_int_equal(n, 1);
    assert_int_equal(idx[0], 3);
    assert_int_equal(pp_template_referrers(f.t, 4, &idx, &n), 1);   /* Self ← Self */
    assert_int_equal(n, 1);
    assert_int_equal(idx[0], 4);
    assert_int_equal(pp_template_referrers(f.t, 0, &idx, &n), 1);   /* Zeta ← Self (nested) */
    assert_int_equal(n, 1);
    assert_int_equal(idx[0], 4);
    assert_int_equal(pp_template_referrers(f.t, 3, &idx, &n), 1);   /* nobody names Assoc */
    assert_int_equal(n, 0);
    done(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parameters_and_pseudo),
        cmocka_unit_test(test_intrinsics),
        cmocka_unit_test(test_unknown_candidates),
        cmocka_unit_test(test_if_unknown_branch),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_hook_document),
        cmocka_unit_test(test_properties_if),
        cmocka_unit_test(test_step_limit),
        cmocka_unit_test(test_indexes),
        cmocka_unit_test(test_sam),
        cmocka_unit_test(test_sam_limit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
