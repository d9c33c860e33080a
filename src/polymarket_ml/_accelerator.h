/* What the C accelerators (core/_orderbook_c.c, sources/polymarket/_parse_c.c) share: reading
 * and setting the slots of Python objects at offsets found once, taking the objects their
 * configure() is handed, and the switch to the Python code (AcceleratorSwitch.use). Each extension
 * includes it once and gets its own copy of these statics. */
#ifndef POLYMARKET_ML_ACCELERATOR_H
#define POLYMARKET_ML_ACCELERATOR_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <structmember.h>

/* The object stored in the slot at `off` of `obj` (NULL: unset). Only for objects checked to
 * be of the class `off` was found in. */
#define SLOT(obj, off) (*(PyObject **)((char *)(obj) + (off)))

/* set_enabled(False): every entry point of the extension calls the Python code instead. */
static int enabled = 1;

static PyObject *set_enabled(PyObject *self, PyObject *flag) {
    int on = PyObject_IsTrue(flag);
    if (on < 0) return NULL;
    enabled = on;
    Py_RETURN_NONE;
}

/* The offset of the object slot `name` of `type`, from its member descriptor. */
static int slot_offset(PyTypeObject *type, const char *name, Py_ssize_t *out) {
    PyObject *descr = PyObject_GetAttrString((PyObject *)type, name);
    if (descr == NULL) return -1;
    if (!Py_IS_TYPE(descr, &PyMemberDescr_Type)) {
        PyErr_Format(PyExc_TypeError, "%s.%s is not a slot", type->tp_name, name);
        Py_DECREF(descr);
        return -1;
    }
    PyMemberDef *member = ((PyMemberDescrObject *)descr)->d_member;
    Py_DECREF(descr);
    if (member->type != T_OBJECT_EX && member->type != T_OBJECT) {
        PyErr_Format(PyExc_TypeError, "%s.%s is not an object slot", type->tp_name, name);
        return -1;
    }
    *out = member->offset;
    return 0;
}

/* configure()'s keyword `name` into `*out` (a new reference; any old one released). */
static int take(PyObject *kwargs, const char *name, PyObject **out) {
    PyObject *value = PyDict_GetItemString(kwargs, name);
    if (value == NULL) {
        PyErr_Format(PyExc_TypeError, "configure() needs %s", name);
        return -1;
    }
    Py_XSETREF(*out, Py_NewRef(value));
    return 0;
}

/* take(), for a keyword that must be a class. */
static int take_type(PyObject *kwargs, const char *name, PyTypeObject **out) {
    PyObject *value = NULL;
    if (take(kwargs, name, &value) < 0) return -1;
    if (!PyType_Check(value)) {
        PyErr_Format(PyExc_TypeError, "configure(): %s is not a class", name);
        Py_DECREF(value);
        return -1;
    }
    Py_XSETREF(*out, (PyTypeObject *)value);
    return 0;
}

#endif
