"""Ctrl+C in a terminal is SIGINT to every process of the foreground group.

Typed in a terminal, Ctrl+C does not go to one process: the terminal sends
SIGINT to the whole foreground process group, here the main process and the
three Pool workers alike. Python turns SIGINT into KeyboardInterrupt in each.
The common way to keep that orderly: the workers ignore SIGINT, and the main
process alone catches KeyboardInterrupt and cleans up by terminating them.

Run it, click into its terminal, and press Ctrl+C.
"""
import multiprocessing
import signal
import time


def ignore_ctrl_c():
    # Each worker leaves Ctrl+C to the main process, which terminates it.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def slow_square(n):
    time.sleep(60)
    return n * n


if __name__ == "__main__":
    pool = multiprocessing.Pool(3, initializer=ignore_ctrl_c)
    try:
        result = pool.map_async(slow_square, range(6))
        print("3 workers are busy. Click into this terminal and press Ctrl+C.", flush=True)
        print(result.get(300))
    except KeyboardInterrupt:
        print("KeyboardInterrupt in the main process: cleaning up", flush=True)
        pool.terminate()
        pool.join()
        print("cleanup done: the workers were terminated", flush=True)
