# §7 多进程实现并发形式的socket通信 — server: one child process per client connection
# ProcLens: the server waits in accept(); each client that connects gets its own talk child
#   (Process-1, Process-2, ...), which echoes the upper-cased message and exits with code 0
#   when that client disconnects. A finished talk child may linger as a zombie until the next
#   connection: Process.start() is what reaps finished children. Stop the server with Ctrl+C
#   or SIGTERM; it closes its listening socket and then waits for open connections to end.
# §7 多进程实现并发形式的socket通信 —— 服务端：每个客户端连接交给一个子进程处理
# ProcLens：服务端阻塞在 accept()；每连上一个客户端就出现一个 talk 子进程（Process-1、Process-2……），
#   它把收到的消息转成大写发回，客户端断开后以退出码 0 结束。已结束的 talk 子进程可能以僵尸进程的形式
#   留到下一次连接，因为回收已结束子进程的正是 Process.start()。用 Ctrl+C 或 SIGTERM 停止服务端：
#   它会关闭监听套接字，然后等待仍在进行的连接结束。
#
# Usage / 用法: python s07_socket_server.py [port]
#   port: argv[1], else env PROCLENS_ECHO_PORT, else 9000 (0 = any free port).
import os
import signal
import socket
import sys
from multiprocessing import Process, active_children

BUFSIZE = 1024
# The listening socket. The lesson creates it at module level; here only the main process
# creates it (see main()), because under spawn and forkserver every child re-imports this
# file and would try to bind the port again.
server = None


def get_port():
    if len(sys.argv) > 1:
        return int(sys.argv[1])
    return int(os.environ.get('PROCLENS_ECHO_PORT', 9000))


def talk(conn, addr):
    # Under fork the child inherits the server's SIGTERM handler; restoring the default keeps
    # "terminate this talk process" meaning exit code -15 under every start method.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    # Under fork the child also inherits the listening socket; if it kept it open, the port
    # would stay bound (and keep queueing new clients) after the server itself has stopped.
    if server is not None:
        server.close()
    try:
        while True:
            try:
                msg = conn.recv(BUFSIZE)
            except ConnectionError:
                break
            # recv() returns b'' once the client has closed its end; the lesson's loop
            # would spin forever here on Linux and macOS.
            if not msg:
                break
            # 'replace': a multi-byte UTF-8 character can be split between two recv() calls.
            print(msg.decode('utf-8', 'replace'), flush=True)
            try:
                conn.sendall(msg.upper())
            except ConnectionError:
                break
    except KeyboardInterrupt:
        # Ctrl+C in a terminal reaches every process in the group, not only the server.
        pass
    finally:
        conn.close()


def stop_on_sigterm(signum, frame):
    # Turn SIGTERM into the same exception as Ctrl+C so both run the cleanup below.
    raise KeyboardInterrupt


def main():
    global server
    ip_port = ('127.0.0.1', get_port())
    signal.signal(signal.SIGTERM, stop_on_sigterm)

    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        server.bind(ip_port)
        server.listen(5)
        print('listening on %s:%d' % server.getsockname()[:2], flush=True)

        while True:
            conn, addr = server.accept()
            t = Process(target=talk, args=(conn, addr))
            t.start()
            # The child now has its own copy of the connection; closing ours means the
            # connection really ends when talk() closes it.
            conn.close()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()

    # Not daemons, as in the lesson: multiprocessing joins them when the server exits.
    n = len(active_children())
    if n:
        print('server stopped; waiting for %d open connection(s) to close' % n, flush=True)
    else:
        print('server stopped', flush=True)


if __name__ == '__main__':
    main()
