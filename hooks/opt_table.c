/* opt_table.c — the data of opt.h: every command's usage text and the one sorted table of
 * every option of every command. The parser and the --help writer are in hooks/opt.c; the
 * manual page and the shell completions are generated from the --help this table gives
 * (docs/man/mkman.py). Adding an option: one row here, in strcmp order of its name, and a
 * case in the command's callback. */
#include "hooks/opt.h"

#include "engine/check_par.h"
#include "engine/base/util.h"
#include "hooks/serve_int.h"

#define C_SEL (PP_CMD_CHECK | PP_CMD_RULES_LIST | PP_CMD_RULES_TEST | PP_CMD_HOOK | \
               PP_CMD_SERVE | PP_CMD_LAMBDA)
#define C_HOOKS (PP_CMD_HOOK | PP_CMD_SERVE | PP_CMD_LAMBDA)
#define C_AI (PP_CMD_EXPLAIN | PP_CMD_NOTIFY)
#define C_AWS (PP_CMD_EXPLAIN | PP_CMD_WATCH)
#define C_STATE (PP_CMD_EXPLAIN | PP_CMD_WATCH | PP_CMD_NOTIFY | PP_CMD_SERVE | PP_CMD_LAMBDA)

#define FLAG(n, s, id, cmds, help) { n, s, PP_OPT_FLAG, 0, id, cmds, NULL, 0, 0, help }
#define STR(n, s, fl, id, cmds, arg, help) { n, s, PP_OPT_STR, fl, id, cmds, arg, 0, 0, help }
#define CHOICE(n, s, id, cmds, arg, help) { n, s, PP_OPT_CHOICE, 0, id, cmds, arg, 0, 0, help }
#define NUM(n, id, cmds, lo, hi, help) { n, 0, PP_OPT_LONG, 0, id, cmds, "N", lo, hi, help }

static const pp_opt TABLE[] = {
    STR("account-id", 0, 0, PP_O_ACCOUNT_ID, PP_CMD_CHECK, "N", "pseudo parameter AWS::AccountId"),
    CHOICE("ai", 0, PP_O_AI, C_AI, "bedrock|none",
           "add Amazon Bedrock's reading of each root cause (marked as AI;\n"
           "redacted before sending; cached in the state store)"),
    NUM("ai-timeout-ms", PP_O_AI_TIMEOUT_MS, C_AI, 1, 600000,
        "budget for all Bedrock calls (default 8000); on timeout or error\n"
        "the knowledge-base answer is used, with a note"),
    STR("allow-payload-url-prefix", 0, PP_OPT_REPEAT | PP_OPT_NONEMPTY, PP_O_ALLOW_PREFIX, C_HOOKS,
        "P", "also fetch payloads from URLs starting with P (default: Amazon\n"
        "S3 https URLs only)"),
    STR("bedrock-endpoint", 0, 0, PP_O_BEDROCK_ENDPOINT, C_AI, "URL",
        "Bedrock Runtime endpoint (default: AWS in $AWS_REGION)"),
    STR("bedrock-model", 0, 0, PP_O_BEDROCK_MODEL, C_AI, "ID",
        "model or inference profile (or PARAPET_BEDROCK_MODEL)"),
    FLAG("color", 0, PP_O_COLOR, PP_CMD_CHECK, "colour even when stdout is not a terminal"),
    STR("config", 0, 0, PP_O_CONFIG, C_SEL, "FILE",
        "configuration (default: .parapet.yaml, looked for upward)"),
    NUM("deadline-ms", PP_O_DEADLINE_MS, PP_CMD_HOOK | PP_CMD_SERVE, 1, 900000,
        "give up fetching and evaluating a request after N ms\n(default 25000)"),
    NUM("deadline-s", PP_O_DEADLINE_S, PP_CMD_NOTIFY, 1, 86400,
        "for the whole delivery (default 300)"),
    STR("endpoint-url", 0, PP_OPT_NONEMPTY, PP_O_ENDPOINT_URL, C_AWS | PP_CMD_LAMBDA, "URL",
        "AWS API endpoint (or AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_<SERVICE>)"),
    STR("fail-on", 0, 0, PP_O_FAIL_ON, PP_CMD_CHECK | C_HOOKS, "SEVERITY",
        "lowest severity that fails: info, low, medium, high or critical\n(default info)"),
    FLAG("flush", 0, PP_O_FLUSH, PP_CMD_NOTIFY, "only deliver what earlier runs left pending"),
    CHOICE("format", 0, PP_O_FORMAT, PP_CMD_CHECK, "text|json|sarif|junit|codequality",
           "output format (default text; codequality: GitLab's code quality\nreport)"),
    CHOICE("format", 0, PP_O_FORMAT, PP_CMD_RULES_LIST | PP_CMD_RULES_TEST, "text|json",
           "output format of `list` (default text)"),
    CHOICE("format", 'f', PP_O_FORMAT, PP_CMD_EXPLAIN, "text|markdown|json|slack|teams",
           "output (default text); slack and teams print the chat messages\n"
           "`parapet notify` would post, as a JSON array"),
    CHOICE("format", 0, PP_O_FORMAT, PP_CMD_WATCH, "text|json",
           "text lines, or one JSON record per event (default text)"),
    STR("from", 0, PP_OPT_NONEMPTY, PP_O_FROM, PP_CMD_STATE_MIGRATE, "FILE",
        "the SQLite state file (e.g. ~/.local/state/parapet/state.db)"),
    FLAG("help", 'h', PP_O_HELP, PP_CMD_ALL, "this help"),
    NUM("idle-timeout-s", PP_O_IDLE_TIMEOUT_S, PP_CMD_SERVE, 1, 3600,
        "close a connection silent for N s (default 30)"),
    STR("interval", 0, 0, PP_O_INTERVAL, PP_CMD_WATCH, "SECONDS",
        "poll every SECONDS (0.05 to 3600, default 5; slower, up to 30,\n"
        "while nothing changes)"),
    NUM("jobs", PP_O_JOBS, PP_CMD_CHECK, 1, PP_CHECK_PAR_MAX + 1,
        "rule sets evaluating at once (default: one per core for large\n"
        "inputs, at most 8; 1 = one thread)"),
    STR("kb", 0, 0, PP_O_KB,
        PP_CMD_EXPLAIN | PP_CMD_WATCH | PP_CMD_NOTIFY | PP_CMD_KB_SEARCH | PP_CMD_KB_STATS, "FILE",
        "knowledge base (default: $PARAPET_KB, else kb.db beside the\n"
        "binary or in PREFIX/share/parapet)"),
    NUM("limit", PP_O_LIMIT, PP_CMD_KB_SEARCH, 1, 100, "entries at most (default 10)"),
    STR("listen", 0, 0, PP_O_LISTEN, PP_CMD_SERVE, "ADDR:PORT",
        "default 127.0.0.1:8080; port 0 picks a free port"),
    NUM("max-attempts", PP_O_MAX_ATTEMPTS, PP_CMD_NOTIFY, 1, 100,
        "attempts per message in this run (default 6)"),
    NUM("max-body-memory-mib", PP_O_MAX_BODY_MIB, PP_CMD_SERVE, 0, 1L << 20,
        "body bytes buffered beyond 64 KiB per request, over all requests\n"
        "(default 256; then 503)"),
    NUM("max-connections", PP_O_MAX_CONNECTIONS, PP_CMD_SERVE, 1, PP_SERVE_MAX_CONNECTIONS_CAP,
        "open connections at most (default 2048)"),
    STR("message", 0, PP_OPT_REPEAT, PP_O_MESSAGE, PP_CMD_EXPLAIN, "TEXT",
        "a pasted failure message instead of events (at most 64)"),
    FLAG("no-ai-cache", 0, PP_O_NO_AI_CACHE, C_AI, "ask Bedrock even when an answer is cached"),
    FLAG("no-builtin-rules", 0, PP_O_NO_BUILTIN_RULES, C_SEL, "do not load the built-in rules"),
    FLAG("no-color", 0, PP_O_NO_COLOR, PP_CMD_CHECK, "no colour, even on a terminal"),
    FLAG("no-rules-cache", 0, PP_O_NO_RULES_CACHE, C_SEL,
         "compile every rule from its text, even the built-in ones"),
    CHOICE("notify", 0, PP_O_NOTIFY, PP_CMD_WATCH, "slack|teams|webhook",
           "post the explanation too (needs --url or PARAPET_NOTIFY_URL)"),
    STR("notify-config", 0, 0, PP_O_NOTIFY_CONFIG, PP_CMD_LAMBDA, "FILE",
        "JSON configuration for EventBridge events (or\nPARAPET_NOTIFY_CONFIG)"),
    STR("only", 0, PP_OPT_REPEAT, PP_O_ONLY, C_SEL, "PATTERN",
        "only the rules whose id matches ('*' wildcards)"),
    FLAG("only-templates", 0, PP_O_ONLY_TEMPLATES, PP_CMD_CHECK,
         "skip named files that are not CloudFormation templates, as a\n"
         "folder walk does (pre-commit)"),
    STR("out", 'o', 0, PP_O_OUTPUT, PP_CMD_KB_BUILD, "FILE",
        "the database to write (default: kb.db beside the binary)"),
    STR("output", 'o', 0, PP_O_OUTPUT, PP_CMD_CHECK | PP_CMD_RULES_COMPILE, "FILE",
        "write to FILE instead of stdout (compile: required)"),
    STR("pack", 0, PP_OPT_REPEAT, PP_O_PACK, C_SEL, "NAME", "only the rules of this pack"),
    STR("param", 0, PP_OPT_REPEAT, PP_O_PARAM, PP_CMD_CHECK, "KEY=VALUE", "template parameter"),
    STR("params-file", 0, 0, PP_O_PARAMS_FILE, PP_CMD_CHECK, "FILE",
        "parameters: [{ParameterKey,ParameterValue}] or {\"Parameters\": {...}}"),
    STR("profile", 0, PP_OPT_NONEMPTY, PP_O_PROFILE, C_AWS, "P",
        "AWS profile (default: the standard credential chain)"),
    FLAG("quiet", 0, PP_O_QUIET, PP_CMD_NOTIFY | PP_CMD_STATE_MIGRATE,
         "no progress or summary lines"),
    STR("region", 0, 0, PP_O_REGION, PP_CMD_CHECK, "R", "pseudo parameter AWS::Region"),
    STR("region", 0, PP_OPT_NONEMPTY, PP_O_REGION, C_AWS, "R",
        "AWS region such as eu-west-1 (default: AWS_REGION, the profile)"),
    NUM("request-timeout-s", PP_O_REQUEST_TIMEOUT_S, PP_CMD_SERVE, 0, 3600,
        "close a request whose body is not in N s after its headers\n"
        "(default 30; 0: no limit)"),
    STR("resource-type", 0, 0, PP_O_RESOURCE_TYPE, PP_CMD_EXPLAIN, "TYPE",
        "the type of the resource --message is about (AWS::ECS::Service)"),
    STR("rules", 0, PP_OPT_REPEAT, PP_O_RULES, C_SEL, "DIR", "add a rules folder"),
    STR("rules", 0, PP_OPT_REPEAT, PP_O_RULES, PP_CMD_KB_LINT, "DIR",
        "a folder of the rules prevented_by may name (default: the built-in rules)"),
    STR("rules-cache", 0, 0, PP_O_RULES_CACHE, C_SEL, "FILE",
        "precompiled rules (`parapet rules compile`); a file whose text\n"
        "changed is compiled as usual; the built-in rules use their own\n"
        "cache by default"),
    FLAG("show-passed", 0, PP_O_SHOW_PASSED, PP_CMD_CHECK, "also list PASS and SKIP"),
    FLAG("slack-live", 0, PP_O_SLACK_LIVE, PP_CMD_SERVE,
         "`/parapet why STACK` with nothing recorded fetches the stack from\n"
         "AWS (explain --stack, the standard credential chain; within 2.5 s)"),
    STR("slack-signing-secret-file", 0, 0, PP_O_SLACK_SECRET_FILE, PP_CMD_SERVE, "FILE",
        "Slack signing secret (or SLACK_SIGNING_SECRET); without one\n"
        "/slack/command answers 404"),
    STR("src", 0, 0, PP_O_SRC, PP_CMD_KB_BUILD, "DIR", "the entries (default: ./kb)"),
    STR("stack", 0, PP_OPT_NONEMPTY, PP_O_STACK, PP_CMD_EXPLAIN, "NAME",
        "fetch the stack's latest operation from AWS (a name or an ARN)"),
    STR("stack-name", 0, 0, PP_O_STACK_NAME, PP_CMD_CHECK, "S", "pseudo parameter AWS::StackName"),
    STR("state", 0, 0, PP_O_STATE, C_STATE, "LOCATION",
        "state store: a SQLite file or dynamodb://TABLE (or PARAPET_STATE;\n"
        "default $XDG_STATE_HOME/parapet/state.db, /tmp/parapet/state.db\n"
        "in Lambda); --state-db is an alias"),
    STR("state-db", 0, 0, PP_O_STATE, C_STATE, "LOCATION", NULL),
    STR("template", 0, 0, PP_O_TEMPLATE, PP_CMD_EXPLAIN, "FILE",
        "the template that was deployed: each root cause points at the\n"
        "line of the failing resource and property"),
    NUM("threads", PP_O_THREADS, PP_CMD_SERVE, 1, PP_SERVE_MAX_THREADS,
        "worker threads (default: CPU count)"),
    NUM("timeout", PP_O_TIMEOUT, PP_CMD_WATCH, 1, 7L * 24 * 3600,
        "give up after N seconds (default 4 hours)"),
    NUM("timeout-ms", PP_O_TIMEOUT_MS, PP_CMD_NOTIFY, 1, 600000,
        "per attempt (default 10000)"),
    CHOICE("to", 0, PP_O_TO, PP_CMD_NOTIFY, "slack|teams|webhook",
           "Slack Block Kit, Teams Adaptive Card (Workflows), or the explain\nJSON"),
    STR("to", 0, PP_OPT_NONEMPTY, PP_O_TO, PP_CMD_STATE_MIGRATE, "dynamodb://TABLE",
        "the table (created by hooks/deploy/parapet-hook.yaml)"),
    STR("token-file", 0, 0, PP_O_TOKEN_FILE, PP_CMD_SERVE, "FILE",
        "require 'Authorization: Bearer <token>' (required when ADDR is\n"
        "not a loopback address)"),
    CHOICE("unknown", 0, PP_O_UNKNOWN, C_SEL, "fail|warn|pass",
           "what an UNKNOWN verdict does (default fail)"),
    STR("url", 0, 0, PP_O_URL, PP_CMD_WATCH | PP_CMD_NOTIFY, "URL",
        "the incoming-webhook URL (or PARAPET_NOTIFY_URL; it is a secret:\n"
        "prefer --url-file or the environment)"),
    STR("url-file", 0, 0, PP_O_URL_FILE, PP_CMD_NOTIFY, "FILE", "read the URL from FILE"),
    FLAG("verbose", 0, PP_O_VERBOSE, PP_CMD_CHECK,
         "rule logs, the rules cache and timings on stderr"),
    FLAG("verbose", 0, PP_O_VERBOSE, PP_CMD_RULES_LIST | PP_CMD_RULES_TEST | C_HOOKS,
         "rule logs on stderr"),
    FLAG("verbose", 'v', PP_O_VERBOSE, C_AWS,
         "name the credential source and each AWS call on stderr"),
};

static const pp_opt_cmd CMDS[] = {
    {PP_CMD_CHECK, "check", "[OPTIONS] FILE|DIR...   (FILE '-' reads stdin)",
     "Checks CloudFormation templates before they are deployed. A DIR is walked for *.json,\n"
     "*.yaml, *.yml, *.template (cdk.out: the stacks of its manifest.json); files that are not\n"
     "templates are skipped with a note; the configuration's `exclude: [GLOB...]` leaves\n"
     "paths out. Exit: 0 nothing failing at or above --fail-on, 1 failing findings, 2 usage,\n"
     "input or rule-load error."},
    {PP_CMD_RULES_LIST, "rules list", "[OPTIONS] [DIR]...",
     "Lists every rule with id, severity, packs, controls, related and types (DIR: that\n"
     "folder's rules only)."},
    {PP_CMD_RULES_TEST, "rules test", "[OPTIONS] [DIR]...",
     "Runs each rule's <rule>.cases.yaml; prints 'N passed, N failed'. Exit 1 when a case\n"
     "fails."},
    {PP_CMD_RULES_COMPILE, "rules compile", "[DIR] -o FILE",
     "Precompiles DIR (default: the built-in rules) into a rules cache, which\n"
     "--rules-cache FILE then uses for faster start-up (docs/rules.md)."},
    {PP_CMD_HOOK, "hook", "[OPTIONS] [FILE|-]",
     "Evaluates one CloudFormation Lambda-hook request (default: stdin) and prints the hook\n"
     "response. Exit 0 SUCCESS, 1 NonCompliant, 2 InternalFailure or usage error."},
    {PP_CMD_SERVE, "serve", "[--listen ADDR:PORT] [--threads N] [--token-file FILE] [OPTIONS]",
     "HTTP endpoint: POST /hook, POST /v1/check, POST /slack/command, GET /healthz,\n"
     "GET /metrics."},
    {PP_CMD_LAMBDA, "lambda", "[OPTIONS]",
     "The AWS Lambda custom-runtime loop over $AWS_LAMBDA_RUNTIME_API: each event is a\n"
     "CloudFormation Lambda-hook request, answered with the hook response, or an EventBridge\n"
     "failure event (CloudFormation stack/resource status, ECS deployment/task state),\n"
     "explained and posted to PARAPET_NOTIFY_URL (docs/chatops.md)."},
    {PP_CMD_EXPLAIN, "explain",
     "[--format text|markdown|json|slack|teams] [--kb FILE]\n"
     "                       [--message TEXT [--resource-type TYPE]] [--template FILE]\n"
     "                       [--ai bedrock ...] [--state LOCATION] [FILE...|-]\n"
     "       parapet explain --stack NAME [--region R] [--profile P] [--endpoint-url URL]\n"
     "                       [--verbose] [--format ...]",
     "Reads CloudFormation/ECS events (describe-stack-events, describe-stacks,\n"
     "describe-stack-resources, describe-services, describe-tasks, EventBridge events, JSON\n"
     "lines of these) or one pasted message, finds the root cause and prints fix guidance.\n"
     "--stack fetches the latest operation of a stack from AWS (stack events, nested stacks,\n"
     "ECS services, stopped tasks, container logs, CloudTrail) with the standard credential\n"
     "chain; what could not be fetched is listed, what was fetched is explained.\n"
     "Exit: 0 explained, 1 a failure matched no KB entry, 2 usage or input error."},
    {PP_CMD_WATCH, "watch",
     "STACK [--region R] [--profile P] [--endpoint-url URL] [--verbose]\n"
     "                     [--format text|json] [--notify slack|teams|webhook --url URL]\n"
     "                     [--state LOCATION] [--kb FILE] [--interval SECONDS] [--timeout N]",
     "Follows the stack's latest operation: one line per resource event (a live view on a\n"
     "terminal, plain lines otherwise, one JSON record per event with --format json); when a\n"
     "resource fails, the explanation is printed (and posted with --notify) at once.\n"
     "Exit: 0 the operation completed, 1 it failed or rolled back, 2 usage or AWS error,\n"
     "130 interrupted."},
    {PP_CMD_NOTIFY, "notify",
     "--to slack|teams|webhook (--url URL | --url-file FILE) [OPTIONS]\n"
     "                      [--flush] [FILE...|-]",
     "Explains the failure in FILE... (as `parapet explain` reads them) and posts one message\n"
     "per failing stack or service. Messages go through an outbox in the state store: each\n"
     "is stored before it is sent and marked delivered when the receiver accepts it; the same\n"
     "failure is never posted twice to one destination.\n"
     "Exit: 0 delivered (now or before), 1 a message is undelivered, 2 usage or input error."},
    {PP_CMD_KB_BUILD, "kb build", "[--src DIR | DIR] [--out FILE]",
     "Compiles the knowledge-base entries (kb/*.yaml) into the database explain reads."},
    {PP_CMD_KB_LINT, "kb lint", "[--rules DIR]... [DIR]",
     "Checks the entries (default: ./kb); the ids in prevented_by must be rules in the rules\n"
     "folders. Exit 1 on problems."},
    {PP_CMD_KB_SEARCH, "kb search", "[--kb FILE] [--limit N] TEXT...",
     "The entries a failure message matches: a pattern match first, then text search."},
    {PP_CMD_KB_STATS, "kb stats", "[--kb FILE]", "Counts of the knowledge base's entries."},
    {PP_CMD_STATE_MIGRATE, "state migrate", "--from FILE --to dynamodb://TABLE [--quiet]",
     "Copies a SQLite state file (the outbox with its dedup keys, the kept events, the latest\n"
     "explanations, the Bedrock cache) into a DynamoDB state table. Idempotent: what the table\n"
     "has already is left alone, so a second run copies nothing; pending messages stay\n"
     "deliverable. Region, credentials and endpoint come from the standard AWS chain."},
};

const pp_opt *pp_opt_table(size_t *n)
{
    *n = PP_ARRAY_LEN(TABLE);
    return TABLE;
}

const pp_opt_cmd *pp_opt_cmds(size_t *n)
{
    *n = PP_ARRAY_LEN(CMDS);
    return CMDS;
}
