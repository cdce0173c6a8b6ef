HIDDEN = {"doubling": 10.0}
