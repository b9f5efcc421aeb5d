/* fuzz_events.c — the advisor's event ingestion (advisor/event.c pp_evset_ingest_buf, which
 * auto-detects every shape: describe-stack-events, describe-stacks, stack resources, ECS
 * describe-services / describe-tasks, EventBridge events, bare records, JSON lines), then root
 * causes (advisor/rootcause.c) and the explanation against the KB when ./kb loads (or
 * $PARAPET_KB_SRC), rendered as JSON, text and Markdown.
 */
#include "tests/fuzz/fuzz.h"

#include "advisor/event.h"
#include "advisor/explain.h"
#include "advisor/kb.h"

static pp_kb *g_kb;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    const char *dir = getenv("PARAPET_KB_SRC");
    char *err = NULL;
    if (pp_kb_load_dir(dir && *dir ? dir : "kb", &g_kb, &err) != PP_OK)
        g_kb = NULL;
    free(err);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    pp_ev_limits lim = PP_EV_LIMITS_DEFAULT;
    lim.max_events = 5000;
    lim.max_reason_bytes = 4096;
    pp_evset s;
    pp_evset_init(&s, &lim);
    char *err = NULL;
    (void)pp_evset_ingest_buf(&s, "fuzz.json", (const char *)data, size, &err);
    free(err);
    pp_explain x;
    if (pp_explain_run(&s, g_kb, &x) == PP_OK) {
        json_t *j = pp_explain_json(&x);
        char *dump = j ? json_dumps(j, JSON_COMPACT) : NULL;
        free(dump);
        json_decref(j);
        free(pp_explain_render(&x, PP_EXPLAIN_TEXT));
        free(pp_explain_render(&x, PP_EXPLAIN_MARKDOWN));
        if (s.n)
            json_decref(pp_explain_event_json(&x, 0));
        pp_explain_free(&x);
    }
    pp_evset_free(&s);
    return 0;
}
