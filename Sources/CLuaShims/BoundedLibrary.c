/* See BoundedLibrary.h for the contract and the cost units.
 *
 * The pattern matcher below is a separate implementation of Lua 5.4.4's
 * pattern language. Its observable behaviour (results, error messages, the
 * nesting limit behind "pattern too complex") follows Lua 5.4.4 exactly, so
 * it also follows Lua's structure where that behaviour depends on it: which
 * pattern items nest a C call and which continue in a loop decides when the
 * nesting limit is reached. Differences are only in the counting. */
#include "BoundedLibrary.h"

#include <ctype.h>
#include <limits.h>
#include <stddef.h>
#include <string.h>
#include <time.h>

/* ===================================================================
 * Charging
 * =================================================================== */

/* Steps are charged in batches: uptake_charge is a function call that may
 * raise, too costly to make for every character compared. */
#define CHARGE_BATCH 1024

/* Bulk byte operations (memchr, memcmp, memcpy) cost one step per this
 * many bytes: they run at many bytes per nanosecond. */
#define BYTES_PER_STEP 64

typedef struct Meter {
    lua_State *L;
    int64_t pending;  /* steps counted but not yet charged */
} Meter;

static void meter_init(Meter *meter, lua_State *L) {
    meter->L = L;
    meter->pending = 0;
}

/* Charges what has been counted. May raise the budget error. */
static void meter_flush(Meter *meter) {
    int64_t steps = meter->pending;
    if (steps > 0) {
        meter->pending = 0;
        uptake_charge(meter->L, steps);
    }
}

static void meter_count(Meter *meter, int64_t steps) {
    meter->pending += steps;
    if (meter->pending >= CHARGE_BATCH) meter_flush(meter);
}

static int64_t bytes_cost(size_t bytes) {
    return (int64_t)(bytes / BYTES_PER_STEP) + 1;
}

/* ===================================================================
 * Pattern matching state
 * =================================================================== */

/* Nesting limit of the matcher's recursion, as Lua's MAXCCALLS in lstrlib.c:
 * it keeps the C stack small and gives "pattern too complex". */
#define MATCH_MAX_DEPTH 200

/* Captures a pattern may have, as LUA_MAXCAPTURES in Lua's lstrlib.c. */
#define MATCH_MAX_CAPTURES 32

#define ESC '%'
#define SPECIALS "^$*+?.([%-"

/* A capture's len while it is open, and for a position capture '()'. */
#define CAPTURE_OPEN (-1)
#define CAPTURE_POSITION (-2)

typedef struct Capture {
    const char *start;
    ptrdiff_t len;  /* length, CAPTURE_OPEN or CAPTURE_POSITION */
} Capture;

typedef struct Matcher {
    Meter meter;
    const char *subject;      /* the whole subject (for positions, %f) */
    const char *subject_end;  /* its end; Lua keeps a '\0' there */
    const char *pattern_end;  /* likewise a '\0' there */
    int depth_left;           /* nested match_here calls still allowed */
    int level;                /* captures opened so far */
    Capture capture[MATCH_MAX_CAPTURES];
} Matcher;

static void matcher_init(Matcher *m, lua_State *L, const char *s, size_t ls,
                         const char *p_end) {
    meter_init(&m->meter, L);
    m->subject = s;
    m->subject_end = s + ls;
    m->pattern_end = p_end;
    m->depth_left = MATCH_MAX_DEPTH;
    m->level = 0;
}

/* Every attempt at a new position starts without captures. The depth is
 * reset too: an error raised mid-match (the budget) skips the unwinding. */
static void matcher_restart(Matcher *m) {
    m->level = 0;
    m->depth_left = MATCH_MAX_DEPTH;
}

static void step(Matcher *m) {
    meter_count(&m->meter, 1);
}

/* ===================================================================
 * Character classes and sets
 * =================================================================== */

/* Does character c belong to class %cl? Upper-case letters complement the
 * class; any other character stands for itself (as in '%.'). */
static int class_matches(int c, int cl) {
    int in;
    switch (tolower(cl)) {
        case 'a': in = isalpha(c); break;
        case 'c': in = iscntrl(c); break;
        case 'd': in = isdigit(c); break;
        case 'g': in = isgraph(c); break;
        case 'l': in = islower(c); break;
        case 'p': in = ispunct(c); break;
        case 's': in = isspace(c); break;
        case 'u': in = isupper(c); break;
        case 'w': in = isalnum(c); break;
        case 'x': in = isxdigit(c); break;
        case 'z': in = (c == 0); break;  /* deprecated, still accepted */
        default: return cl == c;
    }
    return islower(cl) ? (in != 0) : !in;
}

/* The end of the set that starts at p ('['), i.e. just past its ']'. The
 * first character after '[' or '[^' is a member even if it is ']'. */
static const char *set_end(Matcher *m, const char *p) {
    p++;  /* skip '[' */
    if (*p == '^') p++;
    do {
        step(m);
        if (p == m->pattern_end)
            luaL_error(m->meter.L, "malformed pattern (missing ']')");
        if (*p++ == ESC && p < m->pattern_end) p++;  /* skip '%x' whole */
    } while (*p != ']');
    return p + 1;
}

/* The end of the single-character class at p (just past it), where an
 * optional quantifier would be. */
static const char *item_end(Matcher *m, const char *p) {
    if (*p == ESC) {
        if (p + 1 == m->pattern_end)
            luaL_error(m->meter.L, "malformed pattern (ends with '%%')");
        return p + 2;
    }
    if (*p == '[') return set_end(m, p);
    return p + 1;
}

/* Does c belong to the set from p ('[') to last (its ']')? */
static int set_matches(Matcher *m, int c, const char *p, const char *last) {
    int found = 1;  /* what to return when c is found */
    if (p[1] == '^') {
        found = 0;
        p++;
    }
    while (++p < last) {
        step(m);
        if (*p == ESC) {
            p++;
            if (class_matches(c, (unsigned char)*p)) return found;
        } else if (p[1] == '-' && p + 2 < last) {
            int low = (unsigned char)p[0], high = (unsigned char)p[2];
            p += 2;
            if (low <= c && c <= high) return found;
        } else if ((unsigned char)*p == c) {
            return found;
        }
    }
    return !found;
}

/* Does the character at s match the class from p to end (item_end)? */
static int single_matches(Matcher *m, const char *s, const char *p, const char *end) {
    if (s >= m->subject_end) return 0;
    step(m);
    int c = (unsigned char)*s;
    switch (*p) {
        case '.': return 1;
        case ESC: return class_matches(c, (unsigned char)p[1]);
        case '[': return set_matches(m, c, p, end - 1);
        default: return (unsigned char)*p == c;
    }
}

/* ===================================================================
 * The matcher
 *
 * match_here returns the end of the match of the pattern from p on, with
 * the subject from s on, or NULL. Items that must try alternatives
 * (captures, the quantifiers * + - ?) call it recursively; the others
 * continue in its loop. Each call counts against MATCH_MAX_DEPTH.
 * =================================================================== */

static const char *match_here(Matcher *m, const char *s, const char *p);

/* Where one pattern item leaves the match: either decided (done, with s the
 * final result, NULL for failure) or to go on with s and p. */
typedef struct Next {
    const char *s;
    const char *p;
    int done;
} Next;

static Next go_on(const char *s, const char *p) {
    Next next = {s, p, 0};
    return next;
}

static Next decided(const char *result) {
    Next next = {result, NULL, 1};
    return next;
}

/* Greedy repetition: as many as possible, then give back one at a time. */
static const char *repeat_greedy(Matcher *m, const char *s, const char *p, const char *ep) {
    ptrdiff_t count = 0;
    while (single_matches(m, s + count, p, ep)) count++;
    for (; count >= 0; count--) {
        step(m);
        const char *result = match_here(m, s + count, ep + 1);
        if (result != NULL) return result;
    }
    return NULL;
}

/* Lazy repetition: as few as possible, one more at a time. */
static const char *repeat_lazy(Matcher *m, const char *s, const char *p, const char *ep) {
    for (;;) {
        step(m);
        const char *result = match_here(m, s, ep + 1);
        if (result != NULL) return result;
        if (!single_matches(m, s, p, ep)) return NULL;
        s++;
    }
}

/* A single-character class at p, maybe followed by a quantifier. */
static Next match_class_item(Matcher *m, const char *s, const char *p) {
    const char *ep = item_end(m, p);
    char quantifier = *ep;  /* '\0' at the pattern's end */
    if (!single_matches(m, s, p, ep)) {
        if (quantifier == '*' || quantifier == '?' || quantifier == '-')
            return go_on(s, ep + 1);  /* zero repetitions are fine */
        return decided(NULL);
    }
    switch (quantifier) {
        case '?': {
            const char *result = match_here(m, s + 1, ep + 1);
            return result != NULL ? decided(result) : go_on(s, ep + 1);
        }
        case '+': return decided(repeat_greedy(m, s + 1, p, ep));
        case '*': return decided(repeat_greedy(m, s, p, ep));
        case '-': return decided(repeat_lazy(m, s, p, ep));
        default: return go_on(s + 1, ep);
    }
}

static const char *open_capture(Matcher *m, const char *s, const char *p, ptrdiff_t kind) {
    if (m->level >= MATCH_MAX_CAPTURES) luaL_error(m->meter.L, "too many captures");
    m->capture[m->level].start = s;
    m->capture[m->level].len = kind;
    m->level++;
    const char *result = match_here(m, s, p);
    if (result == NULL) m->level--;  /* undo */
    return result;
}

static const char *close_capture(Matcher *m, const char *s, const char *p) {
    int open = m->level - 1;
    while (open >= 0 && m->capture[open].len != CAPTURE_OPEN) open--;
    if (open < 0) luaL_error(m->meter.L, "invalid pattern capture");
    m->capture[open].len = s - m->capture[open].start;
    const char *result = match_here(m, s, p);
    if (result == NULL) m->capture[open].len = CAPTURE_OPEN;  /* undo */
    return result;
}

/* %bxy: from an x to its balancing y. p points at x. */
static Next match_balance(Matcher *m, const char *s, const char *p) {
    if (p >= m->pattern_end - 1)
        luaL_error(m->meter.L, "malformed pattern (missing arguments to '%%b')");
    if (s >= m->subject_end || *s != p[0]) return decided(NULL);
    int depth = 1;
    while (++s < m->subject_end) {
        step(m);
        if (*s == p[1]) {
            if (--depth == 0) return go_on(s + 1, p + 2);
        } else if (*s == p[0]) {
            depth++;
        }
    }
    return decided(NULL);
}

/* %f[set]: the previous character is not in the set and the current one
 * is ('\0' stands for both ends of the subject). p points at '['. */
static Next match_frontier(Matcher *m, const char *s, const char *p) {
    if (*p != '[')
        luaL_error(m->meter.L, "missing '[' after '%%f' in pattern");
    const char *ep = set_end(m, p);
    int previous = (s == m->subject) ? 0 : (unsigned char)s[-1];
    int current = (s < m->subject_end) ? (unsigned char)*s : 0;
    if (!set_matches(m, previous, p, ep - 1) && set_matches(m, current, p, ep - 1))
        return go_on(s, ep);
    return decided(NULL);
}

/* %1-%9: the text of an earlier, closed capture again. */
static Next match_backreference(Matcher *m, const char *s, const char *p) {
    int index = p[1] - '1';
    if (index < 0 || index >= m->level || m->capture[index].len == CAPTURE_OPEN)
        luaL_error(m->meter.L, "invalid capture index %%%d", index + 1);
    ptrdiff_t len = m->capture[index].len;
    if (len == CAPTURE_POSITION) return decided(NULL);  /* never matches, as in Lua */
    meter_count(&m->meter, bytes_cost((size_t)len));
    if (m->subject_end - s >= len && memcmp(m->capture[index].start, s, (size_t)len) == 0)
        return go_on(s + len, p + 2);
    return decided(NULL);
}

static Next match_escape(Matcher *m, const char *s, const char *p) {
    switch (p[1]) {
        case 'b': return match_balance(m, s, p + 2);
        case 'f': return match_frontier(m, s, p + 2);
        default:
            if (p[1] >= '0' && p[1] <= '9') return match_backreference(m, s, p);
            return match_class_item(m, s, p);
    }
}

static Next match_item(Matcher *m, const char *s, const char *p) {
    switch (*p) {
        case '(':
            if (p[1] == ')') return decided(open_capture(m, s, p + 2, CAPTURE_POSITION));
            return decided(open_capture(m, s, p + 1, CAPTURE_OPEN));
        case ')':
            return decided(close_capture(m, s, p + 1));
        case '$':
            if (p + 1 == m->pattern_end)  /* '$' is an anchor only at the end */
                return decided(s == m->subject_end ? s : NULL);
            return match_class_item(m, s, p);
        case ESC:
            return match_escape(m, s, p);
        default:
            return match_class_item(m, s, p);
    }
}

static const char *match_here(Matcher *m, const char *s, const char *p) {
    if (m->depth_left-- == 0) luaL_error(m->meter.L, "pattern too complex");
    while (p != m->pattern_end) {
        step(m);
        Next next = match_item(m, s, p);
        s = next.s;
        if (next.done) break;
        p = next.p;
    }
    m->depth_left++;
    return s;
}

/* ===================================================================
 * Captures
 * =================================================================== */

/* Capture i of the last match s..e. With no captures in the pattern,
 * capture 0 is the whole match. A text capture is returned in *text and
 * *len (result 1); a position capture is pushed as an integer (result 0). */
static int get_capture(Matcher *m, int i, const char *s, const char *e,
                       const char **text, size_t *len) {
    lua_State *L = m->meter.L;
    if (i >= m->level) {
        if (i != 0) luaL_error(L, "invalid capture index %%%d", i + 1);
        *text = s;
        *len = (size_t)(e - s);
        return 1;
    }
    const Capture *cap = &m->capture[i];
    if (cap->len == CAPTURE_OPEN) luaL_error(L, "unfinished capture");
    if (cap->len == CAPTURE_POSITION) {
        lua_pushinteger(L, (lua_Integer)(cap->start - m->subject) + 1);
        return 0;
    }
    *text = cap->start;
    *len = (size_t)cap->len;
    return 1;
}

static void push_capture(Matcher *m, int i, const char *s, const char *e) {
    const char *text;
    size_t len;
    if (get_capture(m, i, s, e, &text, &len)) lua_pushlstring(m->meter.L, text, len);
}

/* Pushes all captures; with none, the whole match s..e unless s is NULL
 * (string.find, which returns the positions instead). */
static int push_captures(Matcher *m, const char *s, const char *e) {
    int count = (m->level == 0 && s != NULL) ? 1 : m->level;
    luaL_checkstack(m->meter.L, count, "too many captures");
    for (int i = 0; i < count; i++) push_capture(m, i, s, e);
    return count;
}

/* ===================================================================
 * string.find, string.match
 * =================================================================== */

/* A 1-based, possibly negative, start position as an offset of 0..len+1
 * (len+1 and beyond: past the end). */
static size_t start_offset(lua_Integer pos, size_t len) {
    if (pos > 0) return (size_t)pos - 1;
    if (pos == 0 || pos < -(lua_Integer)len) return 0;
    return len + (size_t)pos;
}

/* Does the pattern use any magic character? It may contain '\0's, which
 * strpbrk would stop at, so each '\0'-separated piece is searched. */
static int has_specials(Meter *meter, const char *p, size_t lp) {
    const char *end = p + lp;  /* a '\0' is there */
    meter_count(meter, bytes_cost(lp));
    for (; p <= end; p += strlen(p) + 1) {
        if (strpbrk(p, SPECIALS) != NULL) return 1;
    }
    return 0;
}

/* The first occurrence of needle in haystack, or NULL. */
static const char *plain_search(Meter *meter, const char *hay, size_t lhay,
                                const char *needle, size_t lneedle) {
    if (lneedle == 0) return hay;
    if (lneedle > lhay) return NULL;
    size_t starts = lhay - lneedle + 1;  /* positions a match could start at */
    while (starts > 0) {
        const char *hit = memchr(hay, needle[0], starts);
        meter_count(meter, bytes_cost(hit ? (size_t)(hit - hay) : starts));
        if (hit == NULL) return NULL;
        meter_count(meter, bytes_cost(lneedle));
        if (memcmp(hit + 1, needle + 1, lneedle - 1) == 0) return hit;
        starts -= (size_t)(hit - hay) + 1;
        hay = hit + 1;
    }
    return NULL;
}

static int push_fail(lua_State *L) {
    lua_pushnil(L);
    return 1;
}

static int find_plain(lua_State *L, const char *s, size_t ls, size_t init,
                      const char *p, size_t lp, Meter *meter) {
    const char *hit = plain_search(meter, s + init, ls - init, p, lp);
    meter_flush(meter);
    if (hit == NULL) return push_fail(L);
    lua_pushinteger(L, (lua_Integer)(hit - s) + 1);
    lua_pushinteger(L, (lua_Integer)(hit - s) + (lua_Integer)lp);
    return 2;
}

/* Tries the pattern at each position from init (only there if anchored). */
static int find_pattern(lua_State *L, const char *s, size_t ls, size_t init,
                        const char *p, size_t lp, int find) {
    Matcher m;
    int anchored = (*p == '^');
    if (anchored) p++;
    matcher_init(&m, L, s, ls, p + lp - anchored);
    const char *start = s + init;
    do {
        matcher_restart(&m);
        step(&m);
        const char *end = match_here(&m, start, p);
        if (end != NULL) {
            meter_flush(&m.meter);
            if (!find) return push_captures(&m, start, end);
            lua_pushinteger(L, (lua_Integer)(start - s) + 1);
            lua_pushinteger(L, (lua_Integer)(end - s));
            return push_captures(&m, NULL, NULL) + 2;
        }
    } while (start++ < m.subject_end && !anchored);
    meter_flush(&m.meter);
    return push_fail(L);
}

static int find_or_match(lua_State *L, int find) {
    size_t ls, lp;
    const char *s = luaL_checklstring(L, 1, &ls);
    const char *p = luaL_checklstring(L, 2, &lp);
    size_t init = start_offset(luaL_optinteger(L, 3, 1), ls);
    if (init > ls) return push_fail(L);  /* starts after the end */
    if (find) {
        Meter meter;
        meter_init(&meter, L);
        if (lua_toboolean(L, 4) || !has_specials(&meter, p, lp))
            return find_plain(L, s, ls, init, p, lp, &meter);
        meter_flush(&meter);
    }
    return find_pattern(L, s, ls, init, p, lp, find);
}

int uptake_str_find(lua_State *L) {
    return find_or_match(L, 1);
}

int uptake_str_match(lua_State *L) {
    return find_or_match(L, 0);
}

/* ===================================================================
 * string.gmatch
 *
 * The iterator's upvalues are the subject, the pattern and a userdata with
 * the position as offsets, so nothing points into memory the collector
 * could free or a coroutine switch could change.
 * =================================================================== */

typedef struct GmatchState {
    size_t next;       /* offset where the next search starts */
    ptrdiff_t last;    /* offset where the last match ended; -1: none yet */
} GmatchState;

static int gmatch_next(lua_State *L) {
    size_t ls, lp;
    const char *s = lua_tolstring(L, lua_upvalueindex(1), &ls);
    const char *p = lua_tolstring(L, lua_upvalueindex(2), &lp);
    GmatchState *state = (GmatchState *)lua_touserdata(L, lua_upvalueindex(3));
    Matcher m;
    matcher_init(&m, L, s, ls, p + lp);
    for (size_t at = state->next; at <= ls; at++) {
        matcher_restart(&m);
        step(&m);
        const char *end = match_here(&m, s + at, p);
        /* an empty match right where the last one ended does not count */
        if (end != NULL && end - s != state->last) {
            meter_flush(&m.meter);
            state->next = (size_t)(end - s);
            state->last = end - s;
            return push_captures(&m, s + at, end);
        }
    }
    meter_flush(&m.meter);
    state->next = ls + 1;  /* exhausted: later calls find nothing at once */
    return 0;
}

int uptake_str_gmatch(lua_State *L) {
    size_t ls;
    luaL_checklstring(L, 1, &ls);
    luaL_checklstring(L, 2, NULL);
    size_t init = start_offset(luaL_optinteger(L, 3, 1), ls);
    lua_settop(L, 2);  /* subject and pattern, now both strings */
    GmatchState *state = (GmatchState *)lua_newuserdatauv(L, sizeof(GmatchState), 0);
    state->next = init > ls ? ls + 1 : init;
    state->last = -1;
    lua_pushcclosure(L, gmatch_next, 3);
    return 1;
}

/* ===================================================================
 * string.gsub
 * =================================================================== */

/* Appends the replacement string (argument 3) for the match s..e, with
 * %0-%9 replaced by captures and %% by '%'. */
static void add_template(Matcher *m, luaL_Buffer *b, const char *s, const char *e) {
    lua_State *L = m->meter.L;
    size_t len;
    const char *t = lua_tolstring(L, 3, &len);
    const char *t_end = t + len;  /* a '\0' is there */
    const char *esc;
    meter_count(&m->meter, bytes_cost(len));
    while ((esc = memchr(t, ESC, (size_t)(t_end - t))) != NULL) {
        step(m);
        luaL_addlstring(b, t, (size_t)(esc - t));
        char c = esc[1];
        if (c == ESC) {
            luaL_addchar(b, ESC);
        } else if (c == '0') {
            luaL_addlstring(b, s, (size_t)(e - s));
        } else if (isdigit((unsigned char)c)) {
            const char *text;
            size_t tlen;
            if (get_capture(m, c - '1', s, e, &text, &tlen)) luaL_addlstring(b, text, tlen);
            else luaL_addvalue(b);  /* a position, pushed by get_capture */
        } else {
            luaL_error(L, "invalid use of '%c' in replacement string", ESC);
        }
        t = esc + 2;
    }
    luaL_addlstring(b, t, (size_t)(t_end - t));
}

/* Appends the replacement for the match s..e. Returns whether it changed
 * the text: a table or function giving nil or false keeps the match. */
static int add_replacement(Matcher *m, luaL_Buffer *b, const char *s, const char *e, int type) {
    lua_State *L = m->meter.L;
    if (type == LUA_TFUNCTION) {
        lua_pushvalue(L, 3);
        int n = push_captures(m, s, e);
        lua_call(L, n, 1);
    } else if (type == LUA_TTABLE) {
        push_capture(m, 0, s, e);
        lua_gettable(L, 3);
    } else {  /* a string or a number */
        add_template(m, b, s, e);
        return 1;
    }
    if (!lua_toboolean(L, -1)) {
        lua_pop(L, 1);
        luaL_addlstring(b, s, (size_t)(e - s));
        return 0;
    }
    if (!lua_isstring(L, -1))
        return luaL_error(L, "invalid replacement value (a %s)", luaL_typename(L, -1));
    luaL_addvalue(b);
    return 1;
}

int uptake_str_gsub(lua_State *L) {
    size_t ls, lp;
    const char *s = luaL_checklstring(L, 1, &ls);
    const char *p = luaL_checklstring(L, 2, &lp);
    int type = lua_type(L, 3);
    lua_Integer max_n = luaL_optinteger(L, 4, (lua_Integer)ls + 1);
    luaL_argexpected(L, type == LUA_TNUMBER || type == LUA_TSTRING ||
                     type == LUA_TFUNCTION || type == LUA_TTABLE, 3,
                     "string/function/table");
    int anchored = (*p == '^');
    if (anchored) p++;
    Matcher m;
    matcher_init(&m, L, s, ls, p + lp - anchored);
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    const char *at = s;
    const char *last_end = NULL;  /* where the last match ended */
    lua_Integer n = 0;
    int changed = 0;
    while (n < max_n) {
        matcher_restart(&m);
        step(&m);
        const char *end = match_here(&m, at, p);
        if (end != NULL && end != last_end) {  /* (no empty match at last_end) */
            n++;
            changed |= add_replacement(&m, &b, at, end, type);
            at = last_end = end;
        } else if (at < m.subject_end) {
            luaL_addchar(&b, *at++);
        } else {
            break;
        }
        if (anchored) break;
    }
    meter_flush(&m.meter);
    if (changed) {
        luaL_addlstring(&b, at, (size_t)(m.subject_end - at));
        luaL_pushresult(&b);
    } else {
        lua_pushvalue(L, 1);  /* nothing replaced: the original string */
    }
    lua_pushinteger(L, n);
    return 2;
}

/* ===================================================================
 * string.rep
 * =================================================================== */

/* Lua's limit on the length of a string.rep result (lstrlib's MAXSIZE). */
#define REP_MAX_SIZE (sizeof(size_t) < sizeof(int) ? (size_t)~(size_t)0 : (size_t)INT_MAX)

int uptake_string_rep(lua_State *L) {
    size_t len, lsep;
    const char *s = luaL_checklstring(L, 1, &len);
    lua_Integer n = luaL_checkinteger(L, 2);
    const char *sep = luaL_optlstring(L, 3, "", &lsep);
    if (n <= 0 || len + lsep == 0) {
        /* (Lua would loop n times copying nothing; the result is the same) */
        lua_pushliteral(L, "");
        return 1;
    }
    if (len + lsep < len || len + lsep > REP_MAX_SIZE / (lua_Unsigned)n)
        return luaL_error(L, "resulting string too large");
    size_t total = (size_t)n * len + (size_t)(n - 1) * lsep;
    uptake_charge(L, (int64_t)n + (int64_t)(total / BYTES_PER_STEP));
    luaL_Buffer b;
    char *out = luaL_buffinitsize(L, &b, total);
    for (lua_Integer i = 1; i <= n; i++) {
        memcpy(out, s, len);
        out += len;
        if (i < n && lsep > 0) {
            memcpy(out, sep, lsep);
            out += lsep;
        }
    }
    luaL_pushresultsize(&b, total);
    return 1;
}

/* ===================================================================
 * Table functions
 * =================================================================== */

/* What a non-table argument's metatable must provide to stand in for one. */
#define NEEDS_READ 1     /* __index */
#define NEEDS_WRITE 2    /* __newindex */
#define NEEDS_LENGTH 4   /* __len */

static int has_metafield(lua_State *L, const char *name) {
    lua_pushstring(L, name);
    int present = lua_rawget(L, -2) != LUA_TNIL;
    lua_pop(L, 1);
    return present;
}

/* Raises "table expected" unless argument arg is a table or has the
 * metamethods 'needs' asks for. */
static void check_table_like(lua_State *L, int arg, int needs) {
    if (lua_type(L, arg) == LUA_TTABLE) return;
    if (lua_getmetatable(L, arg)) {
        int ok = (!(needs & NEEDS_READ) || has_metafield(L, "__index")) &&
                 (!(needs & NEEDS_WRITE) || has_metafield(L, "__newindex")) &&
                 (!(needs & NEEDS_LENGTH) || has_metafield(L, "__len"));
        lua_pop(L, 1);
        if (ok) return;
    }
    luaL_checktype(L, arg, LUA_TTABLE);  /* raises the standard error */
}

static lua_Integer checked_length(lua_State *L, int arg, int needs) {
    check_table_like(L, arg, needs | NEEDS_LENGTH);
    return luaL_len(L, arg);
}

/* last - first for last >= first, saturated to fit int64_t: with lengths
 * from __len the difference can exceed LUA_MAXINTEGER. */
static int64_t distance(lua_Integer first, lua_Integer last) {
    lua_Unsigned gap = (lua_Unsigned)last - (lua_Unsigned)first;
    return gap >= (lua_Unsigned)INT64_MAX ? INT64_MAX : (int64_t)gap;
}

/* The number of integers in first..last (last >= first), saturated. */
static int64_t range_count(lua_Integer first, lua_Integer last) {
    int64_t gap = distance(first, last);
    return gap == INT64_MAX ? gap : gap + 1;
}

int uptake_table_move(lua_State *L) {
    lua_Integer f = luaL_checkinteger(L, 2);
    lua_Integer e = luaL_checkinteger(L, 3);
    lua_Integer t = luaL_checkinteger(L, 4);
    int dest = !lua_isnoneornil(L, 5) ? 5 : 1;
    check_table_like(L, 1, NEEDS_READ);
    check_table_like(L, dest, NEEDS_WRITE);
    if (e >= f) {
        luaL_argcheck(L, f > 0 || e < LUA_MAXINTEGER + f, 3, "too many elements to move");
        lua_Integer n = e - f + 1;  /* cannot overflow after the check above */
        luaL_argcheck(L, t <= LUA_MAXINTEGER - n + 1, 4, "destination wrap around");
        uptake_charge(L, (int64_t)n);
        /* Copy upwards unless that would overwrite elements not yet read. */
        int upwards = t > e || t <= f || (dest != 1 && !lua_compare(L, 1, dest, LUA_OPEQ));
        for (lua_Integer i = 0; i < n; i++) {
            lua_Integer k = upwards ? i : n - 1 - i;
            lua_geti(L, 1, f + k);
            lua_seti(L, dest, t + k);
        }
    }
    lua_pushvalue(L, dest);
    return 1;
}

static void concat_add(lua_State *L, luaL_Buffer *b, lua_Integer i) {
    lua_geti(L, 1, i);
    if (!lua_isstring(L, -1))
        luaL_error(L, "invalid value (%s) at index %I in table for 'concat'",
                   luaL_typename(L, -1), (LUAI_UACINT)i);
    luaL_addvalue(b);
}

int uptake_table_concat(lua_State *L) {
    lua_Integer last = checked_length(L, 1, NEEDS_READ);
    size_t lsep;
    const char *sep = luaL_optlstring(L, 2, "", &lsep);
    lua_Integer i = luaL_optinteger(L, 3, 1);
    last = luaL_optinteger(L, 4, last);
    if (i <= last) uptake_charge(L, range_count(i, last));
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    for (; i < last; i++) {
        concat_add(L, &b, i);
        luaL_addlstring(&b, sep, lsep);
    }
    if (i == last) concat_add(L, &b, i);  /* the last one, without separator */
    luaL_pushresult(&b);
    return 1;
}

int uptake_table_unpack(lua_State *L) {
    lua_Integer i = luaL_optinteger(L, 2, 1);
    lua_Integer e = lua_isnoneornil(L, 3) ? luaL_len(L, 1) : luaL_checkinteger(L, 3);
    if (i > e) return 0;
    lua_Unsigned n = (lua_Unsigned)e - (lua_Unsigned)i;  /* count - 1 */
    if (n >= (lua_Unsigned)INT_MAX || !lua_checkstack(L, (int)(n + 1)))
        return luaL_error(L, "too many results to unpack");
    n++;
    uptake_charge(L, (int64_t)n);
    for (; i < e; i++) lua_geti(L, 1, i);  /* (i < e: no overflow at the end) */
    lua_geti(L, 1, e);
    return (int)n;
}

int uptake_table_insert(lua_State *L) {
    lua_Integer e = checked_length(L, 1, NEEDS_READ | NEEDS_WRITE);
    e = luaL_intop(+, e, 1);  /* the first empty slot */
    lua_Integer pos;
    switch (lua_gettop(L)) {
        case 2:
            pos = e;
            break;
        case 3:
            pos = luaL_checkinteger(L, 2);
            luaL_argcheck(L, (lua_Unsigned)pos - 1u < (lua_Unsigned)e, 2,
                          "position out of bounds");
            if (e > pos) uptake_charge(L, distance(pos, e));
            for (lua_Integer i = e; i > pos; i--) {  /* shift up */
                lua_geti(L, 1, i - 1);
                lua_seti(L, 1, i);
            }
            break;
        default:
            return luaL_error(L, "wrong number of arguments to 'insert'");
    }
    lua_seti(L, 1, pos);
    return 0;
}

int uptake_table_remove(lua_State *L) {
    lua_Integer size = checked_length(L, 1, NEEDS_READ | NEEDS_WRITE);
    lua_Integer pos = luaL_optinteger(L, 2, size);
    if (pos != size)  /* an explicit position must be in 1..size+1 */
        luaL_argcheck(L, (lua_Unsigned)pos - 1u <= (lua_Unsigned)size, 1,
                      "position out of bounds");
    lua_geti(L, 1, pos);  /* the result */
    if (pos < size) uptake_charge(L, distance(pos, size));
    for (; pos < size; pos++) {  /* shift down */
        lua_geti(L, 1, pos + 1);
        lua_seti(L, 1, pos);
    }
    lua_pushnil(L);
    lua_seti(L, 1, pos);
    return 1;
}

/* ===================================================================
 * table.sort
 *
 * The same algorithm as Lua 5.4.4's ltablib.c (quicksort with a median of
 * three, randomized pivots after an unbalanced partition), so equal or
 * inconsistent comparisons give the same results and the same "invalid
 * order function" errors. Values being compared or moved live on the stack;
 * the list is argument 1 and the comparator (or nil) argument 2.
 * =================================================================== */

typedef unsigned int SortIndex;

/* Intervals smaller than this always take the middle element as pivot. */
#define SORT_RANDOM_LIMIT 100u

typedef struct Sorter {
    lua_State *L;
    int64_t prepaid;  /* comparisons already charged up front */
    Meter meter;      /* comparisons beyond those */
} Sorter;

/* Is the value at stack index a less than the one at b? */
static int sort_less(Sorter *st, int a, int b) {
    lua_State *L = st->L;
    if (st->prepaid > 0) st->prepaid--;
    else meter_count(&st->meter, 1);
    if (lua_isnil(L, 2)) return lua_compare(L, a, b, LUA_OPLT);
    lua_pushvalue(L, 2);
    lua_pushvalue(L, a - 1);  /* (indices shift as values are pushed) */
    lua_pushvalue(L, b - 2);
    lua_call(L, 2, 1);
    int less = lua_toboolean(L, -1);
    lua_pop(L, 1);
    return less;
}

/* Pops the top value into list[i], then the next one into list[j]. */
static void sort_store(lua_State *L, SortIndex i, SortIndex j) {
    lua_seti(L, 1, i);
    lua_seti(L, 1, j);
}

/* Some "randomness" for pivots (clock and time, as Lua uses). */
static unsigned int sort_seed(void) {
    clock_t c = clock();
    time_t t = time(NULL);
    unsigned int words[(sizeof c + sizeof t) / sizeof(unsigned int) + 1];
    memset(words, 0, sizeof words);
    memcpy(words, &c, sizeof c);
    memcpy((char *)words + sizeof c, &t, sizeof t);
    unsigned int seed = 0;
    for (size_t k = 0; k < sizeof words / sizeof words[0]; k++) seed += words[k];
    return seed;
}

/* Sorts list[lo], list[p] and list[up] among themselves. */
static void sort_three(Sorter *st, SortIndex lo, SortIndex p, SortIndex up) {
    lua_State *L = st->L;
    lua_geti(L, 1, p);
    lua_geti(L, 1, lo);
    if (sort_less(st, -2, -1)) {  /* list[p] < list[lo] */
        sort_store(L, p, lo);
        return;
    }
    lua_pop(L, 1);
    lua_geti(L, 1, up);
    if (sort_less(st, -1, -2)) sort_store(L, p, up);  /* list[up] < list[p] */
    else lua_pop(L, 2);
}

/* Partitions lo..up around the pivot P, which is on the stack top and in
 * list[up-1], with list[lo] <= P <= list[up]. Returns P's final index i:
 * list[lo..i-1] <= P == list[i] <= list[i+1..up]. */
static SortIndex sort_partition(Sorter *st, SortIndex lo, SortIndex up) {
    lua_State *L = st->L;
    SortIndex i = lo, j = up - 1;
    for (;;) {
        /* move i up while list[i] < P */
        while ((void)lua_geti(L, 1, ++i), sort_less(st, -1, -2)) {
            if (i == up - 1) luaL_error(L, "invalid order function for sorting");
            lua_pop(L, 1);
        }
        /* move j down while P < list[j] */
        while ((void)lua_geti(L, 1, --j), sort_less(st, -3, -1)) {
            if (j < i) luaL_error(L, "invalid order function for sorting");
            lua_pop(L, 1);
        }
        if (j < i) {  /* crossed: put P in place */
            lua_pop(L, 1);
            sort_store(L, up - 1, i);
            return i;
        }
        sort_store(L, i, j);  /* swap the two out of place */
    }
}

static SortIndex sort_choose_pivot(SortIndex lo, SortIndex up, unsigned int seed) {
    SortIndex quarter = (up - lo) / 4;
    return seed % (quarter * 2) + (lo + quarter);
}

static void sort_range(Sorter *st, SortIndex lo, SortIndex up, unsigned int seed) {
    lua_State *L = st->L;
    while (lo < up) {  /* loops on the larger part, recurses on the smaller */
        lua_geti(L, 1, lo);
        lua_geti(L, 1, up);
        if (sort_less(st, -1, -2)) sort_store(L, lo, up);
        else lua_pop(L, 2);
        if (up - lo == 1) return;
        SortIndex p = (up - lo < SORT_RANDOM_LIMIT || seed == 0)
                          ? (lo + up) / 2
                          : sort_choose_pivot(lo, up, seed);
        sort_three(st, lo, p, up);
        if (up - lo == 2) return;
        lua_geti(L, 1, p);        /* the pivot P, kept on the stack */
        lua_pushvalue(L, -1);
        lua_geti(L, 1, up - 1);
        sort_store(L, p, up - 1); /* swap P into list[up-1] */
        p = sort_partition(st, lo, up);
        SortIndex smaller;
        if (p - lo < up - p) {
            sort_range(st, lo, p - 1, seed);
            smaller = p - lo;
            lo = p + 1;
        } else {
            sort_range(st, p + 1, up, seed);
            smaller = up - p;
            up = p - 1;
        }
        if ((up - lo) / 128 > smaller) seed = sort_seed();  /* too unbalanced */
    }
}

/* n * ceil(log2 n), the comparisons a balanced quicksort needs. */
static int64_t sort_estimate(lua_Integer n) {
    int64_t bits = 0;
    while (((lua_Integer)1 << bits) < n) bits++;
    return (int64_t)n * bits;
}

int uptake_table_sort(lua_State *L) {
    lua_Integer n = checked_length(L, 1, NEEDS_READ | NEEDS_WRITE);
    if (n > 1) {
        luaL_argcheck(L, n < INT_MAX, 1, "array too big");
        if (!lua_isnoneornil(L, 2)) luaL_checktype(L, 2, LUA_TFUNCTION);
        lua_settop(L, 2);
        Sorter st;
        st.L = L;
        st.prepaid = sort_estimate(n);
        meter_init(&st.meter, L);
        uptake_charge(L, st.prepaid);
        sort_range(&st, 1, (SortIndex)n, 0);
        meter_flush(&st.meter);
    }
    return 0;
}

/* ===================================================================
 * Installing
 * =================================================================== */

static const luaL_Reg bounded_string_functions[] = {
    {"find", uptake_str_find},
    {"match", uptake_str_match},
    {"gmatch", uptake_str_gmatch},
    {"gsub", uptake_str_gsub},
    {"rep", uptake_string_rep},
    {NULL, NULL},
};

static const luaL_Reg bounded_table_functions[] = {
    {"move", uptake_table_move},
    {"concat", uptake_table_concat},
    {"sort", uptake_table_sort},
    {"insert", uptake_table_insert},
    {"remove", uptake_table_remove},
    {"unpack", uptake_table_unpack},
    {NULL, NULL},
};

/* Sets the functions into the loaded library 'name' if it is loaded. The
 * LOADED table is on the stack top. */
static void replace_in_library(lua_State *L, const char *name, const luaL_Reg *functions) {
    if (lua_getfield(L, -1, name) == LUA_TTABLE) luaL_setfuncs(L, functions, 0);
    lua_pop(L, 1);
}

void uptake_open_bounded_library(lua_State *L) {
    luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_LOADED_TABLE);
    replace_in_library(L, LUA_STRLIBNAME, bounded_string_functions);
    replace_in_library(L, LUA_TABLIBNAME, bounded_table_functions);
    lua_pop(L, 1);
}
