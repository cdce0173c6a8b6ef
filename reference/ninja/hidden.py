"""The hidden half of the ninja graph: other sizes, so a node function that reads a global
(the notebook's n or Yb) instead of its arguments is caught."""
HIDDEN = {"ninja": {"n": 24, "n_hidden": 40, "n_embd": 8}}
