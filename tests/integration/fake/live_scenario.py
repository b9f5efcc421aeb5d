"""live_scenario.py — writes the aws_stub.py scenario of a realistic failed deployment:

  stack "shop": CREATE of a parent stack whose nested stack "Api" fails; inside it the
  AWS::ECS::Service fails when the ECS deployment circuit breaker trips; the service's
  stopped task shows an essential container that exited with code 1, and the container's
  awslogs stream holds the Node.js crash ("Error: Cannot find module 'express'"). Events of an
  older operation (a failed "Legacy" bucket) lie past the start of the latest one, on a later
  page, and must not be read.

  stack "vague": an AWS::IAM::Role fails with "Internal Failure"; CloudTrail holds the
  CreateRole call that an SCP denied.

  stack "progress" (watch): three successive answers, CREATE_IN_PROGRESS → a failing bucket →
  ROLLBACK_COMPLETE; stack "fine" (watch): ends CREATE_COMPLETE; stack "slow" never ends.

usage: live_scenario.py OUT.json [KEY=VALUE…]   (extra top-level keys as JSON values)
"""
import json
import sys

ACCT = "111122223333"
R = "eu-west-1"


def arn(name, uid):
    return "arn:aws:cloudformation:%s:%s:stack/%s/%s" % (R, ACCT, name, uid)


def ev(stack, sid, n, lid, typ, st, why=None, pid=None, t=None):
    e = {"StackId": sid, "EventId": "%s-%d" % (stack, n), "StackName": stack,
         "LogicalResourceId": lid, "PhysicalResourceId": pid if pid is not None else lid,
         "ResourceType": typ, "Timestamp": t or "2024-05-01T10:%02d:%02d.000Z" % (n // 60, n % 60),
         "ResourceStatus": st}
    if why is not None:
        e["ResourceStatusReason"] = why
    return e


SHOP = arn("shop", "1111")
API = arn("shop-Api-1ABC", "2222")
SVC = "arn:aws:ecs:%s:%s:service/shop-cluster/shop-api" % (R, ACCT)
TASK = "arn:aws:ecs:%s:%s:task/shop-cluster/0f1e2d3c4b5a" % (R, ACCT)
TDEF = "arn:aws:ecs:%s:%s:task-definition/shop-api:3" % (R, ACCT)
STK = "AWS::CloudFormation::Stack"

shop = [
    ev("shop", SHOP, 60, "shop", STK, "ROLLBACK_COMPLETE", pid=SHOP),
    ev("shop", SHOP, 58, "Api", STK, "DELETE_COMPLETE", pid=API),
    ev("shop", SHOP, 50, "shop", STK, "ROLLBACK_IN_PROGRESS",
       "The following resource(s) failed to create: [Api]. Rollback requested by user.", pid=SHOP),
    ev("shop", SHOP, 49, "Api", STK, "CREATE_FAILED",
       "Embedded stack %s was not successfully created: The following resource(s) failed to "
       "create: [Service]. " % API, pid=API),
    ev("shop", SHOP, 3, "Api", STK, "CREATE_IN_PROGRESS", "Resource creation Initiated", pid=API),
    ev("shop", SHOP, 2, "Bucket", "AWS::S3::Bucket", "CREATE_COMPLETE", pid="shop-bucket-x"),
    ev("shop", SHOP, 1, "shop", STK, "CREATE_IN_PROGRESS", "User Initiated", pid=SHOP),
    # the previous operation: must not be fetched
    ev("shop", SHOP, 0, "Legacy", "AWS::S3::Bucket", "CREATE_FAILED",
       "legacy-bucket already exists", t="2024-04-01T09:00:00.000Z"),
    ev("shop", SHOP, 0, "shop", STK, "CREATE_IN_PROGRESS", "User Initiated", pid=SHOP,
       t="2024-04-01T08:59:00.000Z"),
]
shop[-2]["EventId"] = "shop-old-failed"
shop[-1]["EventId"] = "shop-old-start"

api = [
    ev("shop-Api-1ABC", API, 48, "shop-Api-1ABC", STK, "CREATE_FAILED",
       "The following resource(s) failed to create: [Service]. ", pid=API),
    ev("shop-Api-1ABC", API, 47, "Service", "AWS::ECS::Service", "CREATE_FAILED",
       "Resource handler returned message: \"Error occurred during operation 'ECS Deployment "
       "Circuit Breaker was triggered'.\" (RequestToken: 4f1c2b8e-6a0d-4d43-9c1e-0b7f2d5e9a10, "
       "HandlerErrorCode: GeneralServiceException)", pid=SVC),
    ev("shop-Api-1ABC", API, 6, "Service", "AWS::ECS::Service", "CREATE_IN_PROGRESS", pid=""),
    ev("shop-Api-1ABC", API, 5, "TaskDef", "AWS::ECS::TaskDefinition", "CREATE_COMPLETE",
       pid=TDEF),
    ev("shop-Api-1ABC", API, 4, "shop-Api-1ABC", STK, "CREATE_IN_PROGRESS", "User Initiated",
       pid=API),
]
api[1]["ResourceProperties"] = json.dumps({"Cluster": "shop-cluster", "ServiceName": "shop-api"})

service = {
    "serviceArn": SVC, "serviceName": "shop-api", "clusterArn":
    "arn:aws:ecs:%s:%s:cluster/shop-cluster" % (R, ACCT), "status": "ACTIVE",
    "deployments": [{"id": "ecs-svc/9876", "status": "PRIMARY", "rolloutState": "FAILED",
                     "rolloutStateReason": "ECS deployment circuit breaker: tasks failed to "
                     "start.", "createdAt": 1714557610.0, "updatedAt": 1714557640.0}],
    "events": [
        {"id": "e3", "createdAt": 1714557640.0, "message": "(service shop-api) (deployment "
         "ecs-svc/9876) deployment failed: tasks failed to start."},
        {"id": "e2", "createdAt": 1714557630.0, "message": "(service shop-api) has started 1 "
         "tasks: (task 0f1e2d3c4b5a)."},
    ]}
task = {
    "taskArn": TASK, "clusterArn": "arn:aws:ecs:%s:%s:cluster/shop-cluster" % (R, ACCT),
    "taskDefinitionArn": TDEF, "group": "service:shop-api", "lastStatus": "STOPPED",
    "desiredStatus": "STOPPED", "stopCode": "EssentialContainerExited",
    "stoppedReason": "Essential container in task exited", "stoppedAt": 1714557635.0,
    "containers": [{"name": "api", "image": "%s.dkr.ecr.%s.amazonaws.com/shop-api:1.4.2"
                    % (ACCT, R), "lastStatus": "STOPPED", "exitCode": 1}]}
taskdef = {"taskDefinitionArn": TDEF, "family": "shop-api", "containerDefinitions": [
    {"name": "api", "essential": True, "image": task["containers"][0]["image"],
     "logConfiguration": {"logDriver": "awslogs", "options": {
         "awslogs-group": "/ecs/shop-api", "awslogs-stream-prefix": "ecs",
         "awslogs-region": R}}}]}
log = ["> shop-api@1.4.2 start", "> node server.js",
       "node:internal/modules/cjs/loader:1080", "  throw err;", "  ^",
       "Error: Cannot find module 'express'",
       "Require stack:", "- /app/server.js",
       "\x1b]0;owned\x07terminal escape in a log line"]

VAGUE = arn("vague", "3333")
vague = [
    ev("vague", VAGUE, 30, "vague", STK, "ROLLBACK_COMPLETE", pid=VAGUE),
    ev("vague", VAGUE, 20, "Role", "AWS::IAM::Role", "CREATE_FAILED", "Internal Failure",
       pid="vague-Role-7XQ2"),
    ev("vague", VAGUE, 2, "Role", "AWS::IAM::Role", "CREATE_IN_PROGRESS", pid="vague-Role-7XQ2"),
    ev("vague", VAGUE, 1, "vague", STK, "CREATE_IN_PROGRESS", "User Initiated", pid=VAGUE),
]
trail = {"vague-Role-7XQ2": [{
    "EventId": "ct-1", "EventName": "CreateRole", "EventTime": 1714557615.0,
    "CloudTrailEvent": json.dumps({
        "eventName": "CreateRole", "eventSource": "iam.amazonaws.com",
        "errorCode": "AccessDenied",
        "errorMessage": "User: arn:aws:sts::%s:assumed-role/cfn-exec/session is not "
                        "authorized to perform: iam:CreateRole on resource: arn:aws:iam::%s:"
                        "role/vague-Role-7XQ2 with an explicit deny in a service control policy"
                        % (ACCT, ACCT)})}]}

PROG = arn("progress", "4444")
p1 = [ev("progress", PROG, 1, "progress", STK, "CREATE_IN_PROGRESS", "User Initiated", pid=PROG)]
p2 = [ev("progress", PROG, 3, "Assets", "AWS::S3::Bucket", "CREATE_FAILED",
         "my-assets already exists (Service: Amazon S3; Status Code: 409; Error Code: "
         "BucketAlreadyExists)", pid="my-assets"),
      ev("progress", PROG, 2, "Assets", "AWS::S3::Bucket", "CREATE_IN_PROGRESS", pid="")] + p1
p3 = [ev("progress", PROG, 9, "progress", STK, "ROLLBACK_COMPLETE", pid=PROG),
      ev("progress", PROG, 5, "progress", STK, "ROLLBACK_IN_PROGRESS",
         "The following resource(s) failed to create: [Assets]. Rollback requested by user.",
         pid=PROG)] + p2
FINE = arn("fine", "5555")
f1 = [ev("fine", FINE, 1, "fine", STK, "CREATE_IN_PROGRESS", "User Initiated", pid=FINE)]
f2 = [ev("fine", FINE, 3, "fine", STK, "CREATE_COMPLETE", pid=FINE),
      ev("fine", FINE, 2, "Topic", "AWS::SNS::Topic", "CREATE_COMPLETE", pid="t")] + f1
SLOW = arn("slow", "6666")
s1 = [ev("slow", SLOW, 1, "slow", STK, "UPDATE_IN_PROGRESS", "User Initiated", pid=SLOW)]

scen = {
    "keys": {"AKIDTEST": "test/SECRET+key0123456789abcdefghijklmn"},
    "page_size": 3,
    "stacks": {"shop": shop, SHOP: shop, API: api, "vague": vague},
    "watch": {"progress": [p1, p1, p2, p3], "fine": [f1, f2], "slow": [s1]},
    "ecs": {"services": {"shop-api": service}, "tasks": [task], "taskdefs": {TDEF: taskdef}},
    "logs": {"/ecs/shop-api|ecs/api/0f1e2d3c4b5a": log},
    "trail": trail,
    # what GetTemplate answers for the vague stack: the Role is on line 5
    "templates": {"vague": "AWSTemplateFormatVersion: '2010-09-09'\n"
                           "Description: a role an SCP denies\n"
                           "Resources:\n"
                           "  # the role\n"
                           "  Role:\n"
                           "    Type: AWS::IAM::Role\n"
                           "    Properties:\n"
                           "      AssumeRolePolicyDocument: {}\n"},
}
for kv in sys.argv[2:]:
    k, _, v = kv.partition("=")
    scen[k] = json.loads(v)
json.dump(scen, open(sys.argv[1], "w"))
