"""The zygote: a clean process that has imported numpy and the worker harness, and nothing else.

Started once per grader process as `python -I zygote_main.py CONTROL_FD` with a clean
environment. For each worker the grader wants, it sends a request with three file descriptors
(requests in, responses out, captured output); the zygote forks, and the child sandboxes itself
and becomes the worker. Forking from here rather than from the grader means the student's process
never holds a copy of the grader's memory (reference answers, hidden cases, secrets), and starting
a worker costs a fork, not an interpreter start and a numpy import.

Worker set-up, in order: a pids cgroup of its own where the machine allows one, namespaces (then
a second fork: the worker is pid 1 of its own pid namespace) with the IPC namespace's limits at
zero, a private read-only root, resource limits, no capabilities and no_new_privs, seccomp.
Whatever cannot be had here is reported once in the handshake (the grader decides whether that is
acceptable; a weaker bound is listed as `degraded`) and the rest still applies.
"""
from __future__ import annotations

import json
import os
import signal
import socket
import stat
import sys
import tempfile
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [HERE, os.path.join(os.path.dirname(HERE), "runner")]

import numpy  # noqa: E402,F401  (the point of a zygote: imported once, shared by every fork)

import cgroups  # noqa: E402
import limits  # noqa: E402
import namespaces  # noqa: E402
import privileges  # noqa: E402
import protocol  # noqa: E402
import seccomp  # noqa: E402
from worker_main import Worker  # noqa: E402


def probe() -> tuple[dict, seccomp.Filter | None]:
    """Which layers work on this machine: try the namespaces in a throwaway child, and build the
    seccomp filter that every worker will load."""
    status = {"namespaces": False, "seccomp": False, "why": [], "degraded": []}
    try:
        seccomp_filter = seccomp.Filter()
        status["seccomp"] = True
    except OSError as error:
        seccomp_filter = None
        status["why"].append(f"seccomp unavailable ({error.strerror or error})")
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read_end)
        try:
            namespaces.enter()
        except BaseException as error:  # noqa: BLE001
            _answer(write_end, str(error).encode()[:500])
            os._exit(0)
        try:
            namespaces.close_ipc()
        except OSError as error:
            _answer(write_end, b"ok, no IPC limits: " + str(error).encode()[:400])
        else:
            _answer(write_end, b"ok")
        os._exit(0)
    os.close(write_end)
    answer = os.read(read_end, 600).decode(errors="replace")
    os.close(read_end)
    os.waitpid(pid, 0)
    if answer.startswith("ok"):
        status["namespaces"] = True
        status["ipc_limits"] = answer == "ok"
        if not status["ipc_limits"]:
            status["degraded"].append("SysV shared memory is not limited in the worker's IPC namespace "
                                      f"({answer[len('ok, no IPC limits: '):]}): it may hold memory beyond RLIMIT_AS")
    else:
        status["why"].append(f"namespaces unavailable ({answer or 'no answer'})")
    return status, seccomp_filter


def _answer(fd: int, data: bytes) -> None:
    """The probe child's answer. Entering a pid namespace forks, so two processes may answer: the
    zygote reads the first and closes the pipe, and the second one's write must not print a
    BrokenPipeError traceback (it reached reports as the zygote's stderr)."""
    try:
        os.write(fd, data)
    except BrokenPipeError:
        pass


def readonly_paths(submission: str) -> list[str]:
    """What a worker must see: the interpreter, numpy, shared libraries, the submission's folder."""
    site_packages = os.path.dirname(os.path.dirname(numpy.__file__))
    return ["/usr", sys.prefix, sys.base_prefix, sys.exec_prefix, site_packages, "/etc/ld.so.cache",
            os.path.dirname(os.path.realpath(submission))]


def bound_tasks(status: dict) -> cgroups.PidsCgroups | None:
    """How threads are bounded per worker here: a pids cgroup, else RLIMIT_NPROC in the worker's
    user namespace (only a grader that is not root gets one), else not at all; the last two are
    listed in status["degraded"]."""
    pids, why = cgroups.PidsCgroups.create(limits.MAX_TASKS)
    if pids is not None:
        status["tasks"] = "pids cgroup"
    elif status["namespaces"] and os.getuid() != 0:
        status["tasks"] = "RLIMIT_NPROC in the worker's user namespace"
        status["degraded"].append(f"threads are bounded by RLIMIT_NPROC, not a pids cgroup ({why})")
    else:
        status["tasks"] = ""
        status["degraded"].append(f"threads per worker are not bounded ({why}; RLIMIT_NPROC does not "
                                  "bind root): only the CPU limit and timeouts stop a thread flood")
    return pids


def fork_seed(control: socket.socket, status: dict, root: str, seccomp_filter: seccomp.Filter | None,
              pids: cgroups.PidsCgroups) -> tuple[int, socket.socket]:
    """Fork the next worker ahead of its request: it joins a pids cgroup of its own now, while no
    grade waits for it (moving a process into a cgroup waits ~10 ms on the kernel), then waits for
    its request on the returned socket. Returns (pid, socket)."""
    ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    pid = os.fork()
    if pid:
        theirs.close()
        return pid, ours
    try:
        control.close()
        ours.close()
        privileges.die_with_parent()
        try:
            pids.join()
            join_later = None
        except OSError:
            join_later = pids      # tried again as a worker, which refuses to start if it fails again
        message, fds, _, _ = socket.recv_fds(theirs, 65536, 3)
    except BaseException:  # noqa: BLE001
        os._exit(1)
    if not message or len(fds) != 3:
        os._exit(0)                # the zygote ended, or sent nothing usable
    become_worker(json.loads(message), fds, status, root, seccomp_filter, join_later)


def become_worker(request: dict, fds: list[int], status: dict, root: str,
                  seccomp_filter: seccomp.Filter | None, pids: cgroups.PidsCgroups | None) -> None:
    """In the forked child: sandbox this process, then serve the grader. Never returns."""
    code = 0
    try:
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        read_fd, write_fd, output_fd = fds
        os.dup2(output_fd, 1)
        os.dup2(output_fd, 2)
        null = os.open("/dev/null", os.O_RDONLY)
        os.dup2(null, 0)
        keep = {0, 1, 2, read_fd, write_fd}
        for fd in range(3, 1024):
            if fd not in keep:
                try:
                    os.close(fd)
                except OSError:
                    pass
        privileges.die_with_parent()
        try:
            _sandbox(request, status, root, read_fd, write_fd, seccomp_filter, pids)
        except BaseException as error:  # noqa: BLE001
            _refuse(read_fd, write_fd, f"the sandbox could not be set up: {error}")
            return
        Worker(read_fd, write_fd).serve()
    except BaseException:  # noqa: BLE001
        traceback.print_exc()
        code = 1
    finally:
        os._exit(code)


def _sandbox(request: dict, status: dict, root: str, read_fd: int, write_fd: int,
             seccomp_filter: seccomp.Filter | None, pids: cgroups.PidsCgroups | None) -> None:
    # A session and process group of its own: kill(0, ...) and killpg(...) from student code must
    # not reach the zygote, which serves other students.
    os.setsid()
    if request.get("sandbox") and pids is not None:
        pids.join()
    own_user_namespace = False
    if request.get("sandbox") and status["namespaces"]:
        own_user_namespace = namespaces.enter()
        if status.get("ipc_limits"):
            namespaces.close_ipc()
        child = os.fork()
        if child:
            # The parent stays outside the new pid namespace only to be killed by the grader:
            # its death takes the worker (pid 1 inside) and so the whole namespace with it.
            os.close(read_fd)
            os.close(write_fd)
            _, wait_status = os.waitpid(child, 0)
            os._exit(os.waitstatus_to_exitcode(wait_status) & 0xFF)
        os.setsid()   # not even the intermediate parent shares a process group with the worker
        privileges.die_with_parent()
        namespaces.build_root(root, readonly_paths(request["path"]))
    limits.apply_limits(int(request.get("memory_bytes", 0)), cpu_seconds=int(request.get("cpu_seconds", 120)),
                        tasks=limits.MAX_TASKS if own_user_namespace else None)
    if request.get("sandbox"):
        privileges.drop_all()
        privileges.die_with_parent()   # a change of credentials clears it: set it again
        if seccomp_filter is not None:
            seccomp_filter.load()


def _refuse(read_fd: int, write_fd: int, message: str) -> None:
    """Answer the grader's first request with the set-up error, so it can say what happened."""
    try:
        protocol.read_message(read_fd)
        protocol.write_message(write_fd, {"status": "error", "error": {
            "type": "SandboxError", "message": message, "traceback": message}}, [])
    except Exception:  # noqa: BLE001
        pass


def main() -> None:
    control = socket.socket(fileno=int(sys.argv[1]))
    # No PDEATHSIG here: it fires when the *thread* that started the zygote exits, and a server's
    # request or queue threads come and go. The zygote ends when its grader closes the control
    # socket instead (the kernel closes it when the grader dies, even by SIGKILL); its workers
    # still die with it (they set PDEATHSIG, and the zygote's one thread outlives them).
    status, seccomp_filter = probe()
    pids = bound_tasks(status)
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)   # from now on the kernel reaps finished workers
    root = mount_point()
    # Where workers join pids cgroups, the next one is always forked ahead (fork_seed).
    seed = fork_seed(control, status, root, seccomp_filter, pids) if pids is not None else None
    control.sendall(json.dumps({"pid": os.getpid(), "status": status, "seed": seed[0] if seed else None}).encode()
                    + b"\n")
    try:
        while True:
            message, fds, _, _ = socket.recv_fds(control, 65536, 3)
            if not message:
                break
            request = json.loads(message)
            if len(fds) != 3:
                for fd in fds:
                    os.close(fd)
                control.sendall(json.dumps({"error": "expected 3 file descriptors"}).encode() + b"\n")
                continue
            pid = None
            if seed is not None:
                pid, channel = seed
                try:
                    socket.send_fds(channel, [message], fds)
                except OSError:
                    pid = None      # it died meanwhile: fork one now
                channel.close()
                seed = None
            if pid is None:
                pid = os.fork()
                if pid == 0:
                    control.close()
                    become_worker(request, fds, status, root, seccomp_filter, pids)
            for fd in fds:          # closed before the next seed is forked: it must hold none of them
                os.close(fd)
            if pids is not None:
                pids.sweep()
                seed = fork_seed(control, status, root, seccomp_filter, pids)
            control.sendall(json.dumps({"pid": pid, "seed": seed[0] if seed else None}).encode() + b"\n")
    finally:
        control.close()
        if seed is not None:
            seed[1].close()         # the seed exits when it reads the end of its socket
        if pids is not None and os.fork() == 0:
            # Workers killed a moment ago may still be dying: a child of ours waits to remove their
            # cgroups, so that the grader (which waits for this process to end) does not.
            pids.close()
            os._exit(0)
    # The grader hung up: end now. There is nothing to tidy (workers die with their parent, the
    # kernel reaps them), and an interpreter's teardown with numpy loaded is a good part of the
    # grader's own exit, which waits for this process.
    os._exit(0)


def mount_point() -> str:
    """An empty folder to mount each worker's private root on (in the worker's own mount
    namespace, so the host only ever sees it empty). One per user, reused: a zygote that is killed
    with its grader leaves nothing behind."""
    path = os.path.join(tempfile.gettempdir(), f"grader-root-{os.getuid()}")
    try:
        os.mkdir(path, 0o700)
    except FileExistsError:
        info = os.lstat(path)
        if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid():
            raise RuntimeError(f"{path} exists and is not this user's folder") from None
    return path


if __name__ == "__main__":
    main()
