# §8 Process对象的join方法, example 1 — p.join(1) waits at most 1 second
# ProcLens: a child named egon (not Process-1: the subclass renames it) runs for 2 s; the main
#   program prints '主程序' after 1 s while egon is still alive, then stays in the tree until
#   egon exits with code 0.
# §8 Process对象的join方法 示例1 —— p.join(1) 最多只等 1 秒
# ProcLens：名为 egon 的子进程（子类改了名字，所以不是 Process-1）运行 2 秒；主程序在 1 秒后
#   打印“主程序”，此时 egon 仍在运行；主程序一直留在树中，直到 egon 以退出码 0 结束。
import time
from multiprocessing import Process


class Piao(Process):

    def __init__(self, name):
        super().__init__()
        # Set after super().__init__(), which would otherwise overwrite it with 'Piao-1'
        # (compare s09_name_and_pid.py).
        self.name = name

    def run(self):
        # flush=True: when stdout is a pipe (not a terminal) Python buffers it, and lines would arrive late
        # and out of order between processes.
        print('%s is piaoling' % self.name, flush=True)
        time.sleep(2)
        print('%s piao end' % self.name, flush=True)


if __name__ == '__main__':
    p = Piao('egon')
    p.start()
    p.join(1)
    print('主程序', flush=True)
