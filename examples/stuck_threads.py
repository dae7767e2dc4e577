# Why is it stuck? 4 — threads: a non-daemon thread keeps its process alive
# The parent starts a daemon thread (Heartbeat) and a non-daemon thread (Collector)
# that waits for an Event nobody sets; its child starts a Reader thread that waits on
# an empty queue.Queue. A process does not exit while a non-daemon thread runs, so
# neither does: the parent's main thread waits in join(), the child's at its exit.
# ProcLens (show threads): each thread under its process with its name, daemon flag
# and what it waits for: `Event.wait()`, `Queue.get()`, `Thread.join()`.
# The fix: set the Event (or make the thread a daemon), and give the Reader its item.
# 为什么卡住了？4 —— 线程：非守护线程让进程无法退出
# 父进程启动一个守护线程（Heartbeat）和一个等待永远不会被 set 的 Event 的非守护线程（Collector）；
# 子进程启动一个在空的 queue.Queue 上等待的 Reader 线程。只要还有非守护线程在运行，进程就不会退出，
# 所以两个进程都不会结束。ProcLens（显示线程时）：每个线程显示在它的进程下，带名字、是否守护
# 以及它在等什么：`Event.wait()`、`Queue.get()`、`Thread.join()`。
# 修正：set 这个 Event（或把线程设为守护线程），并给 Reader 放入数据。
import queue
import threading
import time
from multiprocessing import Process


def beat():
    while True:
        time.sleep(0.5)


def read(items):
    items.get()


def child():
    items = queue.Queue()
    threading.Thread(target=read, args=(items,), name='Reader').start()
    print('child: Reader waits for an item', flush=True)


if __name__ == '__main__':
    threading.Thread(target=beat, name='Heartbeat', daemon=True).start()
    done = threading.Event()
    threading.Thread(target=done.wait, name='Collector').start()
    p = Process(target=child)
    p.start()
    p.join()
