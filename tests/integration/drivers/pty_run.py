"""pty_run.py OUT [--interrupt-after TEXT] -- ARGS…: runs ARGS on a pseudo-terminal (killed after
60 s), writes what it printed to OUT and prints the exit status (128+signal when killed by one).
With --interrupt-after, the terminal's Ctrl-C is typed once TEXT has been printed.
"""
import os, pty, select, sys, time
out = sys.argv[1]; args = sys.argv[2:]
intr = None
if args[0] == "--interrupt-after":
    intr = args[1].encode(); args = args[2:]
assert args[0] == "--"; args = args[1:]
pid, fd = pty.fork()
if pid == 0:
    os.execvp(args[0], args)
buf = b""; sent = False; t0 = time.time()
while True:
    if time.time() - t0 > 60:
        os.kill(pid, 9); break
    r, _, _ = select.select([fd], [], [], 0.2)
    if r:
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            break
        if not chunk:
            break
        buf += chunk
    if intr and not sent and intr in buf:
        time.sleep(0.3)
        os.write(fd, b"\x03")   # the terminal's Ctrl-C: SIGINT to the foreground group
        sent = True
_, status = os.waitpid(pid, 0)
open(out, "wb").write(buf)
print(os.WEXITSTATUS(status) if os.WIFEXITED(status) else 128 + os.WTERMSIG(status))
