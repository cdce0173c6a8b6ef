"""A test course's declarations for the shapes of CS231n's assignment 3: several outputs and
upstream gradients (lstm_step), integer inputs before the differentiable ones (word_embedding)."""
import numpy as np

from grader.declare import Exercise


def lstm_inputs(rng, config):
    n, d, h = config["N"], config["D"], config["H"]
    return {"x": rng.normal(size=(n, d)), "prev_h": rng.normal(size=(n, h)), "prev_c": rng.normal(size=(n, h)),
            "Wx": rng.normal(size=(d, 4 * h)) / np.sqrt(d), "Wh": rng.normal(size=(h, 4 * h)) / np.sqrt(h),
            "b": rng.normal(size=4 * h)}, ()


def embedding_inputs(rng, config):
    """Indices from a small vocabulary, so that some repeat (their gradients must add up)."""
    n, t, v, d = config["N"], config["T"], config["V"], config["D"]
    return {"W": rng.normal(size=(v, d))}, (rng.integers(0, v, size=(n, t)),)


EXERCISES = [
    Exercise("lstm_step", "lstm_step_forward", "lstm_step_backward", ("x", "prev_h", "prev_c", "Wx", "Wh", "b"),
             lstm_inputs, outputs=("next_h", "next_c"), batched=True, broadcast=("b",)),
    Exercise("word_embedding", "word_embedding_forward", "word_embedding_backward", ("W",), embedding_inputs,
             extras=("x",), signature=("x", "W")),
]
