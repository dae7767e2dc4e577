# §10 守护进程 — a daemon child ends when the main program's code ends
# ProcLens: the daemon child egon appears, the main program prints '主程序' and its code ends;
#   multiprocessing then terminates the daemon at once, so it shows exit code -15 (SIGTERM)
#   and 'egon piao end' is never printed. 'egon is piaoling' may or may not appear,
#   depending on whether the child got that far in time.
# §10 守护进程 —— 主程序代码执行结束，守护进程随即终止
# ProcLens：出现守护子进程 egon；主程序打印“主程序”后代码执行完毕，multiprocessing 随即终止守护进程，
#   所以它显示退出码 -15（SIGTERM），“egon piao end”永远不会打印。“egon is piaoling”可能出现也可能
#   不出现，取决于子进程是否来得及运行到那一行。
import time
from multiprocessing import Process


class Piao(Process):

    def __init__(self, name):
        super().__init__()
        self.name = name

    def run(self):
        # flush=True: under ProcLens stdout is a pipe, and a terminated process never
        # flushes what is still in its buffer.
        print('%s is piaoling' % self.name, flush=True)
        time.sleep(2)
        print('%s piao end' % self.name, flush=True)


if __name__ == '__main__':
    p = Piao('egon')
    # Must be set before start(); changing it afterwards raises.
    p.daemon = True
    p.start()
    print('主程序', flush=True)
