"""Staged graphs: an exercise graded node by node (docs/staged-graphs.md).

tracer.py records a plain-numpy forward; graph.py makes its named steps a graph with local rules
and branches; kind.py is the exercise kind (grading, first wrong node, credit); diagnosis.py says
what is wrong at a node; validation.py proves a declaration for `grade validate`; arguments.py
reads a node function's parameter names from the source.
"""
