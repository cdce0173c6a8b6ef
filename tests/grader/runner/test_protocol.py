"""The wire format: values round-trip exactly, and the decoder rejects anything it cannot trust."""
import json
import math
import os
import time
import warnings

import numpy as np
import pytest

from grader.runner import protocol
from grader.runner.protocol import Closed, Opaque, ProtocolError, Ref, Timeout


def through_pipe(value):
    """Encode, frame, send over a real pipe, read back and decode (as the grader does)."""
    buffers: list[bytes] = []
    tree = protocol.encode(value, buffers)
    read_fd, write_fd = os.pipe()
    try:
        protocol.write_message(write_fd, {"value": tree}, buffers)
        header, received = protocol.read_message(read_fd, time.monotonic() + 5)
    finally:
        os.close(read_fd)
        os.close(write_fd)
    return protocol.decode(header["value"], received)


def roundtrip(value):
    buffers: list[bytes] = []
    return protocol.decode(protocol.encode(value, buffers), buffers)


def assert_same(got, expected):
    """Same types all the way down, same values (nan equals nan), same dtypes and shapes."""
    assert type(got) is type(expected), (type(got), type(expected))
    if isinstance(expected, np.ndarray):
        assert got.dtype == expected.dtype and got.shape == expected.shape
        np.testing.assert_array_equal(got, expected)
    elif isinstance(expected, np.generic):
        assert got.dtype == expected.dtype
        np.testing.assert_array_equal(got, expected)
    elif isinstance(expected, float):
        assert (math.isnan(got) and math.isnan(expected)) or (
            got == expected and math.copysign(1, got) == math.copysign(1, expected))
    elif isinstance(expected, (tuple, list)):
        assert len(got) == len(expected)
        for g, e in zip(got, expected):
            assert_same(g, e)
    elif isinstance(expected, dict):
        assert list(got) == list(expected)
        for key in expected:
            assert_same(got[key], expected[key])
    else:
        assert got == expected


_base = np.arange(24, dtype=np.float64).reshape(4, 6)

ARRAYS = {
    "float64": np.array([[1.5, -2.25], [np.nan, np.inf]]),
    "float32": np.array([0.1, -np.inf, 3.0], dtype=np.float32),
    "int64": np.array([[-(2**62), 0, 2**62]], dtype=np.int64),
    "int32": np.arange(-3, 3, dtype=np.int32).reshape(2, 3),
    "bool": np.array([True, False, True]),
    "uint8": np.array([0, 255], dtype=np.uint8),
    "complex128": np.array([1 + 2j, -0.5j]),
    "0-d float64": np.array(3.25),
    "0-d bool": np.array(False),
    "empty 1-d": np.zeros(0),
    "empty 2-d": np.zeros((3, 0), dtype=np.int32),
    "empty 3-d": np.ones((0, 2, 5), dtype=np.float32),
    "strided columns": _base[:, ::2],
    "transposed (Fortran order)": _base.T,
    "reversed": _base[::-1, ::-3],
    "broadcast (zero strides)": np.broadcast_to(np.arange(3.0), (4, 3)),
}


@pytest.mark.parametrize("send", [roundtrip, through_pipe], ids=["encode-decode", "over a pipe"])
@pytest.mark.parametrize("array", ARRAYS.values(), ids=ARRAYS.keys())
def test_arrays_round_trip_exactly(send, array):
    got = send(array)
    assert_same(got, np.asarray(array))
    assert type(got) is np.ndarray
    assert got.flags.c_contiguous and got.flags.writeable


SCALARS = [np.float64(1.5), np.float32(-0.25), np.float64(np.nan), np.int64(-7), np.int32(2**31 - 1),
           np.uint16(65535), np.bool_(True), np.bool_(False), np.complex64(1 - 1j)]


@pytest.mark.parametrize("scalar", SCALARS, ids=lambda s: f"{type(s).__name__}({s})")
def test_numpy_scalars_keep_their_type(scalar):
    got = through_pipe(scalar)
    assert type(got) is type(scalar)
    assert_same(got, scalar)


PYTHON_VALUES = [0.1, -0.0, 1e-310, 1.7976931348623157e308, math.nan, math.inf, -math.inf,
                 0, -5, 10**200, True, False, None, "", "héllo\n\x00"]


@pytest.mark.parametrize("value", PYTHON_VALUES, ids=repr)
def test_python_values_round_trip_exactly(value):
    assert_same(through_pipe(value), value)


def test_nested_tuples_lists_and_dicts_round_trip():
    value = ({"out": np.arange(6.0).reshape(2, 3), "meta": (1, [2.5, None, "s"], {"deep": (np.int64(3),)})},
             [np.array(True), (), [], {}], math.nan)
    assert_same(through_pipe(value), value)


def test_many_arrays_use_distinct_buffers():
    arrays = [np.full((2, 2), float(i)) for i in range(5)]
    got = through_pipe(tuple(arrays))
    for g, e in zip(got, arrays):
        assert_same(g, e)


def test_decoded_array_is_a_fresh_writable_copy_not_a_view_of_the_message():
    original = np.arange(4.0)
    buffers: list[bytes] = []
    tree = protocol.encode(original, buffers)
    message_buffer = bytearray(buffers[0])   # a mutable buffer: a view would see changes to it
    got = protocol.decode(tree, [message_buffer])
    assert type(got) is np.ndarray and got.flags.writeable
    assert not np.shares_memory(got, np.frombuffer(message_buffer, dtype=np.float64))
    message_buffer[:8] = np.float64(99.0).tobytes()
    got[1] = -1.0
    np.testing.assert_array_equal(got, [0.0, -1.0, 2.0, 3.0])
    assert bytes(message_buffer[8:16]) == np.float64(1.0).tobytes()


def test_refs_encode_and_resolve_only_with_a_resolver():
    buffers: list[bytes] = []
    tree = protocol.encode((Ref("cache", 1), Ref("params")), buffers)
    seen = []
    got = protocol.decode(tree, buffers, lambda name, index: seen.append((name, index)) or f"{name}:{index}")
    assert got == ("cache:1", "params:None")
    assert seen == [("cache", 1), ("params", None)]
    with pytest.raises(ProtocolError):
        protocol.decode(tree, buffers)


# ---------------------------------------------------------------------------------------------
# Values that cannot cross become Opaque


class Tagged(np.ndarray):
    """A student's own ndarray subclass."""


def _matrix():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PendingDeprecationWarning)
        return np.matrix([[1.0, 2.0]])


SUBCLASSES = {
    "MaskedArray": lambda: np.ma.masked_array([1.0, 2.0], mask=[False, True]),
    "matrix": _matrix,
    "Tagged": lambda: np.arange(3.0).view(Tagged),
}


@pytest.mark.parametrize("name", SUBCLASSES)
def test_ndarray_subclasses_encode_as_opaque(name):
    got = through_pipe(SUBCLASSES[name]())
    assert isinstance(got, Opaque)
    assert name in got.type_name and "subclass" in got.type_name


@pytest.mark.parametrize("value, type_fragment", [
    (np.array(["abc"]), "<U3"),
    (np.array([object()], dtype=object), "object"),
    (np.zeros(2, dtype="V8"), "V8"),
    (np.array(["2020-01-01"], dtype="datetime64[D]"), "datetime64"),
    ({1: "non-str key"}, "dict"),
    ({1.0, 2.0}, "set"),
    (lambda x: x, "function"),
    (2**1100, "int"),
], ids=["unicode", "object", "void", "datetime", "int-keyed dict", "set", "function", "huge int"])
def test_values_that_cannot_cross_become_opaque(value, type_fragment):
    buffers: list[bytes] = []
    tree = protocol.encode(value, buffers)
    assert buffers == []
    got = protocol.decode(tree, buffers)
    assert isinstance(got, Opaque) and type_fragment in got.type_name


def test_too_deep_value_encodes_as_opaque_that_the_decoder_accepts():
    """encode() cuts nesting deeper than MAX_DEPTH to an Opaque; decode() must read that back."""
    value = 1.0
    for _ in range(protocol.MAX_DEPTH + 4):
        value = (value,)
    got = roundtrip(value)
    while isinstance(got, tuple):
        got = got[0]
    assert isinstance(got, Opaque)


# ---------------------------------------------------------------------------------------------
# The decoder rejects what does not follow the format


def _array_tree(**changes):
    tree = {"t": "nd", "dtype": "<f8", "shape": [2, 3], "buf": 0}
    tree.update(changes)
    return tree


SIX_FLOATS = [np.arange(6.0).tobytes()]


@pytest.mark.parametrize("dtype", ["|O", "<U3", "|V8", "<M8[ns]", "<m8[s]", "|S4", np.dtype("f8").newbyteorder().str, "float64", 8, None])
def test_decoder_rejects_dtypes_outside_the_whitelist(dtype):
    # The buffer has exactly the size the dtype would need, so only the whitelist can refuse it.
    itemsize = np.dtype(dtype).itemsize if isinstance(dtype, str) else 8
    with pytest.raises(ProtocolError, match="not allowed|expected str"):
        protocol.decode(_array_tree(dtype=dtype), [bytes(6 * itemsize)])


@pytest.mark.parametrize("tree, buffers", [
    (_array_tree(shape=[2, 2]), SIX_FLOATS),
    (_array_tree(shape=[2, 4]), SIX_FLOATS),
    (_array_tree(shape=[]), SIX_FLOATS),
    (_array_tree(shape=[0]), SIX_FLOATS),
    (_array_tree(shape=[6]), [np.arange(6.0).tobytes()[:-1]]),
    (_array_tree(dtype="<f4"), SIX_FLOATS),
], ids=["too few elements", "too many elements", "0-d", "empty", "short buffer", "wrong itemsize"])
def test_decoder_rejects_shape_that_does_not_match_the_buffer(tree, buffers):
    with pytest.raises(ProtocolError, match="size"):
        protocol.decode(tree, buffers)


@pytest.mark.parametrize("shape", [[-1, -6], [-2, 3], [6.0], [True, 6], "6", None, [1] * 33],
                         ids=["negative", "negative first", "float dim", "bool dim", "string", "none",
                              "too many dims"])
def test_decoder_rejects_invalid_shapes(shape):
    with pytest.raises(ProtocolError):
        protocol.decode(_array_tree(shape=shape), SIX_FLOATS)


@pytest.mark.parametrize("index", [1, 5, -1, True, "0", None])
def test_decoder_rejects_buffer_index_out_of_range(index):
    with pytest.raises(ProtocolError):
        protocol.decode(_array_tree(buf=index), SIX_FLOATS)


@pytest.mark.parametrize("tree", [
    {"t": "pickle", "v": "gASVAAAA"},
    {"t": "set", "items": []},
    {"t": None},
    {},
    ["t", "none"],
    "none",
    None,
    {"t": "int", "v": 5},
    {"t": "int", "v": "1" * 400},
    {"t": "float", "v": 1.0},
    {"t": "bool", "v": 1},
    {"t": "str", "v": None},
    {"t": "tuple", "items": {"0": {"t": "none"}}},
    {"t": "dict", "items": [["k", {"t": "none"}]]},
    {"t": "list", "items": [{"t": "none"}] * (protocol.MAX_ITEMS + 1)},
], ids=["pickle tag", "set tag", "null tag", "no tag", "list", "string", "null", "int not a string",
        "int too long", "float not hex", "bool as int", "str not a string", "tuple items not a list",
        "dict items not an object", "too many items"])
def test_decoder_rejects_unknown_tags_and_malformed_values(tree):
    with pytest.raises(ProtocolError):
        protocol.decode(tree, [])


@pytest.mark.parametrize("tag", ["tuple", "list", "dict"])
def test_decoder_rejects_too_deep_nesting(tag):
    tree = {"t": "none"}
    for _ in range(protocol.MAX_DEPTH + 2):
        tree = {"t": tag, "items": {"k": tree} if tag == "dict" else [tree]}
    with pytest.raises(ProtocolError):
        protocol.decode(tree, [])


def test_decoder_accepts_nesting_up_to_max_depth():
    tree = {"t": "float", "v": (2.0).hex()}
    for _ in range(protocol.MAX_DEPTH):
        tree = {"t": "list", "items": [tree]}
    got = protocol.decode(tree, [])
    for _ in range(protocol.MAX_DEPTH):
        got = got[0]
    assert got == 2.0


# ---------------------------------------------------------------------------------------------
# Framing over a pipe


@pytest.fixture
def pipe():
    read_fd, write_fd = os.pipe()
    ends = {"r": read_fd, "w": write_fd}
    yield ends
    for fd in ends.values():
        if fd is not None:
            os.close(fd)


def _close_writer(pipe):
    os.close(pipe["w"])
    pipe["w"] = None


def test_message_header_and_buffers_round_trip(pipe):
    protocol.write_message(pipe["w"], {"op": "run", "n": [1, 2]}, [b"abc", b"", b"\x00" * 10])
    header, buffers = protocol.read_message(pipe["r"], time.monotonic() + 5)
    assert header == {"op": "run", "n": [1, 2]}
    assert buffers == [b"abc", b"", b"\x00" * 10]


def test_oversized_header_is_rejected_without_reading_it(pipe):
    os.write(pipe["w"], protocol.HEADER.pack(protocol.MAX_HEADER_BYTES + 1) + b"{}")
    with pytest.raises(ProtocolError, match="header too large"):
        protocol.read_message(pipe["r"], time.monotonic() + 5)


@pytest.mark.parametrize("head", [b"not json", b"{\"op\": ", b"\xff\xfe{}", b"[1, 2]", b"\"op\"", b"3"])
def test_non_json_or_non_object_header_is_rejected(pipe, head):
    os.write(pipe["w"], protocol.HEADER.pack(len(head)) + head)
    with pytest.raises(ProtocolError):
        protocol.read_message(pipe["r"], time.monotonic() + 5)


@pytest.mark.parametrize("lengths", [[-1], ["3"], 3, [1.5], [protocol.MAX_MESSAGE_BYTES, 1]])
def test_invalid_or_oversized_buffer_lengths_are_rejected(pipe, lengths):
    head = json.dumps({"op": "x", "buffers": lengths}).encode()
    os.write(pipe["w"], protocol.HEADER.pack(len(head)) + head)
    with pytest.raises(ProtocolError):
        protocol.read_message(pipe["r"], time.monotonic() + 5)


@pytest.mark.parametrize("partial", [b"", b"\x00\x00", protocol.HEADER.pack(2) + b"{"])
def test_read_message_raises_timeout_at_the_deadline(pipe, partial):
    if partial:
        os.write(pipe["w"], partial)
    started = time.monotonic()
    with pytest.raises(Timeout):
        protocol.read_message(pipe["r"], started + 0.2)
    assert 0.19 <= time.monotonic() - started < 2


def test_read_message_raises_timeout_for_a_deadline_already_past(pipe):
    protocol.write_message(pipe["w"], {"op": "x"}, [])
    with pytest.raises(Timeout):
        protocol.read_message(pipe["r"], time.monotonic() - 1)


@pytest.mark.parametrize("deadline", [None, 5.0], ids=["no deadline", "deadline"])
@pytest.mark.parametrize("partial", [b"", b"\x00\x00", protocol.HEADER.pack(10) + b'{"op"'],
                         ids=["nothing", "half a length", "half a header"])
def test_read_message_raises_closed_on_eof(pipe, partial, deadline):
    os.write(pipe["w"], partial)
    _close_writer(pipe)
    with pytest.raises(Closed):
        protocol.read_message(pipe["r"], None if deadline is None else time.monotonic() + deadline)


def test_eof_inside_the_buffers_is_closed(pipe):
    message = protocol.pack({"op": "x"}, [b"0123456789"])
    os.write(pipe["w"], message[:-4])
    _close_writer(pipe)
    with pytest.raises(Closed):
        protocol.read_message(pipe["r"], time.monotonic() + 5)


# The grader reads replies through a Reader, which cuts a message that is already in its buffer
# out without waiting: it must accept and reject exactly what read_message does, one message at a time.

def test_reader_hands_out_back_to_back_messages_one_by_one(pipe):
    messages = [protocol.pack({"status": "ok", "i": i}, [bytes([i]) * i, b""]) for i in range(5)]
    os.write(pipe["w"], b"".join(messages))
    reader = protocol.Reader(pipe["r"])
    for i in range(5):
        assert reader.read_message(time.monotonic() + 5) == ({"status": "ok", "i": i}, [bytes([i]) * i, b""])
    with pytest.raises(Timeout):
        reader.read_message(time.monotonic() + 0.05)


@pytest.mark.parametrize("head", [b"not json", b"{\"op\": ", b"\xff\xfe{}", b"[1, 2]", b"\"op\"", b"3",
                                  b"{}{}", b"{},{}", b"[" * 5000])
def test_reader_rejects_a_bad_header_only_when_its_message_comes(pipe, head):
    os.write(pipe["w"], protocol.pack({"op": "first"}, [b"x"]) + protocol.HEADER.pack(len(head)) + head
             + protocol.pack({"op": "after"}, []))
    reader = protocol.Reader(pipe["r"])
    assert reader.read_message(time.monotonic() + 5) == ({"op": "first"}, [b"x"])
    with pytest.raises(ProtocolError):
        reader.read_message(time.monotonic() + 5)


@pytest.mark.parametrize("lengths", [[-1], ["3"], 3, [1.5], [True], [protocol.MAX_MESSAGE_BYTES, 1]])
def test_reader_rejects_invalid_or_oversized_buffer_lengths(pipe, lengths):
    head = json.dumps({"op": "x", "buffers": lengths}).encode()
    os.write(pipe["w"], protocol.HEADER.pack(len(head)) + head + b"\x00" * 16)
    with pytest.raises(ProtocolError):
        protocol.Reader(pipe["r"]).read_message(time.monotonic() + 5)


def test_reader_waits_for_the_rest_of_a_message_it_has_part_of(pipe):
    message = protocol.pack({"op": "x"}, [b"0123456789"])
    os.write(pipe["w"], protocol.pack({"op": "first"}, []) + message[:-4])
    reader = protocol.Reader(pipe["r"])
    assert reader.read_message(time.monotonic() + 5) == ({"op": "first"}, [])
    os.write(pipe["w"], message[-4:])
    assert reader.read_message(time.monotonic() + 5) == ({"op": "x"}, [b"0123456789"])
    _close_writer(pipe)
    with pytest.raises(Closed):
        reader.read_message(time.monotonic() + 5)


@pytest.mark.parametrize("head", [b' {"op": "x"}', b'{"op": "x"}\n', b'{ "op" : "x" }'])
def test_reader_accepts_whitespace_around_a_header_as_read_message_does(pipe, head):
    os.write(pipe["w"], (protocol.HEADER.pack(len(head)) + head) * 2)
    assert protocol.read_message(pipe["r"], time.monotonic() + 5) == ({"op": "x"}, [])
    assert protocol.Reader(pipe["r"]).read_message(time.monotonic() + 5) == ({"op": "x"}, [])


def test_reader_reads_a_message_without_buffers_and_one_larger_than_a_pipe(pipe):
    import threading
    head = b'{"op":"bare"}'
    big = bytes(range(256)) * 4096   # 1 MiB: many reads
    writer = threading.Thread(target=lambda: os.write(pipe["w"], (protocol.HEADER.pack(len(head)) + head) * 2
                                                      + protocol.pack({"op": "big"}, [big, b"end"])))
    writer.start()
    reader = protocol.Reader(pipe["r"])
    assert reader.read_message(time.monotonic() + 5) == ({"op": "bare"}, [])
    assert reader.read_message(time.monotonic() + 5) == ({"op": "bare"}, [])   # from the buffer
    assert reader.read_message(time.monotonic() + 5) == ({"op": "big"}, [big, b"end"])
    writer.join()
