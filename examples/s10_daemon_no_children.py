# §10 守护进程 — a daemon process may not start children of its own
# ProcLens: only one child appears, the daemon egon; its attempt to start alex fails, so no
#   grandchild ever shows up in the tree. egon prints the AssertionError, finishes its 2 s
#   sleep and exits with code 0; the main program joins it and exits with code 0.
#   (The lesson quotes the message as "daemon processes ..."; Python says "daemonic processes ...".)
# §10 守护进程 —— 守护进程内无法再开启子进程
# ProcLens：树中只出现一个子进程，即守护进程 egon；它开启 alex 失败，所以不会出现孙进程。
#   egon 打印出 AssertionError，睡完 2 秒后以退出码 0 结束；主程序 join 它之后以退出码 0 退出。
#   （讲义中的报错写作“daemon processes ...”，Python 实际输出为“daemonic processes ...”。）
import time
from multiprocessing import Process


def piao(name):
    print('%s piaoing' % name, flush=True)


class Piao(Process):

    def __init__(self, name):
        super().__init__()
        self.name = name

    def run(self):
        # flush=True: when stdout is a pipe (not a terminal) Python buffers it, and lines would arrive late
        # and out of order between processes.
        print('%s is piaoling' % self.name, flush=True)
        try:
            Process(target=piao, args=('alex',)).start()
        except AssertionError as e:
            # Caught so the lesson's point is printed instead of a traceback. The check is an
            # assert statement inside Process.start(), so under `python -O` it would not fire.
            print('AssertionError:', e, flush=True)
        time.sleep(2)
        print('%s piao end' % self.name, flush=True)


if __name__ == '__main__':
    p = Piao('egon')
    p.daemon = True
    p.start()
    # Without join() the main program's code would end at once and the daemon would be
    # terminated before it could even try to start a child.
    p.join()
    print('主程序', flush=True)
