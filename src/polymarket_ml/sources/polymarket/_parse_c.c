/* The market channel's hot path in C: the same events as parse.py, made faster.
 *
 * parse.py is the reference. This module takes the usual case of the three messages that make
 * up almost all of the stream (price_change in its current schema, last_trade_price, the sides
 * of a book) and builds exactly the objects the Python parsers build (but for one thing: a
 * snapshot's sizes stay their checked text, which LocalBook makes Decimals of when read).
 * Anything else -- another schema, an odd timestamp, a value that is not a plain decimal, a
 * side it does not know, any error -- is handed to the Python code,
 * which parses it or raises the DataError it always raised. So a frame decoded here gives the
 * events parse.py would give, or the error it would raise, and nothing else.
 *
 * Fields of the wire structs (msgspec) and of the events (slotted classes) are read and set at
 * their slot offsets, found once in configure() from the classes' member descriptors; every
 * object is checked to be of the exact class those offsets belong to before they are used.
 */
#include "../../_accelerator.h"

#include <datetime.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

/* configured by configure() */
static PyObject *sides;         /* dict str -> Side */
static PyObject *decimal_type;  /* decimal.Decimal */
static PyObject *zero;          /* Decimal(0) */
static PyObject *whale_none;    /* WhaleTier.NONE */
static PyObject *py_to_decimal, *py_ts_from_text, *py_to_int_or_none;
static PyObject *py_parse_price_change, *py_parse_last_trade_price, *py_decode, *py_level_map;
static PyObject *price_memo; /* prices of more than 7 characters (see to_dec) */
static PyObject *parsers;       /* dict wire type -> Python parser */
static PyObject *frame_decode;  /* msgspec Decoder(MarketFrame).decode */
static PyTypeObject *pc_msg_type, *pc_entry_type, *ltp_msg_type, *level_type;
static PyTypeObject *level_change_type, *price_change_type, *trade_type, *trade_event_type;
static PyTypeObject *book_msg_type, *level_maps_type, *book_event_type;
static PyObject *partial_type, *py_build_book; /* functools.partial, parse._build_book */

static Py_ssize_t o_pc_market, o_pc_timestamp, o_pc_entries;
static Py_ssize_t o_e_asset, o_e_price, o_e_side, o_e_size, o_e_hash, o_e_bid, o_e_ask;
static Py_ssize_t o_l_asset, o_l_market, o_l_price, o_l_size, o_l_side, o_l_timestamp, o_l_fee,
    o_l_tx;
static Py_ssize_t o_lv_price, o_lv_size;
static Py_ssize_t o_ev_market, o_ev_changes, o_ev_ts, o_ev_received;
static Py_ssize_t o_t[13]; /* Trade's fields, in declaration order */
static Py_ssize_t o_te_trade, o_te_ts, o_te_received;
static Py_ssize_t o_b_asset, o_b_market, o_b_timestamp, o_b_bids, o_b_asks, o_b_hash, o_b_tick,
    o_b_min_size, o_b_last;
static Py_ssize_t o_be_book, o_be_build, o_be_maps, o_be_token, o_be_ts, o_be_received, o_be_last;

static const char *trade_fields[13] = {
    "token_id", "condition_id", "price", "size", "side", "exchange_ts", "received_at",
    "outcome", "fee_rate_bps", "transaction_hash", "whale_tier", "best_bid", "best_ask"};

/* -- configuration ------------------------------------------------------------------------ */

static PyObject *configure(PyObject *self, PyObject *args, PyObject *kwargs) {
    if (kwargs == NULL || PyTuple_GET_SIZE(args) != 0) {
        PyErr_SetString(PyExc_TypeError, "configure() takes keyword arguments only");
        return NULL;
    }
    if (take(kwargs, "sides", &sides) < 0 ||
        take(kwargs, "decimal_type", &decimal_type) < 0 || take(kwargs, "zero", &zero) < 0 ||
        take(kwargs, "whale_none", &whale_none) < 0 ||
        take(kwargs, "to_decimal", &py_to_decimal) < 0 ||
        take(kwargs, "ts_from_text", &py_ts_from_text) < 0 ||
        take(kwargs, "to_int_or_none", &py_to_int_or_none) < 0 ||
        take(kwargs, "parse_price_change", &py_parse_price_change) < 0 ||
        take(kwargs, "parse_last_trade_price", &py_parse_last_trade_price) < 0 ||
        take(kwargs, "decode", &py_decode) < 0 || take(kwargs, "level_map", &py_level_map) < 0 ||
        take(kwargs, "parsers", &parsers) < 0 || take(kwargs, "frame_decode", &frame_decode) < 0)
        return NULL;
    if (price_memo == NULL && (price_memo = PyDict_New()) == NULL) return NULL;
    if (!PyDict_CheckExact(sides) || !PyDict_CheckExact(parsers)) {
        PyErr_SetString(PyExc_TypeError, "configure(): sides and parsers are dicts");
        return NULL;
    }
    if (take_type(kwargs, "PriceChangeMessage", &pc_msg_type) < 0 ||
        take_type(kwargs, "PriceChangeEntry", &pc_entry_type) < 0 ||
        take_type(kwargs, "LastTradePriceMessage", &ltp_msg_type) < 0 ||
        take_type(kwargs, "WireLevel", &level_type) < 0 ||
        take_type(kwargs, "LevelChange", &level_change_type) < 0 ||
        take_type(kwargs, "PriceChange", &price_change_type) < 0 ||
        take_type(kwargs, "Trade", &trade_type) < 0 ||
        take_type(kwargs, "TradeEvent", &trade_event_type) < 0 ||
        take_type(kwargs, "BookMessage", &book_msg_type) < 0 ||
        take_type(kwargs, "LevelMaps", &level_maps_type) < 0 ||
        take_type(kwargs, "BookEvent", &book_event_type) < 0 ||
        take(kwargs, "partial", &partial_type) < 0 || take(kwargs, "build_book", &py_build_book) < 0)
        return NULL;
    if (!PyType_IsSubtype(level_maps_type, &PyTuple_Type)) {
        PyErr_SetString(PyExc_TypeError, "configure(): LevelMaps is not a tuple");
        return NULL;
    }
    if (!PyType_IsSubtype(level_change_type, &PyTuple_Type)) {
        PyErr_SetString(PyExc_TypeError, "configure(): LevelChange is not a tuple");
        return NULL;
    }
    if (slot_offset(pc_msg_type, "market", &o_pc_market) < 0 ||
        slot_offset(pc_msg_type, "timestamp", &o_pc_timestamp) < 0 ||
        slot_offset(pc_msg_type, "price_changes", &o_pc_entries) < 0 ||
        slot_offset(pc_entry_type, "asset_id", &o_e_asset) < 0 ||
        slot_offset(pc_entry_type, "price", &o_e_price) < 0 ||
        slot_offset(pc_entry_type, "side", &o_e_side) < 0 ||
        slot_offset(pc_entry_type, "size", &o_e_size) < 0 ||
        slot_offset(pc_entry_type, "hash", &o_e_hash) < 0 ||
        slot_offset(pc_entry_type, "best_bid", &o_e_bid) < 0 ||
        slot_offset(pc_entry_type, "best_ask", &o_e_ask) < 0 ||
        slot_offset(ltp_msg_type, "asset_id", &o_l_asset) < 0 ||
        slot_offset(ltp_msg_type, "market", &o_l_market) < 0 ||
        slot_offset(ltp_msg_type, "price", &o_l_price) < 0 ||
        slot_offset(ltp_msg_type, "size", &o_l_size) < 0 ||
        slot_offset(ltp_msg_type, "side", &o_l_side) < 0 ||
        slot_offset(ltp_msg_type, "timestamp", &o_l_timestamp) < 0 ||
        slot_offset(ltp_msg_type, "fee_rate_bps", &o_l_fee) < 0 ||
        slot_offset(ltp_msg_type, "transaction_hash", &o_l_tx) < 0 ||
        slot_offset(level_type, "price", &o_lv_price) < 0 ||
        slot_offset(level_type, "size", &o_lv_size) < 0 ||
        slot_offset(price_change_type, "market", &o_ev_market) < 0 ||
        slot_offset(price_change_type, "changes", &o_ev_changes) < 0 ||
        slot_offset(price_change_type, "_exchange_ts", &o_ev_ts) < 0 ||
        slot_offset(price_change_type, "received_at", &o_ev_received) < 0 ||
        slot_offset(trade_event_type, "trade", &o_te_trade) < 0 ||
        slot_offset(trade_event_type, "exchange_ts", &o_te_ts) < 0 ||
        slot_offset(trade_event_type, "received_at", &o_te_received) < 0 ||
        slot_offset(book_msg_type, "asset_id", &o_b_asset) < 0 ||
        slot_offset(book_msg_type, "market", &o_b_market) < 0 ||
        slot_offset(book_msg_type, "timestamp", &o_b_timestamp) < 0 ||
        slot_offset(book_msg_type, "bids", &o_b_bids) < 0 ||
        slot_offset(book_msg_type, "asks", &o_b_asks) < 0 ||
        slot_offset(book_msg_type, "hash", &o_b_hash) < 0 ||
        slot_offset(book_msg_type, "tick_size", &o_b_tick) < 0 ||
        slot_offset(book_msg_type, "min_order_size", &o_b_min_size) < 0 ||
        slot_offset(book_msg_type, "last_trade_price", &o_b_last) < 0 ||
        slot_offset(book_event_type, "_book", &o_be_book) < 0 ||
        slot_offset(book_event_type, "_build_book", &o_be_build) < 0 ||
        slot_offset(book_event_type, "level_maps", &o_be_maps) < 0 ||
        slot_offset(book_event_type, "token_id", &o_be_token) < 0 ||
        slot_offset(book_event_type, "_exchange_ts", &o_be_ts) < 0 ||
        slot_offset(book_event_type, "received_at", &o_be_received) < 0 ||
        slot_offset(book_event_type, "last_trade_price", &o_be_last) < 0)
        return NULL;
    for (int i = 0; i < 13; i++)
        if (slot_offset(trade_type, trade_fields[i], &o_t[i]) < 0) return NULL;
    Py_RETURN_NONE;
}

static int configured(void) {
    if (frame_decode == NULL) {
        PyErr_SetString(PyExc_RuntimeError, "polymarket_ml _parse_c: configure() first");
        return 0;
    }
    return 1;
}

/* -- values ------------------------------------------------------------------------------- */

/* A plain unsigned decimal: digits with at most one '.', at least one digit, short. Decimal()
 * of such text is always finite and exact, so it needs none of to_decimal's checks. */
static int plain_decimal(PyObject *text) {
    if (!PyUnicode_CheckExact(text) || !PyUnicode_IS_COMPACT_ASCII(text)) return 0;
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    const char *s = (const char *)PyUnicode_DATA(text);
    int digits = 0, dots = 0;
    if (n == 0 || n > 40) return 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        char c = s[i];
        if (c >= '0' && c <= '9')
            digits++;
        else if (c == '.' && dots == 0)
            dots++;
        else
            return 0;
    }
    return digits > 0;
}

/* Prices are memoised apart from values.DECIMALS, in memos small enough to stay in the CPU's
 * cache (prices sit on a grid of at most 10,000 ticks, and a stream uses few at a time). Texts
 * of up to 7 characters (all but odd ones) are keyed by their bytes and length packed into an
 * integer, in an open-addressing table: no string hashing, no string comparison. */
#define PACKED_SLOTS 4096 /* a power of two; cleared when half full */
#define PRICE_MEMO_LIMIT 4096
typedef struct {
    uint64_t key; /* the text's bytes and length (see pack_text); 0: an empty slot */
    PyObject *value;
} packed_entry;
static packed_entry packed[PACKED_SLOTS];
static Py_ssize_t packed_count;

static inline int pack_text(PyObject *text, uint64_t *key) {
    if (!PyUnicode_CheckExact(text) || !PyUnicode_IS_COMPACT_ASCII(text)) return 0;
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    if (n == 0 || n > 7) return 0;
    uint64_t k = 0;
    memcpy(&k, PyUnicode_DATA(text), (size_t)n);
    *key = k | (uint64_t)n << 56; /* the length, so that "0.5" and "0.5\0" differ */
    return 1;
}

static inline packed_entry *packed_slot(uint64_t key) {
    size_t i = (size_t)((key * 0x9E3779B97F4A7C15ULL) >> 52) & (PACKED_SLOTS - 1);
    while (packed[i].key != 0 && packed[i].key != key) i = (i + 1) & (PACKED_SLOTS - 1);
    return &packed[i];
}

static void packed_clear(void) {
    for (size_t i = 0; i < PACKED_SLOTS; i++) {
        if (packed[i].key != 0) {
            packed[i].key = 0;
            Py_CLEAR(packed[i].value);
        }
    }
    packed_count = 0;
}

static PyObject *to_dec(PyObject *text) {
    uint64_t key;
    if (pack_text(text, &key)) {
        packed_entry *entry = packed_slot(key);
        if (entry->key == key) return Py_NewRef(entry->value);
        if (!plain_decimal(text)) return PyObject_CallOneArg(py_to_decimal, text);
        PyObject *value = PyObject_CallOneArg(decimal_type, text);
        if (value == NULL) return NULL;
        if (packed_count >= PACKED_SLOTS / 2) {
            packed_clear();
            entry = packed_slot(key);
        }
        entry->key = key;
        entry->value = Py_NewRef(value);
        packed_count++;
        return value;
    }
    PyObject *value = PyDict_GetItemWithError(price_memo, text);
    if (value != NULL) return Py_NewRef(value);
    if (PyErr_Occurred()) return NULL;
    if (!plain_decimal(text)) return PyObject_CallOneArg(py_to_decimal, text);
    value = PyObject_CallOneArg(decimal_type, text);
    if (value == NULL) return NULL;
    if (PyDict_GET_SIZE(price_memo) >= PRICE_MEMO_LIMIT) PyDict_Clear(price_memo);
    if (PyDict_SetItem(price_memo, text, value) < 0) {
        Py_DECREF(value);
        return NULL;
    }
    return value;
}

/* to_decimal(text) of a size: sizes rarely repeat, and a memo of them would only push the
 * prices out of the cache, so a plain one is made afresh. */
static PyObject *size_dec(PyObject *text) {
    if (!plain_decimal(text)) return PyObject_CallOneArg(py_to_decimal, text);
    return PyObject_CallOneArg(decimal_type, text);
}

/* Epoch milliseconds as 13 ASCII digits, no leading zero (the usual timestamp). */
static int millis13(PyObject *text, long long *out) {
    if (!PyUnicode_CheckExact(text) || !PyUnicode_IS_COMPACT_ASCII(text) ||
        PyUnicode_GET_LENGTH(text) != 13)
        return 0;
    const char *s = (const char *)PyUnicode_DATA(text);
    long long value = 0;
    if (s[0] == '0') return 0;
    for (int i = 0; i < 13; i++) {
        if (s[i] < '0' || s[i] > '9') return 0;
        value = value * 10 + (s[i] - '0');
    }
    *out = value;
    return 1;
}

/* The aware UTC datetime of epoch milliseconds (what utc_from_millis gives). */
static PyObject *utc_from_millis(long long ms) {
    long long secs = ms / 1000, days = secs / 86400;
    int milli = (int)(ms % 1000), sod = (int)(secs % 86400);
    /* days since 1970-01-01 -> civil date (H. Hinnant's algorithm) */
    long long z = days + 719468, era = (z >= 0 ? z : z - 146096) / 146097;
    long long doe = z - era * 146097;
    long long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long long doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
    int day = (int)(doy - (153 * mp + 2) / 5 + 1), month = (int)(mp < 10 ? mp + 3 : mp - 9);
    int year = (int)(yoe + era * 400 + (month <= 2));
    return PyDateTimeAPI->DateTime_FromDateAndTime(year, month, day, sod / 3600, sod / 60 % 60,
                                                   sod % 60, milli * 1000,
                                                   PyDateTime_TimeZone_UTC,
                                                   PyDateTimeAPI->DateTimeType);
}

/* datetime.now(UTC) */
static PyObject *utc_now(void) {
    struct timespec now;
    if (clock_gettime(CLOCK_REALTIME, &now) != 0) return PyErr_SetFromErrno(PyExc_OSError);
    long long us = (long long)now.tv_sec * 1000000 + now.tv_nsec / 1000;
    PyObject *at = utc_from_millis(us / 1000);
    if (at == NULL || us % 1000 == 0) return at;
    /* utc_from_millis' datetime, with the microsecond set */
    PyObject *out = PyDateTimeAPI->DateTime_FromDateAndTime(
        PyDateTime_GET_YEAR(at), PyDateTime_GET_MONTH(at), PyDateTime_GET_DAY(at),
        PyDateTime_DATE_GET_HOUR(at), PyDateTime_DATE_GET_MINUTE(at),
        PyDateTime_DATE_GET_SECOND(at), (int)(us % 1000000), PyDateTime_TimeZone_UTC,
        PyDateTimeAPI->DateTimeType);
    Py_DECREF(at);
    return out;
}

static PyObject *ts_from_text(PyObject *text) {
    long long ms;
    if (millis13(text, &ms)) return utc_from_millis(ms);
    return PyObject_CallOneArg(py_ts_from_text, text);
}

static PyObject *int_or_none(PyObject *text) {
    if (text == Py_None) Py_RETURN_NONE;
    if (PyUnicode_CheckExact(text) && PyUnicode_IS_COMPACT_ASCII(text)) {
        Py_ssize_t n = PyUnicode_GET_LENGTH(text);
        const char *s = (const char *)PyUnicode_DATA(text);
        long value = 0;
        if (n == 0) Py_RETURN_NONE;
        if (n <= 9) {
            Py_ssize_t i = 0;
            for (; i < n && s[i] >= '0' && s[i] <= '9'; i++) value = value * 10 + (s[i] - '0');
            if (i == n) return PyLong_FromLong(value);
        }
    }
    return PyObject_CallOneArg(py_to_int_or_none, text);
}

static PyObject *alloc(PyTypeObject *type) { return type->tp_alloc(type, 0); }

/* -- the parsers (NULL, with or without an exception: not handled here) -------------------- */

static PyObject *optional_dec(PyObject *text) {
    return text == Py_None ? Py_NewRef(Py_None) : to_dec(text);
}

static PyObject *fast_price_change(PyObject *msg, PyObject *received_at) {
    if (!Py_IS_TYPE(msg, pc_msg_type)) return NULL;
    PyObject *entries = SLOT(msg, o_pc_entries), *market = SLOT(msg, o_pc_market);
    long long ms;
    if (entries == NULL || !PyList_CheckExact(entries) || market == NULL ||
        SLOT(msg, o_pc_timestamp) == NULL || !millis13(SLOT(msg, o_pc_timestamp), &ms))
        return NULL;
    Py_ssize_t n = PyList_GET_SIZE(entries);
    PyObject *changes = PyTuple_New(n), *last_size = NULL, *last_value = NULL;
    if (changes == NULL) return NULL;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *e = PyList_GET_ITEM(entries, i);
        if (!Py_IS_TYPE(e, pc_entry_type)) goto fail;
        PyObject *asset = SLOT(e, o_e_asset), *price = SLOT(e, o_e_price);
        PyObject *side = SLOT(e, o_e_side), *size = SLOT(e, o_e_size);
        PyObject *hash = SLOT(e, o_e_hash), *bid = SLOT(e, o_e_bid), *ask = SLOT(e, o_e_ask);
        if (!asset || !price || !side || !size || !hash || !bid || !ask) goto fail;
        PyObject *side_value = PyDict_GetItemWithError(sides, side);
        if (side_value == NULL) goto fail;
        PyObject *change = level_change_type->tp_alloc(level_change_type, 7);
        if (change == NULL) goto fail;
        PyTuple_SET_ITEM(changes, i, change); /* filled below; NULL items are safe to free */
        PyTuple_SET_ITEM(change, 0, Py_NewRef(asset));
        PyTuple_SET_ITEM(change, 1, Py_NewRef(side_value));
        PyTuple_SET_ITEM(change, 6, Py_NewRef(hash));
        PyObject *value;
        if ((value = to_dec(price)) == NULL) goto fail;
        PyTuple_SET_ITEM(change, 2, value);
        if (size == Py_None) {
            value = Py_NewRef(zero);
        } else if (last_size != NULL && PyUnicode_CheckExact(size) &&
                   PyUnicode_Compare(size, last_size) == 0) { /* the mirror's: same size */
            value = Py_NewRef(last_value);
        } else if ((value = size_dec(size)) == NULL) {
            goto fail;
        } else {
            last_size = size;
            last_value = value; /* borrowed: held by this change */
        }
        PyTuple_SET_ITEM(change, 3, value);
        if ((value = optional_dec(bid)) == NULL) goto fail;
        PyTuple_SET_ITEM(change, 4, value);
        if ((value = optional_dec(ask)) == NULL) goto fail;
        PyTuple_SET_ITEM(change, 5, value);
    }
    PyObject *event = alloc(price_change_type);
    if (event == NULL) goto fail;
    SLOT(event, o_ev_market) = Py_NewRef(market);
    SLOT(event, o_ev_changes) = changes;
    if ((SLOT(event, o_ev_ts) = PyLong_FromLongLong(ms)) == NULL) {
        Py_DECREF(event);
        return NULL;
    }
    SLOT(event, o_ev_received) = Py_NewRef(received_at);
    return event;
fail:
    Py_DECREF(changes);
    return NULL;
}

static PyObject *fast_last_trade_price(PyObject *msg, PyObject *received_at) {
    if (!Py_IS_TYPE(msg, ltp_msg_type)) return NULL;
    PyObject *asset = SLOT(msg, o_l_asset), *market = SLOT(msg, o_l_market);
    PyObject *price = SLOT(msg, o_l_price), *size = SLOT(msg, o_l_size);
    PyObject *side = SLOT(msg, o_l_side), *timestamp = SLOT(msg, o_l_timestamp);
    PyObject *fee = SLOT(msg, o_l_fee), *tx = SLOT(msg, o_l_tx);
    if (!asset || !market || !price || !size || !side || !timestamp || !fee || !tx) return NULL;
    PyObject *side_value = PyDict_GetItemWithError(sides, side);
    if (side_value == NULL) return NULL;
    if (tx != Py_None && !(PyUnicode_Check(tx) && PyUnicode_GET_LENGTH(tx) > 0)) tx = Py_None;
    PyObject *values[13] = {NULL};
    PyObject *trade = NULL, *event = NULL;
    values[0] = Py_NewRef(asset);
    values[1] = Py_NewRef(market);
    if ((values[2] = to_dec(price)) == NULL || (values[3] = size_dec(size)) == NULL ||
        (values[5] = ts_from_text(timestamp)) == NULL || (values[8] = int_or_none(fee)) == NULL)
        goto fail;
    values[4] = Py_NewRef(side_value);
    values[6] = Py_NewRef(received_at);
    values[7] = Py_NewRef(Py_None);
    values[9] = Py_NewRef(tx);
    values[10] = Py_NewRef(whale_none);
    values[11] = Py_NewRef(Py_None);
    values[12] = Py_NewRef(Py_None);
    if ((trade = alloc(trade_type)) == NULL || (event = alloc(trade_event_type)) == NULL) goto fail;
    SLOT(event, o_te_ts) = Py_NewRef(values[5]);
    for (int i = 0; i < 13; i++) SLOT(trade, o_t[i]) = values[i];
    SLOT(event, o_te_trade) = trade;
    SLOT(event, o_te_received) = Py_NewRef(received_at);
    return event;
fail:
    for (int i = 0; i < 13; i++) Py_XDECREF(values[i]);
    Py_XDECREF(trade);
    return NULL;
}

static PyObject *or_python(PyObject *event, PyObject *fallback, PyObject *msg, PyObject *at) {
    if (event != NULL) return event;
    PyErr_Clear();
    return PyObject_CallFunctionObjArgs(fallback, msg, at, NULL);
}

static PyObject *parse_price_change(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    if (nargs != 2) return PyErr_Format(PyExc_TypeError, "expected (msg, received_at)");
    if (!configured()) return NULL;
    return or_python(fast_price_change(args[0], args[1]), py_parse_price_change, args[0], args[1]);
}

static PyObject *parse_last_trade_price(PyObject *self, PyObject *const *args,
                                        Py_ssize_t nargs) {
    if (nargs != 2) return PyErr_Format(PyExc_TypeError, "expected (msg, received_at)");
    if (!configured()) return NULL;
    return or_python(fast_last_trade_price(args[0], args[1]), py_parse_last_trade_price, args[0],
                     args[1]);
}

/* The value of a plain decimal as mantissa * 10**-scale, for up to 18 digits (else 0). */
static int plain_value(PyObject *text, long long *mantissa, int *scale) {
    if (!PyUnicode_CheckExact(text) || !PyUnicode_IS_COMPACT_ASCII(text)) return 0;
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    const char *s = (const char *)PyUnicode_DATA(text);
    long long value = 0;
    int digits = 0, decimals = -1;
    for (Py_ssize_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '.' && decimals < 0) {
            decimals = 0;
            continue;
        }
        if (c < '0' || c > '9' || ++digits > 18) return 0;
        value = value * 10 + (c - '0');
        if (decimals >= 0) decimals++;
    }
    if (digits == 0) return 0;
    *mantissa = value;
    *scale = decimals < 0 ? 0 : decimals;
    return 1;
}

/* a < b, both mantissa * 10**-scale */
static int value_less(long long a, int sa, long long b, int sb) {
    static const long long pow10[19] = {1LL,
                                        10LL,
                                        100LL,
                                        1000LL,
                                        10000LL,
                                        100000LL,
                                        1000000LL,
                                        10000000LL,
                                        100000000LL,
                                        1000000000LL,
                                        10000000000LL,
                                        100000000000LL,
                                        1000000000000LL,
                                        10000000000000LL,
                                        100000000000000LL,
                                        1000000000000000LL,
                                        10000000000000000LL,
                                        100000000000000000LL,
                                        1000000000000000000LL};
    __int128 x = a, y = b;
    if (sa < sb)
        x *= pow10[sb - sa];
    else
        y *= pow10[sa - sb];
    return x < y;
}

/* 1: a plain decimal that is zero; 0: a plain decimal that is not; -1: not a plain decimal. */
static int plain_zero(PyObject *text) {
    if (!plain_decimal(text)) return -1;
    const char *s = (const char *)PyUnicode_DATA(text);
    for (Py_ssize_t i = 0, n = PyUnicode_GET_LENGTH(text); i < n; i++)
        if (s[i] != '0' && s[i] != '.') return 0;
    return 1;
}

/* ({price: size}, best price or None) of wire levels, as parse._level_map gives them, except
 * that a size that is a plain decimal stays its text (checked; LocalBook makes the Decimal when
 * it is read). NULL: an error, or (no exception) levels this code does not take. */
static PyObject *map_levels(PyObject *levels, int bids) {
    if (!PyList_CheckExact(levels)) return NULL;
    PyObject *out = PyDict_New(), *best = NULL;
    long long best_mantissa = 0;
    int best_scale = 0, exact = 1; /* exact: every price so far was plain; else compare Decimals */
    if (out == NULL) return NULL;
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(levels); i++) {
        PyObject *level = PyList_GET_ITEM(levels, i), *price, *size, *size_text;
        if (!Py_IS_TYPE(level, level_type) || SLOT(level, o_lv_price) == NULL ||
            (size_text = SLOT(level, o_lv_size)) == NULL)
            goto fail;
        if ((price = to_dec(SLOT(level, o_lv_price))) == NULL) goto fail;
        int zero = plain_zero(size_text), err = 0;
        if (zero == 0) {
            size = Py_NewRef(size_text);
        } else if (zero == 1) {
            size = NULL;
        } else {
            if ((size = PyObject_CallOneArg(py_to_decimal, size_text)) == NULL) {
                Py_DECREF(price);
                goto fail;
            }
            int nonzero = PyObject_IsTrue(size);
            if (nonzero <= 0) Py_CLEAR(size);
            err = nonzero < 0;
        }
        if (size != NULL) {
            err = PyDict_SetItem(out, price, size) < 0;
            long long mantissa = 0;
            int scale = 0, better = best == NULL;
            if (!err && !better) {
                if (exact && plain_value(SLOT(level, o_lv_price), &mantissa, &scale)) {
                    better = bids ? value_less(best_mantissa, best_scale, mantissa, scale)
                                  : value_less(mantissa, scale, best_mantissa, best_scale);
                } else {
                    exact = 0;
                    better = PyObject_RichCompareBool(price, best, bids ? Py_GT : Py_LT);
                    err = better < 0;
                }
            } else if (!err) {
                exact = plain_value(SLOT(level, o_lv_price), &mantissa, &scale);
            }
            if (!err && better > 0) {
                Py_XSETREF(best, Py_NewRef(price));
                best_mantissa = mantissa;
                best_scale = scale;
            }
            Py_DECREF(size);
        }
        Py_DECREF(price);
        if (err) goto fail;
    }
    PyObject *pair = PyTuple_Pack(2, out, best == NULL ? Py_None : best);
    Py_DECREF(out);
    Py_XDECREF(best);
    return pair;
fail:
    Py_DECREF(out);
    Py_XDECREF(best);
    return NULL;
}

/* level_map(levels, bids): parse._level_map (sizes may stay text: see map_levels). */
static PyObject *level_map(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    if (nargs != 2) return PyErr_Format(PyExc_TypeError, "expected (levels, bids)");
    if (!configured()) return NULL;
    int bids = PyObject_IsTrue(args[1]);
    if (bids < 0) return NULL;
    PyObject *out = enabled ? map_levels(args[0], bids) : NULL;
    if (out != NULL) return out;
    PyErr_Clear();
    return PyObject_Vectorcall(py_level_map, args, 2, NULL);
}

/* None for None and "", else to_dec (values.to_decimal_or_none) */
static PyObject *dec_or_none(PyObject *text) {
    if (text == Py_None || (PyUnicode_Check(text) && PyUnicode_GET_LENGTH(text) == 0))
        Py_RETURN_NONE;
    return to_dec(text);
}

static PyObject *fast_book(PyObject *msg, PyObject *received_at) {
    if (!Py_IS_TYPE(msg, book_msg_type)) return NULL;
    PyObject *asset = SLOT(msg, o_b_asset), *market = SLOT(msg, o_b_market);
    PyObject *timestamp = SLOT(msg, o_b_timestamp), *bid_levels = SLOT(msg, o_b_bids);
    PyObject *ask_levels = SLOT(msg, o_b_asks), *hash = SLOT(msg, o_b_hash);
    PyObject *tick = SLOT(msg, o_b_tick), *min_size = SLOT(msg, o_b_min_size);
    PyObject *last = SLOT(msg, o_b_last);
    long long ms;
    if (!asset || !market || !timestamp || !bid_levels || !ask_levels || !hash || !tick ||
        !min_size || !last || !millis13(timestamp, &ms))
        return NULL;
    PyObject *bids = NULL, *asks = NULL, *maps = NULL, *ts = NULL, *build = NULL, *event = NULL;
    PyObject *values[3] = {NULL, NULL, NULL}; /* tick size, min order size, last trade price */
    if ((bids = map_levels(bid_levels, 1)) == NULL || (asks = map_levels(ask_levels, 0)) == NULL ||
        (values[0] = dec_or_none(tick)) == NULL || (values[1] = dec_or_none(min_size)) == NULL ||
        (values[2] = dec_or_none(last)) == NULL ||
        (maps = level_maps_type->tp_alloc(level_maps_type, 8)) == NULL)
        goto done;
    PyTuple_SET_ITEM(maps, 0, Py_NewRef(PyTuple_GET_ITEM(bids, 0)));
    PyTuple_SET_ITEM(maps, 1, Py_NewRef(PyTuple_GET_ITEM(asks, 0)));
    PyTuple_SET_ITEM(maps, 2, Py_NewRef(market));
    PyTuple_SET_ITEM(maps, 3, Py_NewRef(values[0]));
    PyTuple_SET_ITEM(maps, 4, Py_NewRef(values[1]));
    PyTuple_SET_ITEM(maps, 5, Py_NewRef(hash));
    PyTuple_SET_ITEM(maps, 6, Py_NewRef(PyTuple_GET_ITEM(bids, 1)));
    PyTuple_SET_ITEM(maps, 7, Py_NewRef(PyTuple_GET_ITEM(asks, 1)));
    if ((ts = PyLong_FromLongLong(ms)) == NULL) goto done;
    PyObject *partial_args[5] = {py_build_book, msg, maps, ts, received_at};
    if ((build = PyObject_Vectorcall(partial_type, partial_args, 5, NULL)) == NULL) goto done;
    if ((event = alloc(book_event_type)) == NULL) goto done;
    SLOT(event, o_be_book) = Py_NewRef(Py_None);
    SLOT(event, o_be_build) = Py_NewRef(build);
    SLOT(event, o_be_maps) = Py_NewRef(maps);
    SLOT(event, o_be_token) = Py_NewRef(asset);
    SLOT(event, o_be_ts) = Py_NewRef(ts);
    SLOT(event, o_be_received) = Py_NewRef(received_at);
    SLOT(event, o_be_last) = Py_NewRef(values[2]);
done:
    Py_XDECREF(bids);
    Py_XDECREF(asks);
    Py_XDECREF(maps);
    Py_XDECREF(ts);
    Py_XDECREF(build);
    for (int i = 0; i < 3; i++) Py_XDECREF(values[i]);
    return event;
}

/* One message -> its event, or NULL (not handled here or failed: the frame goes to Python). */
static PyObject *parse_one(PyObject *msg, PyObject *received_at) {
    PyTypeObject *type = Py_TYPE(msg);
    if (type == pc_msg_type) return fast_price_change(msg, received_at);
    if (type == ltp_msg_type) return fast_last_trade_price(msg, received_at);
    if (type == book_msg_type) return fast_book(msg, received_at);
    PyObject *parser = PyDict_GetItemWithError(parsers, (PyObject *)type);
    if (parser == NULL) return NULL;
    return PyObject_CallFunctionObjArgs(parser, msg, received_at, NULL);
}

/* decode(raw, received_at, unknown) -> list of events: parse._decode, the usual frames here. */
static PyObject *decode(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    if (nargs != 3) return PyErr_Format(PyExc_TypeError, "expected (raw, received_at, unknown)");
    if (!configured()) return NULL;
    if (!enabled) return PyObject_Vectorcall(py_decode, args, 3, NULL);
    PyObject *raw = args[0], *received_at = args[1], *unknown = args[2], *out = NULL;
    if (received_at == Py_None) {
        if ((received_at = utc_now()) == NULL) return NULL;
    } else {
        Py_INCREF(received_at);
    }
    PyObject *decoded = PyObject_CallOneArg(frame_decode, raw);
    if (decoded == NULL) goto python;
    if (PyList_CheckExact(decoded)) {
        Py_ssize_t n = PyList_GET_SIZE(decoded);
        if ((out = PyList_New(n)) == NULL) goto python;
        for (Py_ssize_t i = 0; i < n; i++) {
            PyObject *event = parse_one(PyList_GET_ITEM(decoded, i), received_at);
            if (event == NULL) goto python;
            PyList_SET_ITEM(out, i, event);
        }
    } else {
        PyObject *event = parse_one(decoded, received_at);
        if (event == NULL) goto python;
        if ((out = PyList_New(1)) == NULL) {
            Py_DECREF(event);
            goto python;
        }
        PyList_SET_ITEM(out, 0, event);
    }
    Py_DECREF(decoded);
    Py_DECREF(received_at);
    return out;
python: /* whatever went wrong, parse._decode gives the events or the error it always gave */
    Py_XDECREF(out);
    Py_XDECREF(decoded);
    if (PyErr_Occurred() && !PyErr_ExceptionMatches(PyExc_Exception)) {
        Py_DECREF(received_at); /* KeyboardInterrupt, SystemExit: not ours to retry */
        return NULL;
    }
    PyErr_Clear();
    out = PyObject_CallFunctionObjArgs(py_decode, raw, received_at, unknown, NULL);
    Py_DECREF(received_at);
    return out;
}

/* decode_market_frame(raw, *, received_at=None): parse.decode_market_frame. */
static PyObject *decode_market_frame(PyObject *self, PyObject *const *args, Py_ssize_t nargs,
                                     PyObject *kwnames) {
    PyObject *call[3] = {NULL, Py_None, Py_None};
    Py_ssize_t nkw = kwnames == NULL ? 0 : PyTuple_GET_SIZE(kwnames);
    if (nargs != 1 || nkw > 1 ||
        (nkw == 1 && PyUnicode_CompareWithASCIIString(PyTuple_GET_ITEM(kwnames, 0), "received_at") != 0))
        return PyErr_Format(PyExc_TypeError,
                            "decode_market_frame() takes one frame and received_at=");
    call[0] = args[0];
    if (nkw == 1) call[1] = args[1];
    return decode(self, call, 3);
}

static PyMethodDef methods[] = {
    {"configure", (PyCFunction)(void (*)(void))configure, METH_VARARGS | METH_KEYWORDS,
     "Hand over the Python objects the parsers build and fall back to (parse.py, at import)."},
    {"parse_price_change", (PyCFunction)(void (*)(void))parse_price_change, METH_FASTCALL,
     "parse.parse_price_change, the current schema here."},
    {"parse_last_trade_price", (PyCFunction)(void (*)(void))parse_last_trade_price,
     METH_FASTCALL, "parse.parse_last_trade_price."},
    {"level_map", (PyCFunction)(void (*)(void))level_map, METH_FASTCALL, "parse._level_map."},
    {"decode", (PyCFunction)(void (*)(void))decode, METH_FASTCALL, "parse._decode."},
    {"decode_market_frame", (PyCFunction)(void (*)(void))decode_market_frame,
     METH_FASTCALL | METH_KEYWORDS, "parse.decode_market_frame."},
    {"set_enabled", set_enabled, METH_O,
     "False: every function here calls the Python reference code instead (AcceleratorSwitch.use)."},
    {NULL, NULL, 0, NULL}};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_parse_c",
                                    "The market channel's hot path in C (see parse.py).", -1,
                                    methods};

PyMODINIT_FUNC PyInit__parse_c(void) {
    PyDateTime_IMPORT;
    if (PyDateTimeAPI == NULL) return NULL;
    return PyModule_Create(&module);
}
