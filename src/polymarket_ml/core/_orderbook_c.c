/* BookRegistry.apply's usual cases in C: the same changes to the same LocalBooks, made faster.
 *
 * orderbook.py is the reference. This module applies a price_change that touches each of its
 * tokens once (the exchange's usual message: one change per token of a market) and the price of
 * a last_trade_price, exactly as LocalBook._apply_change and BookRegistry.apply do; every other
 * event, and every book that is not plainly a LocalBook, goes to the Python code. A book that
 * needs checking beyond the usual "uncrossed, and the exchange agrees" calls LocalBook._verify.
 *
 * LocalBook's and the events' fields are read and set at their slot offsets, found once in
 * configure() from the classes' member descriptors; objects are checked to be of the exact class
 * those offsets belong to before they are used.
 */
#include "../_accelerator.h"

static PyTypeObject *book_type, *price_change_type, *trade_event_type, *trade_type,
    *book_event_type, *registry_type;
static PyObject *buy;           /* Side.BUY */
static PyObject *py_apply;      /* orderbook._apply_event_python(books, registry, event) */
static PyObject *str_book, *str_market, *str_verify, *str_apply_book_event, *str_apply_change;

static Py_ssize_t o_bids, o_asks, o_best_bid, o_best_ask, o_bid_dirty, o_ask_dirty, o_bid_order,
    o_ask_order, o_book_hash, o_exchange_ts, o_received_at, o_synced, o_ignored, o_last_trade,
    o_market, o_tick_size, o_min_order_size, o_needs_resync, o_resync_reason;
static Py_ssize_t o_be_maps, o_be_token, o_be_ts, o_be_received, o_be_last_trade, o_registry_books;
static Py_ssize_t o_pc_market, o_pc_changes, o_pc_ts, o_pc_received;
static Py_ssize_t o_te_trade, o_t_token, o_t_price;

static PyObject *configure(PyObject *self, PyObject *args, PyObject *kwargs) {
    if (kwargs == NULL || PyTuple_GET_SIZE(args) != 0) {
        PyErr_SetString(PyExc_TypeError, "configure() takes keyword arguments only");
        return NULL;
    }
    if (take(kwargs, "buy", &buy) < 0 || take(kwargs, "apply_python", &py_apply) < 0 ||
        take_type(kwargs, "LocalBook", &book_type) < 0 ||
        take_type(kwargs, "PriceChange", &price_change_type) < 0 ||
        take_type(kwargs, "TradeEvent", &trade_event_type) < 0 ||
        take_type(kwargs, "Trade", &trade_type) < 0 ||
        take_type(kwargs, "BookEvent", &book_event_type) < 0 ||
        take_type(kwargs, "BookRegistry", &registry_type) < 0)
        return NULL;
    if (slot_offset(book_type, "_bids", &o_bids) < 0 ||
        slot_offset(book_type, "_asks", &o_asks) < 0 ||
        slot_offset(book_type, "_best_bid", &o_best_bid) < 0 ||
        slot_offset(book_type, "_best_ask", &o_best_ask) < 0 ||
        slot_offset(book_type, "_bid_dirty", &o_bid_dirty) < 0 ||
        slot_offset(book_type, "_ask_dirty", &o_ask_dirty) < 0 ||
        slot_offset(book_type, "_bid_order", &o_bid_order) < 0 ||
        slot_offset(book_type, "_ask_order", &o_ask_order) < 0 ||
        slot_offset(book_type, "book_hash", &o_book_hash) < 0 ||
        slot_offset(book_type, "_exchange_ts", &o_exchange_ts) < 0 ||
        slot_offset(book_type, "received_at", &o_received_at) < 0 ||
        slot_offset(book_type, "synced", &o_synced) < 0 ||
        slot_offset(book_type, "ignored_changes", &o_ignored) < 0 ||
        slot_offset(book_type, "last_trade_price", &o_last_trade) < 0 ||
        slot_offset(book_type, "market", &o_market) < 0 ||
        slot_offset(book_type, "tick_size", &o_tick_size) < 0 ||
        slot_offset(book_type, "min_order_size", &o_min_order_size) < 0 ||
        slot_offset(book_type, "needs_resync", &o_needs_resync) < 0 ||
        slot_offset(book_type, "resync_reason", &o_resync_reason) < 0 ||
        slot_offset(book_event_type, "level_maps", &o_be_maps) < 0 ||
        slot_offset(book_event_type, "token_id", &o_be_token) < 0 ||
        slot_offset(book_event_type, "_exchange_ts", &o_be_ts) < 0 ||
        slot_offset(book_event_type, "received_at", &o_be_received) < 0 ||
        slot_offset(book_event_type, "last_trade_price", &o_be_last_trade) < 0 ||
        slot_offset(registry_type, "_books", &o_registry_books) < 0 ||
        slot_offset(price_change_type, "market", &o_pc_market) < 0 ||
        slot_offset(price_change_type, "changes", &o_pc_changes) < 0 ||
        slot_offset(price_change_type, "_exchange_ts", &o_pc_ts) < 0 ||
        slot_offset(price_change_type, "received_at", &o_pc_received) < 0 ||
        slot_offset(trade_event_type, "trade", &o_te_trade) < 0 ||
        slot_offset(trade_type, "token_id", &o_t_token) < 0 ||
        slot_offset(trade_type, "price", &o_t_price) < 0)
        return NULL;
    if ((str_book == NULL && (str_book = PyUnicode_InternFromString("book")) == NULL) ||
        (str_market == NULL && (str_market = PyUnicode_InternFromString("market")) == NULL) ||
        (str_verify == NULL && (str_verify = PyUnicode_InternFromString("_verify")) == NULL) ||
        (str_apply_book_event == NULL &&
         (str_apply_book_event = PyUnicode_InternFromString("apply_book_event")) == NULL) ||
        (str_apply_change == NULL &&
         (str_apply_change = PyUnicode_InternFromString("_apply_change")) == NULL))
        return NULL;
    Py_RETURN_NONE;
}

/* Set a slot of an existing object (the old value, if any, released). */
static inline void set_slot(PyObject *obj, Py_ssize_t off, PyObject *value) {
    PyObject *old = SLOT(obj, off);
    SLOT(obj, off) = Py_NewRef(value);
    Py_XDECREF(old);
}

/* One side of LocalBook._apply_change: set or remove a level, keep the best price. `better` is
 * Py_GT for bids, Py_LT for asks. Returns -1 on error. */
static int set_level(PyObject *book, Py_ssize_t o_levels, Py_ssize_t o_best, Py_ssize_t o_dirty,
                     Py_ssize_t o_order, PyObject *price, PyObject *size, int better) {
    PyObject *levels = SLOT(book, o_levels);
    if (levels == NULL || !PyDict_CheckExact(levels)) {
        PyErr_SetString(PyExc_TypeError, "LocalBook levels are not a dict");
        return -1;
    }
    int nonzero = PyObject_IsTrue(size);
    if (nonzero < 0) return -1;
    int known = PyDict_Contains(levels, price);
    if (known < 0) return -1;
    if (nonzero) {
        if (!known) {
            set_slot(book, o_order, Py_None);
            PyObject *best = SLOT(book, o_best);
            if (SLOT(book, o_dirty) != Py_True) {
                int take = best == NULL || best == Py_None;
                if (!take && (take = PyObject_RichCompareBool(price, best, better)) < 0) return -1;
                if (take) set_slot(book, o_best, price);
            }
        }
        return PyDict_SetItem(levels, price, size);
    }
    if (!known) return 0;
    if (PyDict_DelItem(levels, price) < 0) return -1;
    set_slot(book, o_order, Py_None);
    PyObject *best = SLOT(book, o_best);
    if (best != NULL && best != Py_None) {
        int same = PyObject_RichCompareBool(price, best, Py_EQ);
        if (same < 0) return -1;
        if (same) set_slot(book, o_dirty, Py_True);
    }
    return 0;
}

/* LocalBook._apply_change(change, exchange_ts, received_at) -> bool. */
static PyObject *apply_change(PyObject *book, PyObject *change, PyObject *exchange_ts,
                              PyObject *received_at) {
    if (SLOT(book, o_synced) != Py_True) {
        int synced = SLOT(book, o_synced) != NULL && PyObject_IsTrue(SLOT(book, o_synced));
        if (!synced) {
            PyObject *ignored = SLOT(book, o_ignored);
            PyObject *one = PyLong_FromLong(1);
            PyObject *sum = ignored && one ? PyNumber_Add(ignored, one) : NULL;
            Py_XDECREF(one);
            if (sum == NULL) {
                if (!PyErr_Occurred()) PyErr_SetString(PyExc_TypeError, "LocalBook not set up");
                return NULL;
            }
            set_slot(book, o_ignored, sum);
            Py_DECREF(sum);
            Py_RETURN_FALSE;
        }
    }
    if (!PyTuple_Check(change) || PyTuple_GET_SIZE(change) != 7) {
        PyErr_SetString(PyExc_TypeError, "a LevelChange has 7 fields");
        return NULL;
    }
    PyObject *side = PyTuple_GET_ITEM(change, 1), *price = PyTuple_GET_ITEM(change, 2);
    PyObject *size = PyTuple_GET_ITEM(change, 3), *want_bid = PyTuple_GET_ITEM(change, 4);
    PyObject *want_ask = PyTuple_GET_ITEM(change, 5), *book_hash = PyTuple_GET_ITEM(change, 6);
    int err = side == buy
                  ? set_level(book, o_bids, o_best_bid, o_bid_dirty, o_bid_order, price, size, Py_GT)
                  : set_level(book, o_asks, o_best_ask, o_ask_dirty, o_ask_order, price, size, Py_LT);
    if (err < 0) return NULL;
    if (book_hash != Py_None) set_slot(book, o_book_hash, book_hash);
    if (exchange_ts != Py_None) {
        set_slot(book, o_exchange_ts, exchange_ts);
        set_slot(book, o_received_at, received_at);
    }
    PyObject *bid = SLOT(book, o_best_bid), *ask = SLOT(book, o_best_ask);
    if (bid != NULL && bid != Py_None && ask != NULL && ask != Py_None &&
        SLOT(book, o_bid_dirty) == Py_False && SLOT(book, o_ask_dirty) == Py_False) {
        int agree = PyObject_RichCompareBool(want_bid, bid, Py_EQ);
        if (agree > 0) agree = PyObject_RichCompareBool(want_ask, ask, Py_EQ);
        if (agree > 0) agree = PyObject_RichCompareBool(bid, ask, Py_LT);
        if (agree < 0) return NULL;
        if (agree) Py_RETURN_TRUE;
    }
    PyObject *args[3] = {book, want_bid, want_ask};
    return PyObject_VectorcallMethod(str_verify, args, 3 | PY_VECTORCALL_ARGUMENTS_OFFSET, NULL);
}

/* LocalBook.apply_book_event(event) for a parser's event (level maps with their best prices);
 * any other goes to the method. */
static PyObject *apply_book_event(PyObject *book, PyObject *event) {
    PyObject *maps = SLOT(event, o_be_maps);
    if (!Py_IS_TYPE(book, book_type) || maps == NULL || !PyTuple_Check(maps) ||
        PyTuple_GET_SIZE(maps) != 8 || !PyDict_CheckExact(PyTuple_GET_ITEM(maps, 0)) ||
        !PyDict_CheckExact(PyTuple_GET_ITEM(maps, 1)) || SLOT(event, o_be_ts) == NULL ||
        SLOT(event, o_be_received) == NULL || SLOT(event, o_be_last_trade) == NULL)
        goto python;
    PyObject *best_bid = PyTuple_GET_ITEM(maps, 6), *best_ask = PyTuple_GET_ITEM(maps, 7);
    if ((best_bid == Py_None) != (PyDict_GET_SIZE(PyTuple_GET_ITEM(maps, 0)) == 0) ||
        (best_ask == Py_None) != (PyDict_GET_SIZE(PyTuple_GET_ITEM(maps, 1)) == 0))
        goto python; /* best prices not given: LocalBook works them out */
    PyObject *bids = PyDict_Copy(PyTuple_GET_ITEM(maps, 0));
    if (bids == NULL) return NULL;
    PyObject *asks = PyDict_Copy(PyTuple_GET_ITEM(maps, 1));
    if (asks == NULL) {
        Py_DECREF(bids);
        return NULL;
    }
    set_slot(book, o_bids, bids);
    set_slot(book, o_asks, asks);
    Py_DECREF(bids);
    Py_DECREF(asks);
    set_slot(book, o_bid_order, Py_None);
    set_slot(book, o_ask_order, Py_None);
    set_slot(book, o_best_bid, best_bid);
    set_slot(book, o_best_ask, best_ask);
    set_slot(book, o_bid_dirty, Py_False);
    set_slot(book, o_ask_dirty, Py_False);
    if (PyTuple_GET_ITEM(maps, 2) != Py_None) set_slot(book, o_market, PyTuple_GET_ITEM(maps, 2));
    if (PyTuple_GET_ITEM(maps, 3) != Py_None)
        set_slot(book, o_tick_size, PyTuple_GET_ITEM(maps, 3));
    if (PyTuple_GET_ITEM(maps, 4) != Py_None)
        set_slot(book, o_min_order_size, PyTuple_GET_ITEM(maps, 4));
    set_slot(book, o_book_hash, PyTuple_GET_ITEM(maps, 5));
    set_slot(book, o_exchange_ts, SLOT(event, o_be_ts));
    set_slot(book, o_received_at, SLOT(event, o_be_received));
    set_slot(book, o_synced, Py_True);
    set_slot(book, o_needs_resync, Py_False);
    set_slot(book, o_resync_reason, Py_None);
    if (best_bid != Py_None && best_ask != Py_None) { /* LocalBook._verify(None, None) */
        int crossed = PyObject_RichCompareBool(best_bid, best_ask, Py_GE);
        if (crossed < 0) return NULL;
        if (crossed) {
            PyObject *call[3] = {book, Py_None, Py_None};
            PyObject *done = PyObject_VectorcallMethod(str_verify, call,
                                                       3 | PY_VECTORCALL_ARGUMENTS_OFFSET, NULL);
            if (done == NULL) return NULL;
            Py_DECREF(done);
        }
    }
    if (SLOT(event, o_be_last_trade) != Py_None)
        set_slot(book, o_last_trade, SLOT(event, o_be_last_trade));
    Py_RETURN_NONE;
python: {
    PyObject *call[2] = {book, event};
    return PyObject_VectorcallMethod(str_apply_book_event, call,
                                     2 | PY_VECTORCALL_ARGUMENTS_OFFSET, NULL);
}
}

/* The book of `token` in `books`, else registry.book(token, market=market) (a new reference). */
static PyObject *book_of(PyObject *books, PyObject *registry, PyObject *token, PyObject *market) {
    PyObject *book = PyDict_GetItemWithError(books, token);
    if (book != NULL) return Py_NewRef(book);
    if (PyErr_Occurred()) return NULL;
    PyObject *args[3] = {registry, token, market};
    PyObject *names = market == NULL ? NULL : PyTuple_Pack(1, str_market);
    if (market != NULL && names == NULL) return NULL;
    book = PyObject_VectorcallMethod(str_book, args, 2 | PY_VECTORCALL_ARGUMENTS_OFFSET, names);
    Py_XDECREF(names);
    return book;
}

/* apply(books, registry, event): BookRegistry.apply. */
static PyObject *apply(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    if (nargs != 3) return PyErr_Format(PyExc_TypeError, "expected (books, registry, event)");
    if (py_apply == NULL) {
        PyErr_SetString(PyExc_RuntimeError, "polymarket_ml _orderbook_c: configure() first");
        return NULL;
    }
    PyObject *books = args[0], *registry = args[1], *event = args[2];
    if (!PyDict_CheckExact(books)) return PyObject_Vectorcall(py_apply, args, 3, NULL);
    if (Py_IS_TYPE(event, price_change_type)) {
        PyObject *changes = SLOT(event, o_pc_changes), *market = SLOT(event, o_pc_market);
        PyObject *ts = SLOT(event, o_pc_ts), *received_at = SLOT(event, o_pc_received);
        if (changes == NULL || !PyTuple_CheckExact(changes) || market == NULL || ts == NULL ||
            received_at == NULL)
            return PyObject_Vectorcall(py_apply, args, 3, NULL);
        Py_ssize_t count = PyTuple_GET_SIZE(changes);
        if (count == 2) {
            PyObject *a = PyTuple_GET_ITEM(changes, 0), *b = PyTuple_GET_ITEM(changes, 1);
            if (!PyTuple_Check(a) || PyTuple_GET_SIZE(a) != 7 || !PyTuple_Check(b) ||
                PyTuple_GET_SIZE(b) != 7)
                return PyObject_Vectorcall(py_apply, args, 3, NULL);
            int differ = PyObject_RichCompareBool(PyTuple_GET_ITEM(a, 0), PyTuple_GET_ITEM(b, 0),
                                                  Py_NE);
            if (differ < 0) return NULL;
            if (!differ) return PyObject_Vectorcall(py_apply, args, 3, NULL);
        } else if (count != 1) {
            return PyObject_Vectorcall(py_apply, args, 3, NULL);
        }
        for (Py_ssize_t i = 0; i < count; i++) {
            PyObject *change = PyTuple_GET_ITEM(changes, i);
            if (!PyTuple_Check(change) || PyTuple_GET_SIZE(change) != 7) {
                PyErr_SetString(PyExc_TypeError, "a LevelChange has 7 fields");
                return NULL;
            }
            PyObject *book = book_of(books, registry, PyTuple_GET_ITEM(change, 0), market);
            if (book == NULL) return NULL;
            PyObject *done;
            if (Py_IS_TYPE(book, book_type)) {
                done = apply_change(book, change, ts, received_at);
            } else { /* a subclass may apply changes its own way */
                PyObject *call[4] = {book, change, ts, received_at};
                done = PyObject_VectorcallMethod(str_apply_change, call,
                                                 4 | PY_VECTORCALL_ARGUMENTS_OFFSET, NULL);
            }
            Py_DECREF(book);
            if (done == NULL) return NULL;
            Py_DECREF(done);
        }
        Py_RETURN_NONE;
    }
    if (Py_IS_TYPE(event, trade_event_type)) {
        PyObject *trade = SLOT(event, o_te_trade);
        if (trade == NULL || !Py_IS_TYPE(trade, trade_type) || SLOT(trade, o_t_token) == NULL ||
            SLOT(trade, o_t_price) == NULL)
            return PyObject_Vectorcall(py_apply, args, 3, NULL);
        PyObject *book = book_of(books, registry, SLOT(trade, o_t_token), NULL);
        if (book == NULL) return NULL;
        int err = 0;
        if (Py_IS_TYPE(book, book_type))
            set_slot(book, o_last_trade, SLOT(trade, o_t_price));
        else
            err = PyObject_SetAttrString(book, "last_trade_price", SLOT(trade, o_t_price));
        Py_DECREF(book);
        if (err < 0) return NULL;
        Py_RETURN_NONE;
    }
    if (Py_IS_TYPE(event, book_event_type)) {
        PyObject *token = SLOT(event, o_be_token);
        if (token == NULL) return PyObject_Vectorcall(py_apply, args, 3, NULL);
        PyObject *book = book_of(books, registry, token, NULL);
        if (book == NULL) return NULL;
        PyObject *done = apply_book_event(book, event);
        Py_DECREF(book);
        return done;
    }
    return PyObject_Vectorcall(py_apply, args, 3, NULL);
}

/* BookRegistry.apply(event), as a method of the class (see registry_apply). */
static PyObject *registry_apply_method(PyObject *registry, PyObject *event) {
    PyObject *books = SLOT(registry, o_registry_books);
    if (books == NULL) {
        PyErr_SetString(PyExc_AttributeError, "BookRegistry._books");
        return NULL;
    }
    PyObject *args[3] = {books, registry, event};
    if (!enabled) return PyObject_Vectorcall(py_apply, args, 3, NULL);
    return apply(NULL, args, 3);
}

static PyMethodDef registry_apply_def = {
    "apply", registry_apply_method, METH_O,
    "Route one event; events that do not touch a book (new market...) are ignored."};

/* registry_apply(BookRegistry) -> the method to set as BookRegistry.apply. */
static PyObject *registry_apply(PyObject *self, PyObject *type) {
    if (registry_type == NULL || type != (PyObject *)registry_type) {
        PyErr_SetString(PyExc_TypeError, "registry_apply() takes the configured BookRegistry");
        return NULL;
    }
    return PyDescr_NewMethod(registry_type, &registry_apply_def);
}

static PyMethodDef methods[] = {
    {"configure", (PyCFunction)(void (*)(void))configure, METH_VARARGS | METH_KEYWORDS,
     "Hand over the classes and the Python fallback (orderbook.py, at import)."},
    {"apply", (PyCFunction)(void (*)(void))apply, METH_FASTCALL,
     "apply(books, registry, event): BookRegistry.apply."},
    {"registry_apply", registry_apply, METH_O,
     "registry_apply(BookRegistry): a method descriptor for BookRegistry.apply."},
    {"set_enabled", set_enabled, METH_O,
     "False: apply() hands every event to the Python code (AcceleratorSwitch.use)."},
    {NULL, NULL, 0, NULL}};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_orderbook_c", "BookRegistry.apply's usual cases in C.", -1, methods,
    NULL, NULL, NULL, NULL};

PyMODINIT_FUNC PyInit__orderbook_c(void) { return PyModule_Create(&module); }
