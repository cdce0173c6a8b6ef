"""A seccomp filter for the worker, through libseccomp (ctypes; no Python binding needed).

Installed after the student's environment is set up and before their code is imported. Everything
not listed is allowed (numpy and the interpreter need a wide, version-dependent set of system
calls); what is listed can reach outside the process or the sandbox: new processes (threads stay
allowed), exec, sockets, tracing other processes, mounting, namespaces, eBPF, kernel keyrings,
and files in memory (memfd) that would hold memory outside the worker's limits.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import errno

SCMP_ACT_ALLOW = 0x7FFF0000
SCMP_CMP_MASKED_EQ = 7
CLONE_THREAD = 0x00010000


def _errno_action(code: int) -> int:
    return 0x00050000 | (code & 0xFFFF)


DENIED = (
    # new processes and programs (clone without CLONE_THREAD is handled below)
    "fork", "vfork", "execve", "execveat",
    # the network and local sockets
    "socket", "socketpair", "connect", "bind", "listen", "accept", "accept4",
    # other processes
    "ptrace", "process_vm_readv", "process_vm_writev", "kcmp", "pidfd_open", "pidfd_getfd",
    "pidfd_send_signal",
    # the file system tree and namespaces
    "mount", "umount2", "pivot_root", "chroot", "unshare", "setns", "move_mount", "open_tree",
    "fsopen", "fsmount", "fspick", "mount_setattr", "mknod", "mknodat", "open_by_handle_at",
    "name_to_handle_at",
    # the kernel's other doors
    "bpf", "perf_event_open", "keyctl", "add_key", "request_key", "userfaultfd", "io_uring_setup",
    "io_uring_enter", "io_uring_register", "init_module", "finit_module", "delete_module",
    "kexec_load", "kexec_file_load", "reboot", "swapon", "swapoff", "syslog", "acct", "quotactl",
    "settimeofday", "clock_settime", "clock_adjtime", "adjtimex", "sethostname", "setdomainname",
    "iopl", "ioperm", "personality", "fanotify_init", "lookup_dcookie",
    # anonymous files in memory: their pages count against no limit of the worker's (RLIMIT_AS
    # counts only what is mapped) and numpy has no use for them
    "memfd_create", "memfd_secret",
)


class _ArgCmp(ctypes.Structure):
    _fields_ = [("arg", ctypes.c_uint), ("op", ctypes.c_int), ("datum_a", ctypes.c_uint64),
                ("datum_b", ctypes.c_uint64)]


class Filter:
    """The filter, built once (the zygote builds it before it forks any worker) and loaded into
    each worker: finding libseccomp runs `ldconfig -p`, and resolving every rule's system call
    costs more than the rest of a worker's set-up."""

    def __init__(self) -> None:
        """Raises OSError when libseccomp is missing or a rule cannot be made."""
        path = ctypes.util.find_library("seccomp")
        if path is None:
            raise OSError(errno.ENOSYS, "libseccomp is not installed")
        lib = ctypes.CDLL(path, use_errno=True)
        lib.seccomp_init.restype = ctypes.c_void_p
        lib.seccomp_init.argtypes = [ctypes.c_uint32]
        lib.seccomp_syscall_resolve_name.argtypes = [ctypes.c_char_p]
        lib.seccomp_rule_add_array.argtypes = [ctypes.c_void_p, ctypes.c_uint32, ctypes.c_int, ctypes.c_uint,
                                               ctypes.POINTER(_ArgCmp)]
        lib.seccomp_load.argtypes = [ctypes.c_void_p]
        lib.seccomp_release.argtypes = [ctypes.c_void_p]
        ctx = lib.seccomp_init(SCMP_ACT_ALLOW)
        if not ctx:
            raise OSError(errno.ENOMEM, "seccomp_init failed")
        try:
            _add_rules(lib, ctx)
        except BaseException:
            lib.seccomp_release(ctx)
            raise
        self._lib, self._ctx = lib, ctx

    def load(self) -> None:
        """Load the filter into this process (and every thread it creates). Raises OSError."""
        result = self._lib.seccomp_load(self._ctx)
        if result < 0:
            raise OSError(-result, "seccomp_load failed")


def install() -> None:
    """Build the filter and load it into this process. Raises OSError."""
    Filter().load()


def _add_rules(lib, ctx) -> None:
    deny = _errno_action(errno.EPERM)
    for name in DENIED:
        number = lib.seccomp_syscall_resolve_name(name.encode())
        if number >= 0:   # a call this architecture does not have needs no rule
            _rule(lib, ctx, deny, number)
    # clone: threads (CLONE_THREAD set) are allowed, new processes are not.
    no_thread_flag = (_ArgCmp * 1)(_ArgCmp(0, SCMP_CMP_MASKED_EQ, CLONE_THREAD, 0))
    _rule(lib, ctx, deny, lib.seccomp_syscall_resolve_name(b"clone"), no_thread_flag)
    # kill(0, ...) and kill(-pgid, ...) signal whole process groups: a worker has no business
    # signalling anything but itself (pid_t is 32 bits: test the sign bit and zero of arg 0).
    kill = lib.seccomp_syscall_resolve_name(b"kill")
    _rule(lib, ctx, deny, kill, (_ArgCmp * 1)(_ArgCmp(0, SCMP_CMP_MASKED_EQ, 0x80000000, 0x80000000)))
    _rule(lib, ctx, deny, kill, (_ArgCmp * 1)(_ArgCmp(0, SCMP_CMP_MASKED_EQ, 0xFFFFFFFF, 0)))
    # clone3 passes its flags in memory, out of a filter's reach: ENOSYS makes glibc fall
    # back to clone for threads, which the rule above judges.
    clone3 = lib.seccomp_syscall_resolve_name(b"clone3")
    if clone3 >= 0:
        _rule(lib, ctx, _errno_action(errno.ENOSYS), clone3)


def _rule(lib, ctx, action: int, number: int, conditions=None) -> None:
    count = 0 if conditions is None else len(conditions)
    result = lib.seccomp_rule_add_array(ctx, action, number, count, conditions)
    if result < 0:
        raise OSError(-result, f"seccomp rule for syscall {number} failed")
