"""The sandbox around student code: a zygote that forks workers into namespaces, with seccomp,
resource limits, no capabilities and a clean environment.

The modules here other than `zygote` run inside the zygote process, which imports nothing of the
grader: they use only the standard library and ctypes, and are loaded by path.
"""
