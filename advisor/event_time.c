/* event_time.c — timestamps of event records: ISO 8601 text (pp_ev_parse_time) and the epoch
 * numbers the APIs give (event_int.h). */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "advisor/event_int.h"

void pp_ev_set_time(ictx *c, pp_event *e, const pj_val *v)
{
    if (IS_STR(v)) {
        e->timestamp = pp_ev_str(c->s, pj_str(v));
        int64_t ms;
        if (pp_ev_parse_time(pj_str(v), &ms) == 0)
            e->ts_ms = ms;
    } else if (IS_NUM(v)) {
        /* The ECS/CFN APIs (not the CLI) give epoch seconds, possibly fractional. */
        double sec = NUMV(v);
        if (sec > 1e12)   /* already milliseconds */
            sec /= 1000.0;
        /* 1970 to 9999: anything else is no time (and would not fit an int64 in ms) */
        if (!(sec >= 0.0 && sec <= 253402300799.0)) {
            char raw[40];
            snprintf(raw, sizeof raw, "%.15g", NUMV(v));
            e->timestamp = pp_ev_str(c->s, raw);
            return;
        }
        e->ts_ms = (int64_t)(sec * 1000.0);
        char buf[40];
        time_t t = (time_t)(e->ts_ms / 1000);
        struct tm tm;
        if (gmtime_r(&t, &tm) && strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm)) {
            size_t l = strlen(buf);
            snprintf(buf + l, sizeof buf - l, ".%03dZ", (int)(e->ts_ms % 1000));
        } else {
            snprintf(buf, sizeof buf, "%.3f", sec);
        }
        e->timestamp = pp_ev_str(c->s, buf);
    }
}

/* ---- time ----------------------------------------------------------------------------------- */

static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = (unsigned)(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

static int digits(const char **p, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if ((*p)[i] < '0' || (*p)[i] > '9')
            return -1;
        v = v * 10 + ((*p)[i] - '0');
    }
    *p += n;
    *out = v;
    return 0;
}

int pp_ev_parse_time(const char *s, int64_t *out_ms)
{
    int Y, M, D, h = 0, mi = 0, sec = 0, ms = 0;
    const char *p = s;
    if (!s || digits(&p, 4, &Y) || *p++ != '-' || digits(&p, 2, &M) || *p++ != '-' ||
        digits(&p, 2, &D))
        return -1;
    if (M < 1 || M > 12 || D < 1 || D > 31)
        return -1;
    if (*p == 'T' || *p == ' ') {
        p++;
        if (digits(&p, 2, &h) || *p++ != ':' || digits(&p, 2, &mi))
            return -1;
        if (*p == ':') {
            p++;
            if (digits(&p, 2, &sec))
                return -1;
        }
        if (*p == '.' || *p == ',') {
            p++;
            int scale = 100;
            while (*p >= '0' && *p <= '9') {
                ms += (*p - '0') * scale;
                scale /= 10;
                p++;
            }
        }
    }
    while (*p == ' ')
        p++;
    int off_min = 0;
    if (strncmp(p, "UTC", 3) == 0 || strncmp(p, "GMT", 3) == 0)
        p += 3;
    if (*p == 'Z' || *p == 'z') {
        p++;
    } else if (*p == '+' || *p == '-') {
        int sign = *p == '-' ? -1 : 1, oh, om = 0;
        p++;
        if (digits(&p, 2, &oh))
            return -1;
        if (*p == ':')
            p++;
        if (*p >= '0' && *p <= '9' && digits(&p, 2, &om))
            return -1;
        off_min = sign * (oh * 60 + om);
    }
    if (*p != '\0' || h > 23 || mi > 59 || sec > 60)
        return -1;
    int64_t days = days_from_civil(Y, (unsigned)M, (unsigned)D);
    int64_t t = ((days * 24 + h) * 60 + mi - off_min) * 60 + sec;
    *out_ms = t * 1000 + ms;
    return 0;
}

