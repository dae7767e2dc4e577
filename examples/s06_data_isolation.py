# §6 Process类的使用 — data isolation: a child changes the global n, the parent does not see it
# ProcLens: one child Process-1 appears, prints '子程序 200' and exits with code 0; after the
#   join the main program still prints '主程序 100'.
# §6 Process类的使用 —— 进程间数据隔离：子进程修改全局变量 n，父进程看不到这个修改
# ProcLens：出现一个子进程 Process-1，打印“子程序 200”后以退出码 0 结束；
#   join 之后主程序打印的仍是“主程序 100”。
from multiprocessing import Process

n = 100


def foo():
    global n
    n = 200
    # flush=True: when stdout is a pipe (not a terminal) Python buffers it, and lines would arrive late
    # and out of order between processes.
    print('子程序', n, flush=True)


if __name__ == '__main__':
    p1 = Process(target=foo)
    p1.start()
    # The lesson prints without join(), so '主程序 100' may come first. Joining proves the
    # stronger point: even after the child has finished changing n, the parent still has 100.
    p1.join()
    print('主程序', n, flush=True)
