"""grader.diagnosis.slips: Python slips read from a student's exception, each a fact about their line."""
from grader.diagnosis.slips import slip_hint


def test_a_misspelt_numpy_function_is_named_with_the_closest_real_one():
    hint, mistake = slip_hint("AttributeError", "AttributeError: module 'numpy' has no attribute 'suma'", "")
    assert mistake == "numpy_name_misspelt" and "np.suma" in hint and "np.sum?" in hint


def test_a_misspelt_array_method_is_named_too():
    hint, mistake = slip_hint("AttributeError", "AttributeError: 'numpy.ndarray' object has no attribute 'reshpae'", "")
    assert mistake == "numpy_name_misspelt" and ".reshape?" in hint


def test_a_name_nothing_in_numpy_resembles_gets_no_guess():
    assert slip_hint("AttributeError", "AttributeError: module 'numpy' has no attribute 'frobnicate'", "") is None
    # a plain number's missing .shape is another reading (python_scalar_input), not a misspelling
    assert slip_hint("AttributeError", "AttributeError: 'float' object has no attribute 'shape'", "") is None


def test_an_indexed_method_is_named_from_the_students_own_line():
    trace = ('  File "layers.py", line 6, in affine_forward\n    x_rows = x.reshape[N, -1]\n'
             '             ~~~~~~~~~^^^^^^^\nTypeError: \'builtin_function_or_method\' object is not subscriptable')
    hint, mistake = slip_hint("TypeError", "TypeError: 'builtin_function_or_method' object is not subscriptable", trace)
    assert mistake == "method_not_called" and ".reshape(...)" in hint
    # without the line (a hidden case's trace keeps it; an odd one may not) nothing is claimed
    assert slip_hint("TypeError", "TypeError: 'builtin_function_or_method' object is not subscriptable", "") is None


def test_an_item_stored_into_a_name_still_none_is_named_by_that_name():
    # the starter's `out, cache = None, None`, then cache['x_normed'] = x_normed (round 18)
    trace = ('  File "layers.py", line 125, in batchnorm_forward\n    cache[\'x_normed\'] = x_normed\n'
             '    ~~~~~^^^^^^^^^^^^\nTypeError: \'NoneType\' object does not support item assignment')
    message = "TypeError: 'NoneType' object does not support item assignment"
    hint, mistake = slip_hint("TypeError", message, trace)
    assert mistake == "item_assigned_on_none" and hint.startswith("cache is None") and "cache = {}" in hint
    # the name comes from the student's line: without it nothing is claimed
    assert slip_hint("TypeError", message, "") is None


def test_a_local_used_before_its_assignment_is_named_by_its_name():
    message = "UnboundLocalError: cannot access local variable 'dx' where it is not associated with a value"
    hint, mistake = slip_hint("UnboundLocalError", message, "")
    assert mistake == "name_error" and hint.startswith("dx is used on this line before")


def test_a_second_array_in_the_axis_place_of_np_sum_is_named():
    trace = ('  File "layers.py", line 40, in batchnorm_backward\n    dgamma = np.sum(dout, x_hat, axis=0)\n'
             "TypeError: sum() got multiple values for argument 'axis'")
    hint, mistake = slip_hint("TypeError", "TypeError: sum() got multiple values for argument 'axis'", trace)
    assert mistake == "array_as_axis" and "np.sum(dout * x_hat, axis=...)" in hint
    # an axis given by position is not a second array
    trace = trace.replace("np.sum(dout, x_hat, axis=0)", "np.sum(dout, 0, axis=0)")
    assert slip_hint("TypeError", "TypeError: sum() got multiple values for argument 'axis'", trace) is None


def test_a_float_size_is_told_to_use_integer_division():
    message = "TypeError: 'float' object cannot be interpreted as an integer"
    hint, mistake = slip_hint("TypeError", message, '    x_rows = x.reshape(N, D)\n')
    assert mistake == "size_true_division" and "//" in hint
    # NumPy's float: np.prod(x.shape) / N is an np.float64 (a real student's affine_forward)
    message = "TypeError: 'numpy.float64' object cannot be interpreted as an integer"
    assert slip_hint("TypeError", message, "    out = x.reshape(N, np.prod(x.shape) / N).dot(w) + b\n")[1] \
        == "size_true_division"
    assert slip_hint("TypeError", "TypeError: 'numpy.ndarray' object cannot be interpreted as an integer", "") is None


def test_a_removed_numpy_name_is_told_its_replacement_not_a_lookalike():
    # difflib alone would offer np.uint for np.int and np.iscomplex for np.complex
    for name, replacement in (("int", "int (or np.int64)"), ("complex", "np.complex128"), ("product", "np.prod")):
        hint, mistake = slip_hint("AttributeError", f"AttributeError: module 'numpy' has no attribute '{name}'", "")
        assert mistake == "numpy_removed_alias" and replacement in hint and "did you mean" not in hint


def test_layers2_reads_a_misspelling_as_a_misspelling_not_as_a_removed_alias(tmp_path):
    """layers2's own NumPy-2 reader runs before the generic one: it once told every missing numpy name
    'np.int ... removed', a misspelt np.multiplyy included."""
    from grader.engine import grade
    submission = tmp_path / "layers2.py"
    submission.write_text(
        "import numpy as np\n\n\ndef dropout_forward(x, dropout_param):\n"
        "    p, mode = dropout_param['p'], dropout_param['mode']\n"
        "    if 'seed' in dropout_param:\n        np.random.seed(dropout_param['seed'])\n"
        "    mask = None\n    if mode == 'train':\n        mask = (np.random.rand(*x.shape) < p) / p\n"
        "        out = x * mask\n    else:\n        out = x\n"
        "    return out.astype(x.dtype, copy=False), (dropout_param, mask)\n\n\n"
        "def dropout_backward(dout, cache):\n    dropout_param, mask = cache\n"
        "    if dropout_param['mode'] == 'train':\n        return np.multiplyy(dout, mask)\n    return dout\n")
    report = grade(submission, assignment="layers2")
    raised = [t for t in report.tests if t.function == "dropout_backward" and t.mistake and t.visibility.value == "visible"]
    assert raised and {t.mistake for t in raised} == {"numpy_name_misspelt"}
    assert "np.multiply?" in raised[0].hint


def test_a_removed_numpy_function_or_keyword_is_named_for_every_assignment():
    assert slip_hint("AttributeError", "module 'numpy.lib' has no attribute 'pad'", "")[1] == "numpy_removed_api"
    hint, mistake = slip_hint("TypeError", "reshape() got an unexpected keyword argument 'newshape'", "")
    assert mistake == "numpy_removed_api" and "newshape" in hint
    hint, mistake = slip_hint("TypeError", "unravel_index() got an unexpected keyword argument 'dims'", "")
    assert mistake == "numpy_removed_api" and "shape=" in hint
    # another function's unexpected keyword is not a removed one
    assert slip_hint("TypeError", "f() got an unexpected keyword argument 'newshapes'", "") is None


def test_a_range_given_as_an_axis_is_named_from_the_line():
    trace = ('  File "gates.py", line 11, in unbroadcast\n    grad = grad.sum(axis=range(grad.ndim - len(shape)))\n'
             "TypeError: 'range' object cannot be interpreted as an integer")
    hint, mistake = slip_hint("TypeError", "'range' object cannot be interpreted as an integer", trace)
    assert mistake == "axis_not_tuple" and "tuple(range(" in hint
    # a range where no axis is given (np.zeros(range(3))) is not this slip
    trace = trace.replace("grad.sum(axis=range(grad.ndim - len(shape)))", "np.zeros(range(3))")
    assert slip_hint("TypeError", "'range' object cannot be interpreted as an integer", trace) is None


def test_an_index_numpy_refuses_names_both_causes_unless_the_line_divides():
    message = ("only integers, slices (`:`), ellipsis (`...`), numpy.newaxis (`None`) and integer or boolean "
               "arrays are valid indices")
    trace = '  File "gates.py", line 22, in sum_backward\n    dout = dout[index]\n           ~~~~^^^^^^^\n'
    hint, mistake = slip_hint("IndexError", message, trace)
    assert mistake == "index_not_tuple_or_int" and "x[tuple(index)]" in hint and "//" in hint
    # a / inside the brackets is a float position: only that is said
    trace = '  File "layers.py", line 9, in f\n    out = x[:, W / 2]\n'
    assert slip_hint("IndexError", message, trace)[1] == "size_true_division"
    assert slip_hint("IndexError", message, "") is None


def test_an_array_argument_unpacked_into_sizes_is_named_only_when_it_is_an_array_argument():
    trace = ('  File "rnn_layers.py", line 9, in lstm_step_forward\n    N, H = prev_h\n'
             "ValueError: too many values to unpack (expected 2)")
    message = "too many values to unpack (expected 2)"
    hint, mistake = slip_hint("ValueError", message, trace, ("x", "prev_h", "prev_c", "Wx", "Wh", "b"))
    assert mistake == "array_unpacked_not_shape" and "N, H = prev_h.shape" in hint
    # a name that is not one of the function's array arguments (a cache tuple) is not known to be an array
    assert slip_hint("ValueError", message, trace, ("x", "Wx")) is None
    assert slip_hint("ValueError", message, trace) is None
    # a hidden case withholds the message: the line alone is the proof
    hidden = '  File "rnn_layers.py", line 9\n    N, H = prev_h\n'
    assert slip_hint("ValueError", "", hidden, ("prev_h",))[1] == "array_unpacked_not_shape"
    assert slip_hint("ValueError", "", '  File "a.py", line 3\n    out = x @ w\n', ("x", "w")) is None


def test_np_choose_past_its_limit_is_named_by_its_message():
    hint, mistake = slip_hint("ValueError", "Need at least 0 and at most 64 array objects.", "")
    assert mistake == "np_choose_limit" and "x[np.arange(N), y]" in hint


def test_a_shape_given_to_rand_is_named_from_the_line_even_without_the_message():
    trace = ('  File "layers2.py", line 9, in dropout_forward\n    mask = (np.random.rand(x.shape) < p) / p\n'
             "TypeError: 'tuple' object cannot be interpreted as an integer")
    message = "TypeError: 'tuple' object cannot be interpreted as an integer"
    hint, mistake = slip_hint("TypeError", message, trace)
    assert mistake == "rand_given_shape_tuple" and "np.random.rand(*x.shape)" in hint
    assert slip_hint("TypeError", "", trace)[1] == "rand_given_shape_tuple"     # a hidden case: the line proves it
    # the same message from another line (range(x.shape)) is not this slip
    other = trace.replace("np.random.rand(x.shape) < p", "range(x.shape)")
    assert slip_hint("TypeError", message, other) is None


def test_a_cache_unpacked_into_another_number_of_names_is_named_for_every_assignment():
    # Round 23: affine_backward unpacks four names from a cache of two (the layers assignment has no reading of its own).
    trace = '  File "layers.py", line 32, in affine_backward\n    x, w, b, reg = cache\n'
    hint, mistake = slip_hint("ValueError", "not enough values to unpack (expected 4, got 2)", trace)
    assert mistake == "cache_unpack_mismatch" and "len(cache)" in hint
    assert slip_hint("ValueError", "", '  File "layers.py", line 32\n    (fc_cache, relu_cache) = cache  # two\n')[1] \
        == "cache_unpack_mismatch"                      # a hidden case: the line proves it
    # another tuple unpacked, or another ValueError on a cache line, is not this
    assert slip_hint("ValueError", "too many values to unpack (expected 2)", trace.replace("cache", "pair")) is None
    assert slip_hint("ValueError", "operands could not be broadcast", trace.replace("x, w, b, reg = cache",
                                                                                    "x = cache[0] + w")) is None


def test_an_if_that_tests_a_whole_array_is_named_from_the_line():
    # Round 23: relu_backward's `if x > 0.0:` on an array x.
    trace = '  File "layers.py", line 52, in relu_backward\n    if x > 0.0:\n'
    message = "The truth value of an array with more than one element is ambiguous. Use a.any() or a.all()"
    hint, mistake = slip_hint("ValueError", message, trace)
    assert mistake == "array_truth_value_in_if" and "`x > 0.0`" in hint and "np.where(x > 0.0, a, b)" in hint
    assert slip_hint("ValueError", "", '  File "layers.py", line 52\n    if x > 0.0:\n')[1] == "array_truth_value_in_if"
    assert slip_hint("ValueError", message, '    dx = dout if x > 0 else 0\n')[1] == "array_truth_value_in_if"
    # the same message from Python's max(x, 0) or an `and` between arrays: not an if that tests an array
    assert slip_hint("ValueError", message, '    out = max(x, 0)\n') is None
    # a hidden case withholds the message: an if whose test could raise otherwise (a call, two arrays) proves nothing
    assert slip_hint("ValueError", "", '    if np.allclose(a, b):\n') is None
    assert slip_hint("ValueError", "", '    if x > y:\n') is None
