package io.sqlflow.onnx;

/**
 * Why a row was not scored, in the order they are checked; the same names as the Python
 * runtime's (sqlflow/udf/tensorize.py). Code 0 means the row is fine; code i is NAMES[i - 1].
 */
final class Reasons {
    static final String[] NAMES = {"null", "wrong_type", "wrong_length", "nan", "inf"};
    static final int OK = 0;
    static final int NULL = 1;
    static final int WRONG_TYPE = 2;
    static final int WRONG_LENGTH = 3;
    static final int NAN = 4;
    static final int INF = 5;

    private Reasons() {}
}
