# §9 Process补充 — terminate() and is_alive()
# ProcLens: the child egon appears and is ended almost at once by SIGTERM; it shows exit code
#   -15 and never prints 'egon piao end'. The main program prints True, then False, then
#   'exitcode -15' (the first line is a race: occasionally False, and under fork the child
#   occasionally prints 'egon is piaoing' before the signal lands).
# §9 Process补充 —— terminate() 与 is_alive()
# ProcLens：子进程 egon 出现后几乎立刻被 SIGTERM 结束，显示退出码 -15，不会打印“egon piao end”。
#   主程序依次打印 True、False、“exitcode -15”（第一行存在竞争：偶尔是 False；在 fork 下子进程
#   偶尔会在信号到达前打印出“egon is piaoing”）。
import time
from multiprocessing import Process


class Piao(Process):

    def __init__(self, name):
        super().__init__()
        self.name = name

    def run(self):
        # flush=True: when stdout is a pipe (not a terminal) Python buffers it, and lines would arrive late
        # and out of order between processes.
        print('%s is piaoing' % self.name, flush=True)
        time.sleep(2)
        print('%s piao end' % self.name, flush=True)


if __name__ == '__main__':
    p = Piao('egon')
    p.start()

    # terminate() only sends SIGTERM and returns; the child has not died yet, so is_alive()
    # usually still says True. It is a race, though: rarely the child is already gone.
    p.terminate()
    print(p.is_alive(), flush=True)

    time.sleep(1)

    print(p.is_alive(), flush=True)

    # A negative exit code -N means "killed by signal N"; 15 is SIGTERM.
    print('exitcode', p.exitcode, flush=True)
