# Pools and executors 1 — Pool.map() hands out twelve calls to three workers
# Pool(3) starts three worker processes; map() gives each a call of slow_square as soon
# as it is free (chunksize=1: one number at a time) and returns the results in order.
# ProcLens: MainProcess has one `Pool` row with the three ForkPoolWorkers under it
# (SpawnPoolWorker/ForkServerPoolWorker under those start methods). Each worker's row
# says what it runs, `running slow_square(4) · 0.2 s · 1 done · daemon`, and changes
# as it takes the next number; its `done` grows to about 4, and the pool row climbs
# to `12/12 done`. The timeline draws each call as a segment on its worker's lane.
# Leaving the `with` block calls pool.terminate(): the idle workers end
# `exited −15 (SIGTERM)`, which is normal for a Pool used in a `with`.
# 进程池与执行器 1 —— Pool.map() 把十二次调用分给三个工作进程
# Pool(3) 开启三个工作进程；map() 在某个工作进程空闲时就交给它一次 slow_square 调用
# （chunksize=1：一次一个数），并按顺序返回结果。
# ProcLens：MainProcess 下有一行 `Pool`，三个 ForkPoolWorker 在它下面（spawn/forkserver 下是
# SpawnPoolWorker/ForkServerPoolWorker）。每个工作进程的行写出它正在运行什么，
# `running slow_square(4) · 0.2 s · 1 done · daemon`，拿到下一个数时随之改变；它的 `done` 涨到 4 左右，
# Pool 这一行一直涨到 `12/12 done`。时间线把每次调用画成它所在工作进程泳道上的一段。
# 离开 `with` 块时会调用 pool.terminate()：空闲的工作进程以 `exited −15 (SIGTERM)` 结束，
# 对在 `with` 中使用的 Pool 来说这是正常的。
import time
from multiprocessing import Pool


def slow_square(n):
    time.sleep(0.4)
    return n * n


if __name__ == '__main__':
    with Pool(3) as pool:
        print(pool.map(slow_square, range(12), chunksize=1))
