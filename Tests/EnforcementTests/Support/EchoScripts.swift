/// A TCP echo server and a client that holds one connection open, as Python scripts, so that a
/// test can show an established session dying when its peer is blocked.
enum EchoScripts {
    /// Arguments: address, port. Echoes every connection until killed.
    static let server = """
        import socket, sys, threading
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((sys.argv[1], int(sys.argv[2])))
        listener.listen()
        def echo(connection):
            while True:
                data = connection.recv(100)
                if not data:
                    return
                connection.sendall(data)
        while True:
            connection, _ = listener.accept()
            threading.Thread(target=echo, args=(connection,), daemon=True).start()
        """

    /// Arguments: address, port, status file, signal file. Writes `connected` after the first
    /// echo, waits for the signal file, then writes `alive` or `dead` after a second exchange.
    static let client = """
        import os, socket, sys, time
        address, port, status, signal = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
        connection = socket.create_connection((address, port), timeout=5)
        connection.sendall(b"one")
        assert connection.recv(100) == b"one"
        open(status, "w").write("connected")
        while not os.path.exists(signal):
            time.sleep(0.05)
        connection.settimeout(2)
        try:
            connection.sendall(b"two")
            reply = connection.recv(100)
            open(status, "w").write("alive" if reply == b"two" else "dead")
        except OSError:
            open(status, "w").write("dead")
        """
}
