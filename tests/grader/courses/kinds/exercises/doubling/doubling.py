def double(x):
    raise NotImplementedError("double x")
