/* fuzz_slack.c — the Slack slash command (hooks/slack.c): input is
 * "TIMESTAMP\nSIGNATURE\nBODY"; the signature is checked (fixed secret and clock), then the
 * form body is decoded and the command parsed and answered as `parapet serve` does. The body
 * is handed over in a buffer of exactly its length, as a request body need not be terminated.
 */
#include "tests/fuzz/fuzz.h"

#include "hooks/slack.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char secret[] = "8f742231b10e8888abcd99yyyzzz85a5";
    char *ts = pp_fuzz_field(&data, &size);
    char *sig = pp_fuzz_field(&data, &size);
    char *body = malloc(size ? size : 1);
    if (ts && sig && body) {
        if (size)
            memcpy(body, data, size);
        (void)pp_slack_verify(secret, sizeof secret - 1, ts, sig, body, size, 1531420618L);
        char *text = pp_slack_form_value(body, size, "text");
        char *cmd = pp_slack_form_value(body, size, "command");
        char *stack = pp_slack_why(text);
        char *answer = pp_slack_text(stack ? stack : text ? text : "");
        free(answer);
        free(stack);
        free(cmd);
        free(text);
    }
    free(body);
    free(sig);
    free(ts);
    return 0;
}
