# §9 Process补充 — name and pid
# ProcLens: the child is named Piao-1, not egon: the name was set before super().__init__(),
#   which then replaced it with the default '<class name>-<number>'. The main program's 'PID'
#   line matches the child's PID in the tree; the child exits with code 0 after 2 s.
# §9 Process补充 —— name 与 pid
# ProcLens：子进程的名字是 Piao-1 而不是 egon：名字在 super().__init__() 之前设置，随后被默认名
#   “类名-序号”覆盖。主程序打印的 PID 与树中子进程的 PID 一致；子进程 2 秒后以退出码 0 结束。
import time
from multiprocessing import Process


class Piao(Process):

    def __init__(self, name):
        # Deliberately in the lesson's order: Process.__init__ below sets the default name
        # and overwrites this one.
        self.name = name
        super().__init__()

    def run(self):
        # flush=True: when stdout is a pipe (not a terminal) Python buffers it, and lines would arrive late
        # and out of order between processes.
        print('%s is piaoling' % self.name, flush=True)
        time.sleep(2)
        print('%s piao end' % self.name, flush=True)


if __name__ == '__main__':
    p = Piao('egon')
    p.start()
    print('PID', p.pid, flush=True)
    # Not in the lesson: joining here keeps the end of the output in a fixed order.
    p.join()
