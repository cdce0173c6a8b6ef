"""The mistakes an autograd engine exercise names: their ids with what they mean (the dashboard's
and README's catalogue) and the advice a student reads in the hint."""
from __future__ import annotations

MISTAKES = {
    "micrograd_missing_reflected_operator": "a number on the left of an operator (2 * a, 1 - a, 2 / a) raises "
                                            "TypeError: a reflected method (__rmul__, __rsub__, __rtruediv__, "
                                            "__radd__) is missing",
    "micrograd_constant_operand": "a plain number on the right of an operator (a + 1, a * 2) fails: the operator "
                                  "does not wrap it in a Value",
    "micrograd_forward_wrong": "an operation of Value computes the wrong data",
    "micrograd_not_a_number": ".data or .grad is not a plain number (int or float): a Value inside a Value, "
                              "a list, or an object of another class",
    "micrograd_not_a_value": "an operation returns a plain number (return math.exp(self.data)) instead of a new "
                             "Value, so nothing computed from it can be differentiated",
    "micrograd_grad_overwritten": "= instead of += in a _backward: right on trees, wrong where a value is used "
                                  "twice (its gradients must add up)",
    "micrograd_no_topological_order": "backward() runs a node's _backward before every use of that node has "
                                      "added to its grad: wrong on DAGs, right on trees",
    "micrograd_grad_not_seeded": "backward() never sets the output's grad to 1, so every gradient stays 0",
    "micrograd_pow_derivative": "the local derivative of a ** k is wrong",
    "micrograd_tanh_derivative": "the local derivative of tanh is wrong",
    "micrograd_local_derivative": "the local derivative of an operation (other than ** and tanh) is wrong",
    "micrograd_backward_wrong": "gradients are wrong in a way no named mistake explains",
    "micrograd_deep_recursion": "backward() fails on a long chain of operations: a recursive topological sort "
                                "goes deeper than Python's recursion limit",
    "micrograd_zero_grad_incomplete": "zero_grad() leaves the grad of some parameters (parameters() misses "
                                      "some), so gradients pile up from one training step to the next",
    "micrograd_network_structure": "the MLP does not keep its layers, neurons, weights and biases in .layers, "
                                   ".neurons, .w and .b as the assignment says",
    "micrograd_network_forward_wrong": "the MLP computes the wrong output (loss) with right Value operations",
    "micrograd_network_backward_wrong": "the MLP's parameters get wrong gradients although Value's backward is "
                                        "right",
}

ADVICE = {
    "micrograd_missing_reflected_operator": "For `2 * a` Python first asks int.__mul__, which does not know "
        "Value, then a.__rmul__(2). Define the reflected methods (__radd__, __rmul__, __rsub__, __rtruediv__) "
        "in terms of the ones you have.",
    "micrograd_constant_operand": "An operator must accept a plain number as well as a Value: wrap it "
        "(other = other if isinstance(other, Value) else Value(other)).",
    "micrograd_forward_wrong": "Check this operation's data: it is computed from its inputs' data alone.",
    "micrograd_not_a_number": "Keep .data and .grad plain numbers: an operation's data is computed from its "
        "inputs' .data, never from the Values themselves.",
    "micrograd_not_a_value": "Every operation returns a new Value, built from its inputs' .data, with the "
        "inputs as its children and its _backward attached (out = Value(math.exp(self.data), (self,), 'exp')); "
        "a plain number has no grad and no way back to its inputs.",
    "micrograd_grad_overwritten": "A value used twice receives a gradient from each use: every _backward must "
        "add into its inputs' grad (+=), never assign (=).",
    "micrograd_no_topological_order": "A node may pass its gradient on only once every use of it has added "
        "its share: build a topological order of the graph (children before parents) and call _backward in "
        "reverse of it, each node once.",
    "micrograd_grad_not_seeded": "The derivative of the output with respect to itself is 1: backward() must set "
        "self.grad = 1 before calling the _backward functions.",
    "micrograd_pow_derivative": "Check the local derivative in __pow__: d(a ** k)/da, times out.grad.",
    "micrograd_tanh_derivative": "Check the local derivative in tanh: with t = tanh(x), dt/dx = 1 - t ** 2, "
        "times out.grad.",
    "micrograd_local_derivative": "Check this operation's _backward: its local derivative, times out.grad, "
        "added into each input's grad.",
    "micrograd_backward_wrong": "Compare each _backward with the derivative of its operation, and check that "
        "backward() visits each node once, in reverse topological order.",
    "micrograd_deep_recursion": "Build the topological order without recursion (an explicit stack), or it "
        "fails past Python's recursion limit (1000 calls) on a long chain of operations.",
    "exception": "Run the expression above yourself to see the traceback.",
    "not_implemented": "Finish the TODOs of Value first.",
}
