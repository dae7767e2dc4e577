# Why is it stuck? 3 — a Pool worker that dies
# Pool.map() hands the items to worker processes. When a worker is killed (here it
# SIGKILLs itself, as the OOM killer would), the Pool starts a new worker but never
# redoes the lost task, and map() waits for its result for ever.
# ProcLens: MainProcess reads `Pool.map() waiting for ...`, the dead worker
# `exited −9 (SIGKILL)`, and a warning row names the worker that will never answer.
# The fix: find why the worker died; concurrent.futures.ProcessPoolExecutor raises
# BrokenProcessPool instead of waiting.
# 为什么卡住了？3 —— Pool 的工作进程死掉了
# Pool.map() 把任务分给工作进程。某个工作进程被杀死（这里它对自己发 SIGKILL，就像 OOM killer 那样）时，
# Pool 会补一个新的工作进程，但不会重做丢失的任务，map() 于是永远等待它的结果。
# ProcLens：MainProcess 显示 `Pool.map() waiting for ...`，死去的工作进程显示 `exited −9 (SIGKILL)`，
# 警告行指出哪个工作进程永远不会回答。修正：查明工作进程为何死掉；
# concurrent.futures.ProcessPoolExecutor 会抛出 BrokenProcessPool 而不是一直等待。
import os
import signal
from multiprocessing import Pool


def square(n):
    if n == 2:
        os.kill(os.getpid(), signal.SIGKILL)
    return n * n


if __name__ == '__main__':
    with Pool(2) as pool:
        print(pool.map(square, range(4)))
