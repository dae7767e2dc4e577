# Pools and executors 2 — ProcessPoolExecutor: submit(), a call that raises, map()
# Five submit() calls and one map() over three numbers run on two worker processes.
# check(3) raises ValueError in its worker; the exception travels back and is raised
# again by future.result() in the main process, which prints it and goes on.
# ProcLens: MainProcess has one `ProcessPoolExecutor` row with its two workers
# (ForkProcess-1 and -2 under fork) under it. The row ends at `8/8 done · 1 failed`: a
# call that raised counts as done, and as failed; its hover names the type,
# `ValueError ×1`. The worker that ran it says `1 failed` too.
# 进程池与执行器 2 —— ProcessPoolExecutor：submit()、一次抛出异常的调用、map()
# 五次 submit() 和一次针对三个数的 map() 在两个工作进程上运行。check(3) 在工作进程中抛出
# ValueError；这个异常被传回主进程，由 future.result() 再次抛出，主进程打印它后继续执行。
# ProcLens：MainProcess 下有一行 `ProcessPoolExecutor`，它的两个工作进程（fork 下是 ForkProcess-1
# 和 -2）在它下面。这一行最后是 `8/8 done · 1 failed`：抛出异常的调用既算完成（done），也算失败
# （failed）；悬停可见异常类型 `ValueError ×1`。运行它的工作进程也显示 `1 failed`。
import time
from concurrent.futures import ProcessPoolExecutor


def check(n):
    time.sleep(0.3)
    if n == 3:
        raise ValueError('%d is not allowed' % n)
    return n * 10


def cube(n):
    time.sleep(0.3)
    return n ** 3


if __name__ == '__main__':
    with ProcessPoolExecutor(max_workers=2) as executor:
        futures = [executor.submit(check, n) for n in range(5)]
        for future in futures:
            try:
                print(future.result())
            except ValueError as error:
                print('ValueError:', error)
        print(list(executor.map(cube, [1, 2, 3])))
