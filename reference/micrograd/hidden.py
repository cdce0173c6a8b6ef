"""The micrograd assignment's hidden half: how many random programs the hidden part draws, and the
reference with one known mistake made (mutants), which `grade validate` grades and diagnosis
compares a student's numbers with. Never shipped to students."""
from grader.micrograd import EngineHidden, Mutant

ITERATIVE_TOPO = """        topo, visited, stack = [], set(), [(self, False)]
        while stack:
            node, expanded = stack.pop()
            if expanded:
                topo.append(node)
            elif node not in visited:
                visited.add(node)
                stack.append((node, True))
                stack.extend((child, False) for child in node._prev if child not in visited)
"""

MUTANTS = (
    # = instead of += in every _backward
    Mutant("micrograd_grad_overwritten", "backward", (
        ("            self.grad += out.grad\n            other.grad += out.grad",
         "            self.grad = out.grad\n            other.grad = out.grad"),
        ("            self.grad += other.data * out.grad\n            other.grad += self.data * out.grad",
         "            self.grad = other.data * out.grad\n            other.grad = self.data * out.grad"),
        ("            self.grad += k * self.data ** (k - 1) * out.grad",
         "            self.grad = k * self.data ** (k - 1) * out.grad"),
        ("            self.grad += (1 - t ** 2) * out.grad", "            self.grad = (1 - t ** 2) * out.grad"),
        ("            self.grad += out.data * out.grad", "            self.grad = out.data * out.grad"),
    )),
    # a walk from the output that calls _backward on the way down, each node once (breadth first)
    Mutant("micrograd_no_topological_order", "backward", (
        (ITERATIVE_TOPO + """        self.grad = 1.0
        for node in reversed(topo):
            node._backward()""", """        self.grad = 1.0
        queue, seen = [self], {self}
        while queue:
            node = queue.pop(0)
            node._backward()
            for child in node._prev:
                if child not in seen:
                    seen.add(child)
                    queue.append(child)"""),
    )),
    Mutant("micrograd_grad_not_seeded", "backward", (
        ("        self.grad = 1.0\n        for node in reversed(topo):",
         "        for node in reversed(topo):"),
    )),
    Mutant("micrograd_pow_derivative", "backward", (
        ("self.grad += k * self.data ** (k - 1) * out.grad", "self.grad += k * self.data ** k * out.grad"),
    )),
    Mutant("micrograd_tanh_derivative", "backward", (
        ("self.grad += (1 - t ** 2) * out.grad", "self.grad += (1 - t) * out.grad"),
    )),
    Mutant("micrograd_missing_reflected_operator", "forward", (
        ("    def __rmul__(self, other):\n        return self * other\n", ""),
    )),
    # the recursive topological sort of micrograd itself
    Mutant("micrograd_deep_recursion", "deep chain", (
        (ITERATIVE_TOPO, """        topo, visited = [], set()

        def build(node):
            if node not in visited:
                visited.add(node)
                for child in node._prev:
                    build(child)
                topo.append(node)
        build(self)
"""),
    )),
    Mutant("micrograd_zero_grad_incomplete", "training step", (
        ("        return self.w + [self.b]", "        return self.w"),
    )),
)

HIDDEN = {"micrograd": EngineHidden(random_programs=6, ops=(8, 14), mutants=MUTANTS)}
