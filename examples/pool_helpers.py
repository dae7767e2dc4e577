# Pools and executors 3 — the helper processes: fork server, resource tracker, Manager
# Under the forkserver start method (the default on Linux from Python 3.14), starting
# the first process also starts a fork server, which forks that process and every later
# one, and a resource tracker. Manager() starts a server process, SyncManager-1, that
# holds the shared dict; the workers change it through a proxy. maxtasksperchild=2: a
# worker exits after two tasks and the Pool starts a new one in its place.
# ProcLens: forkserver, resource_tracker and SyncManager-1 under MainProcess, none of
# them called an orphan; hover each for what it is for. Under the `Pool` row the first
# two ForkServerPoolWorkers exit 0 after `2 done` each and two new ones take their place
# (`2 workers (2 exited) · 4/6 done · 2 running`) for the last two calls; leaving the
# `with` block ends those two by SIGTERM (−15). Six calls, four workers.
# 进程池与执行器 3 —— 辅助进程：fork server、resource tracker、Manager
# 在 forkserver 启动方式下（从 Python 3.14 起它是 Linux 上的默认方式），启动第一个进程时会先启动一个
# fork server（这个进程以及之后的每个进程都由它 fork 出来）和一个 resource tracker。Manager() 启动一个
# 服务进程 SyncManager-1，由它保存共享的 dict；工作进程通过代理（proxy）修改它。
# maxtasksperchild=2：工作进程完成两个任务后退出，Pool 再开一个新的顶替它。
# ProcLens：MainProcess 下有 forkserver、resource_tracker 和 SyncManager-1，它们都不会被标成孤儿进程
# （orphan）；悬停可见各自的用途。`Pool` 这一行下，前两个 ForkServerPoolWorker 各自 `2 done` 后以 0 退出，
# 两个新的工作进程顶替它们（`2 workers (2 exited) · 4/6 done · 2 running`），完成最后两次调用；
# 离开 `with` 块时这两个被 SIGTERM 结束（−15）。六次调用，四个工作进程。
import multiprocessing
import time
from multiprocessing import Manager, Pool

squares = None


def share(shared):
    global squares
    squares = shared


def record(n):
    time.sleep(0.5)
    squares[n] = n * n


if __name__ == '__main__':
    multiprocessing.set_start_method('forkserver')
    with Manager() as manager:
        shared = manager.dict()
        with Pool(2, initializer=share, initargs=(shared,), maxtasksperchild=2) as pool:
            pool.map(record, range(6), chunksize=1)
        print(sorted(shared.items()))
