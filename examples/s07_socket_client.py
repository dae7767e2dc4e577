# §7 多进程实现并发形式的socket通信 — interactive client for s07_socket_server.py
# ProcLens: the client is a single process with no children. While it is connected, a talk
#   child for it appears under the server; type a line and the reply comes back upper-cased.
#   Ctrl+D (Ctrl+Z then Enter on Windows) or closed stdin ends the client, and its talk child
#   under the server exits with code 0.
# §7 多进程实现并发形式的socket通信 —— s07_socket_server.py 的交互式客户端
# ProcLens：客户端是单个进程，没有子进程。它连接期间，服务端下会出现一个为它服务的 talk 子进程；
#   输入一行，收到的回复是大写形式。按 Ctrl+D（Windows 上按 Ctrl+Z 再回车）或关闭标准输入即可结束
#   客户端，服务端下对应的 talk 子进程随之以退出码 0 结束。
#
# Usage / 用法: python s07_socket_client.py [port]
#   port: argv[1], else env PROCLENS_ECHO_PORT, else 9000.
import os
import socket
import sys

BUFSIZE = 1024


def get_port():
    if len(sys.argv) > 1:
        return int(sys.argv[1])
    return int(os.environ.get('PROCLENS_ECHO_PORT', 9000))


def main():
    client = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ip_port = ('127.0.0.1', get_port())
    try:
        try:
            client.connect(ip_port)
        except ConnectionRefusedError:
            print('cannot connect to %s:%d; start s07_socket_server.py first' % ip_port,
                  file=sys.stderr, flush=True)
            sys.exit(1)

        while True:
            try:
                msg = input('>>> ').strip()
            except (EOFError, KeyboardInterrupt):
                # End the prompt line so the shell's prompt starts on a fresh one.
                print(flush=True)
                break
            if not msg:
                continue
            client.sendall(msg.encode('utf-8'))
            msg_recv = client.recv(BUFSIZE)
            if not msg_recv:
                print('server closed the connection', flush=True)
                break
            print(msg_recv.decode('utf-8', 'replace'), flush=True)
    finally:
        client.close()


if __name__ == '__main__':
    main()
