# §6 Process类的使用 — start four child processes with Process(target=piao, args=(name,))
# ProcLens: four children Process-1..Process-4 appear under the main program; the main
#   program prints '主线程' and reaches the end of its code, yet it stays in the tree until
#   all four children exit with code 0 about 2 s later. Under spawn/forkserver '主线程' comes
#   first in practice; under fork a child that is already running may print before it.
# §6 Process类的使用 —— 用 Process(target=piao, args=(name,)) 开启四个子进程
# ProcLens：主程序下出现四个子进程 Process-1..Process-4；主程序打印“主线程”并执行完自己的代码，
#   但仍留在进程树中，约 2 秒后四个子进程都以退出码 0 结束，它才退出。在 spawn/forkserver 下
#   “主线程”实际上总是第一行；在 fork 下，已经运行起来的子进程可能抢先打印。
import time
from multiprocessing import Process


def piao(name):
    # flush=True: when stdout is a pipe (not a terminal) Python buffers it, and lines would arrive late
    # and out of order between processes.
    print('%s piaoing' % name, flush=True)
    time.sleep(2)
    print('%s piao end' % name, flush=True)


if __name__ == '__main__':
    p1 = Process(target=piao, args=('egon',))
    p2 = Process(target=piao, args=('alex',))
    p3 = Process(target=piao, args=('wupeiqi',))
    p4 = Process(target=piao, args=('yuanhao',))

    p1.start()
    p2.start()
    p3.start()
    p4.start()

    # No join(): multiprocessing's exit handler joins non-daemon children, which is why
    # the main process waits in the tree after printing this.
    print('主线程', flush=True)
