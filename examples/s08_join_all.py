# §8 Process对象的join方法, example 2 — start all four processes first, then join them all
# ProcLens: four children Process-1..Process-4 run side by side for about 3 s (not 4 × 3 s)
#   and exit with code 0; only then does the main program print '主线程' and exit.
# §8 Process对象的join方法 示例2 —— 先全部 start，再全部 join
# ProcLens：四个子进程 Process-1..Process-4 并发运行约 3 秒（而不是 4 × 3 秒），
#   以退出码 0 结束；之后主程序才打印“主线程”并退出。
import time
from multiprocessing import Process


def piao(name):
    # flush=True: when stdout is a pipe (not a terminal) Python buffers it, and lines would arrive late
    # and out of order between processes.
    print('%s piaoling' % name, flush=True)
    time.sleep(3)
    print('%s piao end' % name, flush=True)


if __name__ == '__main__':
    p1 = Process(target=piao, args=('egon',))
    p2 = Process(target=piao, args=('alex',))
    p3 = Process(target=piao, args=('wupeiqi',))
    p4 = Process(target=piao, args=('yuanhao',))

    # The lesson first writes p1.start() ... p4.start() and p1.join() ... p4.join() one by one,
    # then shows this loop as a rewrite of them. Use one form or the other, never both:
    # starting a Process twice raises AssertionError('cannot start a process twice').
    p_l = [p1, p2, p3, p4]
    for p in p_l:
        p.start()

    # Joining only after every start() lets the four children run concurrently.
    for p in p_l:
        p.join()

    print('主线程', flush=True)
