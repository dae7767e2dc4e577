# Why is it stuck? 2 — a lock the parent never releases
# The parent takes a multiprocessing Lock, starts a child that needs the same lock,
# and join()s the child while still holding it: the child waits for the lock, the
# parent waits for the child. ProcLens: MainProcess reads `joining Process-1`,
# Process-1 reads `waiting in Lock.acquire()` with the line that called it, and a
# warning row says that every process of the run waits for another.
# The fix: release the lock (leave the `with` block) before join().
# 为什么卡住了？2 —— 父进程从不释放的锁
# 父进程拿到 multiprocessing 的 Lock，启动一个也需要这把锁的子进程，并在仍持有锁时 join() 它：
# 子进程等锁，父进程等子进程。ProcLens：MainProcess 显示 `joining Process-1`，
# Process-1 显示 `waiting in Lock.acquire()` 以及调用它的那一行，警告行指出每个进程都在等待另一个。
# 修正：在 join() 之前释放锁（离开 with 块）。
from multiprocessing import Lock, Process


def report(lock):
    with lock:  # waits for ever: the parent holds the lock
        print('child: got the lock', flush=True)


if __name__ == '__main__':
    lock = Lock()
    with lock:
        p = Process(target=report, args=(lock,))
        p.start()
        print('parent: holding the lock, joining the child', flush=True)
        p.join()
