#!/usr/bin/env python3
"""classify.py - classify each line of standard input with libsentiment,
from Python through ctypes, as examples/classify.c does in C.

    LIBSENTIMENT=/usr/local/lib/libsentiment.so python3 classify.py reviews.model <reviews.txt
    python3 classify.py --lib .libs/libsentiment.so reviews.model <reviews.txt

Prints one "LABEL<TAB>PROBABILITY" line per input line.  Without MODEL it
loads the default model: the file named by $SENTIMENT_MODEL, or the one
built into the library.  The library is the one given with --lib, else the
one named by $LIBSENTIMENT, else "libsentiment" found by the system.
"""
import ctypes
import ctypes.util
import os
import sys

SENTIMENT_OK = 0
SENTIMENT_ERROR_MESSAGE_SIZE = 512


class SentimentError(ctypes.Structure):
    """struct sentiment_error of sentiment.h."""
    _fields_ = [("code", ctypes.c_int),
                ("message", ctypes.c_char * SENTIMENT_ERROR_MESSAGE_SIZE)]


def load_library(path):
    if path is None:
        path = os.environ.get("LIBSENTIMENT") or ctypes.util.find_library("sentiment")
    if path is None:
        sys.exit("classify.py: libsentiment not found; give --lib PATH or set LIBSENTIMENT")
    lib = ctypes.CDLL(path)
    # Every function used, with its C types: without them ctypes would pass
    # and return plain ints, and cut 64-bit pointers and sizes short.
    model_pp, classifier_pp = ctypes.POINTER(ctypes.c_void_p), ctypes.POINTER(ctypes.c_void_p)
    err_p = ctypes.POINTER(SentimentError)
    sig = {
        "sentiment_strerror": (ctypes.c_char_p, [ctypes.c_int]),
        "sentiment_model_load": (ctypes.c_int, [model_pp, ctypes.c_char_p, err_p]),
        "sentiment_model_free": (None, [ctypes.c_void_p]),
        "sentiment_model_label_count": (ctypes.c_size_t, [ctypes.c_void_p]),
        "sentiment_model_label": (ctypes.c_char_p, [ctypes.c_void_p, ctypes.c_size_t]),
        "sentiment_classifier_create": (ctypes.c_int, [classifier_pp, ctypes.c_void_p, err_p]),
        "sentiment_classifier_free": (None, [ctypes.c_void_p]),
        "sentiment_classify": (ctypes.c_int, [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_size_t,
                                              ctypes.POINTER(ctypes.c_size_t),
                                              ctypes.POINTER(ctypes.c_float), err_p]),
    }
    for name, (restype, argtypes) in sig.items():
        fn = getattr(lib, name)
        fn.restype = restype
        fn.argtypes = argtypes
    return lib


def fail(lib, rc, err):
    message = err.message.decode("utf-8", "replace") or lib.sentiment_strerror(rc).decode()
    sys.exit("classify.py: " + message)


def main(argv):
    lib_path = None
    if len(argv) > 2 and argv[1] == "--lib":
        lib_path = argv[2]
        argv = argv[:1] + argv[3:]
    if len(argv) > 2 or (len(argv) == 2 and argv[1].startswith("-")):
        sys.stderr.write("usage: classify.py [--lib LIBRARY] [MODEL] <REVIEWS\n"
                         "Classifies each line of standard input.  Without MODEL, the default\n"
                         "model: the file named by $SENTIMENT_MODEL, or the one built into\n"
                         "the library.\n")
        return 2
    lib = load_library(lib_path)
    model_path = os.fsencode(argv[1]) if len(argv) == 2 else None  # None: default model

    err = SentimentError()
    model = ctypes.c_void_p()
    classifier = ctypes.c_void_p()
    rc = lib.sentiment_model_load(ctypes.byref(model), model_path, ctypes.byref(err))
    if rc != SENTIMENT_OK:
        fail(lib, rc, err)
    try:
        rc = lib.sentiment_classifier_create(ctypes.byref(classifier), model, ctypes.byref(err))
        if rc != SENTIMENT_OK:
            fail(lib, rc, err)
        probs = (ctypes.c_float * lib.sentiment_model_label_count(model))()
        label = ctypes.c_size_t()
        out = sys.stdout
        for line in sys.stdin.buffer:
            text = line.rstrip(b"\n").rstrip(b"\r")
            rc = lib.sentiment_classify(classifier, text, len(text), ctypes.byref(label),
                                        probs, ctypes.byref(err))
            if rc != SENTIMENT_OK:
                fail(lib, rc, err)
            name = lib.sentiment_model_label(model, label.value).decode("utf-8", "replace")
            out.write("%s\t%.4f\n" % (name, probs[label.value]))
        out.flush()
    finally:
        lib.sentiment_classifier_free(classifier)
        lib.sentiment_model_free(model)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
