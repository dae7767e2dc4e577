# Why is it stuck? 1 — joining a process whose Queue still holds data
# The child puts 1 MB on a Queue and its code ends, but a process that has put data
# on a Queue does not exit until a feeder thread has written all of it into the pipe,
# and the pipe holds only 64 KB. The parent join()s the child before reading: each
# waits for the other, for ever. CPython's documentation warns about it ("Joining
# processes that use queues"). ProcLens: MainProcess reads `joining Process-1`,
# Process-1 reads `exiting: Queue feeder still writing 1.0 MB`, and a warning row names
# the deadlock. The fix: read the queue (q.get()) before p.join().
# 为什么卡住了？1 —— join 一个 Queue 中还有数据的进程
# 子进程向 Queue 放入 1 MB 数据后代码结束，但放过数据的进程要等 feeder 线程把数据全部写进
# 管道后才能退出，而管道只能容纳 64 KB。父进程在读取之前就 join() 子进程：双方互相等待，永不结束。
# ProcLens：MainProcess 显示 `joining Process-1`，Process-1 显示
# `exiting: Queue feeder still writing 1.0 MB`，并有一行警告指出死锁。
# 修正：先读队列（q.get()），再 p.join()。
from multiprocessing import Process, Queue


def produce(q):
    q.put(b'x' * (1024 * 1024))
    print('child: put 1 MB, my code is done', flush=True)


if __name__ == '__main__':
    q = Queue()
    p = Process(target=produce, args=(q,))
    p.start()
    p.join()  # deadlock: the child cannot exit before its data is read
    data = q.get()
    print('never printed', len(data))
